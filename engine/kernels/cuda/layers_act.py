"""Activation functions on the GPU, forward and backward, elementwise over (B, N) arrays.

Codes follow ``ACTIVATION_CODES`` (names as docs/FORMAT.md). Scalar parameters: ``a0`` alpha
(leaky_relu, elu) or lower (rrelu), ``a1`` upper (rrelu). ``alpha (N,)``: PReLU's learned slopes.
rrelu draws its slope per element from the counter-based RNG in training (so the backward pass
recomputes the same slope), and uses the mean slope at inference. Math in float64, stored in the
arrays' dtype; the scalar math is engine/kernels/scalar/activations.py, the CPU kernels' own.
``softmax`` works per row.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d
from engine.kernels.cuda.mathx import fmax
from engine.kernels.cuda.rng import counter, uniform01
from engine.kernels.scalar import activations as _act
from engine.kernels.scalar.activations import LEAKY_RELU, PRELU, SOFTMAX

ACTIVATION_NAMES = ("linear", "relu", "leaky_relu", "prelu", "rrelu", "elu", "selu", "gelu",
                    "tanh", "sigmoid", "softplus", "swish", "softmax")
ACTIVATION_CODES = {name: i for i, name in enumerate(ACTIVATION_NAMES)}
act_value = cuda.jit(device=True)(_act.act_value)
act_derivative = cuda.jit(device=True)(_act.act_derivative)


@cuda.jit(device=True)
def _slope(code, a0, a1, alpha_j, training, seed, step, lkey, idx):
    """Slope for negative inputs of the leaky family."""
    if code == LEAKY_RELU:
        return a0
    if code == PRELU:
        return alpha_j
    if training:
        return a0 + (a1 - a0) * uniform01(seed, step, lkey, idx)
    return 0.5 * (a0 + a1)


@cuda.jit(cache=True)
def _act_forward_kernel(code, x, y, a0, a1, alpha, training, seed, step, lkey):
    n = x.shape[1]
    total = x.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        j = k - i * n
        v = float(x[i, j])
        slope = _slope(code, a0, a1, alpha[j] if code == PRELU else 0.0, training, seed, step,
                       lkey, k)
        y[i, j] = act_value(code, v, a0, slope)
        k += stride


@cuda.jit(cache=True)
def _act_backward_kernel(code, x, y, gy, gx, a0, a1, alpha, training, seed, step, lkey):
    n = x.shape[1]
    total = x.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        j = k - i * n
        v = float(x[i, j])
        slope = _slope(code, a0, a1, alpha[j] if code == PRELU else 0.0, training, seed, step,
                       lkey, k)
        gx[i, j] = float(gy[i, j]) * act_derivative(code, v, float(y[i, j]), a0, slope)
        k += stride


@cuda.jit(cache=True)
def _softmax_forward_kernel(x, y):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    n = x.shape[1]
    while i < x.shape[0]:
        mx = float(x[i, 0])
        for j in range(1, n):
            mx = fmax(mx, float(x[i, j]))
        s = 0.0
        for j in range(n):
            s += math.exp(float(x[i, j]) - mx)
        for j in range(n):
            y[i, j] = math.exp(float(x[i, j]) - mx) / s
        i += stride


@cuda.jit(cache=True)
def _softmax_backward_kernel(y, gy, gx):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    n = y.shape[1]
    while i < y.shape[0]:
        dot = 0.0
        for j in range(n):
            dot += float(gy[i, j]) * float(y[i, j])
        for j in range(n):
            gx[i, j] = float(y[i, j]) * (float(gy[i, j]) - dot)
        i += stride


@cuda.jit(cache=True)
def _prelu_alpha_grad_kernel(x, gy, galpha):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < x.shape[1]:
        s = 0.0
        for i in range(x.shape[0]):
            v = float(x[i, j])
            if not v > 0.0:
                s += float(gy[i, j]) * v
        galpha[j] = s
        j += stride


def activation_forward(code: int, x, y, a0: float = 0.0, a1: float = 0.0, alpha=None,
                       training: bool = False, seed: int = 0, step: int = 0,
                       layer_key: int = 0) -> None:
    """``y (B, N) = f(x (B, N))`` for activation ``code``; ``alpha (N,)`` for PReLU."""
    if code == SOFTMAX:
        blocks, threads = grid1d(x.shape[0])
        _softmax_forward_kernel[blocks, threads](x, y)
        return
    blocks, threads = grid1d(x.shape[0] * x.shape[1])
    _act_forward_kernel[blocks, threads](int(code), x, y, float(a0), float(a1),
                                         alpha if alpha is not None else x[0], bool(training),
                                         counter(seed), counter(step), counter(layer_key))


def activation_backward(code: int, x, y, gy, gx, a0: float = 0.0, a1: float = 0.0, alpha=None,
                        galpha=None, training: bool = False, seed: int = 0, step: int = 0,
                        layer_key: int = 0) -> None:
    """``gx (B, N) = gy * f'(x)`` (softmax: the row Jacobian); PReLU also writes ``galpha (N,)``."""
    if code == SOFTMAX:
        blocks, threads = grid1d(x.shape[0])
        _softmax_backward_kernel[blocks, threads](y, gy, gx)
        return
    blocks, threads = grid1d(x.shape[0] * x.shape[1])
    _act_backward_kernel[blocks, threads](int(code), x, y, gy, gx, float(a0), float(a1),
                                          alpha if alpha is not None else x[0], bool(training),
                                          counter(seed), counter(step), counter(layer_key))
    if code == PRELU and galpha is not None:
        blocks, threads = grid1d(x.shape[1])
        _prelu_alpha_grad_kernel[blocks, threads](x, gy, galpha)
