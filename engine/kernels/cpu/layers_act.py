"""Activation kernels on flat (row-major) buffers of ``nb`` rows and ``dim`` columns. Codes and
scalar math: engine/kernels/scalar/activations.py (shared with the CUDA kernels); the common codes
get their own loops here.

float32 tanh uses a rational approximation (Eigen's, |error| < 2e-7 on all of float32, clamped at
+-7.9053); float64 calls libm's exact tanh.
"""
from __future__ import annotations

import math

from numba import njit

from engine.kernels.cpu.rng import uniform01
from engine.kernels.cpu.simd import zero_of
from engine.kernels.scalar import activations as _act
from engine.kernels.scalar.activations import (ELU, LEAKY_RELU, LINEAR, PRELU, RELU, RRELU,
                                               SIGMOID, SOFTMAX, TANH)

sigmoid = njit(cache=True, nogil=True)(_act.sigmoid)
act_value = njit(cache=True, nogil=True)(_act.act_value)
act_derivative = njit(cache=True, nogil=True)(_act.act_derivative)


TANH_CLAMP = 7.90531110763549805
A1, A3, A5 = 4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05
A7, A9, A11 = 5.12229709037114e-08, -8.60467152213735e-11, 2.00018790482477e-13
A13 = -2.76076847742355e-16
B0, B2, B4, B6 = 4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06


@njit(cache=True, nogil=True)
def tanh_rational(v):
    """tanh by a 13/6 rational approximation (for float32 results only)."""
    x = min(max(v, -TANH_CLAMP), TANH_CLAMP)
    if abs(x) < 0.0004:
        return x
    x2 = x * x
    p = x2 * A13 + A11
    p = x2 * p + A9
    p = x2 * p + A7
    p = x2 * p + A5
    p = x2 * p + A3
    p = x2 * p + A1
    q = x2 * B6 + B4
    q = x2 * q + B2
    q = x2 * q + B0
    return x * p / q


@njit(cache=True, nogil=True)
def softmax_rows(x, y, nb, dim):
    """y = softmax over each row of x (nb, dim)."""
    for r in range(nb):
        o = r * dim
        mx = x[o]
        for j in range(1, dim):
            mx = max(mx, x[o + j])
        s = 0.0
        for j in range(dim):
            e = math.exp(x[o + j] - mx)
            y[o + j] = e
            s += e
        for j in range(dim):
            y[o + j] = y[o + j] / s


@njit(cache=True, nogil=True, inline="always")
def act_forward(code, x, y, alpha, p1, p2, slope, training, seed, step, key, nb, dim):
    """y = f(x) over nb*dim elements. ``alpha`` (dim,) PReLU slopes; p1 = alpha / lower,
    p2 = upper (rrelu); ``slope`` (nb*dim) receives rrelu's slopes (random in training, their
    mean at inference)."""
    n = nb * dim
    if code == TANH:
        if y.itemsize == 4:
            for i in range(n):
                y[i] = tanh_rational(float(x[i]))
        else:
            for i in range(n):
                y[i] = math.tanh(x[i])
    elif code == RELU:
        z = zero_of(y)  # a zero of the arrays' dtype: no float64 round trip per element
        for i in range(n):
            v = x[i]
            y[i] = v if v > z else z
    elif code == PRELU:
        for r in range(nb):
            for j in range(dim):
                v = x[r * dim + j]
                y[r * dim + j] = v if v > 0.0 else alpha[j] * v
    elif code == RRELU:
        mean = 0.5 * (p1 + p2)
        for i in range(n):
            s = mean
            if training:
                s = p1 + (p2 - p1) * uniform01(seed, step, key, i)
            slope[i] = s
            v = x[i]
            y[i] = v if v >= 0.0 else s * v
    elif code == SOFTMAX:
        softmax_rows(x, y, nb, dim)
    elif code == LINEAR:
        for i in range(n):
            y[i] = x[i]
    elif code == SIGMOID:
        for i in range(n):
            y[i] = sigmoid(x[i])
    elif code == LEAKY_RELU:
        for i in range(n):
            v = x[i]
            y[i] = v if v > 0.0 else p1 * v
    else:
        for i in range(n):
            y[i] = act_value(code, x[i], p1, 0.0)


@njit(cache=True, nogil=True, inline="always")
def act_backward(code, x, y, g, dx, alpha, dalpha, p1, slope, want_dalpha, nb, dim):
    """dx = g * f'(x) over nb*dim elements; PReLU writes d loss / d alpha into ``dalpha`` (dim,)
    when asked."""
    n = nb * dim
    if code == TANH:
        for i in range(n):
            dx[i] = g[i] * (1.0 - y[i] * y[i])
    elif code == PRELU:
        if want_dalpha:
            for j in range(dim):
                dalpha[j] = 0.0
        for r in range(nb):
            for j in range(dim):
                i = r * dim + j
                v = x[i]
                if v > 0.0:
                    dx[i] = g[i]
                else:
                    dx[i] = alpha[j] * g[i]
                    if want_dalpha:
                        dalpha[j] += g[i] * v
    elif code == RRELU:
        for i in range(n):
            dx[i] = g[i] if x[i] >= 0.0 else slope[i] * g[i]
    elif code == SOFTMAX:
        for r in range(nb):
            o = r * dim
            s = 0.0
            for j in range(dim):
                s += g[o + j] * y[o + j]
            for j in range(dim):
                dx[o + j] = y[o + j] * (g[o + j] - s)
    elif code == LINEAR:
        for i in range(n):
            dx[i] = g[i]
    else:
        _act_backward_elementwise(code, x, y, g, dx, p1, n)


@njit(cache=True, nogil=True)
def _act_backward_elementwise(code, x, y, g, dx, p1, n):
    """dx = g * f'(x): the common codes get their own loops (the code test hoisted out of the loop,
    so the loop vectorises); each expression is act_derivative's, so results are identical."""
    if code == RELU:
        z = zero_of(dx)  # g * 1 is g and g * 0 is g * z (+-0 or NaN): same bits, no float64
        for i in range(n):
            gi = g[i]
            dx[i] = gi if x[i] > z else gi * z
    elif code == SIGMOID:
        for i in range(n):
            dx[i] = g[i] * (y[i] * (1.0 - y[i]))
    elif code == LEAKY_RELU:
        for i in range(n):
            dx[i] = g[i] * (1.0 if x[i] > 0.0 else p1)
    elif code == ELU:
        for i in range(n):
            dx[i] = g[i] * (1.0 if x[i] > 0.0 else y[i] + p1)
    else:
        for i in range(n):
            dx[i] = g[i] * act_derivative(code, x[i], y[i], p1, 0.0)
