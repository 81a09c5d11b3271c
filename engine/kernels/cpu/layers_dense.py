"""Dense-layer kernels on flat (row-major) buffers: small matmuls by hand loops, large ones
through BLAS (np.dot). Arrays are 1-D; ``nb`` rows, ``din`` inputs, ``dout`` outputs."""
from __future__ import annotations

import ctypes
import glob
import os

import llvmlite.binding as llvm
import numpy as np
from numba import njit, types

from engine.kernels.cpu.simd import (LANES, v8_add, v8_load, v8_madd, v8_store, v8_store_strided,
                                     v8_zero, zero_of)

# Below this many multiply-adds, BLAS call overhead dominates: hand loops win.
BLAS_MIN_WORK = 32 * 32 * 32
# Below this many multiply-adds a product runs on one BLAS thread. OpenBLAS itself threads from
# 262k multiply-adds on; on a busy 2-core machine its second thread is often not scheduled and the
# caller spins: a 100x128 @ 128x128 product took 1.6-4 ms of CPU instead of 70 us (PERF_NOTES.md).
BLAS_THREADS_MIN_WORK = 1 << 23

_SYMBOL = "playground_blas_threads_local"


@ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int)
def _no_thread_control(n: int) -> int:  # pragma: no cover - only without scipy's OpenBLAS
    return n


def _thread_control_address() -> int:
    """Address of OpenBLAS's ``openblas_set_num_threads_local`` in the library numba's np.dot uses
    (scipy's), or of a no-op when it is missing."""
    import scipy

    pattern = os.path.join(os.path.dirname(scipy.__file__), os.pardir, "scipy.libs", "*openblas*.so*")
    for path in sorted(glob.glob(pattern)):
        try:
            fn = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        return ctypes.cast(fn, ctypes.c_void_p).value
    return ctypes.cast(_no_thread_control, ctypes.c_void_p).value


# Declared by name (not as a ctypes object) so that compiled callers stay cacheable: the symbol is
# registered with LLVM at import, before any cached code is loaded.
llvm.add_symbol(_SYMBOL, _thread_control_address())
blas_threads_local = types.ExternalFunction(_SYMBOL, types.intc(types.intc))


@njit(cache=True, nogil=True)
def blas_dot(a, b, out, work):
    """out = a @ b (2-D, C or F ordered, in place); products under BLAS_THREADS_MIN_WORK
    multiply-adds run on the calling thread only (the thread count is restored afterwards)."""
    if work >= BLAS_THREADS_MIN_WORK:
        np.dot(a, b, out)
        return
    prev = blas_threads_local(1)
    np.dot(a, b, out)
    blas_threads_local(prev)


