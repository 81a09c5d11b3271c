"""Batch norm (with batch renorm) and layer norm on the GPU with the CPU's contract
(engine/kernels/cpu/layers_norm.py): flat device buffers, ``nb`` rows, ``dim`` features.

Batch norm works per unit (one thread per column, fixed-order sums in float64); ``stats (4*dim)``,
flat (4, dim) as on the CPU, holds the batch mean, biased batch variance, r and d. Layer norm works
per sample (one thread per row) with ``cache (2*nb)``: mean and 1/sqrt(var + eps) of each row.
Conventions as docs/NUMERICS.md; r and d are constants in backprop. ``center``/``scale`` off:
beta/gamma are ignored (taken as 0/1, they may be empty) and get no gradient.
"""
from __future__ import annotations

import math

from numba import cuda

from engine.kernels.cuda.launch import grid1d, matrix, or_stand_in
from engine.kernels.cuda.mathx import fmax, fmin

BN_MEAN, BN_VAR, BN_R, BN_D = range(4)


@cuda.jit(cache=True)
def _bn_update_moving_kernel(mm, mv, stats, momentum, nb):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    unbias = nb / fmax(nb - 1, 1)
    while j < mm.shape[0]:
        mm[j] = momentum * float(mm[j]) + (1.0 - momentum) * float(stats[BN_MEAN, j])
        mv[j] = momentum * float(mv[j]) + (1.0 - momentum) * float(stats[BN_VAR, j]) * unbias
        j += stride


@cuda.jit(cache=True)
def _bn_train_kernel(x, y, gamma, beta, mm, mv, stats, eps, renorm, rmax, dmax, center, scale,
                     fixed_rd):
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
        r = 1.0
        d = 0.0
        if renorm:
            if fixed_rd:
                r = float(stats[BN_R, j])
                d = float(stats[BN_D, j])
            else:
                sig = math.sqrt(float(mv[j]) + eps)
                r = fmin(fmax(math.sqrt(var + eps) / sig, 1.0 / rmax), rmax)
                d = fmin(fmax((mu - float(mm[j])) / sig, -dmax), dmax)
        inv = 1.0 / math.sqrt(var + eps)
        g = float(gamma[j]) if scale else 1.0
        b = float(beta[j]) if center else 0.0
        for i in range(m):
            y[i, j] = g * ((float(x[i, j]) - mu) * inv * r + d) + b
        stats[BN_MEAN, j] = mu
        stats[BN_VAR, j] = var
        stats[BN_R, j] = r
        stats[BN_D, j] = d
        j += stride


@cuda.jit(cache=True)
def _bn_infer_kernel(x, y, gamma, beta, mm, mv, eps, center, scale):
    n = x.shape[1]
    total = x.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        j = k - i * n
        g = float(gamma[j]) if scale else 1.0
        b = float(beta[j]) if center else 0.0
        y[i, j] = g * (float(x[i, j]) - float(mm[j])) / math.sqrt(float(mv[j]) + eps) + b
        k += stride


@cuda.jit(cache=True)
def _bn_backward_kernel(x, g, dx, gamma, dgamma, dbeta, stats, eps, center, scale):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    m = x.shape[0]
    while j < x.shape[1]:
        mu = float(stats[BN_MEAN, j])
        inv = 1.0 / math.sqrt(float(stats[BN_VAR, j]) + eps)
        r = float(stats[BN_R, j])
        d = float(stats[BN_D, j])
        gm = float(gamma[j]) if scale else 1.0
        sg = 0.0
        sgx = 0.0
        sb = 0.0
        sgam = 0.0
        for i in range(m):
            xh0 = (float(x[i, j]) - mu) * inv
            gi = float(g[i, j])
            g0 = gi * gm * r
            sg += g0
            sgx += g0 * xh0
            sb += gi
            sgam += gi * (xh0 * r + d)
        mg = sg / m
        mgx = sgx / m
        for i in range(m):
            xh0 = (float(x[i, j]) - mu) * inv
            dx[i, j] = inv * (float(g[i, j]) * gm * r - mg - xh0 * mgx)
        if scale:
            dgamma[j] = sgam
        if center:
            dbeta[j] = sb
        j += stride


@cuda.jit(cache=True)
def _bn_infer_backward_kernel(g, dx, gamma, mv, eps, scale):
    n = g.shape[1]
    total = g.shape[0] * n
    k = cuda.grid(1)
    stride = cuda.gridsize(1)
    while k < total:
        i = k // n
        j = k - i * n
        f = 1.0 / math.sqrt(float(mv[j]) + eps)
        if scale:
            f = f * float(gamma[j])
        dx[i, j] = float(g[i, j]) * f
        k += stride


def bn_forward_train(x, y, gamma, beta, mm, mv, stats, eps, renorm, rmax, dmax, center, scale,
                     fixed_rd, nb, dim) -> None:
    """Training-mode batch norm into y; fills ``stats``. With ``fixed_rd`` r and d are read from
    ``stats`` instead of computed (finite-difference checks)."""
    blocks, threads = grid1d(dim)
    _bn_train_kernel[blocks, threads](matrix(x, nb, dim), matrix(y, nb, dim),
                                      or_stand_in(gamma, mm), or_stand_in(beta, mm), mm, mv,
                                      matrix(stats, 4, dim), float(eps), bool(renorm),
                                      float(rmax), float(dmax), bool(center), bool(scale),
                                      bool(fixed_rd))


