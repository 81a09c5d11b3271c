"""Loss kernels (numba, CPU): value and gradient in one pass over the batch, the rows computed by
engine/kernels/scalar/losses.py (shared with the CUDA kernels; codes, fusion and reductions there).

Returned value: mean_i sw_i * l_i over the batch B; ``grad`` = d(that)/d(out).
"""
from __future__ import annotations

import math

from numba import njit

from engine.kernels.scalar import losses as _loss
from engine.kernels.scalar.losses import (BCE, CCE, EPS, FUSE_NONE, FUSE_SIGMOID, FUSE_SOFTMAX,
                                          MAE, MSE, SPARSE_CCE)

elementwise_row = njit(cache=True, nogil=True, error_model="numpy")(_loss.elementwise_row)
categorical_row = njit(cache=True, nogil=True, error_model="numpy")(_loss.categorical_row)
correct_row = njit(cache=True, nogil=True, error_model="numpy")(_loss.correct_row)

__all__ = ["loss_forward_backward", "loss_correct", "MSE", "MAE", "BCE", "CCE", "SPARSE_CCE",
           "FUSE_NONE", "FUSE_SIGMOID", "FUSE_SOFTMAX", "EPS"]


@njit(cache=True, nogil=True, error_model="numpy")
def loss_forward_backward(code, fused, out, y, sw, grad, want_grad):
    """Loss value mean_i sw_i * l_i (float64) and, when ``want_grad``, its gradient into ``grad``.

    out: (B, K) outputs or logits (fused); y: (B, T) targets (sparse: (B, 1) class indices);
    sw: (B,) per-sample weights; grad: (B, K) written in place.
    """
    b, k = out.shape
    total = 0.0
    if code == CCE or code == SPARSE_CCE:
        for i in range(b):
            total += sw[i] * categorical_row(code, fused, out, y, sw[i], grad, i, b, want_grad)
        return total / b
    scale = 1.0 / (b * k)
    for i in range(b):
        total += sw[i] * elementwise_row(code, fused, out, y, sw[i], grad, i, scale, want_grad)
    return total * scale


@njit(cache=True, nogil=True, error_model="numpy")
def loss_correct(code, fused, out, y):
    """Accuracy over the batch: bce the fraction of (sample, output) pairs right over B*K;
    categorical the fraction of rows whose argmax is the target class. mse/mae: NaN."""
    b, k = out.shape
    if code != BCE and code != CCE and code != SPARSE_CCE:
        return math.nan
    c = 0.0
    for i in range(b):
        c += correct_row(code, fused, out, y, i)
    return c / (b * k) if code == BCE else c / b
