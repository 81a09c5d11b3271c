"""CUDA dense, activation and noise kernels against the same-named CPU kernels (engine/kernels/cpu),
called with the same arguments (flat buffers and their sizes, engine/kernels/contract.py).

float32 tolerances: matmul results rtol 1e-5 / atol 1e-5 (different summation order); elementwise
functions rtol 1e-6 / atol 1e-6 (both compute in float64, store float32); RNG-driven masks and
rrelu slopes: equal.
"""
from __future__ import annotations

import numpy as np
import pytest
from numba import cuda

from engine.kernels.cuda import layers_dense
from engine.kernels.cuda.launch import CONFIG
from engine.kernels.scalar import activations as scalar_act
from engine.layers import ACTIVATION_CODES
from engine.rng import layer_key
from tests.cuda.conftest import call_both, host, to_dev

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(180)]
F32 = dict(rtol=1e-5, atol=1e-5)
EW = dict(rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("shape,tile", [((5, 7, 3), 4), ((9, 3, 10), 8), ((1, 1, 1), 2)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_forward_backward_match_cpu(rng, shape, tile, use_bias):
    nb, din, dout = shape
    CONFIG.tile = tile
    x = rng.standard_normal(nb * din).astype(np.float32)
    w = rng.standard_normal(din * dout).astype(np.float32)
    b = rng.standard_normal(dout).astype(np.float32) if use_bias else np.zeros(0, np.float32)
    g = rng.standard_normal(nb * dout).astype(np.float32)
    y = np.zeros(nb * dout, np.float32)
    cpu, gpu = call_both("layers_dense", "dense_forward", x, w, b, use_bias, y, nb, din, dout)
    np.testing.assert_allclose(gpu[4], cpu[4], **F32)
    dx, dw, db = np.zeros_like(x), np.zeros_like(w), np.zeros(dout, np.float32)
    cpu, gpu = call_both("layers_dense", "dense_backward", x, w, g, dx, dw, db, use_bias, True,
                         nb, din, dout)
    for k in (3, 4, 5):  # dx, dw, db
        np.testing.assert_allclose(gpu[k], cpu[k], **F32)


def test_max_norm_columns_matches_cpu(rng):
    w = rng.standard_normal(12).astype(np.float32)
    cpu, gpu = call_both("layers_dense", "max_norm_columns", w, 1.0, 4, 3)
    np.testing.assert_allclose(gpu[0], cpu[0], rtol=1e-6)
    assert not np.allclose(cpu[0], w)  # some column was rescaled


def test_gemm_accumulate_and_float64(rng):
    a = rng.standard_normal((6, 5))
    b = rng.standard_normal((6, 4))
    c0 = rng.standard_normal((5, 4))
    c = to_dev(c0)
    layers_dense.gemm(to_dev(a), to_dev(b), c, ta=True, accumulate=True, tile=4)
    np.testing.assert_allclose(host(c), c0 + a.T @ b, rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="shapes"):
        layers_dense.gemm(to_dev(a), to_dev(b), c)


def test_max_tile_geometry_does_not_change_numbers(rng):
    x = rng.standard_normal((7, 6)).astype(np.float32)
    w = rng.standard_normal((6, 5)).astype(np.float32)
    outs = []
    for tile in (2, 8):
        y = cuda.device_array((7, 5), np.float32)
        layers_dense.gemm(to_dev(x), to_dev(w), y, tile=tile)
        outs.append(host(y))
    np.testing.assert_array_equal(outs[0], outs[1])  # each thread sums k in order


def _params(name):
    return {"leaky_relu": (0.2, 0.0), "elu": (1.0, 0.0), "rrelu": (1 / 8, 1 / 3)}.get(name, (0.0, 0.0))


@pytest.mark.parametrize("name,training", [(n, False) for n in ACTIVATION_CODES]
                         + [("rrelu", True)])
def test_activation_matches_cpu(rng, name, training):
    code = ACTIVATION_CODES[name]
    assert getattr(scalar_act, name.upper()) == code  # one code table for both targets
    nb, dim = 6, 5
    x = (rng.standard_normal(nb * dim) * 3).astype(np.float32)
    x[0] = 0.0
    alpha = rng.uniform(0.1, 0.4, dim).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    p1, p2 = _params(name)
    slope = np.zeros_like(x) if name == "rrelu" else np.zeros(0, np.float32)
    y = np.zeros_like(x)
    cpu, gpu = call_both("layers_act", "act_forward", code, x, y, alpha, p1, p2, slope, training,
                         11, 4, layer_key("a1"), nb, dim)
    np.testing.assert_allclose(gpu[2], cpu[2], **EW)
    np.testing.assert_array_equal(gpu[6], cpu[6])  # rrelu's stored slopes
    if training:
        assert len(np.unique(cpu[6])) > 1
    y_ref, slope_ref = cpu[2], cpu[6]  # backward from the same forward results on both
    dx, dalpha = np.zeros_like(x), np.zeros_like(alpha)
    cpu, gpu = call_both("layers_act", "act_backward", code, x, y_ref, g, dx, alpha, dalpha, p1,
                         slope_ref, True, nb, dim)
    np.testing.assert_allclose(gpu[4], cpu[4], rtol=2e-6, atol=2e-6)
    np.testing.assert_allclose(gpu[6], cpu[6], rtol=1e-5, atol=1e-6)  # PReLU's d alpha
    if name == "prelu":
        assert np.any(cpu[6] != 0.0)


@pytest.mark.parametrize("name,level", [("dropout_forward", 0.3), ("alpha_dropout_forward", 0.2),
                                        ("gaussian_noise_forward", 0.5)])
def test_noise_layers_match_cpu_masks_exactly(rng, name, level):
    n = 42
    x = rng.standard_normal(n).astype(np.float32)
    y, mask = np.zeros_like(x), np.zeros_like(x)
    seed, step, key = 3, 17, layer_key("do1")
    if name == "gaussian_noise_forward":
        cpu, gpu = call_both("layers_noise", name, x, y, level, seed, step, key, n)
        np.testing.assert_allclose(gpu[1], cpu[1], **EW)
        assert not np.allclose(cpu[1], x)
        return
    cpu, gpu = call_both("layers_noise", name, x, y, mask, level, seed, step, key, n)
    np.testing.assert_allclose(gpu[1], cpu[1], **EW)
    np.testing.assert_array_equal(gpu[2], cpu[2])
    assert 0 < np.count_nonzero(cpu[2] == 0) < n
    g = rng.standard_normal(n).astype(np.float32)
    cpu, gpu = call_both("layers_noise", "mask_backward", g, cpu[2], np.zeros_like(g), n)
    np.testing.assert_array_equal(gpu[2], cpu[2])


def test_copy_and_fill_match_cpu(rng):
    src = rng.standard_normal(9).astype(np.float32)
    dst = np.full(9, 7.0, np.float32)
    cpu, gpu = call_both("layers_noise", "copy_flat", src, dst, 6)
    np.testing.assert_array_equal(gpu[1], cpu[1])
    assert cpu[1][6] == 7.0 and np.array_equal(cpu[1][:6], src[:6])
    cpu, gpu = call_both("layers_noise", "fill_flat", dst, 1.5, 4)
    np.testing.assert_array_equal(gpu[0], cpu[0])
    assert cpu[0][3] == 1.5 and cpu[0][4] == 7.0
