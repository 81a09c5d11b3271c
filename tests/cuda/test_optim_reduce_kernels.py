"""CUDA optimiser updates, clipping and monitor reductions against the same-named CPU kernels
(engine/kernels/contract.py), and the GPU program's own segment reductions against numpy.

float32 tolerances: weights and slots after 3 updates rtol 1e-6 / atol 1e-7 (same float64
arithmetic per element, stored float32); norms rtol 1e-6; histograms and counts exact.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from numba import cuda

from engine.kernels.cpu import optim as cpu_optim
from engine.kernels.cuda import optim, reduce
from tests.cuda.conftest import call_both, host, to_dev

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(180)]

OPTIMIZERS = [  # (code, hp, mom)
    (cpu_optim.SGD, [0, 0, 0, 0, 0, 0, 0, 0], 0.0),
    (cpu_optim.SGD, [0, 0, 1, 0, 0, 0, 0, 0], 0.9),
    (cpu_optim.ADAGRAD, [1e-7, 0, 0, 0, 0.1, 0, 0, 0], 0.0),
    (cpu_optim.RMSPROP, [1e-7, 0.9, 1, 0, 0, 0, 0, 0], 0.5),
    (cpu_optim.ADAM, [1e-7, 0.999, 0, 0, 0, 0, 0, 0], 0.9),
    (cpu_optim.ADAM, [1e-7, 0.999, 1, 0, 0, 0, 0, 0], 0.9),
    (cpu_optim.ADAMAX, [1e-7, 0.999, 0, 0, 0, 0, 0, 0], 0.9),
    (cpu_optim.NADAM, [1e-7, 0.999, 0, 0, 0, 0, 0, 0], 0.9),
    (cpu_optim.ADAMW, [1e-7, 0.999, 0, 0.004, 0, 0, 0, 0], 0.9),
]


@pytest.mark.parametrize("code,hp,mom", OPTIMIZERS)
def test_optimizer_update_matches_cpu(rng, code, hp, mom):
    n = 11
    hp = np.array(hp, np.float64)
    w = rng.standard_normal(n).astype(np.float32)
    slots = [np.full(n, 0.1 if code == cpu_optim.ADAGRAD else 0.0, np.float32) for _ in range(3)]
    ostate = np.array([1.0, 0, 0, 0])
    dw, ds = to_dev(w), [to_dev(s) for s in slots]
    dhp, dost = to_dev(hp), to_dev(ostate)
    for t in (1, 2, 3):
        g = rng.standard_normal(n).astype(np.float32)
        cpu_optim.optimizer_begin_step(code, hp, ostate, t, mom)
        cpu_optim.optimizer_update(code, hp, ostate, w, g, slots[0], slots[1], slots[2], t, 0.01, mom)
        optim.optimizer_begin_step(code, dhp, dost, t, mom)
        optim.optimizer_update(code, dhp, dost, dw, to_dev(g), ds[0], ds[1], ds[2], t, 0.01, mom)
    np.testing.assert_allclose(host(dw), w, rtol=1e-6, atol=1e-7)
    for s, d in zip(slots, ds):
        np.testing.assert_allclose(host(d), s, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(host(dost), ostate, rtol=1e-12)


PTAB = np.array([[0, 6, 0, 3], [6, 3, 0, 1], [9, 4, 1, 0], [13, 5, 2, 3]], np.int64)


@pytest.mark.parametrize("clips", [(0.3, math.nan, math.nan), (math.nan, 0.5, math.nan),
                                   (math.nan, math.nan, 1.0), (0.8, 1.0, 1.5)])
def test_clip_gradients_matches_cpu(rng, clips):
    grads = rng.standard_normal(18).astype(np.float32)
    cpu, gpu = call_both("optim", "clip_gradients", grads, PTAB, *clips)
    np.testing.assert_allclose(gpu[0], cpu[0], rtol=1e-6, atol=1e-7)
    assert not np.array_equal(cpu[0], grads)


def test_segment_reductions(rng):
    buf = rng.standard_normal(18).astype(np.float32)
    buf[10] = np.inf
    buf[15] = np.nan
    out = cuda.device_array(4, np.float64)
    partials = cuda.device_array((4, 3), np.float64)
    dbuf, dptab = to_dev(buf), to_dev(PTAB)
    segs = [buf[o:o + s].astype(np.float64) for o, s in PTAB[:, :2]]
    reduce.segment_reduce(dbuf, dptab, partials, out, reduce.NONFINITE)
    np.testing.assert_array_equal(host(out), [0, 0, 1, 1])
    buf[10] = buf[15] = 0.5
    dbuf = to_dev(buf)
    segs = [buf[o:o + s].astype(np.float64) for o, s in PTAB[:, :2]]
    reduce.segment_reduce(dbuf, dptab, partials, out, reduce.SUMSQ)
    np.testing.assert_allclose(host(out), [np.sum(s * s) for s in segs], rtol=1e-12)
    reduce.segment_reduce(dbuf, dptab, partials, out, reduce.SUMABS)
    np.testing.assert_allclose(host(out), [np.sum(np.abs(s)) for s in segs], rtol=1e-12)


def test_regularization_gradient(rng):
    w = rng.standard_normal(12).astype(np.float32)
    w[0] = 0.0
    g = rng.standard_normal(12).astype(np.float32)
    dg = to_dev(g)
    reduce.add_regularization_grad(to_dev(w), dg, 0.01, 0.1)
    np.testing.assert_allclose(host(dg), g + 0.01 * np.sign(w) + 0.2 * w, rtol=1e-6)


def _monitor_batch(rng):
    pre = rng.standard_normal((6, 5)).astype(np.float32)
    pre[:, 1] = -np.abs(pre[:, 1])
    pre[:, 3] = 0.0
    return pre


def test_histogram_fixed_matches_cpu(rng):
    y = (rng.standard_normal((9, 7)) * 2).astype(np.float32)
    y[0, 0], y[0, 1], y[0, 2], y[1, 0] = np.nan, np.inf, -np.inf, 5.0
    counts = np.full(8, 99, np.int64)
    cpu, gpu = call_both("monitors", "histogram_fixed", y, -2.0, 2.0, counts)
    np.testing.assert_array_equal(gpu[3], cpu[3])
    assert cpu[3].sum() == y.size - 1  # NaN skipped, outside values in the end bins
    cpu, gpu = call_both("monitors", "histogram_fixed", y, np.nan, 2.0, counts)
    assert not gpu[3].any() and not cpu[3].any()


@pytest.mark.parametrize("code", [9, 8, 1, 0])  # sigmoid, tanh, relu, linear
def test_output_summary_and_activation_figures_match_cpu(rng, code):
    pre = _monitor_batch(rng)
    out = (1 / (1 + np.exp(-3 * pre))).astype(np.float32) if code == 9 else np.tanh(3 * pre)
    amon = np.full(8, -1.0)
    cpu, gpu = call_both("monitors", "output_summary", out, amon)
    np.testing.assert_allclose(gpu[1], cpu[1], rtol=1e-6, atol=1e-9)  # std: other sum order
    cpu, gpu = call_both("monitors", "activation_figures", code, pre, out, amon)
    np.testing.assert_array_equal(gpu[3], cpu[3])
    if code == 1:
        assert cpu[3][2] == 2  # columns 1 and 3 never positive
    if code in (8, 9):
        assert 0 < cpu[3][3] < 1
