"""Contract audit (docs/FORMAT.md, docs/NUMERICS.md / Keras): layer options (trainable, use_bias, center/scale, prelu,
alpha dropout, weight_decay) and the monitor batch's inference mode, through build_session."""
from __future__ import annotations

import numpy as np
import pytest

from engine.build import build_session
from engine.design import Design
from engine.errors import BadInput

FORMAT = "network-playground/design"
RNG = np.random.default_rng(21)


def inline(x, y, layers, optimizer=None, loss="mse", batch="full", seed=1):
    d = {"format": FORMAT, "version": 1, "seed": seed,
         "data": {"dataset": {"x_train": np.asarray(x).tolist(), "y_train": np.asarray(y).tolist()},
                  "train_fraction": 1.0, "standardize": False},
         "model": {"input_dim": int(np.shape(x)[1]), "layers": layers},
         "loss": {"type": loss}, "optimizer": optimizer or {"type": "sgd", "learning_rate": 0.1},
         "training": {"batch_size": batch, "epochs": 100, "shuffle": False}}
    return build_session(d)


X = RNG.standard_normal((12, 3)) * 2 + 0.5
Y = RNG.standard_normal((12, 3))


def eye_dense(s, n=3):
    s.set_weights({"layers.0.kernel": np.eye(n, dtype=np.float32),
                   "layers.0.bias": np.zeros(n, np.float32)})


def test_dense_trainable_false_and_use_bias_false():
    s = inline(X, Y, [{"id": "a", "type": "dense", "units": 3, "trainable": False},
                      {"id": "b", "type": "dense", "units": 3, "use_bias": False}])
    w0 = s.get_weights()
    assert "layers.1.bias" not in w0
    s.run(2)
    w1 = s.get_weights()
    np.testing.assert_array_equal(w0["layers.0.kernel"], w1["layers.0.kernel"])
    np.testing.assert_array_equal(w0["layers.0.bias"], w1["layers.0.bias"])
    assert not np.array_equal(w0["layers.1.kernel"], w1["layers.1.kernel"])


def test_batch_norm_without_center_scale_has_no_gamma_beta():
    s = inline(X, Y, [{"id": "d", "type": "dense", "units": 3},
                      {"id": "bn", "type": "batch_norm", "center": False, "scale": False}])
    assert set(s.get_weights()) == {"layers.0.kernel", "layers.0.bias", "layers.1.moving_mean",
                                    "layers.1.moving_variance"}


def test_batch_norm_trainable_false_runs_in_inference_mode_as_keras():
    s = inline(X, Y, [{"id": "d", "type": "dense", "units": 3, "trainable": False},
                      {"id": "bn", "type": "batch_norm", "trainable": False}])
    eye_dense(s)
    x = X.astype(np.float32).astype(np.float64)
    ref = x / np.sqrt(1.0 + 1e-3)                     # moving statistics 0 / 1
    assert s.step().loss == pytest.approx(np.mean((ref - Y) ** 2), rel=1e-5)
    w = s.get_weights()
    np.testing.assert_array_equal(w["layers.1.moving_mean"], 0.0)
    np.testing.assert_array_equal(w["layers.1.moving_variance"], 1.0)


def test_prelu_alpha_learned_per_unit():
    s = inline(X, Y, [{"id": "d", "type": "dense", "units": 3, "trainable": False},
                      {"id": "p", "type": "activation", "function": "prelu"}],
               {"type": "sgd", "learning_rate": 0.1})
    eye_dense(s)
    x = X.astype(np.float32).astype(np.float64)
    out = np.where(x > 0, x, 0.25 * x)
    dout = 2 * (out - Y) / Y.size
    galpha = (dout * np.minimum(x, 0)).sum(0)
    s.step()
    np.testing.assert_allclose(s.get_weights()["layers.1.alpha"], 0.25 - 0.1 * galpha,
                               rtol=1e-5, atol=1e-7)


def test_alpha_dropout_as_keras():
    n, rate = 80, 0.3
    x = np.ones((n, 1))
    s = inline(x, np.zeros((n, 1)), [{"id": "d", "type": "dense", "units": 1},
                                     {"id": "ad", "type": "alpha_dropout", "rate": rate}],
               {"type": "sgd", "learning_rate": 1e-9})
    s.set_weights({"layers.0.kernel": np.ones((1, 1), np.float32),
                   "layers.0.bias": np.zeros(1, np.float32)})
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p ** 2)) ** -0.5
    b = -a * alpha_p * rate
    kept_val, drop_val = a + b, a * alpha_p + b
    loss = s.step().loss
    k = (loss * n - n * drop_val ** 2) / (kept_val ** 2 - drop_val ** 2)
    assert k == pytest.approx(round(k), abs=1e-3) and 0 < round(k) < n
    np.testing.assert_allclose(s.predict(x[:3])[0], 1.0, rtol=1e-6)


def test_sgd_weight_decay_as_keras():
    lr, wd = 0.1, 0.2
    x, y = RNG.standard_normal((6, 2)), RNG.standard_normal((6, 1))
    s = inline(x, y, [{"id": "d", "type": "dense", "units": 1}],
               {"type": "sgd", "learning_rate": lr, "weight_decay": wd})
    w0 = np.array([[0.5], [-0.3]], np.float32)
    b0 = np.array([0.2], np.float32)
    s.set_weights({"layers.0.kernel": w0, "layers.0.bias": b0})
    xf = x.astype(np.float32).astype(np.float64)
    dout = 2 * (xf @ w0 + b0 - y) / y.size
    w = w0 - w0 * wd * lr - lr * (xf.T @ dout)     # Keras: decay first, every variable
    b = b0 - b0 * wd * lr - lr * dout.sum(0)
    s.step()
    got = s.get_weights()
    np.testing.assert_allclose(got["layers.0.kernel"], w, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(got["layers.0.bias"], b, rtol=1e-5, atol=1e-7)


def test_monitor_batch_in_inference_mode():
    n = 40
    x = RNG.standard_normal((n, 3))
    s = inline(x, np.zeros((n, 3)), [{"id": "d", "type": "dense", "units": 3},
                                     {"id": "bn", "type": "batch_norm"},
                                     {"id": "r", "type": "activation", "function": "relu"}],
               {"type": "sgd", "learning_rate": 1e-9})
    w = s.get_weights()
    w["layers.1.moving_mean"] = np.full(3, 100.0, np.float32)   # inference: all negative
    s.set_weights(w)
    snap = s.step()
    assert snap.loss > 0.1                           # training mode: batch statistics, not dead
    assert snap.layers[2].dead_fraction == 1.0       # monitor batch: inference mode


@pytest.mark.parametrize("units", [2.5, "3", True])
def test_units_must_be_integer(units):
    with pytest.raises(BadInput) as err:
        Design.from_dict({"format": FORMAT, "version": 1, "data": {"dataset": "xor"},
                          "model": {"input_dim": 2,
                                    "layers": [{"type": "dense", "units": units}]}})
    assert "units" in str(err.value)
