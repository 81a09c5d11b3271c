"""Dense-layer kernels on flat (row-major) buffers: small matmuls by hand loops, large ones
through BLAS (np.dot). Arrays are 1-D; ``nb`` rows, ``din`` inputs, ``dout`` outputs."""
from __future__ import annotations

import ctypes
import glob
import os

import llvmlite.binding as llvm
import numpy as np
from numba import njit, types

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


@njit(cache=True, nogil=True)
def dense_forward(x, w, b, use_bias, y, nb, din, dout):
    """y (nb, dout) = x (nb, din) @ w (din, dout) + b (dout,) (bias only when ``use_bias``)."""
    if nb * din * dout >= BLAS_MIN_WORK:
        # np.dot with an output writes in place: no temporary result, no copy
        blas_dot(x[:nb * din].reshape((nb, din)), w[:din * dout].reshape((din, dout)),
                 y[:nb * dout].reshape((nb, dout)), nb * din * dout)
        if use_bias:
            for r in range(nb):
                for j in range(dout):
                    y[r * dout + j] += b[j]
        return
    for r in range(nb):
        xo = r * din
        yo = r * dout
        for j in range(dout):
            y[yo + j] = b[j] if use_bias else 0.0
        for k in range(din):
            xv = x[xo + k]
            ko = k * dout
            for j in range(dout):
                y[yo + j] += xv * w[ko + j]


@njit(cache=True, nogil=True)
def dense_backward(x, w, g, dx, dw, db, use_bias, want_dx, nb, din, dout):
    """dw (din, dout) = x.T @ g, db (dout,) = sum g, dx (nb, din) = g @ w.T (if ``want_dx``)."""
    if nb * din * dout >= BLAS_MIN_WORK:
        x2 = x[:nb * din].reshape((nb, din))
        g2 = g[:nb * dout].reshape((nb, dout))
        # transposed views are F-ordered: BLAS reads them with a transpose flag (no copies), and
        # the products land in place (no temporaries)
        blas_dot(x2.T, g2, dw[:din * dout].reshape((din, dout)), nb * din * dout)
        if want_dx:
            w2 = w[:din * dout].reshape((din, dout))
            blas_dot(g2, w2.T, dx[:nb * din].reshape((nb, din)), nb * din * dout)
    else:
        if want_dx:
            # dw serves as scratch for w.T so that the inner loops run over contiguous memory
            for k in range(din):
                for j in range(dout):
                    dw[j * din + k] = w[k * dout + j]
            for r in range(nb):
                xo = r * din
                go = r * dout
                for k in range(din):
                    dx[xo + k] = 0.0
                for j in range(dout):
                    gv = g[go + j]
                    jo = j * din
                    for k in range(din):
                        dx[xo + k] += gv * dw[jo + k]
        for i in range(din * dout):
            dw[i] = 0.0
        for r in range(nb):
            for k in range(din):
                xv = x[r * din + k]
                ko = k * dout
                go = r * dout
                for j in range(dout):
                    dw[ko + j] += xv * g[go + j]
    if use_bias:
        for j in range(dout):
            db[j] = 0.0
        for r in range(nb):
            for j in range(dout):
                db[j] += g[r * dout + j]


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