@njit(cache=True, nogil=True, inline="always")
def small_forward(x, w, b, use_bias, y, nb, din, dout):
    """y (nb, dout) = x (nb, din) @ w (din, dout) + b by 8-column register blocks, two rows at a
    time (one load of w for both); the last dout % 8 columns and an odd last row run scalar.

    Each output is ``b[j]`` (or 0) plus the products over k in order, as the scalar loop sums it.
    """
    nj8 = dout - dout % LANES
    r = 0
    while r + 1 < nb:
        xo = r * din
        yo = r * dout
        for j0_ in range(nj8 // LANES):
            j0 = j0_ * LANES
            a0 = v8_load(b, j0) if use_bias else v8_zero(y)
            a1 = a0
            for k in range(din):
                wv = v8_load(w, k * dout + j0)
                a0 = v8_madd(a0, x[xo + k], wv)
                a1 = v8_madd(a1, x[xo + din + k], wv)
            v8_store(y, yo + j0, a0)
            v8_store(y, yo + dout + j0, a1)
        for j in range(nj8, dout):
            s0 = b[j] if use_bias else zero_of(y)
            s1 = s0
            for k in range(din):
                wk = w[k * dout + j]
                s0 += x[xo + k] * wk
                s1 += x[xo + din + k] * wk
            y[yo + j] = s0
            y[yo + dout + j] = s1
        r += 2
    if nb % 2 == 1:
        xo = (nb - 1) * din
        yo = (nb - 1) * dout
        for j0_ in range(nj8 // LANES):
            j0 = j0_ * LANES
            a0 = v8_load(b, j0) if use_bias else v8_zero(y)
            for k in range(din):
                a0 = v8_madd(a0, x[xo + k], v8_load(w, k * dout + j0))
            v8_store(y, yo + j0, a0)
        for j in range(nj8, dout):
            s0 = b[j] if use_bias else zero_of(y)
            for k in range(din):
                s0 += x[xo + k] * w[k * dout + j]
            y[yo + j] = s0


@njit(cache=True, nogil=True, inline="always")
def small_dx(w, g, dx, wt, nb, din, dout):
    """dx (nb, din) = g (nb, dout) @ w.T, summed over j in order: w.T (dout, din) goes to the
    scratch ``wt`` (>= din*dout) and the product runs as :func:`small_forward` without bias."""
    for k in range(din):
        for j in range(dout):
            wt[j * din + k] = w[k * dout + j]
    small_forward(g, wt, wt, False, dx, nb, dout, din)


@njit(cache=True, nogil=True, inline="always")
def small_dw(x, g, dw, db, use_bias, nb, din, dout):
    """dw (din, dout) = x.T @ g and, when ``use_bias``, db (dout,) = column sums of g; each element
    summed over the rows in order (from 0).

    Full 8-column blocks take eight, four or one kernel rows at a time (one load of g for all;
    the first block also sums db); the last dout % 8 columns run 8 kernel rows per vector and
    scatter the lanes to their column.
    """
    nj8 = dout - dout % LANES
    for j0_ in range(nj8 // LANES):
        j0 = j0_ * LANES
        for k8 in range(din // 8):
            _dw_block8(x, g, dw, db, use_bias and k8 == 0, 8 * k8, j0, nb, din, dout)
        k = din - din % 8
        if din % 8 >= 4:
            _dw_block4(x, g, dw, db, use_bias and k == 0, k, j0, nb, din, dout)
            k += 4
        for kk in range(k, din):
            a0 = v8_zero(dw)
            ab = a0
            for r in range(nb):
                gv = v8_load(g, r * dout + j0)
                a0 = v8_madd(a0, x[r * din + kk], gv)
                ab = v8_add(ab, gv)
            v8_store(dw, kk * dout + j0, a0)
            if use_bias and kk == 0:
                v8_store(db, j0, ab)
    nk8 = din - din % LANES
    for j in range(nj8, dout):
        for k0_ in range(nk8 // LANES):
            k0 = k0_ * LANES
            acc = v8_zero(dw)
            for r in range(nb):
                acc = v8_madd(acc, g[r * dout + j], v8_load(x, r * din + k0))
            v8_store_strided(dw, k0 * dout + j, dout, acc)
        for k in range(nk8, din):
            a = zero_of(dw)
            for r in range(nb):
                a += x[r * din + k] * g[r * dout + j]
            dw[k * dout + j] = a
        if use_bias:
            a = zero_of(db)
            for r in range(nb):
                a += g[r * dout + j]
            db[j] = a


@njit(cache=True, nogil=True, inline="always")
def _dw_block8(x, g, dw, db, want_db, k, j0, nb, din, dout):
    """dw[k:k+8, j0:j0+8] of small_dw (and db[j0:j0+8] when ``want_db``)."""
    a0 = v8_zero(dw)
    a1, a2, a3, a4, a5, a6, a7, ab = a0, a0, a0, a0, a0, a0, a0, a0
    for r in range(nb):
        gv = v8_load(g, r * dout + j0)
        xo = r * din + k
        a0 = v8_madd(a0, x[xo], gv)
        a1 = v8_madd(a1, x[xo + 1], gv)
        a2 = v8_madd(a2, x[xo + 2], gv)
        a3 = v8_madd(a3, x[xo + 3], gv)
        a4 = v8_madd(a4, x[xo + 4], gv)
        a5 = v8_madd(a5, x[xo + 5], gv)
        a6 = v8_madd(a6, x[xo + 6], gv)
        a7 = v8_madd(a7, x[xo + 7], gv)
        ab = v8_add(ab, gv)
    ko = k * dout + j0
    v8_store(dw, ko, a0)
    v8_store(dw, ko + dout, a1)
    v8_store(dw, ko + 2 * dout, a2)
    v8_store(dw, ko + 3 * dout, a3)
    v8_store(dw, ko + 4 * dout, a4)
    v8_store(dw, ko + 5 * dout, a5)
    v8_store(dw, ko + 6 * dout, a6)
    v8_store(dw, ko + 7 * dout, a7)
    if want_db:
        v8_store(db, j0, ab)


@njit(cache=True, nogil=True, inline="always")
def _dw_block4(x, g, dw, db, want_db, k, j0, nb, din, dout):
    """dw[k:k+4, j0:j0+8] of small_dw (and db[j0:j0+8] when ``want_db``)."""
    a0 = v8_zero(dw)
    a1, a2, a3, ab = a0, a0, a0, a0
    for r in range(nb):
        gv = v8_load(g, r * dout + j0)
        xo = r * din + k
        a0 = v8_madd(a0, x[xo], gv)
        a1 = v8_madd(a1, x[xo + 1], gv)
        a2 = v8_madd(a2, x[xo + 2], gv)
        a3 = v8_madd(a3, x[xo + 3], gv)
        ab = v8_add(ab, gv)
    ko = k * dout + j0
    v8_store(dw, ko, a0)
    v8_store(dw, ko + dout, a1)
    v8_store(dw, ko + 2 * dout, a2)
    v8_store(dw, ko + 3 * dout, a3)
    if want_db:
        v8_store(db, j0, ab)


@njit(cache=True, nogil=True)
def bias_grad(g, db, nb, dout):
    """db (dout,) = sum over the nb rows of g (nb, dout), in row order (row by row: the BLAS-sized
    path, where g is large and columns-first would stride through it)."""
    for j in range(dout):
        db[j] = 0.0
    for r in range(nb):
        for j in range(dout):
            db[j] += g[r * dout + j]


@njit(cache=True, nogil=True)
def blas_forward(x, w, b, use_bias, y, nb, din, dout):
    """dense_forward through BLAS (products of at least BLAS_MIN_WORK multiply-adds)."""
    # np.dot with an output writes in place: no temporary result, no copy
    blas_dot(x[:nb * din].reshape((nb, din)), w[:din * dout].reshape((din, dout)),
             y[:nb * dout].reshape((nb, dout)), nb * din * dout)
    if use_bias:
        for r in range(nb):
            for j in range(dout):
                y[r * dout + j] += b[j]


@njit(cache=True, nogil=True)
def blas_backward(x, w, g, dx, dw, want_dx, nb, din, dout):
    """dw = x.T @ g and dx = g @ w.T (if ``want_dx``) through BLAS."""
    x2 = x[:nb * din].reshape((nb, din))
    g2 = g[:nb * dout].reshape((nb, dout))
    # transposed views are F-ordered: BLAS reads them with a transpose flag (no copies), and
    # the products land in place (no temporaries)
    blas_dot(x2.T, g2, dw[:din * dout].reshape((din, dout)), nb * din * dout)
    if want_dx:
        w2 = w[:din * dout].reshape((din, dout))
        blas_dot(g2, w2.T, dx[:nb * din].reshape((nb, din)), nb * din * dout)


@njit(cache=True, nogil=True)
def dense_forward(x, w, b, use_bias, y, nb, din, dout):
    """y (nb, dout) = x (nb, din) @ w (din, dout) + b (dout,) (bias only when ``use_bias``)."""
    if nb * din * dout >= BLAS_MIN_WORK:
        blas_forward(x, w, b, use_bias, y, nb, din, dout)
    else:
        small_forward(x, w, b, use_bias, y, nb, din, dout)


@njit(cache=True, nogil=True)
def dense_backward(x, w, g, dx, dw, db, use_bias, want_dx, nb, din, dout):
    """dw (din, dout) = x.T @ g, db (dout,) = sum g, dx (nb, din) = g @ w.T (if ``want_dx``)."""
    if nb * din * dout >= BLAS_MIN_WORK:
        blas_backward(x, w, g, dx, dw, want_dx, nb, din, dout)
        if use_bias:
            bias_grad(g, db, nb, dout)
        return
    if want_dx:
        # dw serves as scratch for w.T before it receives the kernel gradient
        small_dx(w, g, dx, dw, nb, din, dout)
    small_dw(x, g, dw, db, use_bias, nb, din, dout)


@njit(cache=True, nogil=True)
def max_norm_columns(w, max_norm, din, dout):
    """Rescale each column of w (din, dout) whose L2 norm exceeds ``max_norm`` to that norm."""
    for j in range(dout):
        s = 0.0
        for k in range(din):
            s += float(w[k * dout + j]) * float(w[k * dout + j])
        norm = np.sqrt(s)
        if norm > max_norm:
            f = max_norm / norm
            for k in range(din):
                w[k * dout + j] = w[k * dout + j] * f
