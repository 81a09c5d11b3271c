"""Batch gathering and small element-wise helpers for the device program."""
from __future__ import annotations

from numba import cuda

from engine.kernels.cuda.launch import grid1d


@cuda.jit(cache=True)
def _gather_kernel(xb, yb, swb, x, y, sw, bidx, start):
    nb = xb.shape[0]
    nin = x.shape[1]
    nt = y.shape[1]
    width = nin + nt + 1
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < nb * width:
        r = k // width
        c = k - r * width
        src = bidx[start + r]
        if c < nin:
            xb[r, c] = x[src, c]
        elif c < nin + nt:
            yb[r, c - nin] = y[src, c - nin]
        else:
            swb[r] = sw[src]
        k += stride


def gather_rows(offsets: tuple[int, int, int], work, x, y, sw, bidx, start: int, nb: int) -> None:
    """Copy rows ``bidx[start:start+nb]`` of the device data x (n, F), y (n, T), sw (n,) into the
    batch area of the flat device work buffer: x, y and sw rows start at ``offsets``."""
    nin, nt = x.shape[1], y.shape[1]
    x_off, y_off, sw_off = (int(o) for o in offsets)
    xb = work[x_off:x_off + nb * nin].reshape((nb, nin))
    yb = work[y_off:y_off + nb * nt].reshape((nb, nt))
    swb = work[sw_off:sw_off + nb]
    blocks, threads = grid1d(nb * (nin + nt + 1))
    _gather_kernel[blocks, threads](xb, yb, swb, x, y, sw, bidx, int(start))


@cuda.jit(cache=True)
def _subtract_kernel(out, a, b):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < out.shape[0]:
        out[i] = float(a[i]) - float(b[i])
        i += stride


def subtract_into(out, a, b) -> None:
    """``out = a - b`` for 1-D device arrays."""
    blocks, threads = grid1d(out.shape[0])
    _subtract_kernel[blocks, threads](out, a, b)
