"""CUDA batch norm / renorm / layer norm, loss and RNG kernels against their CPU twins.

float32 tolerances: normalisation outputs and gradients rtol 1e-5 / atol 1e-5; losses (float64
results from float32 inputs) rtol 1e-6; RNG: bit-identical to the CPU's (the same scalar functions).
"""
from __future__ import annotations

import numpy as np
import pytest
from numba import cuda

from engine import rng as streams
from engine.kernels.cpu import rng as cpu_rng
from engine.kernels.cpu import losses as cpu_losses
from engine.kernels.cuda import losses, norm
from engine.kernels.cuda import rng as cuda_rng
from tests.cuda import cpu_twins as cpu_norm
from tests.cuda.conftest import host, to_dev

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(180)]
TOL = dict(rtol=1e-5, atol=1e-5)


def test_uniform_and_normal_equal_cpu_bit_for_bit():
    key = streams.layer_key("do1")
    out = cuda.device_array(40, np.float64)
    for normal, ref_fn in ((False, cpu_rng.uniform01), (True, cpu_rng.normal01)):
        cuda_rng.fill_random(out, 5, 123456789, key, normal=normal)
        ref = np.array([ref_fn(5, 123456789, key, i) for i in range(40)])
        assert np.array_equal(host(out), ref)


@pytest.mark.parametrize("renorm", [False, True])
def test_batch_norm_train_matches_cpu(rng, renorm):
    b, d = 8, 5
    x = (rng.standard_normal((b, d)) * 2 + 1).astype(np.float32)
    g = rng.standard_normal((b, d)).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, d).astype(np.float32)
    beta = rng.standard_normal(d).astype(np.float32)
    mm = rng.standard_normal(d).astype(np.float32) * 0.5
    mv = rng.uniform(0.2, 3.0, d).astype(np.float32)
    eps, mom, rmax, dmax = 1e-3, 0.9, 1.5, 0.5
    y_ref = np.zeros_like(x)
    stats = np.zeros((4, d), np.float32)
    cpu_norm.bn_forward_train(x, y_ref, gamma, beta, mm, mv, stats, eps, renorm, rmax, dmax,
                              True, True, False)
    dx_ref, dg_ref, db_ref = np.zeros_like(x), np.zeros_like(gamma), np.zeros_like(beta)
    cpu_norm.bn_backward(x, g, dx_ref, gamma, dg_ref, db_ref, stats, eps, True, True)
    mm_ref, mv_ref = mm.copy(), mv.copy()
    cpu_norm.bn_update_moving(mm_ref, mv_ref, stats, mom, b)

    dmm, dmv = to_dev(mm), to_dev(mv)
    dstats = cuda.device_array((4, d), np.float32)
    clipped = cuda.device_array((2, d), np.float64)
    y = cuda.device_array_like(x)
    norm.batch_norm_forward(to_dev(x), y, to_dev(gamma), to_dev(beta), dmm, dmv, dstats, eps, mom,
                            True, renorm, rmax, dmax, clipped=clipped)
    gx = cuda.device_array_like(x)
    gg = cuda.device_array_like(gamma)
    gb = cuda.device_array_like(beta)
    norm.batch_norm_backward(to_dev(x), to_dev(g), gx, to_dev(gamma), dstats, eps, gg, gb)
    np.testing.assert_allclose(host(y), y_ref, **TOL)
    np.testing.assert_array_equal(host(dstats), stats)
    np.testing.assert_allclose(host(gx), dx_ref, **TOL)
    np.testing.assert_allclose(host(gg), dg_ref, **TOL)
    np.testing.assert_allclose(host(gb), db_ref, **TOL)
    np.testing.assert_allclose(host(dmm), mm_ref, **TOL)
    np.testing.assert_allclose(host(dmv), mv_ref, **TOL)
    if renorm:  # the clipped flags say which r and d hit their limits
        s, c = host(dstats), host(clipped)
        np.testing.assert_array_equal(c[0] == 1.0, np.isclose(s[2], rmax) | np.isclose(s[2], 1 / rmax))
        np.testing.assert_array_equal(c[1] == 1.0, np.isclose(np.abs(s[3]), dmax))
        assert c.any()
    # the moving statistics can also be updated separately, after the optimiser step (the CPU way)
    dmm2, dmv2 = to_dev(mm), to_dev(mv)
    norm.batch_norm_update_moving(dmm2, dmv2, to_dev(stats), mom, b)
    np.testing.assert_array_equal(host(dmm2), mm_ref)
    np.testing.assert_array_equal(host(dmv2), mv_ref)


def test_frozen_batch_norm_backward(rng):
    g = rng.standard_normal((5, 3)).astype(np.float32)
    gamma, mv = rng.uniform(0.5, 2, 3).astype(np.float32), rng.uniform(0.5, 2, 3).astype(np.float32)
    gx = cuda.device_array_like(g)
    norm.batch_norm_frozen_backward(to_dev(g), gx, to_dev(gamma), to_dev(mv), 1e-3, True)
    np.testing.assert_allclose(host(gx), g * gamma / np.sqrt(mv + 1e-3), **TOL)


