"""Optimiser updates and gradient clipping on the GPU, mirroring engine/kernels/cpu/optim.py.

One thread per parameter element; each element follows exactly the CPU's sequence of float64
operations and stores (so float32 slots round the same way). ``hp (8,)`` and ``ostate (4,)`` are
float64 device arrays (layout in the CPU module's docstring); ``optimizer_begin_step`` advances
``ostate`` on the device. Clipping works over the flat gradient buffer and ``ptab (P, 4)`` int64
(offset, size, layer_index, flags; flag bit 0 trainable), NaN switching a clip off. Names and
arguments are the CPU kernels'.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d, scratch
from engine.kernels.cuda.mathx import fmax
from engine.kernels.cuda.reduce import reduction_chunks, segment_sumsq

SGD, ADAGRAD, RMSPROP, ADAM, ADAMAX, NADAM, ADAMW = 0, 1, 2, 3, 4, 5, 6
NADAM_DECAY = 0.96


@cuda.jit(cache=True)
def _begin_step_kernel(code, ostate, t, mom):
    if cuda.grid(1) == 0 and code == NADAM:
        ostate[0] = ostate[0] * mom * (1.0 - 0.5 * NADAM_DECAY ** float(t))


def optimizer_begin_step(code: int, hp, ostate, t: int, mom: float) -> None:
    """Advance the optimiser's scalar state on the device once per step (t from 1)."""
    if int(code) == NADAM:
        _begin_step_kernel[1, 1](int(code), ostate, int(t), float(mom))


@cuda.jit(device=True)
def _update_one(code, hp, ostate, w, g, s0, s1, s2, i, t, lr, mom):
    wd = hp[3]
    if wd != 0.0:
        w[i] = float(w[i]) - float(w[i]) * wd * lr
    gi = float(g[i])
    eps = hp[0]
    b2 = hp[1]
    if code == SGD:
        if mom == 0.0:
            w[i] = float(w[i]) - lr * gi
        else:
            vi = mom * float(s0[i]) - lr * gi
            s0[i] = vi
            if hp[2] != 0.0:
                w[i] = float(w[i]) + (mom * vi - lr * gi)
            else:
                w[i] = float(w[i]) + vi
    elif code == ADAGRAD:
        s0[i] = float(s0[i]) + gi * gi
        w[i] = float(w[i]) - lr * gi / math.sqrt(float(s0[i]) + eps)
    elif code == RMSPROP:
        s0[i] = b2 * float(s0[i]) + (1.0 - b2) * gi * gi
        den = float(s0[i]) + eps
        if hp[2] != 0.0:
            s1[i] = b2 * float(s1[i]) + (1.0 - b2) * gi
            m = float(s1[i])
            den = float(s0[i]) - m * m + eps
        inc = lr * gi / math.sqrt(den)
        if mom > 0.0:
            s2[i] = mom * float(s2[i]) + inc
            w[i] = float(w[i]) - float(s2[i])
        else:
            w[i] = float(w[i]) - inc
    elif code == ADAM or code == ADAMW:
        alpha = lr * math.sqrt(1.0 - b2 ** float(t)) / (1.0 - mom ** float(t))
        s0[i] = float(s0[i]) + (gi - float(s0[i])) * (1.0 - mom)
        s1[i] = float(s1[i]) + (gi * gi - float(s1[i])) * (1.0 - b2)
        vi = float(s1[i])
        if hp[2] != 0.0:
            if vi > float(s2[i]):
                s2[i] = vi
            vi = float(s2[i])
        w[i] = float(w[i]) - alpha * float(s0[i]) / (math.sqrt(vi) + eps)
    elif code == ADAMAX:
        corr = 1.0 - mom ** float(t)
        s0[i] = float(s0[i]) + (gi - float(s0[i])) * (1.0 - mom)
        s1[i] = fmax(b2 * float(s1[i]), abs(gi))
        w[i] = float(w[i]) - lr * float(s0[i]) / (corr * (float(s1[i]) + eps))
    elif code == NADAM:
        u_t = mom * (1.0 - 0.5 * NADAM_DECAY ** float(t))
        u_t1 = mom * (1.0 - 0.5 * NADAM_DECAY ** float(t + 1))
        up_t = ostate[0]
        up_t1 = up_t * u_t1
        s0[i] = float(s0[i]) + (gi - float(s0[i])) * (1.0 - mom)
        s1[i] = float(s1[i]) + (gi * gi - float(s1[i])) * (1.0 - b2)
        m_hat = u_t1 * float(s0[i]) / (1.0 - up_t1) + (1.0 - u_t) * gi / (1.0 - up_t)
        v_hat = float(s1[i]) / (1.0 - b2 ** float(t))
        w[i] = float(w[i]) - lr * m_hat / (math.sqrt(v_hat) + eps)


