"""Dense layer on the GPU (the CPU's engine/kernels/cpu/layers_dense.py contract: flat row-major
buffers, ``nb`` rows, ``din`` inputs, ``dout`` outputs): a shared-memory tiled matmul, the column
sums of the bias gradient and the max-norm constraint.

``gemm(a, b, c, ta, tb, accumulate)`` computes ``c (M, N) = op(a) @ op(b) (+ c)`` where ``op``
transposes when the flag is set, so the three products of a dense layer are one kernel:
``y = x @ W`` (forward), ``dW = x^T @ g``, ``dx = g @ W^T`` (backward). Each block holds two
``tile x tile`` tiles in shared memory; each thread sums its output in a fixed order, so results do
not depend on scheduling. Kernels are built per (tile, dtype) and cached.
"""
from __future__ import annotations

import math

import numpy as np
from numba import cuda, float32, float64

from engine.kernels.cuda.launch import CONFIG, grid1d, matrix

_GEMM_CACHE: dict = {}


def _make_gemm(tile: int, dtype):
    """Build the tiled matmul kernel for one tile size and dtype (numba type)."""
    TILE = tile
    DT = dtype

    @cuda.jit
    def gemm_kernel(a, b, c, bias, ta, tb, accumulate, use_bias):
        sa = cuda.shared.array((TILE, TILE), DT)
        sb = cuda.shared.array((TILE, TILE), DT)
        tx = cuda.threadIdx.x
        ty = cuda.threadIdx.y
        m = c.shape[0]
        n = c.shape[1]
        kk = a.shape[0] if ta else a.shape[1]
        row = cuda.blockIdx.y * TILE + ty
        col = cuda.blockIdx.x * TILE + tx
        acc = DT(0.0)
        for t in range((kk + TILE - 1) // TILE):
            k = t * TILE + tx
            if row < m and k < kk:
                sa[ty, tx] = a[k, row] if ta else a[row, k]
            else:
                sa[ty, tx] = DT(0.0)
            k = t * TILE + ty
            if k < kk and col < n:
                sb[ty, tx] = b[col, k] if tb else b[k, col]
            else:
                sb[ty, tx] = DT(0.0)
            cuda.syncthreads()
            for i in range(TILE):
                acc += sa[ty, i] * sb[i, tx]
            cuda.syncthreads()
        if row < m and col < n:
            if use_bias:
                acc += bias[col]
            if accumulate:
                c[row, col] += acc
            else:
                c[row, col] = acc

    return gemm_kernel


def _gemm_kernel(tile: int, np_dtype):
    key = (int(tile), np.dtype(np_dtype).str)
    kern = _GEMM_CACHE.get(key)
    if kern is None:
        nb = float32 if np.dtype(np_dtype) == np.float32 else float64
        kern = _GEMM_CACHE[key] = _make_gemm(int(tile), nb)
    return kern


def gemm(a, b, c, ta: bool = False, tb: bool = False, accumulate: bool = False,
         bias=None, tile: int | None = None) -> None:
    """``c = op(a) @ op(b) [+ bias] [+ c]`` on device arrays (2-D, same float dtype).

    ``a``: (M, K), or (K, M) with ``ta``; ``b``: (K, N), or (N, K) with ``tb``; ``c``: (M, N);
    ``bias``: (N,) or None.
    """
    tile = int(tile or CONFIG.tile)
    m, n = c.shape
    kk = a.shape[0] if ta else a.shape[1]
    if (b.shape[1] if tb else b.shape[0]) != kk or (a.shape[1] if ta else a.shape[0]) != m \
            or (b.shape[0] if tb else b.shape[1]) != n:
        raise ValueError(f"gemm shapes do not fit: a{a.shape} ta={ta} b{b.shape} tb={tb} c{c.shape}")
    grid = ((n + tile - 1) // tile, (m + tile - 1) // tile)
    use_bias = bias is not None
    kern = _gemm_kernel(tile, c.dtype)
    kern[grid, (tile, tile)](a, b, c, bias if use_bias else c[0], bool(ta), bool(tb),
                             bool(accumulate), use_bias)


@cuda.jit(cache=True)
def _column_sums_kernel(g, out, accumulate):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < g.shape[1]:
        s = g[0, j] * 0
        for i in range(g.shape[0]):
            s += g[i, j]
        if accumulate:
            out[j] += s
        else:
            out[j] = s
        j += stride


def column_sums(g, out, accumulate: bool = False) -> None:
    """``out (N,) = sum over rows of g (B, N)`` (fixed order; ``+=`` with ``accumulate``)."""
    blocks, threads = grid1d(g.shape[1])
    _column_sums_kernel[blocks, threads](g, out, bool(accumulate))


def dense_forward(x, w, b, use_bias, y, nb, din, dout) -> None:
    """y (nb, dout) = x (nb, din) @ w (din, dout) + b (dout,) (bias only when ``use_bias``), on
    flat device buffers as the CPU kernel's."""
    gemm(matrix(x, nb, din), matrix(w, din, dout), matrix(y, nb, dout),
         bias=b if use_bias else None)


def dense_backward(x, w, g, dx, dw, db, use_bias, want_dx, nb, din, dout) -> None:
    """dw (din, dout) = x.T @ g, db (dout,) = sum g, dx (nb, din) = g @ w.T (if ``want_dx``)."""
    gm = matrix(g, nb, dout)
    gemm(matrix(x, nb, din), gm, matrix(dw, din, dout), ta=True)
    if use_bias:
        column_sums(gm, db)
    if want_dx:
        gemm(gm, matrix(w, din, dout), matrix(dx, nb, din), tb=True)


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


def max_norm_columns(w, max_norm, din, dout) -> None:
    """Rescale each column of w (din, dout) whose L2 norm exceeds ``max_norm`` to that norm."""
    blocks, threads = grid1d(dout)
    _max_norm_kernel[blocks, threads](matrix(w, din, dout), float(max_norm))
