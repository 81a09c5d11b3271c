"""Activation kernels on the GPU with the CPU's contract (engine/kernels/cpu/layers_act.py): flat
(row-major) device buffers of ``nb`` rows and ``dim`` columns, the same arguments in the same order.

``p1`` is alpha (leaky_relu, elu) or rrelu's lower bound, ``p2`` rrelu's upper bound, ``alpha
(dim,)`` PReLU's learned slopes. rrelu draws its slope per element from the counter-based RNG in
training (its mean at inference) and stores it in ``slope (nb*dim)``, which the backward pass reads,
as the CPU does. Math in float64, stored in the arrays' dtype; the scalar math is
engine/kernels/scalar/activations.py, the CPU kernels' own. ``softmax`` works per row.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d, or_stand_in
from engine.kernels.cuda.mathx import fmax
from engine.kernels.cuda.rng import counter, uniform01
from engine.kernels.scalar import activations as _act
from engine.kernels.scalar.activations import LEAKY_RELU, PRELU, RRELU, SOFTMAX

act_value = cuda.jit(device=True)(_act.act_value)
act_derivative = cuda.jit(device=True)(_act.act_derivative)


@cuda.jit(device=True)
def _forward_slope(code, p1, p2, alpha, training, seed, step, key, k, dim):
    """Slope for negative inputs of the leaky family (element ``k``)."""
    if code == LEAKY_RELU:
        return p1
    if code == PRELU:
        return float(alpha[k % dim])
    if code != RRELU:
        return 0.0
    if training:
        return p1 + (p2 - p1) * uniform01(seed, step, key, k)
    return 0.5 * (p1 + p2)


@cuda.jit(cache=True)
def _act_forward_kernel(code, x, y, alpha, p1, p2, slope, training, seed, step, key, n, dim):
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < n:
        s = _forward_slope(code, p1, p2, alpha, training, seed, step, key, k, dim)
        if code == RRELU:
            slope[k] = s
        y[k] = act_value(code, float(x[k]), p1, s)
        k += stride


@cuda.jit(cache=True)
def _act_backward_kernel(code, x, y, g, dx, alpha, p1, slope, n, dim):
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < n:
        s = p1
        if code == RRELU:
            s = float(slope[k])
        elif code == PRELU:
            s = float(alpha[k % dim])
        dx[k] = float(g[k]) * act_derivative(code, float(x[k]), float(y[k]), p1, s)
        k += stride


@cuda.jit(cache=True)
def _softmax_forward_kernel(x, y, nb, dim):
    r = cuda.grid(1)
    stride = cuda.gridsize(1)
    while r < nb:
        o = r * dim
        mx = float(x[o])
        for j in range(1, dim):
            mx = fmax(mx, float(x[o + j]))
        s = 0.0
        for j in range(dim):
            s += math.exp(float(x[o + j]) - mx)
        for j in range(dim):
            y[o + j] = math.exp(float(x[o + j]) - mx) / s
        r += stride


@cuda.jit(cache=True)
def _softmax_backward_kernel(y, g, dx, nb, dim):
    r = cuda.grid(1)
    stride = cuda.gridsize(1)
    while r < nb:
        o = r * dim
        dot = 0.0
        for j in range(dim):
            dot += float(g[o + j]) * float(y[o + j])
        for j in range(dim):
            dx[o + j] = float(y[o + j]) * (float(g[o + j]) - dot)
        r += stride


@cuda.jit(cache=True)
def _prelu_alpha_grad_kernel(x, g, dalpha, nb, dim):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < dim:
        s = 0.0
        for r in range(nb):
            v = float(x[r * dim + j])
            if not v > 0.0:
                s += float(g[r * dim + j]) * v
        dalpha[j] = s
        j += stride


def act_forward(code, x, y, alpha, p1, p2, slope, training, seed, step, key, nb, dim) -> None:
    """y = f(x) over nb*dim elements; ``slope`` receives rrelu's slopes (random in training,
    their mean at inference); ``alpha`` and ``slope`` may be empty for the other codes."""
    if code == SOFTMAX:
        blocks, threads = grid1d(nb)
        _softmax_forward_kernel[blocks, threads](x, y, int(nb), int(dim))
        return
    n = int(nb) * int(dim)
    blocks, threads = grid1d(n)
    _act_forward_kernel[blocks, threads](int(code), x, y, or_stand_in(alpha, x), float(p1),
                                         float(p2), or_stand_in(slope, y), bool(training),
                                         counter(seed), counter(step), counter(key), n, int(dim))


def act_backward(code, x, y, g, dx, alpha, dalpha, p1, slope, want_dalpha, nb, dim) -> None:
    """dx = g * f'(x) over nb*dim elements (softmax: the row Jacobian); PReLU writes d loss /
    d alpha into ``dalpha (dim,)`` when ``want_dalpha``."""
    if code == SOFTMAX:
        blocks, threads = grid1d(nb)
        _softmax_backward_kernel[blocks, threads](y, g, dx, int(nb), int(dim))
        return
    n = int(nb) * int(dim)
    blocks, threads = grid1d(n)
    _act_backward_kernel[blocks, threads](int(code), x, y, g, dx, or_stand_in(alpha, x),
                                          float(p1), or_stand_in(slope, x), n, int(dim))
    if code == PRELU and want_dalpha:
        blocks, threads = grid1d(dim)
        _prelu_alpha_grad_kernel[blocks, threads](x, g, dalpha, int(nb), int(dim))
