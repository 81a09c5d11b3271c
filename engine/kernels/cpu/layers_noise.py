"""Dropout, alpha dropout and Gaussian noise kernels (randomness from engine.rng counters)."""
from __future__ import annotations

from numba import njit

from engine.rng import normal01, uniform01

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@njit(cache=True, nogil=True)
def dropout_forward(x, y, mask, rate, seed, step, key):
    """Inverted dropout: mask (B, D) = kept / (1 - rate), y = x * mask; element index i*D + j."""
    n_rows, dim = x.shape
    keep = 1.0 / (1.0 - rate)
    for i in range(n_rows):
        for j in range(dim):
            u = uniform01(seed, step, key, i * dim + j)
            m = keep if u >= rate else 0.0
            mask[i, j] = m
            y[i, j] = x[i, j] * m


@njit(cache=True, nogil=True)
def alpha_dropout_forward(x, y, mask, rate, seed, step, key):
    """Keras AlphaDropout: y = a * (x * kept + alpha_p * (1 - kept)) + b; mask = a * kept."""
    n_rows, dim = x.shape
    alpha_p = -SELU_ALPHA * SELU_SCALE
    a = ((1.0 - rate) * (1.0 + rate * alpha_p * alpha_p)) ** -0.5
    b = -a * alpha_p * rate
    for i in range(n_rows):
        for j in range(dim):
            u = uniform01(seed, step, key, i * dim + j)
            if u >= rate:
                mask[i, j] = a
                y[i, j] = a * x[i, j] + b
            else:
                mask[i, j] = 0.0
                y[i, j] = a * alpha_p + b


@njit(cache=True, nogil=True)
def gaussian_noise_forward(x, y, stddev, seed, step, key):
    """y = x + stddev * N(0, 1) noise (B, D)."""
    n_rows, dim = x.shape
    for i in range(n_rows):
        for j in range(dim):
            y[i, j] = x[i, j] + stddev * normal01(seed, step, key, i * dim + j)


@njit(cache=True, nogil=True)
def mask_backward(g, mask, dx):
    """dx = g * mask (dropout, alpha dropout)."""
    n_rows, dim = g.shape
    for i in range(n_rows):
        for j in range(dim):
            dx[i, j] = g[i, j] * mask[i, j]


@njit(cache=True, nogil=True)
def copy_2d(src, dst):
    """dst[:, :] = src (B, D)."""
    n_rows, dim = src.shape
    for i in range(n_rows):
        for j in range(dim):
            dst[i, j] = src[i, j]
