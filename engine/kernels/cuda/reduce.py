"""Reductions on the GPU: per-parameter norms, penalties, non-finite counts, histograms, unit counts.

Sums are deterministic: a first kernel writes fixed-stride partial sums ``partials (P, C)``, a second
adds each row in order, so no float atomics are used and results do not depend on scheduling.
Histograms count with integer atomics (exact). Monitors only read the arrays they reduce.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d
from engine.kernels.cuda.mathx import fmax, fmin

SUMSQ, SUMABS, NONFINITE = 0, 1, 2
DEAD_FAMILY = (1, 2, 3, 4, 5)  # relu, leaky_relu, prelu, rrelu, elu (activation codes)
_TANH, _SIGMOID = 8, 9


@cuda.jit(cache=True)
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


@cuda.jit(cache=True)
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


@cuda.jit(cache=True)
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


@cuda.jit(cache=True)
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


@cuda.jit(cache=True)
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


@cuda.jit(cache=True)
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


@cuda.jit(cache=True)
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


@cuda.jit(cache=True)
def _histogram_uniform_kernel(values, lo, hi, counts):
    nbins = counts.shape[0]
    n = values.shape[1]
    total = values.shape[0] * n
    scale = nbins / (hi - lo)
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        v = float(values[i, k - i * n])
        if not math.isnan(v):
            if math.isfinite(v):
                b = int(math.floor((v - lo) * scale))
            else:
                b = nbins - 1 if v > 0 else 0
            b = fmin(fmax(b, 0), nbins - 1)
            cuda.atomic.add(counts, b, 1)
        k += stride


def histogram_uniform(values, lo: float, hi: float, counts) -> None:
    """``counts (n_bins,)`` int64 of ``values (B, N)`` over [lo, hi] in equal bins, as the CPU's
    ``histogram_fixed``: outside (and infinite) values go to the end bins, NaN is skipped, NaN or
    empty edges leave the counts at zero."""
    blocks, threads = grid1d(counts.shape[0])
    _zero_int_kernel[blocks, threads](counts)
    if math.isnan(lo) or math.isnan(hi) or hi <= lo:
        return
    blocks, threads = grid1d(values.shape[0] * values.shape[1])
    _histogram_uniform_kernel[blocks, threads](values, float(lo), float(hi), counts)


@cuda.jit(cache=True)
def _summary_partials_kernel(values, partials):
    chunks = partials.shape[0]
    n = values.shape[1]
    total = values.shape[0] * n
    c = cuda.grid(1)
    stride = cuda.gridsize(1)
    while c < chunks:
        mn = math.inf
        mx = -math.inf
        s = 0.0
        s2 = 0.0
        for k in range(c, total, chunks):
            i = k // n
            v = float(values[i, k - i * n])
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
def _summary_final_kernel(partials, total, code, dead, sat, amon, row):
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
    amon[row, 0] = mn
    amon[row, 1] = mx
    mean = s / fmax(total, 1)
    amon[row, 4] = mean
    amon[row, 5] = math.sqrt(fmax(s2 / fmax(total, 1) - mean * mean, 0.0))
    amon[row, 2] = math.nan
    amon[row, 3] = math.nan
    if code >= 1 and code <= 5:
        nd = 0
        for j in range(dead.shape[0]):
            nd += dead[j]
        amon[row, 2] = nd
    if code == _TANH or code == _SIGMOID:
        ns = 0
        for j in range(sat.shape[0]):
            ns += sat[j]
        amon[row, 3] = ns / fmax(total, 1)


def layer_figures(values, amon, row: int, partials, act_code: int = -1, pre=None, dead=None,
                  sat=None) -> None:
    """Monitor figures of one layer's output ``values (B, D)`` into ``amon[row]`` (the CPU's
    AMON layout: 0 min, 1 max, 2 dead units, 3 saturated fraction, 4 mean, 5 std); ``act_code``
    >= 0 for activation layers (``pre (B, D)`` their input, ``dead``/``sat (>= D,)`` int64
    scratch), -1 otherwise (dead/saturated NaN). ``partials (C, 4)`` float64 scratch."""
    if act_code >= 0:
        d = values.shape[1]
        unit_counts(act_code, pre, values, dead[:d], sat[:d])
        dead_v, sat_v = dead[:d], sat[:d]
    else:
        dead_v = sat_v = dead[:0]
    blocks, threads = grid1d(partials.shape[0])
    _summary_partials_kernel[blocks, threads](values, partials)
    _summary_final_kernel[1, 1](partials, values.shape[0] * values.shape[1], int(act_code),
                                dead_v, sat_v, amon, int(row))


@cuda.jit(cache=True)
def _fill_kernel(a, value):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < a.shape[0]:
        a[i] = value
        i += stride


def fill(a, value: float) -> None:
    """``a[:] = value`` for a 1-D device array."""
    blocks, threads = grid1d(a.shape[0])
    _fill_kernel[blocks, threads](a, value)
