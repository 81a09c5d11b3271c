"""Dense layer on the GPU: a shared-memory tiled matmul and the column sums of the bias gradient.

``gemm(a, b, c, ta, tb, accumulate)`` computes ``c (M, N) = op(a) @ op(b) (+ c)`` where ``op``
transposes when the flag is set, so the three products of a dense layer are one kernel:
``y = x @ W`` (forward), ``dW = x^T @ g``, ``dx = g @ W^T`` (backward). Each block holds two
``tile x tile`` tiles in shared memory; each thread sums its output in a fixed order, so results do
not depend on scheduling. Kernels are built per (tile, dtype) and cached.
"""
from __future__ import annotations

import numpy as np
from numba import cuda, float32, float64

from engine.kernels.cuda.launch import CONFIG, grid1d

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


def dense_forward(x, kernel, bias, y, use_bias: bool = True) -> None:
    """``y (B, out) = x (B, in) @ kernel (in, out) + bias (out,)``."""
    gemm(x, kernel, y, bias=bias if use_bias else None)


def dense_backward(x, kernel, gy, gx, gkernel, gbias, use_bias: bool = True,
                   want_gx: bool = True) -> None:
    """Gradients of a dense layer: ``gkernel = x^T @ gy``, ``gbias = sum_rows gy``,
    ``gx = gy @ kernel^T`` (when ``want_gx``). Shapes: x (B, in), gy (B, out), gx (B, in)."""
    gemm(x, gy, gkernel, ta=True)
    if use_bias:
        column_sums(gy, gbias)
    if want_gx:
        gemm(gy, kernel, gx, tb=True)
