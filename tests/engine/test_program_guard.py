"""The compiled program's entry checks: calls that would read or write outside the buffers are
refused (ValueError "program: ...") before a single element is touched."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from engine.program import evaluate_program, monitor_program, predict_program, train_steps
from engine.program import plan as P
from engine.build import session_from_configs


@pytest.fixture(scope="module")
def session():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3))
    y = rng.integers(0, 3, (40, 1)).astype(float)
    data = SimpleNamespace(x_train=x[:32], y_train=y[:32], x_val=x[32:], y_val=y[32:])
    layers = [{"type": "dense", "units": 8}, {"type": "batch_norm"}, {"type": "dropout", "rate": 0.2},
              {"type": "dense", "units": 3}, {"type": "activation", "function": "softmax"}]
    return session_from_configs(layers, {"type": "adam"}, None,
                                {"type": "sparse_categorical_crossentropy"}, data, batch_size=8)


def _train_args(s, **over):
    m = s.model
    k = 2
    args = dict(ip=m.ip, fp=m.fp, ptab=m.ptab, lay=m.lay, params=m.params, grads=m.grads,
                state=m.state, work=m.work, slots=s.slots, wprev=s.wprev, x=s.x, y=s.y, sw=s.sw,
                bidx=np.arange(16, dtype=np.int64), bstart=np.array([0, 8, 16], np.int64),
                lrs=np.full(k, 1e-3), moms=np.full(k, 0.9), hp=s.optimizer.hparams(),
                ostate=s.ostate.copy(), icfg=_icfg(s), fcfg=np.full(3, np.nan),
                losses=np.zeros(k), accs=np.zeros(k), pmon=s.monitors.pmon,
                res=np.zeros(P.RES_LEN, np.int64))
    args.update(over)
    return args


def _icfg(s):
    icfg = np.zeros(P.ICFG_LEN, np.int64)
    icfg[[P.I_LOSS, P.I_FUSED, P.I_OPT, P.I_NFWD, P.I_APPLY]] = [s.loss.code, s.fused,
                                                                s.optimizer.code, s.n_fwd, 0]
    return icfg


def test_a_valid_call_passes(session):
    args = _train_args(session)
    train_steps(**args)
    assert args["res"][P.R_DONE] == 2


@pytest.mark.parametrize("what, change", [
    ("sample index past the rows", {"bidx": np.array([0] * 15 + [32], np.int64)}),
    ("negative sample index (checkpoint pos -1)", {"bidx": np.array([-1] * 16, np.int64)}),
    ("empty batch", {"bstart": np.array([0, 0, 16], np.int64)}),
    ("batch larger than the capacity", {"bidx": np.zeros(600, np.int64),
                                        "bstart": np.array([0, 300, 600], np.int64)}),
    ("batch starts past the indices", {"bstart": np.array([0, 8, 40], np.int64)}),
    ("too few per-step arrays", {"moms": np.zeros(1)}),
    ("wrong feature count", {"x": np.zeros((32, 4), np.float32)}),
    ("wrong target columns", {"y": np.zeros((32, 3), np.float32)}),
    ("class index past the outputs", {"y": np.full((32, 1), 3.0, np.float32)}),
    ("short slots", {"slots": np.zeros((3, 5), np.float32)}),
])
def test_out_of_bounds_training_calls_are_refused(session, what, change):
    before = session.model.params.copy()
    with pytest.raises(ValueError, match="^program: "):
        train_steps(**_train_args(session, **change))
    np.testing.assert_array_equal(session.model.params, before)


def test_a_plan_that_does_not_fit_its_buffers_is_refused(session):
    m = session.model
    with pytest.raises(ValueError, match="work buffer"):
        train_steps(**_train_args(session, work=m.work[:100].copy()))
    ip = m.ip.copy()
    ip[3, P.C_IN] += 1  # widths no longer chain
    with pytest.raises(ValueError, match="chain"):
        train_steps(**_train_args(session, ip=ip))
    with pytest.raises(ValueError, match="parameter"):
        train_steps(**_train_args(session, params=m.params[:10].copy(),
                                  grads=m.grads[:10].copy(), wprev=session.wprev[:10].copy()))


def test_inference_calls_check_widths_and_targets(session):
    m = session.model
    x = np.zeros((5, 3), np.float32)
    with pytest.raises(ValueError, match="input width"):
        predict_program(m.ip, m.fp, m.lay, m.params, m.state, m.work, np.zeros((5, 4), np.float32),
                        np.zeros((5, 3), np.float32), False, 0, 0)
    with pytest.raises(ValueError, match="output array"):
        predict_program(m.ip, m.fp, m.lay, m.params, m.state, m.work, x,
                        np.zeros((5, 2), np.float32), False, 0, 0)
    result = np.zeros(2)
    with pytest.raises(ValueError, match="class index"):
        evaluate_program(m.ip, m.fp, m.lay, m.params, m.state, m.work, x,
                         np.full((5, 1), 7.0, np.float32), session.loss.code, session.fused,
                         session.n_fwd, result)
    mon = session.monitors
    with pytest.raises(ValueError, match="monitor"):
        monitor_program(m.ip, m.fp, m.lay, m.params, m.state, m.work,
                        np.zeros((m.capacity + 1, 3), np.float32), mon.edges, mon.hist, mon.amon)
