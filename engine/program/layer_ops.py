"""One layer's forward and backward inside the compiled program: 1-D views into the flat buffers
(slicing is free in compiled code, reshaping is not), widths from the plan table."""
from __future__ import annotations

# numba's on-disk cache keys a function on the text of its own file only, and a cached caller
# holds its callees' code: after changing a kernel in engine/kernels/cpu, bump this revision in
# every engine/program module, or callers keep running the old kernel (docs/PERF_NOTES.md).
KERNELS_REVISION = 14

from numba import njit

from engine.kernels.cpu.layers_act import act_backward, act_forward
from engine.kernels.cpu.layers_dense import dense_backward, dense_forward
from engine.kernels.cpu.layers_noise import (alpha_dropout_forward, copy_flat, dropout_forward,
                                             fill_flat, gaussian_noise_forward, mask_backward)
from engine.kernels.cpu.layers_norm import (bn_backward, bn_forward_infer, bn_forward_train,
                                            bn_infer_backward, ln_backward, ln_forward)
from engine.program.plan import (ACTIVATION, BATCH_NORM, C_ACT, C_CACHE, C_CODE, C_FLAGS, C_IN,
                                 C_IN_OFF, C_KEY, C_OUT, C_OUT_OFF, C_P0, C_P1, C_S0, C_STATS,
                                 DENSE, DROPOUT, F_CENTER, F_ENABLED, F_RENORM, F_SCALE,
                                 F_TRAINABLE, F_USE_BIAS, GAUSSIAN_NOISE, LAYER_NORM, P_DMAX,
                                 P_EPS, P_P1, P_P2, P_RATE, P_RMAX, P_STDDEV)

RRELU_CODE = 4


@njit(cache=True, nogil=True)
def pview(buf, off, n):
    """1-D view buf[off:off+n] (empty when off < 0)."""
    if off < 0:
        return buf[0:0]
    return buf[off:off + n]


@njit(cache=True, nogil=True)
def bn_training_mode(flags, training):
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
    x = pview(work, ip[i, C_IN_OFF], nb * din)
    y = pview(work, ip[i, C_OUT_OFF], nb * dout)
    key = ip[i, C_KEY]
    if code == DENSE:
        dense_forward(x, pview(params, ip[i, C_P0], din * dout), pview(params, ip[i, C_P1], dout),
                      (flags & F_USE_BIAS) != 0, y, nb, din, dout)
    elif code == ACTIVATION:
        act = ip[i, C_ACT]
        slope = pview(work, ip[i, C_CACHE] if act == RRELU_CODE else -1, nb * din)
        act_forward(act, x, y, pview(params, ip[i, C_P0], din), fp[i, P_P1], fp[i, P_P2], slope,
                    noise, seed, step, key, nb, din)
    elif code == BATCH_NORM:
        gamma = pview(params, ip[i, C_P0], din)
        beta = pview(params, ip[i, C_P1], din)
        mm = pview(state, ip[i, C_S0], din)
        mv = pview(state, ip[i, C_S0] + din, din)
        center = (flags & F_CENTER) != 0
        scale = (flags & F_SCALE) != 0
        if (flags & F_ENABLED) == 0:
            copy_flat(x, y, nb * din)
        elif bn_training_mode(flags, training):
            bn_forward_train(x, y, gamma, beta, mm, mv, pview(work, ip[i, C_STATS], 4 * din),
                             fp[i, P_EPS], (flags & F_RENORM) != 0, fp[i, P_RMAX], fp[i, P_DMAX],
                             center, scale, False, nb, din)
        else:
            bn_forward_infer(x, y, gamma, beta, mm, mv, fp[i, P_EPS], center, scale, nb, din)
    elif code == LAYER_NORM:
        ln_forward(x, y, pview(params, ip[i, C_P0], din), pview(params, ip[i, C_P1], din),
                   pview(work, ip[i, C_CACHE], 2 * nb), fp[i, P_EPS], (flags & F_CENTER) != 0,
                   (flags & F_SCALE) != 0, nb, din)
    else:
        _noise_forward(ip, fp, i, work, x, y, nb * din, noise and (flags & F_ENABLED) != 0,
                       seed, step, key)


