"""Losses on the GPU: per-sample loss and gradient, one thread per sample, then a fixed-order mean.

Mirrors engine/kernels/cpu/losses.py (codes, reductions, Keras clipping with zero gradient where
clipped): mse 0, mae 1, binary_crossentropy 2, categorical_crossentropy 3, sparse_categorical 4;
fusion 0 none, 1 sigmoid, 2 softmax (``out`` then holds logits). ``grad (B, K)`` receives
d(mean_i sw_i * l_i)/d(out). The value stays on the device (``result[slot]``) until a snapshot.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d
from engine.kernels.cuda.mathx import fmax

MSE, MAE, BCE, CCE, SPARSE_CCE = 0, 1, 2, 3, 4
FUSE_NONE, FUSE_SIGMOID, FUSE_SOFTMAX = 0, 1, 2
EPS = 1e-7


@cuda.jit(device=True)
def _sigmoid(v):
    if v >= 0.0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)
    return e / (1.0 + e)


@cuda.jit(device=True)
def _log1p_exp(v):
    if v > 0.0:
        return v + math.log1p(math.exp(-v))
    return math.log1p(math.exp(v))


@cuda.jit(device=True)
def _target(code, y, i, j):
    if code == SPARSE_CCE:
        return 1.0 if int(y[i, 0]) == j else 0.0
    return float(y[i, j])


@cuda.jit(device=True)
def _elementwise_row(code, fused, out, y, w, grad, i, scale, want_grad):
    """mse / mae / bce of row i: the sum over outputs (the caller scales by 1/(B*K))."""
    li = 0.0
    for j in range(out.shape[1]):
        o = float(out[i, j])
        t = float(y[i, j])
        if code == MSE:
            d = o - t
            li += d * d
            gj = 2.0 * d
        elif code == MAE:
            d = o - t
            li += abs(d)
            gj = 1.0 if d > 0.0 else (-1.0 if d < 0.0 else 0.0)
        elif fused == FUSE_SIGMOID:
            li += _log1p_exp(o) - t * o
            gj = _sigmoid(o) - t
        else:
            p = o
            gj = 0.0
            if p < EPS:
                p = EPS
            elif p > 1.0 - EPS:
                p = 1.0 - EPS
            else:
                gj = -t / p + (1.0 - t) / (1.0 - p)
            li -= t * math.log(p) + (1.0 - t) * math.log(1.0 - p)
        if want_grad:
            grad[i, j] = w * gj * scale
    return li


@cuda.jit(device=True)
def _categorical_row(code, fused, out, y, w, grad, i, nb, want_grad):
    """Categorical / sparse cross-entropy of row i (sum over classes)."""
    kk = out.shape[1]
    ysum = 0.0
    for j in range(kk):
        ysum += _target(code, y, i, j)
    li = 0.0
    if fused == FUSE_SOFTMAX:
        zmax = float(out[i, 0])
        for j in range(1, kk):
            zmax = fmax(zmax, float(out[i, j]))
        se = 0.0
        for j in range(kk):
            se += math.exp(float(out[i, j]) - zmax)
        lse = zmax + math.log(se)
        for j in range(kk):
            t = _target(code, y, i, j)
            li += t * (lse - float(out[i, j]))
            if want_grad:
                grad[i, j] = w * (ysum * math.exp(float(out[i, j]) - lse) - t) / nb
        return li
    s = 0.0
    for j in range(kk):
        s += float(out[i, j])
    dot = 0.0
    for j in range(kk):
        t = _target(code, y, i, j)
        q = float(out[i, j]) / s
        a = 0.0
        if q < EPS:
            q = EPS
        elif q > 1.0 - EPS:
            q = 1.0 - EPS
        else:
            a = -t / q
        li -= t * math.log(q)
        dot += a * float(out[i, j])
        if want_grad:
            grad[i, j] = a
    if want_grad:
        for j in range(kk):
            grad[i, j] = w * (float(grad[i, j]) / s - dot / (s * s)) / nb
    return li


@cuda.jit(cache=True)
def _loss_rows_kernel(code, fused, out, y, sw, grad, want_grad, per_sample):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    nb = out.shape[0]
    scale = 1.0 / (nb * out.shape[1])
    while i < nb:
        w = float(sw[i])
        if code == CCE or code == SPARSE_CCE:
            li = _categorical_row(code, fused, out, y, w, grad, i, nb, want_grad)
        else:
            li = _elementwise_row(code, fused, out, y, w, grad, i, scale, want_grad)
        per_sample[i] = w * li
        i += stride


@cuda.jit(cache=True)
def _scaled_sum_kernel(per_sample, n, scale, result, slot):
    if cuda.grid(1) == 0:
        s = 0.0
        for i in range(n):
            s += per_sample[i]
        result[slot] = s * scale


@cuda.jit(cache=True)
def _correct_rows_kernel(code, fused, out, y, per_sample):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < out.shape[0]:
        c = 0.0
        if code == BCE:
            thr = 0.0 if fused == FUSE_SIGMOID else 0.5
            for j in range(out.shape[1]):
                if (float(out[i, j]) > thr) == (float(y[i, j]) > 0.5):
                    c += 1.0
        else:
            best = 0
            for j in range(1, out.shape[1]):
                if out[i, j] > out[i, best]:
                    best = j
            if code == SPARSE_CCE:
                tgt = int(y[i, 0])
            else:
                tgt = 0
                for j in range(1, y.shape[1]):
                    if y[i, j] > y[i, tgt]:
                        tgt = j
            c = 1.0 if best == tgt else 0.0
        per_sample[i] = c
        i += stride


def loss_forward_backward(code: int, fused: int, out, y, sw, grad, want_grad: bool, per_sample,
                          result, slot: int = 0) -> None:
    """Loss of a batch, left on the device: ``result[slot] = mean_i sw_i * l_i`` (float64).

    ``out (B, K)`` outputs or logits, ``y (B, T)`` targets, ``sw (B,)`` sample weights,
    ``grad (B, K)`` gradient (written when ``want_grad``), ``per_sample (>= B,)`` float64 scratch.
    """
    nb = out.shape[0]
    blocks, threads = grid1d(nb)
    _loss_rows_kernel[blocks, threads](int(code), int(fused), out, y, sw, grad if want_grad
                                       else out, bool(want_grad), per_sample)
    categorical = code in (CCE, SPARSE_CCE)
    scale = 1.0 / nb if categorical else 1.0 / (nb * out.shape[1])
    _scaled_sum_kernel[1, 1](per_sample, nb, scale, result, int(slot))


def loss_correct(code: int, fused: int, out, y, per_sample, result, slot: int = 0) -> bool:
    """Accuracy of a batch into ``result[slot]`` as the CPU's ``loss_correct``; False (nothing
    written) for mse/mae, which have no accuracy."""
    if code not in (BCE, CCE, SPARSE_CCE):
        return False
    nb = out.shape[0]
    blocks, threads = grid1d(nb)
    _correct_rows_kernel[blocks, threads](int(code), int(fused), out, y, per_sample)
    scale = 1.0 / (nb * out.shape[1]) if code == BCE else 1.0 / nb
    _scaled_sum_kernel[1, 1](per_sample, nb, scale, result, int(slot))
    return True
