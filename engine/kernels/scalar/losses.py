"""Scalar loss math, written once for the CPU and CUDA loss kernels: one batch row at a time.

Codes: mse 0, mae 1, binary_crossentropy 2, categorical_crossentropy 3, sparse_categorical 4.
Fusion: 0 none (``out`` are the network's outputs/probabilities), 1 sigmoid, 2 softmax (``out`` are
logits; stable log-sigmoid / log-sum-exp, no clipping). Unfused cross-entropies clip probabilities to
[EPS, 1 - EPS] as Keras (the gradient is 0 where clipped); categorical ones first divide by the row
sum. Reductions (docs/NUMERICS.md): mse/mae/bce: l_i = mean over the K outputs (the row functions
return the sum; the caller scales by 1/(B*K)); categorical: l_i = sum over classes.
"""
from __future__ import annotations

import math

from numba.extending import register_jitable

from engine.kernels.scalar.mathx import fmax

MSE, MAE, BCE, CCE, SPARSE_CCE = 0, 1, 2, 3, 4
FUSE_NONE, FUSE_SIGMOID, FUSE_SOFTMAX = 0, 1, 2
EPS = 1e-7  # Keras's backend epsilon


@register_jitable(error_model="numpy")
def softplus_sigmoid(x):
    """(log(1 + e^x), sigmoid(x)) from one exp: both use e^-|x| (at x = 0 both sigmoid forms give
    exactly 0.5)."""
    if x > 0.0:
        e = math.exp(-x)
        return x + math.log1p(e), 1.0 / (1.0 + e)
    e = math.exp(x)
    return math.log1p(e), e / (1.0 + e)


@register_jitable(error_model="numpy")
def target(code, y, i, j):
    """Target of class/output ``j`` in row ``i`` (sparse: 1.0 where the class index is ``j``)."""
    if code == SPARSE_CCE:
        return 1.0 if int(y[i, 0]) == j else 0.0
    return float(y[i, j])


@register_jitable(error_model="numpy")
def elementwise_row(code, fused, out, y, w, grad, i, scale, want_grad):
    """mse / mae / bce of row ``i``: the sum over outputs; ``grad[i, :]`` = w * dl/do * ``scale``."""
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
            # -[t log s(o) + (1-t) log(1 - s(o))] = log(1 + e^o) - t*o
            sp, sg = softplus_sigmoid(o)
            li += sp - t * o
            gj = sg - t
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


@register_jitable(error_model="numpy")
def categorical_row(code, fused, out, y, w, grad, i, nb, want_grad):
    """Categorical / sparse categorical cross-entropy of row ``i`` (sum over classes);
    ``grad[i, :]`` = w * dl/do / ``nb``."""
    k = out.shape[1]
    ysum = 0.0
    for j in range(k):
        ysum += target(code, y, i, j)
    li = 0.0
    if fused == FUSE_SOFTMAX:
        zmax = float(out[i, 0])
        for j in range(1, k):
            zmax = fmax(zmax, float(out[i, j]))
        se = 0.0
        for j in range(k):
            e = math.exp(float(out[i, j]) - zmax)
            se += e
            if want_grad:
                grad[i, j] = e  # exp kept for the softmax below
        lse = zmax + math.log(se)
        for j in range(k):
            t = target(code, y, i, j)
            li += t * (lse - float(out[i, j]))
            if want_grad:
                p = float(grad[i, j]) / se
                grad[i, j] = w * (ysum * p - t) / nb
        return li
    s = 0.0
    for j in range(k):
        s += float(out[i, j])
    dot = 0.0  # sum_k a_k * p_k with a_k = dl/dq_k where q = clip(p / s)
    for j in range(k):
        t = target(code, y, i, j)
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
            grad[i, j] = a  # finished below
    if want_grad:
        for j in range(k):
            grad[i, j] = w * (float(grad[i, j]) / s - dot / (s * s)) / nb
    return li


@register_jitable(error_model="numpy")
def correct_row(code, fused, out, y, i):
    """Correct predictions in row ``i``: bce counts outputs with (p > 0.5) == (y > 0.5) (logits:
    o > 0); categorical: 1.0 when argmax(out) is the target class, else 0.0."""
    if code == BCE:
        thr = 0.0 if fused == FUSE_SIGMOID else 0.5
        c = 0.0
        for j in range(out.shape[1]):
            if (float(out[i, j]) > thr) == (float(y[i, j]) > 0.5):
                c += 1.0
        return c
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
    return 1.0 if best == tgt else 0.0
