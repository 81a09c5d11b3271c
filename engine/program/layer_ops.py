"""One layer's forward and backward inside the compiled program (views into the flat buffers)."""
from __future__ import annotations

import numpy as np
from numba import njit

from engine.kernels.cpu.layers_act import act_backward, act_forward
from engine.kernels.cpu.layers_dense import dense_backward, dense_forward
from engine.kernels.cpu.layers_noise import (alpha_dropout_forward, copy_2d, dropout_forward,
                                             gaussian_noise_forward, mask_backward)
from engine.kernels.cpu.layers_norm import (bn_backward, bn_forward_infer, bn_forward_train,
                                            ln_backward, ln_forward)
from engine.program.plan import (ACTIVATION, ALPHA_DROPOUT, BATCH_NORM, C_ACT, C_CACHE, C_CODE,
                                 C_FLAGS, C_IN, C_IN_OFF, C_KEY, C_OUT, C_OUT_OFF, C_P0, C_P1,
                                 C_S0, C_STATS, DENSE, DROPOUT, F_CENTER, F_ENABLED, F_RENORM,
                                 F_SCALE, F_TRAINABLE, F_USE_BIAS, GAUSSIAN_NOISE, LAYER_NORM,
                                 P_DMAX, P_EPS, P_P1, P_P2, P_RATE, P_RMAX, P_STDDEV)


@njit(cache=True, nogil=True)
def pview(buf, off, n):
    """1-D view buf[off:off+n] (empty when off < 0)."""
    if off < 0:
        return buf[0:0]
    return buf[off:off + n]


@njit(cache=True, nogil=True)
def mview(buf, off, rows, cols):
    """2-D (rows, cols) view of buf from ``off``."""
    if off < 0:
        return buf[0:0].reshape((0, 0))
    return buf[off:off + rows * cols].reshape((rows, cols))


@njit(cache=True, nogil=True)
def bn_training_mode(row, flags, training):
    """Batch norm uses batch statistics: training, enabled and trainable (Keras)."""
    return training and (flags & F_ENABLED) != 0 and (flags & F_TRAINABLE) != 0


@njit(cache=True, nogil=True)
def layer_forward(ip, fp, i, params, state, work, nb, training, noise, seed, step):
    """Forward of layer ``i`` for ``nb`` rows: input at ip[i, C_IN_OFF], output at C_OUT_OFF.

    ``training``: batch statistics for batch norm; ``noise``: dropout/noise/rrelu randomness on.
    """
    code = ip[i, C_CODE]
    din = ip[i, C_IN]
    dout = ip[i, C_OUT]
    flags = ip[i, C_FLAGS]
    x = mview(work, ip[i, C_IN_OFF], nb, din)
    y = mview(work, ip[i, C_OUT_OFF], nb, dout)
    key = ip[i, C_KEY]
    if code == DENSE:
        w = mview(params, ip[i, C_P0], din, dout)
        b = pview(params, ip[i, C_P1], dout)
        dense_forward(x, w, b, (flags & F_USE_BIAS) != 0, y)
    elif code == ACTIVATION:
        act = ip[i, C_ACT]
        alpha = pview(params, ip[i, C_P0], din)
        slope = mview(work, ip[i, C_CACHE], nb, din) if act == 4 else mview(work, -1, 0, 0)
        act_forward(act, x, y, alpha, fp[i, P_P1], fp[i, P_P2], slope, noise, seed, step, key)
    elif code == BATCH_NORM:
        gamma = pview(params, ip[i, C_P0], din)
        beta = pview(params, ip[i, C_P1], din)
        mm = pview(state, ip[i, C_S0], din)
        mv = pview(state, ip[i, C_S0] + din, din)
        center = (flags & F_CENTER) != 0
        scale = (flags & F_SCALE) != 0
        if (flags & F_ENABLED) == 0:
            copy_2d(x, y)
        elif bn_training_mode(i, flags, training):
            stats = mview(work, ip[i, C_STATS], 4, din)
            bn_forward_train(x, y, gamma, beta, mm, mv, stats, fp[i, P_EPS],
                             (flags & F_RENORM) != 0, fp[i, P_RMAX], fp[i, P_DMAX], center, scale,
                             False)
        else:
            bn_forward_infer(x, y, gamma, beta, mm, mv, fp[i, P_EPS], center, scale)
    elif code == LAYER_NORM:
        gamma = pview(params, ip[i, C_P0], din)
        beta = pview(params, ip[i, C_P1], din)
        cache = mview(work, ip[i, C_CACHE], nb, 2)
        ln_forward(x, y, gamma, beta, cache, fp[i, P_EPS], (flags & F_CENTER) != 0,
                   (flags & F_SCALE) != 0)
    else:
        active = noise and (flags & F_ENABLED) != 0
        if code == GAUSSIAN_NOISE:
            if active and fp[i, P_STDDEV] > 0.0:
                gaussian_noise_forward(x, y, fp[i, P_STDDEV], seed, step, key)
            else:
                copy_2d(x, y)
        else:
            mask = mview(work, ip[i, C_CACHE], nb, din)
            if active and fp[i, P_RATE] > 0.0:
                if code == DROPOUT:
                    dropout_forward(x, y, mask, fp[i, P_RATE], seed, step, key)
                else:
                    alpha_dropout_forward(x, y, mask, fp[i, P_RATE], seed, step, key)
            else:
                copy_2d(x, y)
                for r in range(nb):
                    for c in range(din):
                        mask[r, c] = 1.0


