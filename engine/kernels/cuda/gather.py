"""Batch gathering and small element-wise helpers for the device program."""
from __future__ import annotations

from numba import cuda

from engine.kernels.cuda.launch import grid1d
from engine.program.plan import L_SW, L_X, L_Y


@cuda.jit
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


def gather_rows(lay, work, x, y, sw, bidx, start: int, nb: int) -> None:
    """Copy rows ``bidx[start:start+nb]`` of the device data x (n, F), y (n, T), sw (n,) into the
    batch area of the device work buffer (layout ``lay`` as engine/model.py)."""
    nin, nt = x.shape[1], y.shape[1]
    xb = work[int(lay[L_X]):int(lay[L_X]) + nb * nin].reshape((nb, nin))
    yb = work[int(lay[L_Y]):int(lay[L_Y]) + nb * nt].reshape((nb, nt))
    swb = work[int(lay[L_SW]):int(lay[L_SW]) + nb]
    blocks, threads = grid1d(nb * (nin + nt + 1))
    _gather_kernel[blocks, threads](xb, yb, swb, x, y, sw, bidx, int(start))


@cuda.jit
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
