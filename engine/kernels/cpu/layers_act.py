"""Activation kernels. Codes: linear 0, relu 1, leaky_relu 2, prelu 3, rrelu 4, elu 5, selu 6,
gelu 7, tanh 8, sigmoid 9, softplus 10, swish 11, softmax 12 (row-wise over the features)."""
from __future__ import annotations

import math

from numba import njit

from engine.rng import uniform01

LINEAR, RELU, LEAKY_RELU, PRELU, RRELU, ELU, SELU, GELU = 0, 1, 2, 3, 4, 5, 6, 7
TANH, SIGMOID, SOFTPLUS, SWISH, SOFTMAX = 8, 9, 10, 11, 12
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
INV_SQRT2 = 0.7071067811865476
INV_SQRT2PI = 0.3989422804014327


@njit(cache=True, nogil=True)
def sigmoid(x: float) -> float:
    """Overflow-free logistic function."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True, nogil=True)
def act_scalar(code, v, p1):
    """Elementwise activation ``code`` at ``v`` (not prelu/rrelu/softmax); p1 = alpha."""
    if code == RELU:
        return v if v > 0.0 else 0.0
    if code == LEAKY_RELU:
        return v if v > 0.0 else p1 * v
    if code == ELU:
        return v if v > 0.0 else p1 * (math.exp(v) - 1.0)
    if code == SELU:
        return SELU_SCALE * v if v > 0.0 else SELU_SCALE * SELU_ALPHA * (math.exp(v) - 1.0)
    if code == GELU:
        return 0.5 * v * (1.0 + math.erf(v * INV_SQRT2))
    if code == TANH:
        return math.tanh(v)
    if code == SIGMOID:
        return sigmoid(v)
    if code == SOFTPLUS:
        return max(v, 0.0) + math.log1p(math.exp(-abs(v)))
    if code == SWISH:
        return v * sigmoid(v)
    return v


@njit(cache=True, nogil=True)
def softmax_rows(x, y):
    """y (B, K) = softmax over each row of x."""
    n_rows, dim = x.shape
    for i in range(n_rows):
        mx = x[i, 0]
        for j in range(1, dim):
            mx = max(mx, x[i, j])
        s = 0.0
        for j in range(dim):
            e = math.exp(x[i, j] - mx)
            y[i, j] = e
            s += e
        for j in range(dim):
            y[i, j] = y[i, j] / s


@njit(cache=True, nogil=True)
def act_forward(code, x, y, alpha, p1, p2, slope, training, seed, step, key):
    """y (B, D) = f(x). ``alpha`` (D,) PReLU slopes; p1 = alpha / lower, p2 = upper (rrelu);
    ``slope`` (B, D) receives rrelu's slopes (random in training, their mean at inference)."""
    n_rows, dim = x.shape
    if code == TANH:
        for i in range(n_rows):
            for j in range(dim):
                y[i, j] = math.tanh(x[i, j])
    elif code == RELU:
        for i in range(n_rows):
            for j in range(dim):
                v = x[i, j]
                y[i, j] = v if v > 0.0 else 0.0
    elif code == PRELU:
        for i in range(n_rows):
            for j in range(dim):
                v = x[i, j]
                y[i, j] = v if v > 0.0 else alpha[j] * v
    elif code == RRELU:
        mean = 0.5 * (p1 + p2)
        for i in range(n_rows):
            for j in range(dim):
                s = mean
                if training:
                    s = p1 + (p2 - p1) * uniform01(seed, step, key, i * dim + j)
                slope[i, j] = s
                v = x[i, j]
                y[i, j] = v if v >= 0.0 else s * v
    elif code == SOFTMAX:
        softmax_rows(x, y)
    elif code == LINEAR:
        for i in range(n_rows):
            for j in range(dim):
                y[i, j] = x[i, j]
    else:
        for i in range(n_rows):
            for j in range(dim):
                y[i, j] = act_scalar(code, x[i, j], p1)


@njit(cache=True, nogil=True)
def act_derivative(code, v, out, p1):
    """f'(v) for elementwise codes, given the input ``v`` and the output ``out``."""
    if code == TANH:
        return 1.0 - out * out
    if code == SIGMOID:
        return out * (1.0 - out)
    if code == RELU:
        return 1.0 if v > 0.0 else 0.0
    if code == LEAKY_RELU:
        return 1.0 if v > 0.0 else p1
    if code == ELU:
        return 1.0 if v > 0.0 else out + p1
    if code == SELU:
        return SELU_SCALE if v > 0.0 else out + SELU_SCALE * SELU_ALPHA
    if code == GELU:
        return 0.5 * (1.0 + math.erf(v * INV_SQRT2)) + v * INV_SQRT2PI * math.exp(-0.5 * v * v)
    if code == SOFTPLUS:
        return sigmoid(v)
    if code == SWISH:
        s = sigmoid(v)
        return s + v * s * (1.0 - s)
    return 1.0


@njit(cache=True, nogil=True)
def act_backward(code, x, y, g, dx, alpha, dalpha, p1, slope, want_dalpha):
    """dx (B, D) = g * f'(x); PReLU adds d loss / d alpha into ``dalpha`` (D,) when asked
    (``dalpha`` is overwritten)."""
    n_rows, dim = x.shape
    if code == PRELU:
        if want_dalpha:
            for j in range(dim):
                dalpha[j] = 0.0
        for i in range(n_rows):
            for j in range(dim):
                v = x[i, j]
                if v > 0.0:
                    dx[i, j] = g[i, j]
                else:
                    dx[i, j] = alpha[j] * g[i, j]
                    if want_dalpha:
                        dalpha[j] += g[i, j] * v
    elif code == RRELU:
        for i in range(n_rows):
            for j in range(dim):
                dx[i, j] = g[i, j] if x[i, j] >= 0.0 else slope[i, j] * g[i, j]
    elif code == SOFTMAX:
        for i in range(n_rows):
            s = 0.0
            for j in range(dim):
                s += g[i, j] * y[i, j]
            for j in range(dim):
                dx[i, j] = y[i, j] * (g[i, j] - s)
    elif code == LINEAR:
        for i in range(n_rows):
            for j in range(dim):
                dx[i, j] = g[i, j]
    else:
        for i in range(n_rows):
            for j in range(dim):
                dx[i, j] = g[i, j] * act_derivative(code, x[i, j], y[i, j], p1)
