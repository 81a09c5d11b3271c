"""Monitor reductions on the GPU with the CPU's contract (engine/kernels/cpu/monitors.py):
histograms with fixed edges, output summaries, dead and saturated units.

``amon`` row of a layer: 0 min, 1 max, 2 dead units (ReLU family; NaN otherwise), 3 saturated
fraction of (sample, unit) pairs (sigmoid outside [0.05, 0.95], |tanh| > 0.95; NaN otherwise),
4 mean, 5 standard deviation of the layer's output on the monitor batch. Sums are fixed-order
partials (no float atomics); histograms count with integer atomics (exact). Scratch arrays come
from engine/kernels/cuda/launch.py.
"""
from __future__ import annotations

import math

import numpy as np
from numba import cuda

from engine.kernels.cuda.launch import grid1d, scratch
from engine.kernels.cuda.mathx import fmax, fmin
from engine.kernels.cuda.reduce import reduction_chunks
from engine.kernels.scalar.activations import SIGMOID, TANH


@cuda.jit(cache=True)
def _zero_int_kernel(a):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < a.shape[0]:
        a[i] = 0
        i += stride


@cuda.jit(cache=True)
def _histogram_fixed_kernel(y, lo, hi, counts):
    nbins = counts.shape[0]
    n = y.shape[1]
    total = y.shape[0] * n
    scale = nbins / (hi - lo)
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        v = float(y[i, k - i * n])
        if not math.isnan(v):
            if math.isfinite(v):
                b = int(math.floor((v - lo) * scale))
            else:
                b = nbins - 1 if v > 0 else 0
            b = fmin(fmax(b, 0), nbins - 1)
            cuda.atomic.add(counts, b, 1)
        k += stride


def histogram_fixed(y, lo, hi, counts) -> None:
    """counts (n_bins,) int64 of y (B, D) over [lo, hi] with equal bins; outside (and infinite)
    values go to the end bins, NaN is skipped; NaN or empty edges leave the counts at zero."""
    blocks, threads = grid1d(counts.shape[0])
    _zero_int_kernel[blocks, threads](counts)
    if math.isnan(lo) or math.isnan(hi) or hi <= lo:
        return
    blocks, threads = grid1d(y.shape[0] * y.shape[1])
    _histogram_fixed_kernel[blocks, threads](y, float(lo), float(hi), counts)


@cuda.jit(cache=True)
def _summary_partials_kernel(y, partials):
    chunks = partials.shape[0]
    n = y.shape[1]
    total = y.shape[0] * n
    c = cuda.grid(1)
    stride = cuda.gridsize(1)
    while c < chunks:
        mn = math.inf
        mx = -math.inf
        s = 0.0
        s2 = 0.0
        for k in range(c, total, chunks):
            i = k // n
            v = float(y[i, k - i * n])
            mn = fmin(mn, v)
            mx = fmax(mx, v)
            s += v
            s2 += v * v
        partials[c, 0] = mn
        partials[c, 1] = mx
        partials[c, 2] = s
        partials[c, 3] = s2
        c += stride


@cuda.jit(cache=True)
def _summary_final_kernel(partials, total, amon):
    if cuda.grid(1) != 0:
        return
    mn = math.inf
    mx = -math.inf
    s = 0.0
    s2 = 0.0
    for c in range(partials.shape[0]):
        mn = fmin(mn, partials[c, 0])
        mx = fmax(mx, partials[c, 1])
        s += partials[c, 2]
        s2 += partials[c, 3]
    amon[0] = mn
    amon[1] = mx
    mean = s / fmax(total, 1)
    amon[4] = mean
    amon[5] = math.sqrt(fmax(s2 / fmax(total, 1) - mean * mean, 0.0))


def output_summary(y, amon) -> None:
    """min, max, mean and std of y (B, D) into amon[0, 1, 4, 5]."""
    total = y.shape[0] * y.shape[1]
    chunks = reduction_chunks(total)
    partials = scratch("summary_partials", chunks * 4).reshape((chunks, 4))
    blocks, threads = grid1d(chunks)
    _summary_partials_kernel[blocks, threads](y, partials)
    _summary_final_kernel[1, 1](partials, total, amon)


@cuda.jit(cache=True)
def _unit_counts_kernel(code, x, y, dead, saturated):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < x.shape[1]:
        alive = False
        nsat = 0
        for i in range(x.shape[0]):
            if float(x[i, j]) > 0.0:
                alive = True
            o = float(y[i, j])
            if code == SIGMOID and (o < 0.05 or o > 0.95):
                nsat += 1
            elif code == TANH and abs(o) > 0.95:
                nsat += 1
        dead[j] = 0 if alive else 1
        saturated[j] = nsat
        j += stride


@cuda.jit(cache=True)
def _figures_final_kernel(code, dead, saturated, total, amon):
    if cuda.grid(1) != 0:
        return
    amon[2] = math.nan
    amon[3] = math.nan
    if code >= 1 and code <= 5:
        nd = 0
        for j in range(dead.shape[0]):
            nd += dead[j]
        amon[2] = nd
    if code == TANH or code == SIGMOID:
        ns = 0
        for j in range(saturated.shape[0]):
            ns += saturated[j]
        amon[3] = ns / fmax(total, 1)


def activation_figures(act_code, x, y, amon) -> None:
    """Dead units (columns of the pre-activation x (B, D) <= 0 for every sample) and the
    saturated fraction of y (B, D) of an activation layer into amon[2], amon[3]."""
    d = x.shape[1]
    dead = scratch("figures_dead", d, np.int64)
    saturated = scratch("figures_saturated", d, np.int64)
    blocks, threads = grid1d(d)
    _unit_counts_kernel[blocks, threads](int(act_code), x, y, dead, saturated)
    _figures_final_kernel[1, 1](int(act_code), dead, saturated, y.shape[0] * y.shape[1], amon)