@njit(cache=True, nogil=True)
def layer_backward(ip, fp, i, params, grads, state, work, nb, g, dx, want_dx):
    """Backward of layer ``i`` (training mode): g (nb, out) -> dx (nb, in); param grads into
    ``grads``. ``dx`` is not written when ``want_dx`` is false (first layer)."""
    code = ip[i, C_CODE]
    din = ip[i, C_IN]
    dout = ip[i, C_OUT]
    flags = ip[i, C_FLAGS]
    x = mview(work, ip[i, C_IN_OFF], nb, din)
    if code == DENSE:
        w = mview(params, ip[i, C_P0], din, dout)
        dw = mview(grads, ip[i, C_P0], din, dout)
        db = pview(grads, ip[i, C_P1], dout)
        dense_backward(x, w, g, dx, dw, db, (flags & F_USE_BIAS) != 0, want_dx)
    elif code == ACTIVATION:
        act = ip[i, C_ACT]
        y = mview(work, ip[i, C_OUT_OFF], nb, dout)
        alpha = pview(params, ip[i, C_P0], din)
        dalpha = pview(grads, ip[i, C_P0], din)
        slope = mview(work, ip[i, C_CACHE], nb, din) if act == 4 else mview(work, -1, 0, 0)
        act_backward(act, x, y, g, dx, alpha, dalpha, fp[i, P_P1], slope, ip[i, C_P0] >= 0)
    elif code == BATCH_NORM:
        gamma = pview(params, ip[i, C_P0], din)
        dgamma = pview(grads, ip[i, C_P0], din)
        dbeta = pview(grads, ip[i, C_P1], din)
        if (flags & F_ENABLED) == 0:
            copy_2d(g, dx)
            dgamma[:] = 0.0
            dbeta[:] = 0.0
        elif (flags & F_TRAINABLE) != 0:
            stats = mview(work, ip[i, C_STATS], 4, din)
            bn_backward(x, g, dx, gamma, dgamma, dbeta, stats, fp[i, P_EPS],
                        (flags & F_CENTER) != 0, (flags & F_SCALE) != 0)
        else:
            _bn_infer_backward(ip, fp, i, params, state, g, dx, gamma, din, nb)
            dgamma[:] = 0.0
            dbeta[:] = 0.0
    elif code == LAYER_NORM:
        gamma = pview(params, ip[i, C_P0], din)
        dgamma = pview(grads, ip[i, C_P0], din)
        dbeta = pview(grads, ip[i, C_P1], din)
        cache = mview(work, ip[i, C_CACHE], nb, 2)
        ln_backward(x, g, dx, gamma, dgamma, dbeta, cache, (flags & F_CENTER) != 0,
                    (flags & F_SCALE) != 0)
    elif code == GAUSSIAN_NOISE:
        copy_2d(g, dx)
    else:
        mask_backward(g, mview(work, ip[i, C_CACHE], nb, din), dx)


@njit(cache=True, nogil=True)
def _bn_infer_backward(ip, fp, i, params, state, g, dx, gamma, din, nb):
    """A frozen (non-trainable) batch norm runs in inference mode: dx = g * gamma / sigma_moving."""
    scale = (ip[i, C_FLAGS] & F_SCALE) != 0
    mv = pview(state, ip[i, C_S0] + din, din)
    for c in range(din):
        f = 1.0 / np.sqrt(mv[c] + fp[i, P_EPS])
        if scale:
            f = f * gamma[c]
        for r in range(nb):
            dx[r, c] = g[r, c] * f
