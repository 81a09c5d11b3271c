"""CUDA dense, activation and noise kernels against their CPU twins (engine/kernels/cpu).

float32 tolerances: matmul results rtol 1e-5 / atol 1e-5 (different summation order); elementwise
functions rtol 1e-6 / atol 1e-6 (both compute in float64, store float32); RNG-driven masks: equal.
"""
from __future__ import annotations

import numpy as np
import pytest
from numba import cuda

from engine.kernels.scalar import activations as scalar_act
from tests.cuda import cpu_twins as cpu
from engine.kernels.cuda import activations as act
from engine.kernels.cuda import matmul, noise
from engine.kernels.cuda.launch import CONFIG
from engine.rng import layer_key
from tests.cuda.conftest import host, to_dev

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(180)]
F32 = dict(rtol=1e-5, atol=1e-5)
EW = dict(rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("shape,tile", [((5, 7, 3), 4), ((9, 3, 10), 8), ((1, 1, 1), 2)])
def test_dense_forward_backward_match_cpu(rng, shape, tile):
    b, n_in, n_out = shape
    CONFIG.tile = tile
    x = rng.standard_normal((b, n_in)).astype(np.float32)
    w = rng.standard_normal((n_in, n_out)).astype(np.float32)
    bias = rng.standard_normal(n_out).astype(np.float32)
    g = rng.standard_normal((b, n_out)).astype(np.float32)
    y_ref = np.zeros((b, n_out), np.float32)
    cpu.dense_forward(x, w, bias, True, y_ref)
    dx_ref, dw_ref, db_ref = (np.zeros_like(x), np.zeros_like(w), np.zeros_like(bias))
    cpu.dense_backward(x, w, g, dx_ref, dw_ref, db_ref, True, True)

    dxd, dwd, dbd, dgd = to_dev(x), to_dev(w), to_dev(bias), to_dev(g)
    y = cuda.device_array((b, n_out), np.float32)
    matmul.dense_forward(dxd, dwd, dbd, y)
    gx = cuda.device_array_like(dxd)
    gw = cuda.device_array_like(dwd)
    gb = cuda.device_array_like(dbd)
    matmul.dense_backward(dxd, dwd, dgd, gx, gw, gb)
    np.testing.assert_allclose(host(y), y_ref, **F32)
    np.testing.assert_allclose(host(gw), dw_ref, **F32)
    np.testing.assert_allclose(host(gb), db_ref, **F32)
    np.testing.assert_allclose(host(gx), dx_ref, **F32)


def test_gemm_accumulate_and_float64(rng):
    a = rng.standard_normal((6, 5))
    b = rng.standard_normal((6, 4))
    c0 = rng.standard_normal((5, 4))
    c = to_dev(c0)
    matmul.gemm(to_dev(a), to_dev(b), c, ta=True, accumulate=True, tile=4)
    np.testing.assert_allclose(host(c), c0 + a.T @ b, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="shapes"):
        matmul.gemm(to_dev(a), to_dev(b), c)


def test_max_tile_geometry_does_not_change_numbers(rng):
    x = rng.standard_normal((7, 6)).astype(np.float32)
    w = rng.standard_normal((6, 5)).astype(np.float32)
    outs = []
    for tile in (2, 8):
        y = cuda.device_array((7, 5), np.float32)
        matmul.gemm(to_dev(x), to_dev(w), y, tile=tile)
        outs.append(host(y))
    np.testing.assert_array_equal(outs[0], outs[1])  # each thread sums k in order


def _params(name):
    return {"leaky_relu": (0.2, 0.0), "elu": (1.0, 0.0), "rrelu": (1 / 8, 1 / 3)}.get(name, (0.0, 0.0))


@pytest.mark.parametrize("name,training", [(n, False) for n in act.ACTIVATION_NAMES]
                         + [("rrelu", True)])
def test_activation_matches_cpu(rng, name, training):
    code = act.ACTIVATION_CODES[name]
    assert getattr(scalar_act, name.upper()) == code  # one code table for both targets
    x = (rng.standard_normal((6, 5)) * 3).astype(np.float32)
    x[0, 0] = 0.0
    alpha = rng.uniform(0.1, 0.4, 5).astype(np.float32)
    gy = rng.standard_normal(x.shape).astype(np.float32)
    p1, p2 = _params(name)
    seed, step, key = 11, 4, layer_key("a1")
    y_ref = np.zeros_like(x)
    slope = np.zeros_like(x)
    cpu.act_forward(code, x, y_ref, alpha, p1, p2, slope, training, seed, step, key)
    dx_ref = np.zeros_like(x)
    da_ref = np.zeros_like(alpha)
    cpu.act_backward(code, x, y_ref, gy, dx_ref, alpha, da_ref, p1, slope, True)

    dx, da = to_dev(x), to_dev(alpha)
    y = cuda.device_array_like(dx)
    act.activation_forward(code, dx, y, p1, p2, da, training, seed, step, key)
    gx = cuda.device_array_like(dx)
    ga = cuda.to_device(np.zeros(5, np.float32))
    act.activation_backward(code, dx, y, to_dev(gy), gx, p1, p2, da, ga, training, seed, step, key)
    np.testing.assert_allclose(host(y), y_ref, **EW)
    np.testing.assert_allclose(host(gx), dx_ref, rtol=2e-6, atol=2e-6)
    if name == "prelu":
        np.testing.assert_allclose(host(ga), da_ref, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind,rate", [(noise.DROPOUT, 0.3), (noise.ALPHA_DROPOUT, 0.2),
                                       (noise.GAUSSIAN_NOISE, 0.5)])
def test_noise_layers_match_cpu_masks_exactly(rng, kind, rate):
    x = rng.standard_normal((7, 6)).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    seed, step, key = 3, 17, layer_key("do1")
    y_ref = np.zeros_like(x)
    mask = np.zeros_like(x)
    if kind == noise.DROPOUT:
        cpu.dropout_forward(x, y_ref, mask, rate, seed, step, key)
    elif kind == noise.ALPHA_DROPOUT:
        cpu.alpha_dropout_forward(x, y_ref, mask, rate, seed, step, key)
    else:
        cpu.gaussian_noise_forward(x, y_ref, rate, seed, step, key)
        mask[:] = 1.0
    dx_ref = g * mask
    y = cuda.device_array_like(x)
    noise.noise_forward(kind, to_dev(x), y, rate, seed, step, key)
    gx = cuda.device_array_like(x)
    noise.noise_backward(kind, to_dev(g), gx, rate, seed, step, key)
    y_host = host(y)
    np.testing.assert_allclose(y_host, y_ref, **EW)
    np.testing.assert_allclose(host(gx), dx_ref, **EW)
    if kind == noise.DROPOUT:
        assert np.array_equal(y_host == 0, y_ref == 0)
        assert 0 < np.count_nonzero(y_host == 0) < x.size
