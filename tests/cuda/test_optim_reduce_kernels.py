"""CUDA optimiser updates, clipping and monitor reductions against the CPU kernels / numpy.

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
from tests.cuda import cpu_twins as cpu_dense
from tests.cuda.conftest import host, to_dev

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
    ref = grads.copy()
    cpu_optim.clip_gradients(ref, PTAB, *clips)
    d = to_dev(grads)
    sumsq = cuda.device_array(4, np.float64)
    partials = cuda.device_array((4, 3), np.float64)
    optim.clip_gradients(d, to_dev(PTAB), *clips, sumsq, partials)
    np.testing.assert_allclose(host(d), ref, rtol=1e-6, atol=1e-7)


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


def test_regularization_and_max_norm(rng):
    w = rng.standard_normal((4, 3)).astype(np.float32)
    w[0, 0] = 0.0
    g = rng.standard_normal((4, 3)).astype(np.float32)
    dw, dg = to_dev(w.ravel()), to_dev(g.ravel())
    reduce.add_regularization_grad(dw, dg, 0.01, 0.1)
    np.testing.assert_allclose(host(dg), (g + 0.01 * np.sign(w) + 0.2 * w).ravel(), rtol=1e-6)
    ref = w.copy()
    cpu_dense.max_norm_columns(ref, 1.0)
    d2 = to_dev(w)
    reduce.max_norm_columns(d2, 1.0)
    np.testing.assert_allclose(host(d2), ref, rtol=1e-6)


@pytest.mark.parametrize("clamp", [False, True])
def test_histogram_matches_numpy(rng, clamp):
    v = (rng.standard_normal((9, 7)) * 2).astype(np.float32)
    v[0, 0] = np.nan
    edges = np.linspace(-2.0, 2.0, 9)
    counts = cuda.to_device(np.full(8, 99, np.int64))
    reduce.histogram(to_dev(v), to_dev(edges), counts, clamp)
    finite = v[np.isfinite(v)].astype(np.float64)
    if clamp:
        finite = np.clip(finite, -2.0, 2.0)
    ref, _ = np.histogram(finite, edges)
    np.testing.assert_array_equal(host(counts), ref)


def test_dead_and_saturated_units(rng):
    pre = rng.standard_normal((6, 5)).astype(np.float32)
    pre[:, 1] = -np.abs(pre[:, 1])
    pre[:, 3] = 0.0
    out = (1 / (1 + np.exp(-3 * pre))).astype(np.float32)
    dead = cuda.device_array(5, np.int64)
    sat = cuda.device_array(5, np.int64)
    reduce.unit_counts(9, to_dev(pre), to_dev(out), dead, sat)  # sigmoid
    np.testing.assert_array_equal(host(dead), (pre <= 0).all(axis=0).astype(np.int64))
    np.testing.assert_array_equal(host(sat), ((out < 0.05) | (out > 0.95)).sum(axis=0))
