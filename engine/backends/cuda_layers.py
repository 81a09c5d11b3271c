"""One layer's forward and backward on the GPU: the device twin of engine/program/layer_ops.py.

``DeviceBuffers`` holds the model's flat buffers on the device (same offsets as the host's ``ip``
plan table), and ``layer_forward``/``layer_backward`` read layer ``i``'s row of the plan from the
host copy of ``ip``/``fp`` and launch the matching kernels on views of those buffers.
"""
from __future__ import annotations

import numpy as np
from numba import cuda

from engine.kernels.cuda import activations as act
from engine.kernels.cuda import matmul, noise, norm
from engine.kernels.cuda.reduce import fill
from engine.program.plan import (ACTIVATION, ALPHA_DROPOUT, BATCH_NORM, C_ACT, C_CACHE, C_CODE,
                                 C_FLAGS, C_IN, C_IN_OFF, C_KEY, C_OUT, C_OUT_OFF, C_P0, C_P1,
                                 C_S0, C_STATS, DENSE, DROPOUT, F_CENTER, F_ENABLED, F_RENORM,
                                 F_SCALE, F_TRAINABLE, F_USE_BIAS, GAUSSIAN_NOISE, LAYER_NORM,
                                 P_DMAX, P_EPS, P_P1, P_P2, P_RATE, P_RMAX, P_STDDEV)

_NOISE_KIND = {DROPOUT: noise.DROPOUT, ALPHA_DROPOUT: noise.ALPHA_DROPOUT,
               GAUSSIAN_NOISE: noise.GAUSSIAN_NOISE}


class DeviceBuffers:
    """Device copies of params, grads, state and work (1-D, the model's dtype) and per-layer
    renorm clip flags (2, D) float64."""

    def __init__(self) -> None:
        self.params = self.grads = self.state = self.work = None
        self.clipped: dict[int, object] = {}

    @staticmethod
    def pview(buf, off: int, n: int):
        """1-D device view buf[off:off+n] (empty when off < 0)."""
        off = int(off)
        return buf[0:0] if off < 0 else buf[off:off + int(n)]

    @staticmethod
    def mview(buf, off: int, rows: int, cols: int):
        """2-D (rows, cols) device view of buf from ``off``."""
        off, rows, cols = int(off), int(rows), int(cols)
        return buf[off:off + rows * cols].reshape((rows, cols))

    def clip_flags(self, i: int, d: int):
        """The (2, d) renorm clip flags of layer ``i`` (allocated on first use)."""
        arr = self.clipped.get(i)
        if arr is None or arr.shape[1] != d:
            arr = self.clipped[i] = cuda.to_device(np.zeros((2, d), np.float64))
        return arr


def bn_training_mode(flags: int, training: bool) -> bool:
    """Batch norm uses batch statistics: training, enabled and trainable (Keras)."""
    return bool(training) and bool(flags & F_ENABLED) and bool(flags & F_TRAINABLE)


def noise_active(ip: np.ndarray, fp: np.ndarray, i: int, noise_on: bool) -> bool:
    """Whether a dropout / noise layer draws random numbers in this pass (as the CPU)."""
    code = int(ip[i, C_CODE])
    level = fp[i, P_STDDEV] if code == GAUSSIAN_NOISE else fp[i, P_RATE]
    return bool(noise_on) and bool(ip[i, C_FLAGS] & F_ENABLED) and level > 0.0


def layer_forward(buf: DeviceBuffers, ip: np.ndarray, fp: np.ndarray, i: int, nb: int,
                  training: bool, noise_on: bool, seed: int, step: int) -> None:
    """Forward of layer ``i`` for ``nb`` rows on the device (see engine/program/layer_ops.py)."""
    code, din, dout, flags = (int(ip[i, C_CODE]), int(ip[i, C_IN]), int(ip[i, C_OUT]),
                              int(ip[i, C_FLAGS]))
    x = buf.mview(buf.work, ip[i, C_IN_OFF], nb, din)
    y = buf.mview(buf.work, ip[i, C_OUT_OFF], nb, dout)
    key = int(ip[i, C_KEY])
    if code == DENSE:
        w = buf.mview(buf.params, ip[i, C_P0], din, dout)
        use_bias = bool(flags & F_USE_BIAS)
        b = buf.pview(buf.params, ip[i, C_P1], dout) if use_bias else None
        matmul.dense_forward(x, w, b, y, use_bias)
    elif code == ACTIVATION:
        a = int(ip[i, C_ACT])
        alpha = buf.pview(buf.params, ip[i, C_P0], din) if ip[i, C_P0] >= 0 else None
        act.activation_forward(a, x, y, fp[i, P_P1], fp[i, P_P2], alpha, noise_on, seed, step, key)
    elif code == BATCH_NORM:
        _bn_forward(buf, ip, fp, i, x, y, nb, din, flags, training)
    elif code == LAYER_NORM:
        gamma = buf.pview(buf.params, ip[i, C_P0], din)
        beta = buf.pview(buf.params, ip[i, C_P1], din)
        cache = buf.mview(buf.work, ip[i, C_CACHE], nb, 2)
        norm.layer_norm_forward(x, y, gamma if gamma.shape[0] else x[0], beta if beta.shape[0]
                                else x[0], cache, fp[i, P_EPS], bool(flags & F_CENTER),
                                bool(flags & F_SCALE))
    elif noise_active(ip, fp, i, noise_on):
        level = fp[i, P_STDDEV] if code == GAUSSIAN_NOISE else fp[i, P_RATE]
        noise.noise_forward(_NOISE_KIND[code], x, y, level, seed, step, key)
    elif nb:
        y.copy_to_device(x)


