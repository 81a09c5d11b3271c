"""Plain-numpy reference implementations the kernel tests compare against, written straight from
the formulas of docs/NUMERICS.md (never used by the engine itself)."""
from __future__ import annotations

import numpy as np

from engine.kernels.cpu.optim import ADAGRAD, ADAM, ADAMAX, ADAMW, NADAM, NADAM_DECAY, RMSPROP, SGD
from engine.kernels.scalar.losses import BCE, CCE, EPS, FUSE_SIGMOID, FUSE_SOFTMAX, MAE, MSE, SPARSE_CCE


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
