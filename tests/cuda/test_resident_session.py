"""A TrainingSession on a resident CudaProgram (weights stay on the device between calls) gives the
drop-in session's results bit for bit: every read of host weights syncs first, every write is
uploaded before the next step."""
from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest

from engine.backends.cuda import CudaProgram
from engine.backends.cuda_session import use_cuda
from engine.layers import from_config as layer_from_config
from engine.build import session_from_configs
from tests.helpers.cuda_program import SMALL_DESIGN_LAYERS, make_cuda_session, make_data

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(300)]


def _args(**kw):
    x, y, _ = make_data(20)
    data = SimpleNamespace(x_train=x[:16], y_train=y[:16], x_val=x[16:], y_val=y[16:])
    layers = [layer_from_config(copy.deepcopy(c)) for c in SMALL_DESIGN_LAYERS]
    args = dict(layers=layers, optimizer={"type": "adam", "learning_rate": 0.01},
                loss={"type": "binary_crossentropy"}, data=data, seed=0, batch_size=8, epochs=6)
    args.update(kw)
    return args


def _same(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert wa.keys() == wb.keys()
    for k in wa:
        np.testing.assert_array_equal(wa[k], wb[k], err_msg=k)


def test_resident_session_matches_drop_in_through_reads_and_writes():
    drop = make_cuda_session(**_args())
    res = make_cuda_session(resident=True, **_args())
    assert res.program.resident and not drop.program.resident
    for s in (drop, res):
        s.step()
    host_before = res.model.params.copy()
    a, b = drop.step(), res.step()
    assert b.loss == a.loss
    # the step's weights stayed on the device until the snapshot asked for them
    assert not np.array_equal(res.model.params, host_before)
    assert [l.weight_norm for l in b.layers] == [l.weight_norm for l in a.layers]
    for key in ("batch_mean", "moving_mean", "moving_var"):
        np.testing.assert_array_equal(b.layers[1].bn[key], a.layers[1].bn[key], err_msg=key)
    _same(drop, res)
    saved = res.state_dict()
    a, b = drop.run(3), res.run(3)
    assert b.loss == a.loss and b.val_loss == a.val_loss
    res.load_state_dict(saved)  # resume: the same three steps again, bit for bit
    assert res.run(3).loss == b.loss
    _same(drop, res)
    # writes: set_weights, set_optimizer, a layer option
    w = {k: v * 0.5 for k, v in drop.get_weights().items()}
    for s in (drop, res):
        s.set_weights(w)
        s.set_optimizer({"type": "sgd", "learning_rate": 0.05, "momentum": 0.9})
        s.set_layer_option("do1", enabled=False)
    a, b = drop.step(), res.step()
    assert b.loss == a.loss
    _same(drop, res)
    for s in (drop, res):
        s.reset(seed=4)
    assert drop.step().loss == res.step().loss


def test_resident_early_stopping_restores_best_weights():
    es = {"monitor": "val_loss", "patience": 1, "restore_best": True}
    kw = dict(optimizer={"type": "sgd", "learning_rate": 3.0}, epochs=8, early_stopping=es)
    drop = make_cuda_session(**_args(**kw))
    res = make_cuda_session(resident=True, **_args(**kw))
    a, b = drop.run(16), res.run(16)
    assert a.status == b.status and a.step == b.step
    _same(drop, res)


def test_use_cuda_switches_an_existing_session_and_keeps_its_weights():
    cpu = session_from_configs(**_args())
    other = session_from_configs(**_args())
    for s in (cpu, other):
        s.step()
    use_cuda(other, resident=True)
    assert isinstance(other.program, CudaProgram) and other.monitors.program is other.program
    a, b = cpu.step(), other.step()
    assert b.loss == pytest.approx(a.loss, rel=1e-4)
    x = np.linspace(-1, 1, 10).reshape(5, 2)
    np.testing.assert_allclose(other.predict(x, training=True, batch_size=2)[0],
                               cpu.predict(x, training=True, batch_size=2)[0],
                               rtol=1e-4, atol=1e-5)