def bn_forward_infer(x, y, gamma, beta, mm, mv, eps, center, scale, nb, dim) -> None:
    """Inference batch norm with the moving statistics."""
    blocks, threads = grid1d(int(nb) * int(dim))
    _bn_infer_kernel[blocks, threads](matrix(x, nb, dim), matrix(y, nb, dim),
                                      or_stand_in(gamma, mm), or_stand_in(beta, mm), mm, mv,
                                      float(eps), bool(center), bool(scale))


def bn_backward(x, g, dx, gamma, dgamma, dbeta, stats, eps, center, scale, nb, dim) -> None:
    """Backward of training-mode batch norm (r, d constants); dgamma/dbeta overwritten."""
    blocks, threads = grid1d(dim)
    _bn_backward_kernel[blocks, threads](matrix(x, nb, dim), matrix(g, nb, dim),
                                         matrix(dx, nb, dim), or_stand_in(gamma, stats),
                                         or_stand_in(dgamma, stats), or_stand_in(dbeta, stats),
                                         matrix(stats, 4, dim), float(eps), bool(center),
                                         bool(scale))


def bn_infer_backward(g, dx, gamma, mv, eps, scale, nb, dim) -> None:
    """dx of inference-mode batch norm (a frozen layer): g * gamma / sqrt(moving_var + eps)."""
    blocks, threads = grid1d(int(nb) * int(dim))
    _bn_infer_backward_kernel[blocks, threads](matrix(g, nb, dim), matrix(dx, nb, dim),
                                               or_stand_in(gamma, mv), mv, float(eps),
                                               bool(scale))


def bn_update_moving(mm, mv, stats, momentum, nb) -> None:
    """moving = momentum * moving + (1 - momentum) * batch (unbiased variance)."""
    blocks, threads = grid1d(mm.shape[0])
    _bn_update_moving_kernel[blocks, threads](mm, mv, matrix(stats, 4, mm.shape[0]),
                                              float(momentum), int(nb))


@cuda.jit(cache=True)
def _ln_forward_kernel(x, y, gamma, beta, cache, eps, center, scale):
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
        cache[i, 0] = mu
        cache[i, 1] = inv
        for j in range(n):
            g = float(gamma[j]) if scale else 1.0
            b = float(beta[j]) if center else 0.0
            y[i, j] = g * (float(x[i, j]) - mu) * inv + b
        i += stride


@cuda.jit(cache=True)
def _ln_backward_rows_kernel(x, g, dx, gamma, cache, scale):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    n = x.shape[1]
    while i < x.shape[0]:
        mu = cache[i, 0]
        inv = cache[i, 1]
        sg = 0.0
        sgx = 0.0
        for j in range(n):
            gh = float(g[i, j]) * (float(gamma[j]) if scale else 1.0)
            sg += gh
            sgx += gh * (float(x[i, j]) - mu) * inv
        mg = sg / n
        mgx = sgx / n
        for j in range(n):
            gh = float(g[i, j]) * (float(gamma[j]) if scale else 1.0)
            dx[i, j] = inv * (gh - mg - (float(x[i, j]) - mu) * inv * mgx)
        i += stride


@cuda.jit(cache=True)
def _ln_backward_cols_kernel(x, g, dgamma, dbeta, cache, center, scale):
    j = cuda.grid(1)
    stride = cuda.gridsize(1)
    while j < x.shape[1]:
        sgam = 0.0
        sb = 0.0
        for i in range(x.shape[0]):
            gi = float(g[i, j])
            sb += gi
            sgam += gi * (float(x[i, j]) - cache[i, 0]) * cache[i, 1]
        if scale:
            dgamma[j] = sgam
        if center:
            dbeta[j] = sb
        j += stride


def ln_forward(x, y, gamma, beta, cache, eps, center, scale, nb, dim) -> None:
    """Layer norm per sample over the features; cache (nb*2) receives mean and 1/std per row."""
    blocks, threads = grid1d(nb)
    _ln_forward_kernel[blocks, threads](matrix(x, nb, dim), matrix(y, nb, dim),
                                        or_stand_in(gamma, x), or_stand_in(beta, x),
                                        matrix(cache, nb, 2), float(eps), bool(center),
                                        bool(scale))


def ln_backward(x, g, dx, gamma, dgamma, dbeta, cache, center, scale, nb, dim) -> None:
    """Backward of layer norm; dgamma/dbeta overwritten."""
    xm, gm, cm = matrix(x, nb, dim), matrix(g, nb, dim), matrix(cache, nb, 2)
    blocks, threads = grid1d(nb)
    _ln_backward_rows_kernel[blocks, threads](xm, gm, matrix(dx, nb, dim), or_stand_in(gamma, x),
                                              cm, bool(scale))
    blocks, threads = grid1d(dim)
    _ln_backward_cols_kernel[blocks, threads](xm, gm, or_stand_in(dgamma, x),
                                              or_stand_in(dbeta, x), cm, bool(center),
                                              bool(scale))
