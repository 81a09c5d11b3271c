"""Losses on the GPU with the CPU's contract (engine/kernels/cpu/losses.py): per-sample loss and
gradient, one thread per sample, then a fixed-order mean, returned as a float like the CPU's.

The rows are engine/kernels/scalar/losses.py's, the CPU kernels' own (codes, fusion, reductions,
Keras clipping with zero gradient where clipped). ``grad (B, K)`` receives
d(mean_i sw_i * l_i)/d(out). The per-sample values go to device scratch (engine/kernels/cuda/launch.py).
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d, scratch
from engine.kernels.scalar import losses as _loss
from engine.kernels.scalar.losses import (BCE, CCE, EPS, FUSE_NONE, FUSE_SIGMOID, FUSE_SOFTMAX,
                                          MAE, MSE, SPARSE_CCE)

elementwise_row = cuda.jit(device=True)(_loss.elementwise_row)
categorical_row = cuda.jit(device=True)(_loss.categorical_row)
correct_row = cuda.jit(device=True)(_loss.correct_row)

__all__ = ["loss_forward_backward", "loss_correct", "MSE", "MAE", "BCE", "CCE", "SPARSE_CCE",
           "FUSE_NONE", "FUSE_SIGMOID", "FUSE_SOFTMAX", "EPS"]


@cuda.jit(cache=True)
def _loss_rows_kernel(code, fused, out, y, sw, grad, want_grad, per_sample):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    nb = out.shape[0]
    scale = 1.0 / (nb * out.shape[1])
    while i < nb:
        w = float(sw[i])
        if code == CCE or code == SPARSE_CCE:
            li = categorical_row(code, fused, out, y, w, grad, i, nb, want_grad)
        else:
            li = elementwise_row(code, fused, out, y, w, grad, i, scale, want_grad)
        per_sample[i] = w * li
        i += stride


@cuda.jit(cache=True)
def _scaled_sum_kernel(per_sample, n, scale, result):
    if cuda.grid(1) == 0:
        s = 0.0
        for i in range(n):
            s += per_sample[i]
        result[0] = s * scale


@cuda.jit(cache=True)
def _correct_rows_kernel(code, fused, out, y, per_sample):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < out.shape[0]:
        per_sample[i] = correct_row(code, fused, out, y, i)
        i += stride


def _mean_on_device(per_sample, nb: int, scale: float) -> float:
    result = scratch("loss_result", 1)
    _scaled_sum_kernel[1, 1](per_sample, nb, scale, result)
    return float(result.copy_to_host()[0])


def loss_forward_backward(code, fused, out, y, sw, grad, want_grad) -> float:
    """Loss value mean_i sw_i * l_i (float64) and, when ``want_grad``, its gradient into ``grad``.

    out: (B, K) outputs or logits (fused); y: (B, T) targets (sparse: (B, 1) class indices);
    sw: (B,) per-sample weights; grad: (B, K) written in place.
    """
    nb = out.shape[0]
    per = scratch("loss_rows", nb)
    blocks, threads = grid1d(nb)
    _loss_rows_kernel[blocks, threads](int(code), int(fused), out, y, sw, grad if want_grad
                                       else out, bool(want_grad), per)
    categorical = code in (CCE, SPARSE_CCE)
    return _mean_on_device(per, nb, 1.0 / nb if categorical else 1.0 / (nb * out.shape[1]))


def loss_correct(code, fused, out, y) -> float:
    """Accuracy over the batch: bce the fraction of (sample, output) pairs right over B*K;
    categorical the fraction of rows whose argmax is the target class. mse/mae: NaN."""
    if code not in (BCE, CCE, SPARSE_CCE):
        return math.nan
    nb = out.shape[0]
    per = scratch("loss_rows", nb)
    blocks, threads = grid1d(nb)
    _correct_rows_kernel[blocks, threads](int(code), int(fused), out, y, per)
    return _mean_on_device(per, nb, 1.0 / (nb * out.shape[1]) if code == BCE else 1.0 / nb)
