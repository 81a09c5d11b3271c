"""Dense-layer kernels: small matmuls by hand loops, large ones through BLAS (np.dot)."""
from __future__ import annotations

import numpy as np
from numba import njit

# Below this many multiply-adds, BLAS call overhead dominates: hand loops win.
BLAS_MIN_WORK = 32 * 32 * 32


@njit(cache=True, nogil=True)
def matmul_into(a, b, out):
    """out (B, N) = a (B, K) @ b (K, N); all C-contiguous, same dtype."""
    n_rows, n_in = a.shape
    n_out = b.shape[1]
    if n_rows * n_in * n_out >= BLAS_MIN_WORK:
        out[:, :] = np.dot(a, b)
        return
    for i in range(n_rows):
        for j in range(n_out):
            out[i, j] = 0.0
        for k in range(n_in):
            aik = a[i, k]
            if aik != 0.0:
                for j in range(n_out):
                    out[i, j] += aik * b[k, j]


@njit(cache=True, nogil=True)
def dense_forward(x, w, b, use_bias, y):
    """y (B, out) = x (B, in) @ w (in, out) + b (out,) (bias only when ``use_bias``)."""
    matmul_into(x, w, y)
    if use_bias:
        n_rows, n_out = y.shape
        for i in range(n_rows):
            for j in range(n_out):
                y[i, j] += b[j]


@njit(cache=True, nogil=True)
def dense_backward(x, w, g, dx, dw, db, use_bias, want_dx):
    """Gradients: dw (in, out) = x.T @ g, db (out,) = sum g, dx (B, in) = g @ w.T (if ``want_dx``)."""
    n_rows, n_in = x.shape
    n_out = g.shape[1]
    big = n_rows * n_in * n_out >= BLAS_MIN_WORK
    if big:
        dw[:, :] = np.dot(np.ascontiguousarray(x.T), g)
    else:
        for k in range(n_in):
            for j in range(n_out):
                dw[k, j] = 0.0
        for i in range(n_rows):
            for k in range(n_in):
                xik = x[i, k]
                if xik != 0.0:
                    for j in range(n_out):
                        dw[k, j] += xik * g[i, j]
    if use_bias:
        for j in range(n_out):
            db[j] = 0.0
        for i in range(n_rows):
            for j in range(n_out):
                db[j] += g[i, j]
    if want_dx:
        if big:
            dx[:, :] = np.dot(g, np.ascontiguousarray(w.T))
        else:
            for i in range(n_rows):
                for k in range(n_in):
                    acc = 0.0
                    for j in range(n_out):
                        acc += g[i, j] * w[k, j]
                    dx[i, k] = acc


@njit(cache=True, nogil=True)
def max_norm_columns(w, max_norm):
    """Rescale each column of w (in, out) whose L2 norm exceeds ``max_norm`` to that norm."""
    n_in, n_out = w.shape
    for j in range(n_out):
        s = 0.0
        for k in range(n_in):
            s += float(w[k, j]) * float(w[k, j])
        norm = np.sqrt(s)
        if norm > max_norm:
            f = max_norm / norm
            for k in range(n_in):
                w[k, j] = w[k, j] * f