@njit(cache=True, nogil=True)
def _noise_forward(ip, fp, i, work, x, y, n, active, seed, step, key):
    code = ip[i, C_CODE]
    if code == GAUSSIAN_NOISE:
        if active and fp[i, P_STDDEV] > 0.0:
            gaussian_noise_forward(x, y, fp[i, P_STDDEV], seed, step, key, n)
        else:
            copy_flat(x, y, n)
        return
    mask = pview(work, ip[i, C_CACHE], n)
    if active and fp[i, P_RATE] > 0.0:
        if code == DROPOUT:
            dropout_forward(x, y, mask, fp[i, P_RATE], seed, step, key, n)
        else:
            alpha_dropout_forward(x, y, mask, fp[i, P_RATE], seed, step, key, n)
    else:
        copy_flat(x, y, n)
        fill_flat(mask, 1.0, n)


@njit(cache=True, nogil=True)
def layer_backward(ip, fp, i, params, grads, state, work, nb, g, dx, want_dx):
    """Backward of layer ``i`` (training mode): g (nb*out) -> dx (nb*in); param grads into
    ``grads``. A dense layer skips dx when ``want_dx`` is false (first layer)."""
    code = ip[i, C_CODE]
    din = ip[i, C_IN]
    dout = ip[i, C_OUT]
    flags = ip[i, C_FLAGS]
    x = pview(work, ip[i, C_IN_OFF], nb * din)
    if code == DENSE:
        dense_backward(x, pview(params, ip[i, C_P0], din * dout), g, dx,
                       pview(grads, ip[i, C_P0], din * dout), pview(grads, ip[i, C_P1], dout),
                       (flags & F_USE_BIAS) != 0, want_dx, nb, din, dout)
    elif code == ACTIVATION:
        act = ip[i, C_ACT]
        slope = pview(work, ip[i, C_CACHE] if act == RRELU_CODE else -1, nb * din)
        act_backward(act, x, pview(work, ip[i, C_OUT_OFF], nb * dout), g, dx,
                     pview(params, ip[i, C_P0], din), pview(grads, ip[i, C_P0], din),
                     fp[i, P_P1], slope, ip[i, C_P0] >= 0, nb, din)
    elif code == BATCH_NORM:
        gamma = pview(params, ip[i, C_P0], din)
        dgamma = pview(grads, ip[i, C_P0], din)
        dbeta = pview(grads, ip[i, C_P1], din)
        scale = (flags & F_SCALE) != 0
        if (flags & F_ENABLED) != 0 and (flags & F_TRAINABLE) != 0:
            bn_backward(x, g, dx, gamma, dgamma, dbeta, pview(work, ip[i, C_STATS], 4 * din),
                        fp[i, P_EPS], (flags & F_CENTER) != 0, scale, nb, din)
        else:
            if (flags & F_ENABLED) == 0:
                copy_flat(g, dx, nb * din)
            else:
                bn_infer_backward(g, dx, gamma, pview(state, ip[i, C_S0] + din, din),
                                  fp[i, P_EPS], scale, nb, din)
            fill_flat(dgamma, 0.0, dgamma.shape[0])
            fill_flat(dbeta, 0.0, dbeta.shape[0])
    elif code == LAYER_NORM:
        ln_backward(x, g, dx, pview(params, ip[i, C_P0], din), pview(grads, ip[i, C_P0], din),
                    pview(grads, ip[i, C_P1], din), pview(work, ip[i, C_CACHE], 2 * nb),
                    (flags & F_CENTER) != 0, (flags & F_SCALE) != 0, nb, din)
    elif code == GAUSSIAN_NOISE:
        copy_flat(g, dx, nb * din)
    else:
        mask_backward(g, pview(work, ip[i, C_CACHE], nb * din), dx, nb * din)
