"""Monitor reductions (docs/NUMERICS.md "Monitors"): histograms with fixed edges, dead and saturated
units, batch-norm figures. Plain functions on arrays, reduced inside compiled code.

``amon`` row of a layer: 0 min, 1 max, 2 dead units (ReLU family; NaN otherwise), 3 saturated
fraction of (sample, unit) pairs (sigmoid outside [0.05, 0.95], |tanh| > 0.95; NaN otherwise),
4 mean, 5 standard deviation of the layer's output on the monitor batch.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from engine.kernels.cpu.simd import LANES, v8_dsq_acc, v8_hsum, v8_sq_acc, v8d_zero

AMON_COLS = 8
RELU_FAMILY_CODES = (1, 2, 3, 4, 5)
# activation codes (engine/kernels/scalar/activations.py) whose outputs have fixed histogram edges
_RELU, _TANH, _SIGMOID, _SOFTPLUS, _SOFTMAX = 1, 8, 9, 10, 12
# the edges of the layers that are no activation layer (engine.snapshot.edges_for's None)
NOT_ACTIVATION = -1


@njit(cache=True, nogil=True)
def sumsq(a, off, n):
    """Sum of float64(a[off:off+n]) ** 2: eight lane-wise partial sums (a vector register), added
    by a fixed tree, then the n % 8 tail in order. Every term is exact for float32 data; the sum
    differs from a sequential one by rounding only (relative error below n * 2**-53)."""
    acc = v8d_zero()
    m = n // LANES
    for c in range(m):
        acc = v8_sq_acc(acc, a, off + c * LANES)
    s = v8_hsum(acc)
    for k in range(off + m * LANES, off + n):
        v = np.float64(a[k])  # numba's float() keeps float32: the square would round
        s += v * v
    return s


@njit(cache=True, nogil=True)
def diff_sumsq(a, b, off, n):
    """Sum of (float64(a[k]) - float64(b[k])) ** 2 over a[off:off+n] (summed as ``sumsq``)."""
    acc = v8d_zero()
    m = n // LANES
    for c in range(m):
        acc = v8_dsq_acc(acc, a, b, off + c * LANES)
    s = v8_hsum(acc)
    for k in range(off + m * LANES, off + n):
        v = np.float64(a[k]) - np.float64(b[k])
        s += v * v
    return s


@njit(cache=True, nogil=True)
def fixed_edges(act_code, amin, amax, edges):
    """edges[0], edges[1] of a layer's activation histogram (engine.snapshot.edges_for): from the
    activation code of an activation layer (NOT_ACTIVATION otherwise) and the output's range on
    the first monitor pass."""
    if act_code == _SIGMOID or act_code == _SOFTMAX:
        edges[0], edges[1] = 0.0, 1.0
        return
    if act_code == _TANH:
        edges[0], edges[1] = -1.0, 1.0
        return
    m = max(abs(amin), abs(amax)) if math.isfinite(amin) and math.isfinite(amax) else 1.0
    r = 2.0 ** math.ceil(math.log2(max(1.25 * m, 0.125)))
    edges[0] = 0.0 if act_code == _RELU or act_code == _SOFTPLUS else -r
    edges[1] = r


@njit(cache=True, nogil=True)
def histogram_fixed(y, lo, hi, counts):
    """counts (n_bins,) int64 of y (B, D) over [lo, hi] with equal bins; outside values go to the
    end bins; NaN edges leave counts at zero."""
    nbins = counts.shape[0]
    for b in range(nbins):
        counts[b] = 0
    if math.isnan(lo) or math.isnan(hi) or hi <= lo:
        return
    scale = nbins / (hi - lo)
    top = float(nbins)
    for r in range(y.shape[0]):
        for c in range(y.shape[1]):
            t = (float(y[r, c]) - lo) * scale
            # clamping before the integer conversion: floor == truncation on [0, nbins), and
            # +-inf land in the end bins without a libm floor call or an isfinite branch
            if t < 0.0:
                counts[0] += 1
            elif t >= top:
                counts[nbins - 1] += 1
            elif t == t:
                counts[int(t)] += 1


@njit(cache=True, nogil=True)
def output_summary(y, amon):
    """min, max, mean and std of y (B, D) into amon[0, 1, 4, 5]."""
    mn = math.inf
    mx = -math.inf
    s = 0.0
    s2 = 0.0
    n = y.shape[0] * y.shape[1]
    for r in range(y.shape[0]):
        for c in range(y.shape[1]):
            v = float(y[r, c])
            mn = min(mn, v)
            mx = max(mx, v)
            s += v
            s2 += v * v
    amon[0] = mn
    amon[1] = mx
    mean = s / max(n, 1)
    amon[4] = mean
    amon[5] = math.sqrt(max(s2 / max(n, 1) - mean * mean, 0.0))


@njit(cache=True, nogil=True)
def dead_units(x):
    """Units (columns of the pre-activation x (B, D)) that are <= 0 for every sample."""
    dead = 0
    for c in range(x.shape[1]):
        alive = False
        for r in range(x.shape[0]):
            if x[r, c] > 0.0:
                alive = True
                break
        if not alive:
            dead += 1
    return dead


@njit(cache=True, nogil=True)
def saturated_fraction(act_code, y):
    """Fraction of (sample, unit) pairs saturated: sigmoid (9) outside [0.05, 0.95], tanh (8)
    |y| > 0.95."""
    n = 0
    for r in range(y.shape[0]):
        for c in range(y.shape[1]):
            v = y[r, c]
            if act_code == 9:
                if v < 0.05 or v > 0.95:
                    n += 1
            elif abs(v) > 0.95:
                n += 1
    return n / max(y.shape[0] * y.shape[1], 1)


@njit(cache=True, nogil=True)
def activation_figures(act_code, x, y, amon):
    """Dead units and saturated fraction of an activation layer into amon[2], amon[3]."""
    amon[2] = math.nan
    amon[3] = math.nan
    if act_code >= 1 and act_code <= 5:
        amon[2] = dead_units(x)
    if act_code == 8 or act_code == 9:
        amon[3] = saturated_fraction(act_code, y)


@njit(cache=True, nogil=True)
def range_histogram(w, n_bins):
    """(counts (n_bins,) int64, edges (n_bins + 1,) float64) of the finite values of w (n,) over
    their own range (widened when it is empty), exactly as ``np.histogram(finite, n_bins,
    range=(lo, hi))``: numpy's linspace edges, its index arithmetic and its edge corrections."""
    n_fin = 0
    lo = math.inf
    hi = -math.inf
    for i in range(w.shape[0]):
        v = float(w[i])
        if math.isfinite(v):
            n_fin += 1
            lo = min(lo, v)
            hi = max(hi, v)
    if n_fin == 0:
        lo, hi = 0.0, 1.0
    if not hi - lo > 1e-12 * max(abs(lo), abs(hi), 1.0):
        lo, hi = lo - 0.5 * max(abs(lo), 1.0), hi + 0.5 * max(abs(hi), 1.0)
    edges = np.empty(n_bins + 1)
    step = (hi - lo) / n_bins
    for k in range(n_bins):
        edges[k] = k * step + lo
    edges[n_bins] = hi
    counts = np.zeros(n_bins, np.int64)
    den = hi - lo
    for i in range(w.shape[0]):
        a = float(w[i])
        if not math.isfinite(a):
            continue
        k = int((a - lo) / den * n_bins)
        if k == n_bins:
            k -= 1
        if a < edges[k]:
            k -= 1
        if a >= edges[k + 1] and k != n_bins - 1:
            k += 1
        counts[k] += 1
    return counts, edges
