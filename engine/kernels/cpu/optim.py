"""Optimiser and gradient-clipping kernels (numba, CPU); plain-numpy references live in tests/helpers.

Codes: sgd 0, adagrad 1, rmsprop 2, adam 3, adamax 4, nadam 5, adamw 6 (docs/ARCHITECTURE.md).

``hp`` (float64[8], from ``Optimizer.hparams()``):
    hp[0] epsilon, hp[1] beta_2 (Adam family) or rho (rmsprop), hp[2] flag (sgd: nesterov,
    rmsprop: centered, adam/adamw: amsgrad; 1.0 on), hp[3] weight_decay (0.0: off, decoupled as
    Keras 3: ``w -= w * weight_decay * lr`` before the update), hp[4] initial_accumulator_value
    (adagrad, only used to fill the slot), hp[5:8] unused.
``ostate`` (float64[4]): ostate[0] Nadam's u_product (starts at 1.0); the rest unused.
``mom``: momentum (sgd, rmsprop) or beta_1 (adam, adamax, nadam, adamw) for this step.
Slots: sgd s0 velocity; adagrad s0 acc; rmsprop s0 s, s1 mg, s2 velocity; adam/adamw s0 m, s1 v,
s2 vhat; adamax s0 m, s1 u; nadam s0 m, s1 v.
"""
from __future__ import annotations

import math

from numba import njit

SGD, ADAGRAD, RMSPROP, ADAM, ADAMAX, NADAM, ADAMW = 0, 1, 2, 3, 4, 5, 6
NADAM_DECAY = 0.96


@njit(cache=True, nogil=True, error_model="numpy")
def optimizer_begin_step(code, hp, ostate, t, mom):
    """Advance the optimiser's scalar state once per step (t from 1). Nadam: u_product *= u_t."""
    if code == NADAM:
        ostate[0] = ostate[0] * mom * (1.0 - 0.5 * NADAM_DECAY ** float(t))


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def _sgd(hp, w, g, v, lr, mom):
    n = w.shape[0]
    if mom == 0.0:
        for i in range(n):
            w[i] = w[i] - lr * g[i]
        return
    nesterov = hp[2] != 0.0
    for i in range(n):
        vi = mom * v[i] - lr * g[i]
        v[i] = vi
        if nesterov:
            w[i] = w[i] + (mom * vi - lr * g[i])
        else:
            w[i] = w[i] + vi


@njit(cache=True, nogil=True, error_model="numpy")
def _adagrad(hp, w, g, acc, lr):
    eps = hp[0]
    for i in range(w.shape[0]):
        gi = float(g[i])
        acc[i] = acc[i] + gi * gi
        w[i] = w[i] - lr * gi / math.sqrt(float(acc[i]) + eps)


@njit(cache=True, nogil=True, error_model="numpy")
def _rmsprop(hp, w, g, s, mg, vel, lr, mom):
    eps = hp[0]
    rho = hp[1]
    centered = hp[2] != 0.0
    for i in range(w.shape[0]):
        gi = float(g[i])
        s[i] = rho * s[i] + (1.0 - rho) * gi * gi
        den = float(s[i]) + eps
        if centered:
            mg[i] = rho * mg[i] + (1.0 - rho) * gi
            m = float(mg[i])
            den = float(s[i]) - m * m + eps
        inc = lr * gi / math.sqrt(den)
        if mom > 0.0:
            vel[i] = mom * vel[i] + inc
            w[i] = w[i] - vel[i]
        else:
            w[i] = w[i] - inc


@njit(cache=True, nogil=True, error_model="numpy")
def _adam(hp, w, g, m, v, vhat, t, lr, b1):
    eps = hp[0]
    b2 = hp[1]
    amsgrad = hp[2] != 0.0
    alpha = lr * math.sqrt(1.0 - b2 ** float(t)) / (1.0 - b1 ** float(t))
    for i in range(w.shape[0]):
        gi = float(g[i])
        m[i] = m[i] + (gi - m[i]) * (1.0 - b1)
        v[i] = v[i] + (gi * gi - v[i]) * (1.0 - b2)
        vi = float(v[i])
        if amsgrad:
            if vi > vhat[i]:
                vhat[i] = vi
            vi = float(vhat[i])
        w[i] = w[i] - alpha * m[i] / (math.sqrt(vi) + eps)


