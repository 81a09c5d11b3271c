"""Reductions on the GPU: per-parameter norms, penalties, non-finite counts, histograms, unit counts.

Sums are deterministic: a first kernel writes fixed-stride partial sums ``partials (P, C)``, a second
adds each row in order, so no float atomics are used and results do not depend on scheduling.
Histograms count with integer atomics (exact). Monitors only read the arrays they reduce.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d

SUMSQ, SUMABS, NONFINITE = 0, 1, 2
DEAD_FAMILY = (1, 2, 3, 4, 5)  # relu, leaky_relu, prelu, rrelu, elu (activation codes)
_TANH, _SIGMOID = 8, 9


@cuda.jit
def _segment_partials_kernel(buf, ptab, partials, mode):
    chunks = partials.shape[1]
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < ptab.shape[0] * chunks:
        p = k // chunks
        c = k - p * chunks
        off = ptab[p, 0]
        s = 0.0
        for i in range(off + c, off + ptab[p, 1], chunks):
            v = float(buf[i])
            if mode == SUMSQ:
                s += v * v
            elif mode == SUMABS:
                s += abs(v)
            elif not math.isfinite(v):
                s += 1.0
        partials[p, c] = s
        k += stride


@cuda.jit
def _rows_sum_kernel(partials, out):
    p = cuda.grid(1)
    stride = cuda.gridsize(1)
    while p < partials.shape[0]:
        s = 0.0
        for c in range(partials.shape[1]):
            s += partials[p, c]
        out[p] = s
        p += stride


def segment_reduce(buf, ptab, partials, out, mode: int = SUMSQ) -> None:
    """``out[p]`` = sum of squares (SUMSQ), of |x| (SUMABS) or count of non-finite values
    (NONFINITE) over ``buf[off_p : off_p + size_p]`` for each row of ``ptab (P, >=2)``.

    ``partials (P, C)`` float64 scratch (C chunks per segment), ``out (P,)`` float64.
    """
    n = ptab.shape[0] * partials.shape[1]
    blocks, threads = grid1d(n)
    _segment_partials_kernel[blocks, threads](buf, ptab, partials, int(mode))
    blocks, threads = grid1d(ptab.shape[0])
    _rows_sum_kernel[blocks, threads](partials, out)


def segment_sumsq(buf, ptab, partials, out) -> None:
    """Sum of squares of each parameter segment of the flat ``buf`` into ``out (P,)``."""
    segment_reduce(buf, ptab, partials, out, SUMSQ)


@cuda.jit
def _regularize_kernel(w, g, l1, l2):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < w.shape[0]:
        v = float(w[i])
        sgn = 1.0 if v > 0.0 else (-1.0 if v < 0.0 else 0.0)
        g[i] = float(g[i]) + (l1 * sgn + 2.0 * l2 * v)
        i += stride


def add_regularization_grad(w, g, l1: float, l2: float) -> None:
    """``g += l1 * sign(w) + 2 * l2 * w`` (1-D device views of one kernel)."""
    if l1 == 0.0 and l2 == 0.0:
        return
    blocks, threads = grid1d(w.shape[0])
    _regularize_kernel[blocks, threads](w, g, float(l1), float(l2))


@cuda.jit
def _max_norm_kernel(w, max_norm):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < w.shape[1]:
        s = 0.0
        for k in range(w.shape[0]):
            s += float(w[k, j]) * float(w[k, j])
        norm = math.sqrt(s)
        if norm > max_norm:
            f = max_norm / norm
            for k in range(w.shape[0]):
                w[k, j] = float(w[k, j]) * f
        j += stride


def max_norm_columns(w, max_norm: float) -> None:
    """Rescale each column of ``w (in, out)`` whose L2 norm exceeds ``max_norm`` to that norm."""
    blocks, threads = grid1d(w.shape[1])
    _max_norm_kernel[blocks, threads](w, float(max_norm))


@cuda.jit(device=True)
def _bin_of(edges, v, clamp):
    nb = edges.shape[0] - 1
    if not (v >= edges[0] and v <= edges[nb]):
        if not clamp or v != v:
            return -1
        return 0 if v < edges[0] else nb - 1
    lo = 0
    hi = nb
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if v >= edges[mid]:
            lo = mid
        else:
            hi = mid
    return lo


@cuda.jit
def _histogram_kernel(values, edges, counts, clamp):
    n = values.shape[1]
    total = values.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        b = _bin_of(edges, float(values[i, k - i * n]), clamp)
        if b >= 0:
            cuda.atomic.add(counts, b, 1)
        k += stride


@cuda.jit
def _zero_int_kernel(a):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < a.shape[0]:
        a[i] = 0
        i += stride


def histogram(values, edges, counts, clamp: bool = False) -> None:
    """Counts of ``values (B, N)`` in the bins of ``edges (nb+1,)`` into ``counts (nb,)`` int64.

    Bins are [e_k, e_k+1), the last one closed, as ``numpy.histogram``; outside values are dropped,
    or counted in the end bins with ``clamp``; NaN is never counted.
    """
    blocks, threads = grid1d(counts.shape[0])
    _zero_int_kernel[blocks, threads](counts)
    blocks, threads = grid1d(values.shape[0] * values.shape[1])
    _histogram_kernel[blocks, threads](values, edges, counts, bool(clamp))


@cuda.jit
def _unit_counts_kernel(code, pre, out, dead, saturated):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < pre.shape[1]:
        alive = False
        nsat = 0
        for i in range(pre.shape[0]):
            if float(pre[i, j]) > 0.0:
                alive = True
            o = float(out[i, j])
            if code == _SIGMOID and (o < 0.05 or o > 0.95):
                nsat += 1
            elif code == _TANH and abs(o) > 0.95:
                nsat += 1
        dead[j] = 0 if alive else 1
        saturated[j] = nsat
        j += stride


def unit_counts(code: int, pre, out, dead, saturated) -> None:
    """Per unit of an activation layer on the monitor batch: ``dead (N,)`` 1 where the
    pre-activation ``pre (B, N)`` is <= 0 for every sample (meaningful for the ReLU family),
    ``saturated (N,)`` the number of samples whose output ``out (B, N)`` is saturated (sigmoid
    outside [0.05, 0.95], |tanh| > 0.95; 0 for other codes)."""
    blocks, threads = grid1d(pre.shape[1])
    _unit_counts_kernel[blocks, threads](int(code), pre, out, dead, saturated)
