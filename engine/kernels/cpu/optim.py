"""Optimiser and gradient-clipping kernels (numba, CPU), plus plain-numpy references for tests.

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

import numpy as np
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


# ---------------------------------------------------------------- plain-numpy references (tests)

def begin_step_ref(code: int, ostate: np.ndarray, t: int, mom: float) -> None:
    """Reference for ``optimizer_begin_step``."""
    if code == NADAM:
        ostate[0] = ostate[0] * mom * (1.0 - 0.5 * NADAM_DECAY ** t)


def update_ref(code: int, hp: np.ndarray, ostate: np.ndarray, w: np.ndarray, g: np.ndarray,
               slots: list[np.ndarray], t: int, lr: float, mom: float) -> None:
    """Vectorised numpy reference for ``optimizer_update`` (arrays updated in place)."""
    eps, b2, flag, wd = hp[0], hp[1], hp[2] != 0.0, hp[3]
    if wd != 0.0:
        w -= w * wd * lr
    if code == SGD:
        if mom == 0.0:
            w -= lr * g
        else:
            slots[0][:] = mom * slots[0] - lr * g
            w += (mom * slots[0] - lr * g) if flag else slots[0]
    elif code == ADAGRAD:
        slots[0] += g * g
        w -= lr * g / np.sqrt(slots[0] + eps)
    elif code == RMSPROP:
        s, mg, vel = slots
        s[:] = b2 * s + (1 - b2) * g * g
        den = s + eps
        if flag:
            mg[:] = b2 * mg + (1 - b2) * g
            den = s - mg * mg + eps
        inc = lr * g / np.sqrt(den)
        if mom > 0:
            vel[:] = mom * vel + inc
            w -= vel
        else:
            w -= inc
    elif code in (ADAM, ADAMW):
        m, v, vhat = slots
        m += (g - m) * (1 - mom)
        v += (g * g - v) * (1 - b2)
        vv = v
        if flag:
            np.maximum(vhat, v, out=vhat)
            vv = vhat
        w -= lr * np.sqrt(1 - b2 ** t) / (1 - mom ** t) * m / (np.sqrt(vv) + eps)
    elif code == ADAMAX:
        m, u = slots[0], slots[1]
        m += (g - m) * (1 - mom)
        u[:] = np.maximum(b2 * u, np.abs(g))
        w -= lr * m / ((1 - mom ** t) * (u + eps))
    elif code == NADAM:
        m, v = slots[0], slots[1]
        u_t = mom * (1 - 0.5 * NADAM_DECAY ** t)
        u_t1 = mom * (1 - 0.5 * NADAM_DECAY ** (t + 1))
        up_t = ostate[0]
        m += (g - m) * (1 - mom)
        v += (g * g - v) * (1 - b2)
        m_hat = u_t1 * m / (1 - up_t * u_t1) + (1 - u_t) * g / (1 - up_t)
        w -= lr * m_hat / (np.sqrt(v / (1 - b2 ** t)) + eps)


def clip_ref(grads: list[np.ndarray], clipvalue: float | None, clipnorm: float | None,
             global_clipnorm: float | None) -> list[np.ndarray]:
    """Reference clipping over a list of gradient arrays (returns new arrays)."""
    out = [np.asarray(g, dtype=np.float64).copy() for g in grads]
    if clipvalue is not None:
        out = [np.clip(g, -clipvalue, clipvalue) for g in out]
    if clipnorm is not None:
        out = [g * clipnorm / max(float(np.linalg.norm(g)), clipnorm) for g in out]
    if global_clipnorm is not None:
        gn = float(np.sqrt(sum(float(np.sum(g * g)) for g in out)))
        out = [g * global_clipnorm / max(gn, global_clipnorm) for g in out]
    return out