def test_batch_norm_inference_matches_cpu(rng):
    x = rng.standard_normal((6, 4)).astype(np.float32)
    gamma, beta = rng.uniform(0.5, 2, 4).astype(np.float32), rng.standard_normal(4).astype(np.float32)
    mm, mv = rng.standard_normal(4).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32)
    y_ref = np.zeros_like(x)
    cpu_norm.bn_forward_infer(x, y_ref, gamma, beta, mm, mv, 1e-3, True, False)
    y = cuda.device_array_like(x)
    norm.batch_norm_forward(to_dev(x), y, to_dev(gamma), to_dev(beta), to_dev(mm), to_dev(mv),
                            cuda.device_array((6, 4)), 1e-3, 0.99, False, scale=False)
    np.testing.assert_allclose(host(y), y_ref, **TOL)


@pytest.mark.parametrize("center,scale", [(True, True), (False, False)])
def test_layer_norm_matches_cpu(rng, center, scale):
    x = (rng.standard_normal((5, 6)) * 3).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    gamma, beta = rng.uniform(0.5, 2, 6).astype(np.float32), rng.standard_normal(6).astype(np.float32)
    y_ref, cache = np.zeros_like(x), np.zeros((5, 2), np.float32)
    cpu_norm.ln_forward(x, y_ref, gamma, beta, cache, 1e-3, center, scale)
    dx_ref, dg_ref, db_ref = np.zeros_like(x), np.zeros_like(gamma), np.zeros_like(beta)
    cpu_norm.ln_backward(x, g, dx_ref, gamma, dg_ref, db_ref, cache, center, scale)
    y, rst = cuda.device_array_like(x), cuda.device_array((5, 2), np.float64)
    norm.layer_norm_forward(to_dev(x), y, to_dev(gamma), to_dev(beta), rst, 1e-3, center, scale)
    gx = cuda.device_array_like(x)
    gg, gb = cuda.to_device(np.zeros(6, np.float32)), cuda.to_device(np.zeros(6, np.float32))
    norm.layer_norm_backward(to_dev(x), to_dev(g), gx, to_dev(gamma), rst, gg, gb, center, scale)
    np.testing.assert_allclose(host(y), y_ref, **TOL)
    np.testing.assert_allclose(host(gx), dx_ref, **TOL)
    np.testing.assert_allclose(host(gg), dg_ref, **TOL)
    np.testing.assert_allclose(host(gb), db_ref, **TOL)


LOSS_CASES = [(losses.MSE, 0), (losses.MAE, 0), (losses.BCE, 0), (losses.BCE, 1),
              (losses.CCE, 0), (losses.CCE, 2), (losses.SPARSE_CCE, 0), (losses.SPARSE_CCE, 2)]


def _loss_inputs(rng, code, fused, b=6, k=3):
    z = rng.standard_normal((b, k)).astype(np.float32)
    if code in (losses.CCE, losses.SPARSE_CCE):
        out = z if fused else (np.exp(z) / np.exp(z).sum(1, keepdims=True)).astype(np.float32)
        cls = rng.integers(0, k, b)
        y = (cls[:, None].astype(np.float32) if code == losses.SPARSE_CCE
             else np.eye(k, dtype=np.float32)[cls])
    else:
        out = z if (fused or code != losses.BCE) else (1 / (1 + np.exp(-z))).astype(np.float32)
        y = (rng.random((b, k)) > 0.5).astype(np.float32) if code == losses.BCE else \
            rng.standard_normal((b, k)).astype(np.float32)
    if code == losses.BCE and not fused:
        out[0, 0] = 0.0  # clipped: zero gradient, as the CPU
    return out, y


@pytest.mark.parametrize("code,fused", LOSS_CASES)
def test_loss_matches_cpu(rng, code, fused):
    out, y = _loss_inputs(rng, code, fused)
    sw = rng.uniform(0.5, 2.0, out.shape[0])
    grad_ref = np.zeros_like(out)
    val_ref = cpu_losses.loss_forward_backward(code, fused, out, y, sw, grad_ref, True)
    acc_ref = cpu_losses.loss_correct(code, fused, out, y)
    grad = cuda.device_array_like(out)
    result = cuda.to_device(np.zeros(3))
    scratch = cuda.device_array(16, np.float64)
    losses.loss_forward_backward(code, fused, to_dev(out), to_dev(y), to_dev(sw), grad, True,
                                 scratch, result, 1)
    has_acc = losses.loss_correct(code, fused, to_dev(out), to_dev(y), scratch, result, 2)
    r = host(result)
    assert r[1] == pytest.approx(val_ref, rel=1e-6)
    np.testing.assert_allclose(host(grad), grad_ref, rtol=1e-5, atol=1e-7)
    assert has_acc == (not np.isnan(acc_ref))
    if has_acc:
        assert r[2] == pytest.approx(acc_ref)
