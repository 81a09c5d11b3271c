"""Finite-difference gradient checks (float64) for every layer type and every activation.

What is not a function of the inputs is frozen: moving statistics (``update_state=False``), renorm's
r and d (``fixed_rd``), dropout masks / noise / rrelu slopes (same ``rng_step``).
"""
from __future__ import annotations

import numpy as np
import pytest

from engine.layers import ACTIVATION_CODES, from_config

EPS = 1e-6


def _inputs(rng, shape):
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.05, 0.3, x)  # away from ReLU kinks


def _forward(layer, x, kwargs):
    return layer.forward(x, training=True, **kwargs)


def check_layer(cfg, dim=4, batch=6, seed=0, extra=None, **kwargs):
    rng = np.random.default_rng(seed)
    layer = from_config(cfg).build(dim, rng=np.random.default_rng(seed + 1), dtype=np.float64)
    layer.seed, layer.rng_step = 11, 5
    if extra:
        extra(layer, rng)
    x = _inputs(rng, (batch, dim))
    y = _forward(layer, x, kwargs)
    v = rng.standard_normal(y.shape)
    dx = layer.backward(v)
    grads = {k: g.copy() for k, g in layer.grads.items()}
    num = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += EPS
        xm[idx] -= EPS
        num[idx] = ((_forward(layer, xp, kwargs) * v).sum() - (_forward(layer, xm, kwargs) * v).sum()) / (2 * EPS)
    np.testing.assert_allclose(dx, num, rtol=1e-5, atol=1e-6)
    for name, g in grads.items():
        w = layer.weights[name]
        numw = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            old = w[idx]
            w[idx] = old + EPS
            fp = (_forward(layer, x, kwargs) * v).sum()
            w[idx] = old - EPS
            fm = (_forward(layer, x, kwargs) * v).sum()
            w[idx] = old
            numw[idx] = (fp - fm) / (2 * EPS)
        np.testing.assert_allclose(g, numw, rtol=1e-5, atol=1e-6, err_msg=name)
    return layer, dx


def _random_bias(layer, rng):
    layer.weights["bias"][:] = rng.standard_normal(layer.weights["bias"].shape)


@pytest.mark.parametrize("use_bias", [True, False])
def test_dense(use_bias):
    check_layer({"type": "dense", "units": 3, "use_bias": use_bias},
                extra=_random_bias if use_bias else None)


@pytest.mark.parametrize("function", sorted(ACTIVATION_CODES))
def test_activation(function):
    check_layer({"type": "activation", "function": function})


def test_prelu_alpha_gradient_nonzero():
    def spread(layer, rng):
        layer.weights["alpha"][:] = [0.1, 0.2, 0.3, 0.4]
    layer, _ = check_layer({"type": "activation", "function": "prelu"}, extra=spread)
    assert np.abs(layer.grads["alpha"]).sum() > 0


def test_rrelu_slopes_random_in_training_mean_at_inference():
    layer = from_config({"type": "activation", "function": "rrelu"}).build(3, dtype=np.float64)
    x = -np.ones((50, 3))
    y = layer.forward(x, training=True)
    assert np.all(-y >= 1 / 8) and np.all(-y <= 1 / 3) and np.unique(y).size > 10
    np.testing.assert_allclose(layer.forward(x, training=False), -(1 / 8 + 1 / 3) / 2)


def _moving(layer, rng):
    layer.weights["moving_mean"][:] = rng.standard_normal(4) * 0.3
    layer.weights["moving_variance"][:] = rng.uniform(0.5, 2.0, 4)
    layer.weights["gamma"][:] = rng.uniform(0.5, 1.5, 4)
    layer.weights["beta"][:] = rng.standard_normal(4)


@pytest.mark.parametrize("center,scale", [(True, True), (False, True), (True, False)])
def test_batch_norm_training(center, scale):
    def init(layer, rng):
        if scale:
            layer.weights["gamma"][:] = rng.uniform(0.5, 1.5, 4)
    check_layer({"type": "batch_norm", "center": center, "scale": scale}, extra=init,
                update_state=False)


def test_batch_renorm_with_frozen_r_d():
    def init(layer, rng):
        _moving(layer, rng)
        layer.forward(_inputs(rng, (6, 4)), training=True, update_state=False)
    check_layer({"type": "batch_norm", "renorm": True, "renorm_clipping": {"rmax": 1.5, "dmax": 0.5}},
                extra=init, update_state=False, fixed_rd=True)


def test_batch_norm_disabled_is_identity_keeping_state():
    layer = from_config({"type": "batch_norm", "enabled": False}).build(4, dtype=np.float64)
    x = np.random.default_rng(0).standard_normal((5, 4))
    np.testing.assert_array_equal(layer.forward(x, training=True), x)
    np.testing.assert_array_equal(layer.weights["moving_mean"], 0.0)


@pytest.mark.parametrize("center,scale", [(True, True), (False, False)])
def test_layer_norm(center, scale):
    def init(layer, rng):
        if scale:
            layer.weights["gamma"][:] = rng.uniform(0.5, 1.5, 4)
        if center:
            layer.weights["beta"][:] = rng.standard_normal(4)
    check_layer({"type": "layer_norm", "center": center, "scale": scale}, extra=init)


@pytest.mark.parametrize("cfg", [{"type": "dropout", "rate": 0.4},
                                 {"type": "alpha_dropout", "rate": 0.3},
                                 {"type": "gaussian_noise", "stddev": 0.5}])
def test_noise_layers_with_frozen_masks(cfg):
    layer, dx = check_layer(cfg, batch=20)
    x = np.ones((200, 4))
    y = layer.forward(x, training=True)
    assert not np.allclose(y, 1.0)
    np.testing.assert_array_equal(layer.forward(x, training=False), x)


def test_dropout_inverted_scaling():
    layer = from_config({"type": "dropout", "rate": 0.25}).build(10, dtype=np.float64)
    y = layer.forward(np.ones((2000, 10)), training=True)
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert abs((y == 0).mean() - 0.25) < 0.01


def test_alpha_dropout_keeps_moments():
    layer = from_config({"type": "alpha_dropout", "rate": 0.2}).build(10, dtype=np.float64)
    x = np.random.default_rng(1).standard_normal((5000, 10))
    y = layer.forward(x, training=True)
    assert abs(y.mean()) < 0.03 and abs(y.std() - 1.0) < 0.03


def test_float32_tanh_approximation_error():
    layer = from_config({"type": "activation", "function": "tanh"}).build(1)
    x = np.concatenate([np.linspace(-12, 12, 200001), [0.0, 1e-5, -3e-4, 9.0, -40.0]])
    y = layer.forward(x.astype(np.float32)[:, None])[:, 0]
    assert y.dtype == np.float32
    assert np.max(np.abs(y.astype(np.float64) - np.tanh(x.astype(np.float32).astype(np.float64)))) < 3e-7
    exact = from_config({"type": "activation", "function": "tanh"}).build(1, dtype=np.float64)
    np.testing.assert_allclose(exact.forward(x[:, None])[:, 0], np.tanh(x), rtol=1e-15, atol=1e-300)
