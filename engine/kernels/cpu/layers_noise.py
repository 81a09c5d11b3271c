"""Dropout, alpha dropout and Gaussian noise kernels on flat buffers of ``n`` elements (element
index = row * width + column); randomness from the counter-based generator (engine/kernels/scalar/rng.py)."""
from __future__ import annotations

from numba import njit

from engine.kernels.cpu.rng import normal01, uniform01

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


@njit(cache=True, nogil=True)
def dropout_forward(x, y, mask, rate, seed, step, key, n):
    """Inverted dropout: mask = kept / (1 - rate), y = x * mask."""
    keep = 1.0 / (1.0 - rate)
    for i in range(n):
        m = keep if uniform01(seed, step, key, i) >= rate else 0.0
        mask[i] = m
        y[i] = x[i] * m


@njit(cache=True, nogil=True)
def alpha_dropout_forward(x, y, mask, rate, seed, step, key, n):
    """Keras AlphaDropout: y = a * (x * kept + alpha_p * (1 - kept)) + b; mask = a * kept."""
    alpha_p = -SELU_ALPHA * SELU_SCALE
    a = ((1.0 - rate) * (1.0 + rate * alpha_p * alpha_p)) ** -0.5
    b = -a * alpha_p * rate
    for i in range(n):
        if uniform01(seed, step, key, i) >= rate:
            mask[i] = a
            y[i] = a * x[i] + b
        else:
            mask[i] = 0.0
            y[i] = a * alpha_p + b


@njit(cache=True, nogil=True)
def gaussian_noise_forward(x, y, stddev, seed, step, key, n):
    """y = x + stddev * N(0, 1) noise."""
    for i in range(n):
        y[i] = x[i] + stddev * normal01(seed, step, key, i)


@njit(cache=True, nogil=True)
def mask_backward(g, mask, dx, n):
    """dx = g * mask (dropout, alpha dropout)."""
    for i in range(n):
        dx[i] = g[i] * mask[i]


@njit(cache=True, nogil=True)
def copy_flat(src, dst, n):
    """dst[:n] = src[:n]."""
    for i in range(n):
        dst[i] = src[i]


@njit(cache=True, nogil=True)
def fill_flat(dst, value, n):
    """dst[:n] = value."""
    for i in range(n):
        dst[i] = value
