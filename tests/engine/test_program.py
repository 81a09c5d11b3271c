"""The compiled program: whole-model gradient checks (float64), BN/renorm numerics against numpy,
divergence detection."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from engine import losses, optimizers
from engine.layers import from_config
from engine.model import Model
from engine.program import plan as P
from engine.program import train_steps
from engine.build import session_from_configs


def loss_and_grads(model: Model, loss, x, y, seed=3, step=7):
    """One forward/backward (no update) through train_steps; returns (loss incl. penalties, grads)."""
    n = x.shape[0]
    model.ensure_capacity(n, targets=y.shape[1])
    fused = loss.fusion(model.output_activation)
    icfg = np.zeros(P.ICFG_LEN, np.int64)
    icfg[P.I_SEED], icfg[P.I_STEP0], icfg[P.I_LOSS], icfg[P.I_FUSED] = seed, step, loss.code, fused
    icfg[P.I_NFWD] = len(model.layers) - (1 if fused else 0)
    icfg[P.I_APPLY], icfg[P.I_MONITOR] = 0, 0
    opt = optimizers.from_config({"type": "sgd"})
    dt = model.dtype
    losses_, accs = np.zeros(1), np.zeros(1)
    res = np.zeros(P.RES_LEN, np.int64)
    train_steps(model.ip, model.fp, model.ptab, model.lay, model.params, model.grads, model.state,
                model.work, np.zeros((3, model.n_params), dt), np.zeros(model.n_params, dt),
                np.ascontiguousarray(x, dt), np.ascontiguousarray(y, dt), np.ones(n, dt),
                np.arange(n, dtype=np.int64), np.array([0, n], np.int64), np.ones(1), np.zeros(1),
                opt.hparams(), opt.init_scalar_state(), icfg, np.full(3, np.nan), losses_, accs,
                np.zeros((max(model.ptab.shape[0], 1), 4)), res)
    assert res[P.R_STATUS] == 0
    return losses_[0], model.grads.copy()


def numeric_grads(model, loss, x, y, eps=1e-6):
    num = np.zeros_like(model.params)
    for k in range(model.params.size):
        old = model.params[k]
        model.params[k] = old + eps
        fp, _ = loss_and_grads(model, loss, x, y)
        model.params[k] = old - eps
        fm, _ = loss_and_grads(model, loss, x, y)
        model.params[k] = old
        num[k] = (fp - fm) / (2 * eps)
    return num


BODY = [{"type": "dense", "units": 5, "kernel_regularizer": {"l1": 0.01, "l2": 0.02},
         "bias_initializer": "glorot_uniform"},
        {"type": "batch_norm"},
        {"type": "activation", "function": "tanh"},
        {"type": "dropout", "rate": 0.3},
        {"type": "dense", "units": 4, "bias_initializer": "glorot_uniform"},
        {"type": "layer_norm"},
        {"type": "activation", "function": "prelu"},
        {"type": "gaussian_noise", "stddev": 0.2},
        {"type": "dense", "units": 4},
        {"type": "activation", "function": "elu"}]


def _targets(kind, rng, n, k):
    if kind in ("mse", "mae"):
        return rng.standard_normal((n, k))
    if kind == "binary_crossentropy":
        return (rng.random((n, k)) > 0.5).astype(float)
    if kind == "categorical_crossentropy":
        return np.eye(k)[rng.integers(0, k, n)]
    return rng.integers(0, k, (n, 1)).astype(float)


@pytest.mark.parametrize("loss_type,head", [
    ("mse", []), ("mae", []), ("mse", [{"type": "activation", "function": "softmax"}]),
    ("binary_crossentropy", [{"type": "activation", "function": "sigmoid"}]),
    ("categorical_crossentropy", [{"type": "activation", "function": "softmax"}]),
    ("sparse_categorical_crossentropy", [{"type": "activation", "function": "softmax"}]),
])
def test_whole_model_gradient(loss_type, head):
    rng = np.random.default_rng(0)
    layers = [from_config(c) for c in BODY + [{"type": "dense", "units": 3}] + head]
    model = Model(layers, 3, np.float64, seed=2, capacity=8)
    loss = losses.from_config({"type": loss_type})
    x = rng.standard_normal((8, 3))
    y = _targets(loss_type, rng, 8, 3)
    value, grads = loss_and_grads(model, loss, x, y)
    assert np.isfinite(value)
    num = numeric_grads(model, loss, x, y)
    np.testing.assert_allclose(grads, num, rtol=1e-4, atol=1e-6)


def test_program_matches_per_layer_path():
    """The compiled forward equals the per-layer Python forward (same kernels, same masks)."""
    rng = np.random.default_rng(1)
    layers = [from_config(c) for c in BODY]
    model = Model(layers, 3, np.float64, seed=2, capacity=8)
    x = rng.standard_normal((8, 3))
    loss = losses.from_config({"type": "mse"})
    y = rng.standard_normal((8, 4))
    value, _ = loss_and_grads(model, loss, x, y, seed=3, step=7)
    h = x
    for layer in layers:
        layer.seed, layer.rng_step = 3, 7
        h = layer.forward(h, training=True, **({"update_state": False}
                                                if layer.type_name == "batch_norm" else {}))
    penalty = sum(l.penalty() for l in layers if l.type_name == "dense")
    assert value == pytest.approx(np.mean((h - y) ** 2) + penalty, rel=1e-12)


def _data(x, y, xv=None, yv=None):
    xv = x[:0] if xv is None else xv
    yv = y[:0] if yv is None else yv
    return SimpleNamespace(x_train=x, y_train=y, x_val=xv, y_val=yv)


@pytest.mark.parametrize("renorm", [False, True])
def test_batch_norm_statistics_against_numpy(renorm):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((12, 3)) * 2 + 1
    y = rng.standard_normal((12, 2))
    layers = [from_config({"type": "dense", "units": 2}),
              from_config({"type": "batch_norm", "renorm": renorm, "momentum": 0.9,
                           "renorm_momentum": 0.8, "renorm_clipping": {"rmax": 1.2, "dmax": 0.1}})]
    s = session_from_configs(layers, {"type": "sgd", "learning_rate": 0.1}, None, {"type": "mse"},
                             _data(x, y), batch_size=12, shuffle=False, dtype=np.float64,
                             monitor_every=0)
    bn = s.model.layers[1]
    bn.weights["moving_mean"][:] = [0.5, -0.5]
    bn.weights["moving_variance"][:] = [2.0, 0.3]
    w = s.model.layers[0].weights["kernel"].copy()
    b = s.model.layers[0].weights["bias"].copy()
    mm0, mv0 = bn.weights["moving_mean"].copy(), bn.weights["moving_variance"].copy()
    s.step()
    h = x @ w + b
    mu, var = h.mean(0), h.var(0)
    mom = 0.8 if renorm else 0.9
    np.testing.assert_allclose(bn.weights["moving_mean"], mom * mm0 + (1 - mom) * mu, rtol=1e-12)
    np.testing.assert_allclose(bn.weights["moving_variance"],
                               mom * mv0 + (1 - mom) * var * 12 / 11, rtol=1e-12)
    # forward output (gamma 1, beta 0 before the update) against the formula
    sig, sig_b = np.sqrt(mv0 + 1e-3), np.sqrt(var + 1e-3)
    r = np.clip(sig_b / sig, 1 / 1.2, 1.2) if renorm else 1.0
    d = np.clip((mu - mm0) / sig, -0.1, 0.1) if renorm else 0.0
    expect = (h - mu) / sig_b * r + d
    off = s.model.ip[1, P.C_OUT_OFF]
    np.testing.assert_allclose(s.model.work[off:off + 24].reshape(12, 2), expect, rtol=1e-10)
    snap = s.snapshot()
    if renorm:
        assert snap.layers[1].bn["r_clipped"] + snap.layers[1].bn["d_clipped"] >= 1
        np.testing.assert_allclose(snap.layers[1].bn["r"], r)


def test_divergence_reports_step_and_layer():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((20, 2))
    y = rng.standard_normal((20, 1))
    layers = [from_config({"type": "dense", "units": 4}),
              from_config({"type": "activation", "function": "relu"}),
              from_config({"type": "dense", "units": 1})]
    s = session_from_configs(layers, {"type": "sgd", "learning_rate": 0.01}, None, {"type": "mse"},
                             _data(x, y), batch_size=5)
    s.run(3)
    w = s.get_weights()
    w["layers.2.kernel"][:] = 3e38
    s.set_weights(w)
    before = s.get_weights()
    snap = s.run(10)
    assert snap.status == "diverged" and s.finished
    assert snap.diverged_at["step"] == 4
    assert snap.diverged_at["layer_index"] == 2 and snap.diverged_at["layer_id"] == s.model.layers[2].id
    for k, v in s.get_weights().items():
        np.testing.assert_array_equal(v, before[k])
    assert s.run(5).step == 3  # a diverged session does not train on


def test_exploding_learning_rate_keeps_last_finite_weights():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 3)) * 10
    y = rng.standard_normal((40, 1)) * 10
    layers = [from_config({"type": "dense", "units": 8}), from_config({"type": "dense", "units": 1})]
    s = session_from_configs(layers, {"type": "sgd", "learning_rate": 5.0}, None, {"type": "mse"},
                             _data(x, y), batch_size=8)
    snap = s.run(500)
    assert snap.status == "diverged"
    assert snap.diverged_at["what"] in ("loss", "gradient", "weights")
    assert all(np.all(np.isfinite(v)) for v in s.get_weights().values())


def test_sparse_targets_loss_matches_numpy():
    """One target column with several outputs (the loss reads the real target width)."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((30, 4))
    y = rng.integers(0, 5, (30, 1)).astype(float)
    layers = [from_config({"type": "dense", "units": 5}),
              from_config({"type": "activation", "function": "softmax"})]
    s = session_from_configs(layers, {"type": "sgd", "learning_rate": 0.1}, None,
                             {"type": "sparse_categorical_crossentropy"}, _data(x, y), batch_size=30,
                             shuffle=False, dtype=np.float64)
    w, b = (s.model.layers[0].weights[k].copy() for k in ("kernel", "bias"))
    z = x @ w + b
    z -= z.max(1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(1, keepdims=True))
    assert s.step().loss == pytest.approx(-lp[np.arange(30), y[:, 0].astype(int)].mean(), rel=1e-12)


def test_overflowing_update_names_the_layer_and_keeps_weights():
    """An update that overflows the weights is not kept; the layer is the one whose weights broke."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10, 2))
    y = rng.standard_normal((10, 1)) * 1e30
    layers = [from_config({"type": "dense", "units": 3}), from_config({"type": "dense", "units": 1})]
    s = session_from_configs(layers, {"type": "sgd", "learning_rate": 1e10}, None, {"type": "mse"},
                             _data(x.astype(np.float32), y), batch_size=10)
    before = s.get_weights()
    snap = s.step()
    assert snap.status == "diverged" and snap.diverged_at["step"] == 1
    if snap.diverged_at["what"] == "weights":
        assert snap.diverged_at["layer_index"] == 1
    for k, v in s.get_weights().items():
        np.testing.assert_array_equal(v, before[k])
