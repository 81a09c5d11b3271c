"""CUDA batch norm / renorm / layer norm, loss and RNG kernels against the same-named CPU kernels,
called with the same arguments (engine/kernels/contract.py).

float32 tolerances: normalisation outputs and gradients rtol 1e-5 / atol 1e-5; losses (float64
results from float32 inputs) rtol 1e-6; batch statistics and the RNG: bit-identical to the CPU's.
"""
from __future__ import annotations

import numpy as np
import pytest
from numba import cuda

from engine import rng as streams
from engine.kernels.cpu import rng as cpu_rng
from engine.kernels.cuda import rng as cuda_rng
from engine.kernels.scalar import losses
from tests.cuda.conftest import call_both, host

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(180)]
TOL = dict(rtol=1e-5, atol=1e-5)


def test_uniform_and_normal_equal_cpu_bit_for_bit():
    key = streams.layer_key("do1")
    out = cuda.device_array(40, np.float64)
    for normal, ref_fn in ((False, cpu_rng.uniform01), (True, cpu_rng.normal01)):
        cuda_rng.fill_random(out, 5, 123456789, key, normal=normal)
        ref = np.array([ref_fn(5, 123456789, key, i) for i in range(40)])
        assert np.array_equal(host(out), ref)


def _bn_inputs(rng, nb, d):
    x = (rng.standard_normal(nb * d) * 2 + 1).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, d).astype(np.float32)
    beta = rng.standard_normal(d).astype(np.float32)
    mm = rng.standard_normal(d).astype(np.float32) * 0.5
    mv = rng.uniform(0.2, 3.0, d).astype(np.float32)
    return x, gamma, beta, mm, mv


@pytest.mark.parametrize("renorm,fixed_rd", [(False, False), (True, False), (True, True)])
def test_batch_norm_train_matches_cpu(rng, renorm, fixed_rd):
    nb, d = 8, 5
    x, gamma, beta, mm, mv = _bn_inputs(rng, nb, d)
    g = rng.standard_normal(nb * d).astype(np.float32)
    eps, mom, rmax, dmax = 1e-3, 0.9, 1.5, 0.5
    stats = np.zeros(4 * d, np.float32)
    stats[2 * d:] = rng.uniform(0.8, 1.2, 2 * d)  # r and d read back with fixed_rd
    cpu, gpu = call_both("layers_norm", "bn_forward_train", x, np.zeros_like(x), gamma, beta, mm,
                         mv, stats, eps, renorm, rmax, dmax, True, True, fixed_rd, nb, d)
    np.testing.assert_allclose(gpu[1], cpu[1], **TOL)
    np.testing.assert_array_equal(gpu[6], cpu[6])
    s = cpu[6].reshape(4, d)
    if fixed_rd:
        np.testing.assert_array_equal(s[2:], stats.reshape(4, d)[2:])
    elif renorm:  # the tight clips are hit
        assert np.any(np.isclose(s[2], rmax) | np.isclose(s[2], 1 / rmax) |
                      np.isclose(np.abs(s[3]), dmax))
    stats = cpu[6]
    cpu, gpu = call_both("layers_norm", "bn_backward", x, g, np.zeros_like(x), gamma,
                         np.zeros(d, np.float32), np.zeros(d, np.float32), stats, eps, True, True,
                         nb, d)
    for k in (2, 4, 5):  # dx, dgamma, dbeta
        np.testing.assert_allclose(gpu[k], cpu[k], **TOL)
    cpu, gpu = call_both("layers_norm", "bn_update_moving", mm, mv, stats, mom, nb)
    np.testing.assert_array_equal(gpu[0], cpu[0])
    np.testing.assert_array_equal(gpu[1], cpu[1])
    assert not np.array_equal(cpu[0], mm)


@pytest.mark.parametrize("center,scale", [(True, True), (True, False), (False, False)])
def test_batch_norm_inference_matches_cpu(rng, center, scale):
    nb, d = 6, 4
    x, gamma, beta, mm, mv = _bn_inputs(rng, nb, d)
    empty = np.zeros(0, np.float32)
    gamma, beta = (gamma if scale else empty), (beta if center else empty)
    cpu, gpu = call_both("layers_norm", "bn_forward_infer", x, np.zeros_like(x), gamma, beta, mm,
                         mv, 1e-3, center, scale, nb, d)
    np.testing.assert_allclose(gpu[1], cpu[1], **TOL)
    g = rng.standard_normal(nb * d).astype(np.float32)
    cpu, gpu = call_both("layers_norm", "bn_infer_backward", g, np.zeros_like(g), gamma, mv, 1e-3,
                         scale, nb, d)
    np.testing.assert_allclose(gpu[1], cpu[1], **TOL)


@pytest.mark.parametrize("center,scale", [(True, True), (False, False)])
def test_layer_norm_matches_cpu(rng, center, scale):
    nb, d = 5, 6
    x = (rng.standard_normal(nb * d) * 3).astype(np.float32)
    g = rng.standard_normal(x.shape).astype(np.float32)
    empty = np.zeros(0, np.float32)
    gamma = rng.uniform(0.5, 2, d).astype(np.float32) if scale else empty
    beta = rng.standard_normal(d).astype(np.float32) if center else empty
    cpu, gpu = call_both("layers_norm", "ln_forward", x, np.zeros_like(x), gamma, beta,
                         np.zeros(2 * nb, np.float32), 1e-3, center, scale, nb, d)
    np.testing.assert_allclose(gpu[1], cpu[1], **TOL)
    np.testing.assert_allclose(gpu[4], cpu[4], **TOL)  # row means and 1/std
    cache = cpu[4]
    cpu, gpu = call_both("layers_norm", "ln_backward", x, g, np.zeros_like(x), gamma,
                         np.zeros_like(gamma), np.zeros_like(beta), cache, center, scale, nb, d)
    for k in (2, 4, 5):  # dx, dgamma, dbeta
        np.testing.assert_allclose(gpu[k], cpu[k], **TOL)


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
    cpu, gpu = call_both("losses", "loss_forward_backward", code, fused, out, y, sw,
                         np.zeros_like(out), True)
    assert gpu[-1] == pytest.approx(cpu[-1], rel=1e-6)
    np.testing.assert_allclose(gpu[5], cpu[5], rtol=1e-5, atol=1e-7)
    cpu, gpu = call_both("losses", "loss_correct", code, fused, out, y)
    if code in (losses.MSE, losses.MAE):
        assert np.isnan(cpu[-1]) and np.isnan(gpu[-1])
    else:
        assert gpu[-1] == pytest.approx(cpu[-1])
