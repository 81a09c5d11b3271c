"""Dropout, alpha dropout and Gaussian noise on the GPU, with the counter-based RNG.

The random number of element ``(i, j)`` of a (B, N) batch is drawn with counter ``index = i*N + j``
from ``(seed, step, layer_key)``, so masks equal the CPU's and the backward pass recomputes the
forward mask instead of storing it. Kinds: ``DROPOUT`` 0, ``ALPHA_DROPOUT`` 1, ``GAUSSIAN_NOISE`` 2.
"""
from __future__ import annotations

from numba import cuda

from engine.kernels.cuda.launch import grid1d
from engine.kernels.cuda.rng import counter, normal01, uniform01

DROPOUT, ALPHA_DROPOUT, GAUSSIAN_NOISE = 0, 1, 2
_ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


@cuda.jit(device=True)
def keep_unit(rate, seed, step, lkey, idx):
    """True when element ``idx`` survives dropout of ``rate`` (uniform >= rate, as the CPU)."""
    return uniform01(seed, step, lkey, idx) >= rate


@cuda.jit(device=True)
def _alpha_ab(rate):
    a = ((1.0 - rate) * (1.0 + rate * _ALPHA_P * _ALPHA_P)) ** -0.5
    return a, -a * _ALPHA_P * rate


@cuda.jit(cache=True)
def _noise_forward_kernel(kind, x, y, rate, seed, step, lkey):
    n = x.shape[1]
    total = x.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        j = k - i * n
        v = float(x[i, j])
        if kind == GAUSSIAN_NOISE:
            y[i, j] = v + rate * normal01(seed, step, lkey, k)
        elif kind == ALPHA_DROPOUT:
            a, b = _alpha_ab(rate)
            if keep_unit(rate, seed, step, lkey, k):
                y[i, j] = a * v + b
            else:
                y[i, j] = a * _ALPHA_P + b
        else:
            y[i, j] = v * (1.0 / (1.0 - rate)) if keep_unit(rate, seed, step, lkey, k) else 0.0
        k += stride


@cuda.jit(cache=True)
def _noise_backward_kernel(kind, gy, gx, rate, seed, step, lkey):
    n = gy.shape[1]
    total = gy.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        j = k - i * n
        g = float(gy[i, j])
        if kind == GAUSSIAN_NOISE:
            gx[i, j] = g
        elif kind == ALPHA_DROPOUT:
            a, b = _alpha_ab(rate)
            gx[i, j] = a * g if keep_unit(rate, seed, step, lkey, k) else 0.0
        else:
            gx[i, j] = g * (1.0 / (1.0 - rate)) if keep_unit(rate, seed, step, lkey, k) else 0.0
        k += stride


def noise_forward(kind: int, x, y, rate: float, seed: int, step: int, layer_key: int) -> None:
    """Training-mode forward of a noise layer: ``y (B, N)`` from ``x (B, N)``.

    ``rate``: the drop rate (dropout, alpha dropout) or ``stddev`` (Gaussian noise).
    """
    blocks, threads = grid1d(x.shape[0] * x.shape[1])
    _noise_forward_kernel[blocks, threads](int(kind), x, y, float(rate), counter(seed),
                                           counter(step), counter(layer_key))


def noise_backward(kind: int, gy, gx, rate: float, seed: int, step: int, layer_key: int) -> None:
    """``gx (B, N)`` from ``gy (B, N)`` with the forward pass's mask (recomputed)."""
    blocks, threads = grid1d(gy.shape[0] * gy.shape[1])
    _noise_backward_kernel[blocks, threads](int(kind), gy, gx, float(rate), counter(seed),
                                            counter(step), counter(layer_key))
