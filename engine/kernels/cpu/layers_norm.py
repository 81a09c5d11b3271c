"""Batch norm / batch renorm and layer norm kernels on flat (row-major) buffers (docs/NUMERICS.md
"Numerical conventions"). x, y, g, dx: nb*dim elements.

``stats`` (4*dim, flat (4, dim)) of a batch-norm layer holds the last training batch's mean, biased
variance and renorm's r and d (1 and 0 without renorm); backward treats r and d as constants.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def bn_forward_train(x, y, gamma, beta, mm, mv, stats, eps, renorm, rmax, dmax, center, scale,
                     fixed_rd, nb, dim):
    """Training-mode batch norm into y; fills ``stats``. With ``fixed_rd`` r and d are read from
    ``stats`` instead of computed (finite-difference checks).

    Row-major passes (contiguous, vectorised inner loops over the features) with float64 column
    accumulators in a (6, dim) scratch; the per-column summation order (rows ascending) and every
    element's arithmetic are those of the column-by-column formulation.
    """
    sc = np.zeros((6, dim))
    mu, var, rra, da, inva, gma = sc[0], sc[1], sc[2], sc[3], sc[4], sc[5]
    for r in range(nb):
        o = r * dim
        for j in range(dim):
            mu[j] += x[o + j]
    for j in range(dim):
        mu[j] /= nb
    for r in range(nb):
        o = r * dim
        for j in range(dim):
            dlt = x[o + j] - mu[j]
            var[j] += dlt * dlt
    for j in range(dim):
        var[j] /= nb
        rr = 1.0
        d = 0.0
        if renorm:
            if fixed_rd:
                rr = stats[2 * dim + j]
                d = stats[3 * dim + j]
            else:
                sigma = math.sqrt(mv[j] + eps)
                rr = min(max(math.sqrt(var[j] + eps) / sigma, 1.0 / rmax), rmax)
                d = min(max((mu[j] - mm[j]) / sigma, -dmax), dmax)
        stats[j] = mu[j]
        stats[dim + j] = var[j]
        stats[2 * dim + j] = rr
        stats[3 * dim + j] = d
        rra[j] = rr
        da[j] = d
        inva[j] = 1.0 / math.sqrt(var[j] + eps)
        gma[j] = gamma[j] if scale else 1.0
        var[j] = beta[j] if center else 0.0  # var is done: it holds beta now
    for r in range(nb):
        o = r * dim
        for j in range(dim):
            y[o + j] = gma[j] * ((x[o + j] - mu[j]) * inva[j] * rra[j] + da[j]) + var[j]


@njit(cache=True, nogil=True)
def bn_forward_infer(x, y, gamma, beta, mm, mv, eps, center, scale, nb, dim):
    """Inference batch norm with the moving statistics."""
    for j in range(dim):
        inv = 1.0 / math.sqrt(mv[j] + eps)
        gm = gamma[j] if scale else 1.0
        bt = beta[j] if center else 0.0
        for r in range(nb):
            y[r * dim + j] = gm * (x[r * dim + j] - mm[j]) * inv + bt


@njit(cache=True, nogil=True)
def bn_backward(x, g, dx, gamma, dgamma, dbeta, stats, eps, center, scale, nb, dim):
    """Backward of training-mode batch norm (r, d constants); dgamma/dbeta overwritten.

    Row-major passes with float64 column sums in a (5, dim) scratch (same arithmetic and summation
    order as column by column)."""
    sc = np.zeros((5, dim))
    inva, sg, sgz, gra, mdz = sc[0], sc[1], sc[2], sc[3], sc[4]
    for j in range(dim):
        inva[j] = 1.0 / math.sqrt(stats[dim + j] + eps)
    mu = stats[:dim]
    for r in range(nb):
        o = r * dim
        for j in range(dim):
            z = (x[o + j] - mu[j]) * inva[j]
            sg[j] += g[o + j]
            sgz[j] += g[o + j] * z
    for j in range(dim):
        rr = stats[2 * dim + j]
        d = stats[3 * dim + j]
        if scale:
            dgamma[j] = rr * sgz[j] + d * sg[j]
        if center:
            dbeta[j] = sg[j]
        gr = (gamma[j] if scale else 1.0) * rr
        gra[j] = gr
        mdz[j] = gr * sg[j] / nb
        sgz[j] = gr * sgz[j] / nb  # sgz now holds mean_dzz
    for r in range(nb):
        o = r * dim
        for j in range(dim):
            z = (x[o + j] - mu[j]) * inva[j]
            dx[o + j] = inva[j] * (gra[j] * g[o + j] - mdz[j] - z * sgz[j])


@njit(cache=True, nogil=True)
def bn_infer_backward(g, dx, gamma, mv, eps, scale, nb, dim):
    """dx of inference-mode batch norm (a frozen layer): g * gamma / sqrt(moving_var + eps)."""
    for j in range(dim):
        f = 1.0 / math.sqrt(mv[j] + eps)
        if scale:
            f = f * gamma[j]
        for r in range(nb):
            dx[r * dim + j] = g[r * dim + j] * f


@njit(cache=True, nogil=True)
def bn_update_moving(mm, mv, stats, momentum, nb):
    """moving = momentum * moving + (1 - momentum) * batch (unbiased variance)."""
    dim = mm.shape[0]
    unbias = nb / max(nb - 1, 1)
    for j in range(dim):
        mm[j] = momentum * mm[j] + (1.0 - momentum) * stats[j]
        mv[j] = momentum * mv[j] + (1.0 - momentum) * stats[dim + j] * unbias


@njit(cache=True, nogil=True)
def ln_forward(x, y, gamma, beta, cache, eps, center, scale, nb, dim):
    """Layer norm per sample over the features; cache (nb*2) receives mean and 1/std per row."""
    for r in range(nb):
        o = r * dim
        mu = 0.0
        for j in range(dim):
            mu += x[o + j]
        mu /= dim
        var = 0.0
        for j in range(dim):
            dlt = x[o + j] - mu
            var += dlt * dlt
        var /= dim
        inv = 1.0 / math.sqrt(var + eps)
        cache[2 * r] = mu
        cache[2 * r + 1] = inv
        for j in range(dim):
            v = (x[o + j] - mu) * inv
            if scale:
                v = v * gamma[j]
            if center:
                v = v + beta[j]
            y[o + j] = v


@njit(cache=True, nogil=True)
def ln_backward(x, g, dx, gamma, dgamma, dbeta, cache, center, scale, nb, dim):
    """Backward of layer norm; dgamma/dbeta overwritten."""
    if scale:
        for j in range(dim):
            dgamma[j] = 0.0
    if center:
        for j in range(dim):
            dbeta[j] = 0.0
    for r in range(nb):
        o = r * dim
        mu = cache[2 * r]
        inv = cache[2 * r + 1]
        s1 = 0.0
        s2 = 0.0
        for j in range(dim):
            xh = (x[o + j] - mu) * inv
            gh = g[o + j] * gamma[j] if scale else g[o + j]
            s1 += gh
            s2 += gh * xh
            if scale:
                dgamma[j] += g[o + j] * xh
            if center:
                dbeta[j] += g[o + j]
        s1 /= dim
        s2 /= dim
        for j in range(dim):
            xh = (x[o + j] - mu) * inv
            gh = g[o + j] * gamma[j] if scale else g[o + j]
            dx[o + j] = inv * (gh - s1 - xh * s2)
