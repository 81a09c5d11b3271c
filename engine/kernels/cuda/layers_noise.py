"""Dropout, alpha dropout and Gaussian noise on the GPU with the CPU's contract
(engine/kernels/cpu/layers_noise.py): flat device buffers of ``n`` elements (element index = row *
width + column), randomness from the counter-based generator, so masks equal the CPU's element
for element; the forward pass stores the mask, the backward pass multiplies by it.
"""
from __future__ import annotations

from numba import cuda

from engine.kernels.cuda.launch import grid1d
from engine.kernels.cuda.rng import counter, normal01, uniform01
from engine.kernels.scalar.activations import SELU_ALPHA, SELU_SCALE


@cuda.jit(cache=True)
def _dropout_kernel(x, y, mask, rate, seed, step, key, n):
    keep = 1.0 / (1.0 - rate)
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < n:
        m = keep if uniform01(seed, step, key, i) >= rate else 0.0
        mask[i] = m
        y[i] = float(x[i]) * m
        i += stride


@cuda.jit(cache=True)
def _alpha_dropout_kernel(x, y, mask, rate, seed, step, key, n):
    alpha_p = -SELU_ALPHA * SELU_SCALE
    a = ((1.0 - rate) * (1.0 + rate * alpha_p * alpha_p)) ** -0.5
    b = -a * alpha_p * rate
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < n:
        if uniform01(seed, step, key, i) >= rate:
            mask[i] = a
            y[i] = a * float(x[i]) + b
        else:
            mask[i] = 0.0
            y[i] = a * alpha_p + b
        i += stride


@cuda.jit(cache=True)
def _gaussian_noise_kernel(x, y, stddev, seed, step, key, n):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < n:
        y[i] = float(x[i]) + stddev * normal01(seed, step, key, i)
        i += stride


@cuda.jit(cache=True)
def _mask_backward_kernel(g, mask, dx, n):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < n:
        dx[i] = g[i] * mask[i]
        i += stride


@cuda.jit(cache=True)
def _fill_kernel(dst, value, n):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < n:
        dst[i] = value
        i += stride


def dropout_forward(x, y, mask, rate, seed, step, key, n) -> None:
    """Inverted dropout: mask = kept / (1 - rate), y = x * mask."""
    blocks, threads = grid1d(n)
    _dropout_kernel[blocks, threads](x, y, mask, float(rate), counter(seed), counter(step),
                                     counter(key), int(n))


def alpha_dropout_forward(x, y, mask, rate, seed, step, key, n) -> None:
    """Keras AlphaDropout: y = a * (x * kept + alpha_p * (1 - kept)) + b; mask = a * kept."""
    blocks, threads = grid1d(n)
    _alpha_dropout_kernel[blocks, threads](x, y, mask, float(rate), counter(seed), counter(step),
                                           counter(key), int(n))


def gaussian_noise_forward(x, y, stddev, seed, step, key, n) -> None:
    """y = x + stddev * N(0, 1) noise."""
    blocks, threads = grid1d(n)
    _gaussian_noise_kernel[blocks, threads](x, y, float(stddev), counter(seed), counter(step),
                                            counter(key), int(n))


def mask_backward(g, mask, dx, n) -> None:
    """dx = g * mask (dropout, alpha dropout)."""
    blocks, threads = grid1d(n)
    _mask_backward_kernel[blocks, threads](g, mask, dx, int(n))


def copy_flat(src, dst, n) -> None:
    """dst[:n] = src[:n] (a device-to-device copy)."""
    if n > 0:
        dst[:int(n)].copy_to_device(src[:int(n)])


def fill_flat(dst, value, n) -> None:
    """dst[:n] = value."""
    if n > 0:
        blocks, threads = grid1d(n)
        _fill_kernel[blocks, threads](dst, float(value), int(n))
