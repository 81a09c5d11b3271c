"""Contract audit (docs/FORMAT.md, docs/NUMERICS.md: one_cycle, reduce_on_plateau, early stopping,
noise layers, rrelu, MC dropout, softmax placement, format/version, layer-id keyed randomness)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.build import build_session
from engine.design import Design, load_design
from engine.errors import BadInput

FORMAT = "network-playground/design"
ROOT = Path(__file__).resolve().parents[2]


def inline(x, y, layers, optimizer=None, schedule=None, loss="mse", batch="full", epochs=100,
           early_stopping=None, train_fraction=1.0, seed=1):
    d = {"format": FORMAT, "version": 1, "seed": seed,
         "data": {"dataset": {"x_train": np.asarray(x).tolist(), "y_train": np.asarray(y).tolist()},
                  "train_fraction": train_fraction, "standardize": False},
         "model": {"input_dim": int(np.shape(x)[1]), "layers": layers},
         "loss": {"type": loss}, "optimizer": optimizer or {"type": "sgd", "learning_rate": 1e-9},
         "schedule": schedule or {"type": "constant"},
         "training": {"batch_size": batch, "epochs": epochs, "shuffle": False,
                      "early_stopping": early_stopping}}
    return build_session(d)


def unit_dense(s, i=0):
    s.set_weights({f"layers.{i}.kernel": np.ones((1, 1), np.float32),
                   f"layers.{i}.bias": np.zeros(1, np.float32)})


RNG = np.random.default_rng(5)
XR = RNG.standard_normal((20, 2))
YR = RNG.standard_normal((20, 1))
LIN = [{"id": "d", "type": "dense", "units": 1}]


# ---------------------------------------------------------------- schedules with state
def test_one_cycle_lr_and_momentum_cycle():
    s = inline(XR, YR, LIN, {"type": "sgd", "learning_rate": 0.01, "momentum": 0.9},
               {"type": "one_cycle", "max_lr": 0.1, "total_steps": 40}, batch=20)
    lrs, moms = [], []
    for _ in range(40):
        snap = s.step()
        lrs.append(snap.lr)
        moms.append(snap.momentum)
    lrs, moms = np.array(lrs), np.array(moms)
    assert lrs[0] == pytest.approx(0.1 / 10, rel=1e-6)           # start_factor 10
    assert lrs.max() == pytest.approx(0.1, rel=0.05)
    assert lrs[-1] < 0.1 / 10 and lrs[-1] >= 0.1 / 10 / 1000 * 0.999
    assert moms[0] == pytest.approx(0.95) and moms.min() == pytest.approx(0.85, abs=0.01)
    assert moms[int(np.argmax(lrs))] == pytest.approx(0.85, abs=0.01)   # inverse to the lr
    assert moms.max() <= 0.95 + 1e-12 and moms.min() >= 0.85 - 1e-12


def test_one_cycle_cycles_adam_beta_1():
    s = inline(XR, YR, LIN, {"type": "adam", "learning_rate": 0.01},
               {"type": "one_cycle", "max_lr": 0.1, "total_steps": 20}, batch=20)
    moms = [s.step().momentum for _ in range(20)]
    assert moms[0] == pytest.approx(0.95) and min(moms) == pytest.approx(0.85, abs=0.02)


def test_reduce_on_plateau_factor_half_after_5_epochs():
    s = inline(XR, YR, LIN, {"type": "sgd", "learning_rate": 1e-9},
               {"type": "reduce_on_plateau", "monitor": "loss"})
    lrs = [s.run_epoch().lr for _ in range(8)]
    # epoch 1 sets the best; epochs 2..6 do not improve (patience 5) -> halved after epoch 6
    assert lrs[:6] == [1e-9] * 6 and lrs[6] == pytest.approx(0.5e-9)


def test_early_stopping_patience_and_restore_best():
    s = inline(XR, YR, LIN, {"type": "sgd", "learning_rate": 1e-9},
               early_stopping={"monitor": "loss", "patience": 3, "restore_best": True})
    s.run_epoch()
    best = s.get_weights()
    snap = None
    for _ in range(10):
        if s.finished:
            break
        snap = s.run_epoch()
    assert snap.status == "early_stopped" and snap.epoch == 4       # Keras: 1 + patience
    for k, v in best.items():
        np.testing.assert_array_equal(s.get_weights()[k], v)


# ---------------------------------------------------------------- noise layers
def test_gaussian_noise_stddev_in_training_identity_at_inference():
    n = 4000
    x, y = np.zeros((n, 1)), np.zeros((n, 1))
    s = inline(x, y, [{"id": "d", "type": "dense", "units": 1},
                      {"id": "g", "type": "gaussian_noise", "stddev": 0.3}])
    unit_dense(s)
    assert s.step().loss == pytest.approx(0.09, rel=0.08)
    np.testing.assert_allclose(s.predict(x[:5])[0], 0.0, atol=1e-9)


def test_rrelu_random_slope_in_training_mean_at_inference():
    n = 2000
    x, y = -np.ones((n, 1)), np.zeros((n, 1))
    s = inline(x, y, [{"id": "d", "type": "dense", "units": 1},
                      {"id": "a", "type": "activation", "function": "rrelu"}])
    unit_dense(s)
    loss = s.step().loss                                    # mean(slope**2), slope ~ U(1/8, 1/3)
    lo, hi = 1 / 8, 1 / 3
    assert loss == pytest.approx((hi ** 3 - lo ** 3) / (3 * (hi - lo)), rel=0.03)
    np.testing.assert_allclose(s.predict(x[:3])[0], -(lo + hi) / 2, rtol=1e-6)


def test_mc_dropout_prediction_has_spread():
    x = RNG.standard_normal((5, 2))
    s = inline(x, np.zeros((5, 1)), [{"id": "d", "type": "dense", "units": 16},
                                     {"id": "do", "type": "dropout", "rate": 0.5},
                                     {"id": "o", "type": "dense", "units": 1}])
    mean, std = s.predict(x)
    assert std is None
    mean2, std2 = s.predict(x)
    np.testing.assert_array_equal(mean, mean2)
    mc_mean, mc_std = s.predict(x, mc_dropout=30)
    assert mc_std is not None and mc_std.shape == mean.shape and np.all(mc_std > 0)


def test_softmax_last_layer_only():
    layers = [{"type": "dense", "units": 3}, {"type": "activation", "function": "softmax"},
              {"type": "dense", "units": 1}]
    with pytest.raises(BadInput) as err:     # the editor may hold it; building refuses it
        build_session({"format": FORMAT, "version": 1, "data": {"dataset": "xor"},
                       "model": {"input_dim": 2, "layers": layers}})
    assert "softmax" in str(err.value)


# ---------------------------------------------------------------- format / version
def test_wrong_format_and_future_version_rejected():
    base = {"format": FORMAT, "version": 1, "data": {"dataset": "xor"},
            "model": {"input_dim": 2, "layers": LIN}}
    with pytest.raises(BadInput) as err:
        Design.from_dict({**base, "format": "something-else"})
    assert "format" in str(err.value)
    with pytest.raises(BadInput) as err:
        Design.from_dict({**base, "version": 99})
    assert "version" in str(err.value)


def test_older_version_migrates_and_saves_as_v1():
    d = load_design(ROOT / "tests" / "data" / "design_v0.json").to_dict()
    assert d["format"] == FORMAT and d["version"] == 1


def test_invalid_json_is_bad_input(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("{not json", encoding="utf-8")
    with pytest.raises(BadInput):
        load_design(p)


# ---------------------------------------------------------------- randomness keyed by layer id
def test_inserting_an_identity_layer_keeps_the_random_streams():
    base = [{"id": "d1", "type": "dense", "units": 6},
            {"id": "do", "type": "dropout", "rate": 0.4},
            {"id": "gn", "type": "gaussian_noise", "stddev": 0.2},
            {"id": "d2", "type": "dense", "units": 1}]
    x, y = RNG.standard_normal((30, 2)), RNG.standard_normal((30, 1))
    opt = {"type": "sgd", "learning_rate": 0.05}
    a = inline(x, y, base, opt, batch=10, seed=3)
    b = inline(x, y, base[:3] + [{"id": "lin", "type": "activation", "function": "linear"}]
               + base[3:], opt, batch=10, seed=3)
    la = [a.step().loss for _ in range(6)]
    lb = [b.step().loss for _ in range(6)]
    assert la == lb
    np.testing.assert_array_equal(a.get_weights()["layers.3.kernel"],
                                  b.get_weights()["layers.4.kernel"])


def test_reduce_on_plateau_min_lr_as_keras():
    s = inline(XR, YR, LIN, {"type": "sgd", "learning_rate": 1e-9},
               {"type": "reduce_on_plateau", "monitor": "loss", "patience": 1, "min_lr": 3e-10})
    lrs = [s.run_epoch().lr for _ in range(8)]
    assert min(lrs) == pytest.approx(3e-10) and lrs[-1] == pytest.approx(3e-10)
    assert lrs[1] == pytest.approx(1e-9) and lrs[2] == pytest.approx(5e-10)
