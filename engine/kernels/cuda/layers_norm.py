"""Batch norm (with batch renorm) and layer norm on the GPU, forward and backward.

Batch norm works per unit (one thread per column, fixed-order sums in float64); its per-unit
statistics go to ``stats (4, N)`` (the CPU's layout, any float dtype): batch mean, biased batch
variance, r, d; ``clipped (2, N)`` float64 receives 1.0 where renorm clipped r (row 0) or d (row 1).
Layer norm works per sample (one thread per row) with ``rstats (B, 2)``: mean and 1/sqrt(var + eps). Conventions as docs/NUMERICS.md; r and d are constants in
backprop. ``center``/``scale`` off: beta/gamma are ignored (taken as 0/1) and get no gradient.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d
from engine.kernels.cuda.mathx import fmax, fmin

BN_MEAN, BN_VAR, BN_R, BN_D = range(4)


@cuda.jit(device=True)
def _update_moving_one(mmean, mvar, stats, j, momentum, m):
    unbias = m / fmax(m - 1, 1)
    mmean[j] = momentum * float(mmean[j]) + (1.0 - momentum) * float(stats[BN_MEAN, j])
    mvar[j] = momentum * float(mvar[j]) + (1.0 - momentum) * float(stats[BN_VAR, j]) * unbias


@cuda.jit(cache=True)
def _bn_update_moving_kernel(mmean, mvar, stats, momentum, m):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < mmean.shape[0]:
        _update_moving_one(mmean, mvar, stats, j, momentum, m)
        j += stride


def batch_norm_update_moving(moving_mean, moving_var, stats, momentum: float, n_rows: int) -> None:
    """``moving = momentum * moving + (1 - momentum) * batch`` from ``stats (4, N)`` (unbiased
    variance ``var_B * m / (m - 1)``), as the CPU's bn_update_moving."""
    blocks, threads = grid1d(moving_mean.shape[0])
    _bn_update_moving_kernel[blocks, threads](moving_mean, moving_var, stats, float(momentum),
                                              int(n_rows))


@cuda.jit(cache=True)
def _bn_train_kernel(x, y, gamma, beta, mmean, mvar, stats, clipped, eps, momentum, renorm, rmax,
                     dmax, center, scale, update):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    m = x.shape[0]
    while j < x.shape[1]:
        s = 0.0
        for i in range(m):
            s += float(x[i, j])
        mu = s / m
        ss = 0.0
        for i in range(m):
            dv = float(x[i, j]) - mu
            ss += dv * dv
        var = ss / m
        sig_b = math.sqrt(var + eps)
        r = 1.0
        d = 0.0
        rc = 0.0
        dc = 0.0
        if renorm:
            sig = math.sqrt(float(mvar[j]) + eps)
            r = sig_b / sig
            if r > rmax or r < 1.0 / rmax:
                rc = 1.0
                r = fmin(fmax(r, 1.0 / rmax), rmax)
            d = (mu - float(mmean[j])) / sig
            if d > dmax or d < -dmax:
                dc = 1.0
                d = fmin(fmax(d, -dmax), dmax)
        inv = 1.0 / sig_b
        g = float(gamma[j]) if scale else 1.0
        b = float(beta[j]) if center else 0.0
        for i in range(m):
            y[i, j] = g * ((float(x[i, j]) - mu) * inv * r + d) + b
        stats[BN_MEAN, j] = mu
        stats[BN_VAR, j] = var
        stats[BN_R, j] = r
        stats[BN_D, j] = d
        if clipped.shape[0] == 2:
            clipped[0, j] = rc
            clipped[1, j] = dc
        if update:
            _update_moving_one(mmean, mvar, stats, j, momentum, m)
        j += stride


@cuda.jit(cache=True)
def _bn_infer_kernel(x, y, gamma, beta, mmean, mvar, eps, center, scale):
    n = x.shape[1]
    total = x.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        j = k - i * n
        g = float(gamma[j]) if scale else 1.0
        b = float(beta[j]) if center else 0.0
        y[i, j] = g * (float(x[i, j]) - float(mmean[j])) / math.sqrt(float(mvar[j]) + eps) + b
        k += stride


@cuda.jit(cache=True)
def _bn_backward_kernel(x, gy, gx, gamma, stats, eps, center, scale, ggamma, gbeta):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    m = x.shape[0]
    while j < x.shape[1]:
        mu = float(stats[BN_MEAN, j])
        inv = 1.0 / math.sqrt(float(stats[BN_VAR, j]) + eps)
        r = float(stats[BN_R, j])
        d = float(stats[BN_D, j])
        g = float(gamma[j]) if scale else 1.0
        sg = 0.0
        sgx = 0.0
        sb = 0.0
        sgam = 0.0
        for i in range(m):
            xh0 = (float(x[i, j]) - mu) * inv
            gyi = float(gy[i, j])
            g0 = gyi * g * r
            sg += g0
            sgx += g0 * xh0
            sb += gyi
            sgam += gyi * (xh0 * r + d)
        mg = sg / m
        mgx = sgx / m
        for i in range(m):
            xh0 = (float(x[i, j]) - mu) * inv
            gx[i, j] = inv * (float(gy[i, j]) * g * r - mg - xh0 * mgx)
        if scale:
            ggamma[j] = sgam
        if center:
            gbeta[j] = sb
        j += stride


@cuda.jit(cache=True)
def _bn_frozen_backward_kernel(gy, gx, gamma, mvar, eps, scale):
    n = gy.shape[1]
    total = gy.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        j = k - i * n
        f = 1.0 / math.sqrt(float(mvar[j]) + eps)
        if scale:
            f = f * float(gamma[j])
        gx[i, j] = float(gy[i, j]) * f
        k += stride


