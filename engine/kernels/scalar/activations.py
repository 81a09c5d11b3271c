"""Scalar activation math, written once for the CPU and CUDA kernels.

Codes (``ACTIVATION_CODES`` in engine.layers): linear 0, relu 1, leaky_relu 2, prelu 3, rrelu 4,
elu 5, selu 6, gelu 7, tanh 8, sigmoid 9, softplus 10, swish 11, softmax 12 (row-wise, in the
kernels). ``p1`` is alpha (leaky_relu, elu) or rrelu's lower bound; ``slope`` the negative-side
slope of the leaky family (leaky_relu's alpha, PReLU's learned alpha of the unit, rrelu's drawn
slope).
"""
from __future__ import annotations

import math

from numba.extending import register_jitable

from engine.kernels.scalar.mathx import fmax

LINEAR, RELU, LEAKY_RELU, PRELU, RRELU, ELU, SELU, GELU = 0, 1, 2, 3, 4, 5, 6, 7
TANH, SIGMOID, SOFTPLUS, SWISH, SOFTMAX = 8, 9, 10, 11, 12
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
INV_SQRT2 = 0.7071067811865476
INV_SQRT2PI = 0.3989422804014327


@register_jitable
def sigmoid(v):
    """Overflow-free logistic function."""
    if v >= 0.0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


@register_jitable
def act_value(code, v, p1, slope):
    """f(v) for every elementwise code (not softmax)."""
    if code == RELU:
        return v if v > 0.0 else 0.0
    if code == LEAKY_RELU or code == PRELU:
        return v if v > 0.0 else slope * v
    if code == RRELU:
        return v if v >= 0.0 else slope * v
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
        return fmax(v, 0.0) + math.log1p(math.exp(-abs(v)))
    if code == SWISH:
        return v * sigmoid(v)
    return v


@register_jitable
def act_derivative(code, v, out, p1, slope):
    """f'(v) given the input ``v`` and the output ``out = f(v)``."""
    if code == RELU:
        return 1.0 if v > 0.0 else 0.0
    if code == LEAKY_RELU or code == PRELU:
        return 1.0 if v > 0.0 else slope
    if code == RRELU:
        return 1.0 if v >= 0.0 else slope
    if code == ELU:
        return 1.0 if v > 0.0 else out + p1
    if code == SELU:
        return SELU_SCALE if v > 0.0 else out + SELU_SCALE * SELU_ALPHA
    if code == GELU:
        return 0.5 * (1.0 + math.erf(v * INV_SQRT2)) + v * INV_SQRT2PI * math.exp(-0.5 * v * v)
    if code == TANH:
        return 1.0 - out * out
    if code == SIGMOID:
        return out * (1.0 - out)
    if code == SOFTPLUS:
        return sigmoid(v)
    if code == SWISH:
        s = sigmoid(v)
        return s + v * s * (1.0 - s)
    return 1.0