def _bn_forward(buf, ip, fp, i, x, y, nb, din, flags, training) -> None:
    gamma = buf.pview(buf.params, ip[i, C_P0], din)
    beta = buf.pview(buf.params, ip[i, C_P1], din)
    mm = buf.pview(buf.state, ip[i, C_S0], din)
    mv = buf.pview(buf.state, int(ip[i, C_S0]) + din, din)
    center, scale = bool(flags & F_CENTER), bool(flags & F_SCALE)
    gamma = gamma if gamma.shape[0] else mm
    beta = beta if beta.shape[0] else mm
    if not flags & F_ENABLED:
        if nb:
            y.copy_to_device(x)
    elif bn_training_mode(flags, training):
        stats = buf.mview(buf.work, ip[i, C_STATS], 4, din)
        norm.batch_norm_forward(x, y, gamma, beta, mm, mv, stats, fp[i, P_EPS], 0.0, True,
                                bool(flags & F_RENORM), fp[i, P_RMAX], fp[i, P_DMAX], center,
                                scale, update_moving=False, clipped=buf.clip_flags(i, din))
    else:
        norm.batch_norm_forward(x, y, gamma, beta, mm, mv, None, fp[i, P_EPS], 0.0, False,
                                center=center, scale=scale)


def layer_backward(buf: DeviceBuffers, ip: np.ndarray, fp: np.ndarray, i: int, nb: int, g, dx,
                   want_dx: bool, seed: int, step: int) -> None:
    """Backward of layer ``i`` (training mode): g (nb, out) -> dx (nb, in); parameter gradients
    into ``buf.grads``. Dropout masks and rrelu slopes are recomputed from the counters."""
    code, din, dout, flags = (int(ip[i, C_CODE]), int(ip[i, C_IN]), int(ip[i, C_OUT]),
                              int(ip[i, C_FLAGS]))
    x = buf.mview(buf.work, ip[i, C_IN_OFF], nb, din)
    key = int(ip[i, C_KEY])
    if code == DENSE:
        w = buf.mview(buf.params, ip[i, C_P0], din, dout)
        dw = buf.mview(buf.grads, ip[i, C_P0], din, dout)
        use_bias = bool(flags & F_USE_BIAS)
        db = buf.pview(buf.grads, ip[i, C_P1], dout) if use_bias else None
        matmul.dense_backward(x, w, g, dx, dw, db, use_bias, want_dx)
    elif code == ACTIVATION:
        y = buf.mview(buf.work, ip[i, C_OUT_OFF], nb, dout)
        has_alpha = ip[i, C_P0] >= 0
        alpha = buf.pview(buf.params, ip[i, C_P0], din) if has_alpha else None
        dalpha = buf.pview(buf.grads, ip[i, C_P0], din) if has_alpha else None
        act.activation_backward(int(ip[i, C_ACT]), x, y, g, dx, fp[i, P_P1], fp[i, P_P2], alpha,
                                dalpha, True, seed, step, key)
    elif code == BATCH_NORM:
        _bn_backward(buf, ip, fp, i, x, g, dx, nb, din, flags)
    elif code == LAYER_NORM:
        gamma = buf.pview(buf.params, ip[i, C_P0], din)
        dgamma = buf.pview(buf.grads, ip[i, C_P0], din)
        dbeta = buf.pview(buf.grads, ip[i, C_P1], din)
        cache = buf.mview(buf.work, ip[i, C_CACHE], nb, 2)
        norm.layer_norm_backward(x, g, dx, gamma if gamma.shape[0] else x[0], cache,
                                 dgamma if dgamma.shape[0] else x[0],
                                 dbeta if dbeta.shape[0] else x[0], bool(flags & F_CENTER),
                                 bool(flags & F_SCALE))
    elif code != GAUSSIAN_NOISE and noise_active(ip, fp, i, True):
        noise.noise_backward(_NOISE_KIND[code], g, dx, fp[i, P_RATE], seed, step, key)
    elif nb:
        dx.copy_to_device(g)


def _bn_backward(buf, ip, fp, i, x, g, dx, nb, din, flags) -> None:
    gamma = buf.pview(buf.params, ip[i, C_P0], din)
    dgamma = buf.pview(buf.grads, ip[i, C_P0], din)
    dbeta = buf.pview(buf.grads, ip[i, C_P1], din)
    mv = buf.pview(buf.state, int(ip[i, C_S0]) + din, din)
    scale, center = bool(flags & F_SCALE), bool(flags & F_CENTER)
    if flags & F_ENABLED and flags & F_TRAINABLE:
        stats = buf.mview(buf.work, ip[i, C_STATS], 4, din)
        norm.batch_norm_backward(x, g, dx, gamma if gamma.shape[0] else mv, stats, fp[i, P_EPS],
                                 dgamma if dgamma.shape[0] else mv[:0],
                                 dbeta if dbeta.shape[0] else mv[:0], center, scale)
        return
    if flags & F_ENABLED:
        norm.batch_norm_frozen_backward(g, dx, gamma if gamma.shape[0] else mv, mv, fp[i, P_EPS],
                                        scale)
    elif nb:
        dx.copy_to_device(g)
    for arr in (dgamma, dbeta):
        if arr.shape[0]:
            fill(arr, 0.0)
