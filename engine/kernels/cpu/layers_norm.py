"""Batch norm / batch renorm and layer norm kernels (DESIGN.md "Numerical conventions").

``stats`` (4, D) of a batch-norm layer holds the last training batch's mean, biased variance and
renorm's r and d (1 and 0 without renorm); backward treats r and d as constants.
"""
from __future__ import annotations

import math

from numba import njit


@njit(cache=True, nogil=True)
def bn_forward_train(x, y, gamma, beta, mm, mv, stats, eps, renorm, rmax, dmax, center, scale,
                     fixed_rd):
    """Training-mode batch norm of x (B, D) into y; fills ``stats``. With ``fixed_rd`` r and d are
    read from ``stats`` instead of computed (finite-difference checks)."""
    n_rows, dim = x.shape
    for j in range(dim):
        mu = 0.0
        for i in range(n_rows):
            mu += x[i, j]
        mu /= n_rows
        var = 0.0
        for i in range(n_rows):
            dlt = x[i, j] - mu
            var += dlt * dlt
        var /= n_rows
        r = 1.0
        d = 0.0
        if renorm:
            if fixed_rd:
                r = stats[2, j]
                d = stats[3, j]
            else:
                sigma = math.sqrt(mv[j] + eps)
                r = min(max(math.sqrt(var + eps) / sigma, 1.0 / rmax), rmax)
                d = min(max((mu - mm[j]) / sigma, -dmax), dmax)
        stats[0, j] = mu
        stats[1, j] = var
        stats[2, j] = r
        stats[3, j] = d
        inv = 1.0 / math.sqrt(var + eps)
        gm = gamma[j] if scale else 1.0
        bt = beta[j] if center else 0.0
        for i in range(n_rows):
            y[i, j] = gm * ((x[i, j] - mu) * inv * r + d) + bt


@njit(cache=True, nogil=True)
def bn_forward_infer(x, y, gamma, beta, mm, mv, eps, center, scale):
    """Inference batch norm with the moving statistics."""
    n_rows, dim = x.shape
    for j in range(dim):
        inv = 1.0 / math.sqrt(mv[j] + eps)
        gm = gamma[j] if scale else 1.0
        bt = beta[j] if center else 0.0
        for i in range(n_rows):
            y[i, j] = gm * (x[i, j] - mm[j]) * inv + bt


@njit(cache=True, nogil=True)
def bn_backward(x, g, dx, gamma, dgamma, dbeta, stats, eps, center, scale):
    """Backward of training-mode batch norm (r, d constants); dgamma/dbeta overwritten."""
    n_rows, dim = x.shape
    for j in range(dim):
        mu = stats[0, j]
        inv = 1.0 / math.sqrt(stats[1, j] + eps)
        r = stats[2, j]
        d = stats[3, j]
        sg = 0.0
        sgz = 0.0
        for i in range(n_rows):
            z = (x[i, j] - mu) * inv
            sg += g[i, j]
            sgz += g[i, j] * z
        if scale:
            dgamma[j] = r * sgz + d * sg
        if center:
            dbeta[j] = sg
        gr = (gamma[j] if scale else 1.0) * r
        mean_dz = gr * sg / n_rows
        mean_dzz = gr * sgz / n_rows
        for i in range(n_rows):
            z = (x[i, j] - mu) * inv
            dx[i, j] = inv * (gr * g[i, j] - mean_dz - z * mean_dzz)


@njit(cache=True, nogil=True)
def bn_update_moving(mm, mv, stats, momentum, n_rows):
    """moving = momentum * moving + (1 - momentum) * batch (unbiased variance)."""
    dim = mm.shape[0]
    unbias = n_rows / max(n_rows - 1, 1)
    for j in range(dim):
        mm[j] = momentum * mm[j] + (1.0 - momentum) * stats[0, j]
        mv[j] = momentum * mv[j] + (1.0 - momentum) * stats[1, j] * unbias


@njit(cache=True, nogil=True)
def ln_forward(x, y, gamma, beta, cache, eps, center, scale):
    """Layer norm per sample over the features; cache (B, 2) receives mean and 1/std."""
    n_rows, dim = x.shape
    for i in range(n_rows):
        mu = 0.0
        for j in range(dim):
            mu += x[i, j]
        mu /= dim
        var = 0.0
        for j in range(dim):
            dlt = x[i, j] - mu
            var += dlt * dlt
        var /= dim
        inv = 1.0 / math.sqrt(var + eps)
        cache[i, 0] = mu
        cache[i, 1] = inv
        for j in range(dim):
            v = (x[i, j] - mu) * inv
            if scale:
                v = v * gamma[j]
            if center:
                v = v + beta[j]
            y[i, j] = v


@njit(cache=True, nogil=True)
def ln_backward(x, g, dx, gamma, dgamma, dbeta, cache, center, scale):
    """Backward of layer norm; dgamma/dbeta overwritten."""
    n_rows, dim = x.shape
    if scale:
        for j in range(dim):
            dgamma[j] = 0.0
    if center:
        for j in range(dim):
            dbeta[j] = 0.0
    for i in range(n_rows):
        mu = cache[i, 0]
        inv = cache[i, 1]
        s1 = 0.0
        s2 = 0.0
        for j in range(dim):
            xh = (x[i, j] - mu) * inv
            gh = g[i, j] * gamma[j] if scale else g[i, j]
            s1 += gh
            s2 += gh * xh
            if scale:
                dgamma[j] += g[i, j] * xh
            if center:
                dbeta[j] += g[i, j]
        s1 /= dim
        s2 /= dim
        for j in range(dim):
            xh = (x[i, j] - mu) * inv
            gh = g[i, j] * gamma[j] if scale else g[i, j]
            dx[i, j] = inv * (gh - s1 - xh * s2)
