"""Losses on the GPU: per-sample loss and gradient, one thread per sample, then a fixed-order mean.

The rows are engine/kernels/scalar/losses.py's, the CPU kernels' own (codes, fusion, reductions,
Keras clipping with zero gradient where clipped). ``grad (B, K)`` receives
d(mean_i sw_i * l_i)/d(out). The value stays on the device (``result[slot]``) until a snapshot.
"""
from __future__ import annotations

from numba import cuda

from engine.kernels.cuda.launch import grid1d
from engine.kernels.scalar import losses as _loss
from engine.kernels.scalar.losses import (BCE, CCE, EPS, FUSE_NONE, FUSE_SIGMOID, FUSE_SOFTMAX,
                                          MAE, MSE, SPARSE_CCE)

_elementwise_row = cuda.jit(device=True)(_loss.elementwise_row)
_categorical_row = cuda.jit(device=True)(_loss.categorical_row)
_correct_row = cuda.jit(device=True)(_loss.correct_row)

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
        per_sample[i] = _correct_row(code, fused, out, y, i)
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