def batch_norm_frozen_backward(gy, gx, gamma, moving_var, epsilon: float, scale: bool) -> None:
    """Backward of a non-trainable batch norm (inference mode): ``gx = gy * gamma / sigma_moving``."""
    blocks, threads = grid1d(gy.shape[0] * gy.shape[1])
    _bn_frozen_backward_kernel[blocks, threads](gy, gx, gamma, moving_var, float(epsilon),
                                                bool(scale))


def batch_norm_forward(x, y, gamma, beta, moving_mean, moving_var, stats, epsilon: float,
                       momentum: float, training: bool, renorm: bool = False, rmax: float = 3.0,
                       dmax: float = 5.0, center: bool = True, scale: bool = True,
                       update_moving: bool = True, clipped=None) -> None:
    """Batch norm of ``x (B, N)`` into ``y (B, N)``.

    Training: batch statistics (and renorm's r, d from the moving statistics before this batch's
    update) into ``stats (4, N)``, clip flags into ``clipped (2, N)`` when given; moving statistics
    updated with ``momentum`` (pass ``renorm_momentum`` while renorm is on) when ``update_moving``.
    Inference: moving statistics.
    """
    if training:
        blocks, threads = grid1d(x.shape[1])
        _bn_train_kernel[blocks, threads](x, y, gamma, beta, moving_mean, moving_var, stats,
                                          clipped if clipped is not None else stats[:1],
                                          float(epsilon), float(momentum), bool(renorm),
                                          float(rmax), float(dmax), bool(center), bool(scale),
                                          bool(update_moving))
    else:
        blocks, threads = grid1d(x.shape[0] * x.shape[1])
        _bn_infer_kernel[blocks, threads](x, y, gamma, beta, moving_mean, moving_var,
                                          float(epsilon), bool(center), bool(scale))


def batch_norm_backward(x, gy, gx, gamma, stats, epsilon: float, ggamma, gbeta,
                        center: bool = True, scale: bool = True) -> None:
    """Training-mode batch norm gradients: ``gx (B, N)``, ``ggamma (N,)``, ``gbeta (N,)``."""
    blocks, threads = grid1d(x.shape[1])
    _bn_backward_kernel[blocks, threads](x, gy, gx, gamma, stats, float(epsilon), bool(center),
                                         bool(scale), ggamma, gbeta)


@cuda.jit(cache=True)
def _ln_forward_kernel(x, y, gamma, beta, rstats, eps, center, scale):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    n = x.shape[1]
    while i < x.shape[0]:
        s = 0.0
        for j in range(n):
            s += float(x[i, j])
        mu = s / n
        ss = 0.0
        for j in range(n):
            dv = float(x[i, j]) - mu
            ss += dv * dv
        inv = 1.0 / math.sqrt(ss / n + eps)
        rstats[i, 0] = mu
        rstats[i, 1] = inv
        for j in range(n):
            g = float(gamma[j]) if scale else 1.0
            b = float(beta[j]) if center else 0.0
            y[i, j] = g * (float(x[i, j]) - mu) * inv + b
        i += stride


@cuda.jit(cache=True)
def _ln_backward_rows_kernel(x, gy, gx, gamma, rstats, scale):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    n = x.shape[1]
    while i < x.shape[0]:
        mu = rstats[i, 0]
        inv = rstats[i, 1]
        sg = 0.0
        sgx = 0.0
        for j in range(n):
            g = float(gy[i, j]) * (float(gamma[j]) if scale else 1.0)
            sg += g
            sgx += g * (float(x[i, j]) - mu) * inv
        mg = sg / n
        mgx = sgx / n
        for j in range(n):
            g = float(gy[i, j]) * (float(gamma[j]) if scale else 1.0)
            gx[i, j] = inv * (g - mg - (float(x[i, j]) - mu) * inv * mgx)
        i += stride


@cuda.jit(cache=True)
def _ln_backward_cols_kernel(x, gy, rstats, center, scale, ggamma, gbeta):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < x.shape[1]:
        sgam = 0.0
        sb = 0.0
        for i in range(x.shape[0]):
            gyi = float(gy[i, j])
            sb += gyi
            sgam += gyi * (float(x[i, j]) - rstats[i, 0]) * rstats[i, 1]
        if scale:
            ggamma[j] = sgam
        if center:
            gbeta[j] = sb
        j += stride


def layer_norm_forward(x, y, gamma, beta, rstats, epsilon: float, center: bool = True,
                       scale: bool = True) -> None:
    """Layer norm of each row of ``x (B, N)``; row mean and 1/std go to ``rstats (>= B, 2)``."""
    blocks, threads = grid1d(x.shape[0])
    _ln_forward_kernel[blocks, threads](x, y, gamma, beta, rstats, float(epsilon), bool(center),
                                        bool(scale))


def layer_norm_backward(x, gy, gx, gamma, rstats, ggamma, gbeta, center: bool = True,
                        scale: bool = True) -> None:
    """Layer norm gradients: ``gx (B, N)``, ``ggamma (N,)``, ``gbeta (N,)``."""
    blocks, threads = grid1d(x.shape[0])
    _ln_backward_rows_kernel[blocks, threads](x, gy, gx, gamma, rstats, bool(scale))
    blocks, threads = grid1d(x.shape[1])
    _ln_backward_cols_kernel[blocks, threads](x, gy, rstats, bool(center), bool(scale), ggamma,
                                              gbeta)