@cuda.jit(cache=True)
def _update_kernel(code, hp, ostate, w, g, s0, s1, s2, t, lr, mom):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < w.shape[0]:
        _update_one(code, hp, ostate, w, g, s0, s1, s2, i, t, lr, mom)
        i += stride


def optimizer_update(code: int, hp, ostate, w, g, s0, s1, s2, t: int, lr: float,
                     mom: float) -> None:
    """Update one parameter on the device (1-D device views of equal length; t from 1)."""
    blocks, threads = grid1d(w.shape[0])
    _update_kernel[blocks, threads](int(code), hp, ostate, w, g, s0, s1, s2, int(t), float(lr),
                                    float(mom))


@cuda.jit(device=True)
def _segment(ptab, i):
    """Row of ``ptab`` whose [offset, offset + size) holds element ``i`` (-1: none)."""
    for p in range(ptab.shape[0]):
        if ptab[p, 0] <= i and i < ptab[p, 0] + ptab[p, 1]:
            return p
    return -1


@cuda.jit(cache=True)
def _clip_value_kernel(grads, ptab, clipvalue):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < grads.shape[0]:
        p = _segment(ptab, i)
        if p >= 0 and (ptab[p, 3] & 1):
            if grads[i] > clipvalue:
                grads[i] = clipvalue
            elif grads[i] < -clipvalue:
                grads[i] = -clipvalue
        i += stride


@cuda.jit(cache=True)
def _clip_scale_kernel(grads, ptab, sumsq, clip, global_mode):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < grads.shape[0]:
        p = _segment(ptab, i)
        if p >= 0 and (ptab[p, 3] & 1):
            if global_mode:
                ss = 0.0
                for q in range(ptab.shape[0]):
                    if ptab[q, 3] & 1:
                        ss += sumsq[q]
            else:
                ss = sumsq[p]
            norm = math.sqrt(ss)
            if norm > clip:
                grads[i] = float(grads[i]) * (clip / norm)
        i += stride


def clip_gradients(grads, ptab, clipvalue, clipnorm, global_clipnorm) -> None:
    """Clip the flat gradient buffer ``grads (P_total,)`` in place, as the CPU's clip_gradients.

    ``ptab (n_params, 4)`` int64 device table; the norms go through device scratch.
    """
    blocks, threads = grid1d(grads.shape[0])
    if not math.isnan(clipvalue):
        _clip_value_kernel[blocks, threads](grads, ptab, float(clipvalue))
    n_params = max(ptab.shape[0], 1)
    chunks = reduction_chunks(grads.shape[0])
    for clip, global_mode in ((clipnorm, False), (global_clipnorm, True)):
        if not math.isnan(clip):
            sumsq = scratch("clip_sumsq", n_params)
            partials = scratch("clip_partials", n_params * chunks).reshape((n_params, chunks))
            segment_sumsq(grads, ptab, partials, sumsq)
            _clip_scale_kernel[blocks, threads](grads, ptab, sumsq, float(clip), global_mode)