@njit(cache=True, nogil=True, error_model="numpy")
def _adamax(hp, w, g, m, u, t, lr, b1):
    eps = hp[0]
    b2 = hp[1]
    corr = 1.0 - b1 ** float(t)
    for i in range(w.shape[0]):
        gi = float(g[i])
        m[i] = m[i] + (gi - m[i]) * (1.0 - b1)
        ui = max(b2 * u[i], abs(gi))
        u[i] = ui
        w[i] = w[i] - lr * m[i] / (corr * (u[i] + eps))


@njit(cache=True, nogil=True, error_model="numpy")
def _nadam(hp, ostate, w, g, m, v, t, lr, b1):
    eps = hp[0]
    b2 = hp[1]
    u_t = b1 * (1.0 - 0.5 * NADAM_DECAY ** float(t))
    u_t1 = b1 * (1.0 - 0.5 * NADAM_DECAY ** float(t + 1))
    up_t = ostate[0]
    up_t1 = up_t * u_t1
    c_m = u_t1 / (1.0 - up_t1)        # m_hat = c_m * m + c_g * g
    c_g = (1.0 - u_t) / (1.0 - up_t)
    c_v = 1.0 / (1.0 - b2 ** float(t))  # v_hat = c_v * v
    for i in range(w.shape[0]):
        gi = float(g[i])
        m[i] = m[i] + (gi - m[i]) * (1.0 - b1)
        v[i] = v[i] + (gi * gi - v[i]) * (1.0 - b2)
        m_hat = c_m * m[i] + c_g * gi
        w[i] = w[i] - lr * m_hat / (math.sqrt(c_v * v[i]) + eps)


@njit(cache=True, nogil=True, error_model="numpy", inline="always")
def optimizer_update(code, hp, ostate, w, g, s0, s1, s2, t, lr, mom):
    """Update one parameter in place (1-D views of equal length; t from 1; g clipped, incl. penalties)."""
    wd = hp[3]
    if wd != 0.0:
        for i in range(w.shape[0]):
            w[i] = w[i] - w[i] * wd * lr
    if code == SGD:
        _sgd(hp, w, g, s0, lr, mom)
    elif code == ADAGRAD:
        _adagrad(hp, w, g, s0, lr)
    elif code == RMSPROP:
        _rmsprop(hp, w, g, s0, s1, s2, lr, mom)
    elif code == ADAM or code == ADAMW:
        _adam(hp, w, g, s0, s1, s2, t, lr, mom)
    elif code == ADAMAX:
        _adamax(hp, w, g, s0, s1, t, lr, mom)
    elif code == NADAM:
        _nadam(hp, ostate, w, g, s0, s1, t, lr, mom)


@njit(cache=True, nogil=True, error_model="numpy")
def clip_gradients(grads, ptab, clipvalue, clipnorm, global_clipnorm):
    """Clip the flat gradient buffer in place over the trainable parameters of ``ptab``.

    grads: (P,) flat buffer; ptab: int64 (n_params, 4) rows (offset, size, layer_index, flags), flags
    bit 0 trainable. NaN turns a clip off. Order: clipvalue, then clipnorm per parameter, then
    global_clipnorm (Keras allows only one at a time; the Optimizer class enforces that).
    """
    n_params = ptab.shape[0]
    if not math.isnan(clipvalue):
        for p in range(n_params):
            if ptab[p, 3] & 1:
                off = ptab[p, 0]
                for i in range(off, off + ptab[p, 1]):
                    if grads[i] > clipvalue:
                        grads[i] = clipvalue
                    elif grads[i] < -clipvalue:
                        grads[i] = -clipvalue
    if not math.isnan(clipnorm):
        for p in range(n_params):
            if ptab[p, 3] & 1:
                off = ptab[p, 0]
                ss = 0.0
                for i in range(off, off + ptab[p, 1]):
                    ss += float(grads[i]) * float(grads[i])
                norm = math.sqrt(ss)
                if norm > clipnorm:
                    scale = clipnorm / norm
                    for i in range(off, off + ptab[p, 1]):
                        grads[i] = grads[i] * scale
    if not math.isnan(global_clipnorm):
        ss = 0.0
        for p in range(n_params):
            if ptab[p, 3] & 1:
                off = ptab[p, 0]
                for i in range(off, off + ptab[p, 1]):
                    ss += float(grads[i]) * float(grads[i])
        norm = math.sqrt(ss)
        if norm > global_clipnorm:
            scale = global_clipnorm / norm
            for p in range(n_params):
                if ptab[p, 3] & 1:
                    off = ptab[p, 0]
                    for i in range(off, off + ptab[p, 1]):
                        grads[i] = grads[i] * scale
