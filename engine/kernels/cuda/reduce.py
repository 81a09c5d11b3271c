"""Reductions of the GPU program (the CPU program does these inline in engine/program/train.py):
per-parameter sums of squares and of |x|, non-finite counts, the l1/l2 penalty gradient.

Sums are deterministic: a first kernel writes fixed-stride partial sums ``partials (P, C)``, a second
adds each row in order, so no float atomics are used and results do not depend on scheduling.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d

SUMSQ, SUMABS, NONFINITE = 0, 1, 2
CHUNKS = 64  # partial sums per segment (at least) in the deterministic reductions


def reduction_chunks(largest: int) -> int:
    """Partial sums per segment: ~2048 elements per thread, between CHUNKS and 4096. Depends only
    on the sizes, so a model always reduces in the same order (bit-identical runs)."""
    chunks = CHUNKS
    while chunks < 4096 and chunks * 2048 < largest:
        chunks *= 2
    return chunks


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
