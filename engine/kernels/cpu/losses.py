"""Loss kernels (numba, CPU): value and gradient in one pass, plus a plain-numpy reference for tests.

Codes: mse 0, mae 1, binary_crossentropy 2, categorical_crossentropy 3, sparse_categorical 4.
Fusion: 0 none (``out`` are the network's outputs/probabilities), 1 sigmoid, 2 softmax (``out`` are
logits; stable log-sigmoid / log-sum-exp, no clipping). Unfused cross-entropies clip probabilities to
[EPS, 1 - EPS] as Keras (the gradient is 0 where clipped); categorical ones first divide by the row sum.

Reductions (DESIGN.md): mse/mae/bce: l_i = mean over the K outputs; categorical: l_i = sum over
classes. Returned value: mean_i sw_i * l_i over the batch B; ``grad`` = d(that)/d(out).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

MSE, MAE, BCE, CCE, SPARSE_CCE = 0, 1, 2, 3, 4
FUSE_NONE, FUSE_SIGMOID, FUSE_SOFTMAX = 0, 1, 2
EPS = 1e-7  # Keras's backend epsilon


@njit(cache=True, nogil=True, error_model="numpy")
def _log1p_exp(x):
    """log(1 + exp(x)) without overflow."""
    if x > 0.0:
        return x + math.log1p(math.exp(-x))
    return math.log1p(math.exp(x))


@njit(cache=True, nogil=True, error_model="numpy")
def _sigmoid(x):
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


@njit(cache=True, nogil=True, error_model="numpy")
def _softplus_sigmoid(x):
    """(_log1p_exp(x), _sigmoid(x)) from one exp: both use e^-|x| (equal bits, NaN included;
    at x = 0 both sigmoid forms give exactly 0.5)."""
    if x > 0.0:
        e = math.exp(-x)
        return x + math.log1p(e), 1.0 / (1.0 + e)
    e = math.exp(x)
    return math.log1p(e), e / (1.0 + e)


@njit(cache=True, nogil=True, error_model="numpy")
def _elementwise(code, fused, out, y, sw, grad, want_grad):
    """mse, mae, bce: mean over outputs and batch."""
    b, k = out.shape
    scale = 1.0 / (b * k)
    total = 0.0
    for i in range(b):
        li = 0.0
        for j in range(k):
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
                sp, sg = _softplus_sigmoid(o)
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
                grad[i, j] = sw[i] * gj * scale
        total += sw[i] * li
    return total * scale


@njit(cache=True, nogil=True, error_model="numpy")
def _target(code, y, i, j):
    if code == SPARSE_CCE:
        return 1.0 if int(y[i, 0]) == j else 0.0
    return float(y[i, j])


@njit(cache=True, nogil=True, error_model="numpy")
def _categorical(code, fused, out, y, sw, grad, want_grad):
    """categorical / sparse categorical cross-entropy: sum over classes, mean over batch."""
    b, k = out.shape
    total = 0.0
    for i in range(b):
        ysum = 0.0
        for j in range(k):
            ysum += _target(code, y, i, j)
        li = 0.0
        if fused == FUSE_SOFTMAX:
            zmax = float(out[i, 0])
            for j in range(1, k):
                zmax = max(zmax, float(out[i, j]))
            se = 0.0
            for j in range(k):
                e = math.exp(float(out[i, j]) - zmax)
                se += e
                if want_grad:
                    grad[i, j] = e  # exp kept for the softmax below
            lse = zmax + math.log(se)
            for j in range(k):
                t = _target(code, y, i, j)
                li += t * (lse - float(out[i, j]))
                if want_grad:
                    p = float(grad[i, j]) / se
                    grad[i, j] = sw[i] * (ysum * p - t) / b
        else:
            s = 0.0
            for j in range(k):
                s += float(out[i, j])
            dot = 0.0  # sum_k a_k * p_k with a_k = dl/dq_k where q = clip(p / s)
            for j in range(k):
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
                    grad[i, j] = a  # finished below
            if want_grad:
                for j in range(k):
                    grad[i, j] = sw[i] * (grad[i, j] / s - dot / (s * s)) / b
        total += sw[i] * li
    return total / b


@njit(cache=True, nogil=True, error_model="numpy")
def loss_forward_backward(code, fused, out, y, sw, grad, want_grad):
    """Loss value mean_i sw_i * l_i (float64) and, when ``want_grad``, its gradient into ``grad``.

    out: (B, K) outputs or logits (fused); y: (B, T) targets (sparse: (B, 1) class indices);
    sw: (B,) per-sample weights; grad: (B, K) written in place.
    """
    if code == CCE or code == SPARSE_CCE:
        return _categorical(code, fused, out, y, sw, grad, want_grad)
    return _elementwise(code, fused, out, y, sw, grad, want_grad)


@njit(cache=True, nogil=True, error_model="numpy")
def loss_correct(code, fused, out, y):
    """Accuracy count over the batch: bce counts (sample, output) pairs with (p > 0.5) == (y > 0.5)
    (logits: o > 0) and returns the fraction over B*K; categorical: argmax(out) == target class,
    fraction over B. mse/mae: NaN (no accuracy)."""
    b, k = out.shape
    if code == BCE:
        thr = 0.0 if fused == FUSE_SIGMOID else 0.5
        c = 0
        for i in range(b):
            for j in range(k):
                if (float(out[i, j]) > thr) == (float(y[i, j]) > 0.5):
                    c += 1
        return c / (b * k)
    if code == CCE or code == SPARSE_CCE:
        c = 0
        for i in range(b):
            best = 0
            for j in range(1, k):
                if out[i, j] > out[i, best]:
                    best = j
            if code == SPARSE_CCE:
                tgt = int(y[i, 0])
            else:
                tgt = 0
                for j in range(1, y.shape[1]):
                    if y[i, j] > y[i, tgt]:
                        tgt = j
            if best == tgt:
                c += 1
        return c / b
    return math.nan


# ---------------------------------------------------------------- plain-numpy reference (tests)

def loss_ref(code: int, fused: int, out: np.ndarray, y: np.ndarray, sw: np.ndarray) -> float:
    """Plain-numpy loss value (float64), written straight from the formulas."""
    out = np.asarray(out, np.float64)
    y = np.asarray(y, np.float64)
    sw = np.asarray(sw, np.float64)
    if code == SPARSE_CCE:
        y = np.eye(out.shape[1])[y[:, 0].astype(int)]
        code = CCE
    if code == MSE:
        li = np.mean((out - y) ** 2, axis=1)
    elif code == MAE:
        li = np.mean(np.abs(out - y), axis=1)
    elif code == BCE:
        p = 1.0 / (1.0 + np.exp(-out)) if fused == FUSE_SIGMOID else np.clip(out, EPS, 1 - EPS)
        li = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), axis=1)
    else:
        if fused == FUSE_SOFTMAX:
            z = out - out.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        else:
            logp = np.log(np.clip(out / out.sum(axis=1, keepdims=True), EPS, 1 - EPS))
        li = -np.sum(y * logp, axis=1)
    return float(np.mean(sw * li))
