"""The CPU kernels called with 2-D arrays, whichever calling convention engine/kernels/cpu has:
(B, D) arrays, or flat row-major buffers followed by their sizes (the memory layout is the same)."""
from __future__ import annotations

import inspect

import numpy as np

from engine.kernels.cpu import layers_act, layers_dense, layers_noise, layers_norm


def _n_params(func) -> int:
    return len(inspect.signature(getattr(func, "py_func", func)).parameters)


def _call(func, old_nargs: int, args: tuple, sizes: tuple):
    """Call ``func`` with ``args`` (2-D convention) or flattened ``args`` + ``sizes``."""
    if _n_params(func) == old_nargs:
        return func(*args)
    flat = tuple(a.reshape(-1) if isinstance(a, np.ndarray) else a for a in args)
    return func(*flat, *sizes)


def dense_forward(x, w, b, use_bias, y):
    return _call(layers_dense.dense_forward, 5, (x, w, b, use_bias, y), (*x.shape, w.shape[1]))


def dense_backward(x, w, g, dx, dw, db, use_bias, want_dx):
    return _call(layers_dense.dense_backward, 8, (x, w, g, dx, dw, db, use_bias, want_dx),
                 (*x.shape, w.shape[1]))


def max_norm_columns(w, max_norm):
    return _call(layers_dense.max_norm_columns, 2, (w, max_norm), w.shape)


def act_forward(code, x, y, alpha, p1, p2, slope, training, seed, step, key):
    return _call(layers_act.act_forward, 11,
                 (code, x, y, alpha, p1, p2, slope, training, seed, step, key), x.shape)


def act_backward(code, x, y, g, dx, alpha, dalpha, p1, slope, want_dalpha):
    return _call(layers_act.act_backward, 10,
                 (code, x, y, g, dx, alpha, dalpha, p1, slope, want_dalpha), x.shape)


def dropout_forward(x, y, mask, rate, seed, step, key):
    return _call(layers_noise.dropout_forward, 7, (x, y, mask, rate, seed, step, key), (x.size,))


def alpha_dropout_forward(x, y, mask, rate, seed, step, key):
    return _call(layers_noise.alpha_dropout_forward, 7, (x, y, mask, rate, seed, step, key),
                 (x.size,))


def gaussian_noise_forward(x, y, stddev, seed, step, key):
    return _call(layers_noise.gaussian_noise_forward, 6, (x, y, stddev, seed, step, key),
                 (x.size,))


def bn_forward_train(x, y, gamma, beta, mm, mv, stats, eps, renorm, rmax, dmax, center, scale,
                     fixed_rd):
    return _call(layers_norm.bn_forward_train, 14, (x, y, gamma, beta, mm, mv, stats, eps, renorm,
                                                    rmax, dmax, center, scale, fixed_rd), x.shape)


def bn_forward_infer(x, y, gamma, beta, mm, mv, eps, center, scale):
    return _call(layers_norm.bn_forward_infer, 9, (x, y, gamma, beta, mm, mv, eps, center, scale),
                 x.shape)


def bn_backward(x, g, dx, gamma, dgamma, dbeta, stats, eps, center, scale):
    return _call(layers_norm.bn_backward, 10,
                 (x, g, dx, gamma, dgamma, dbeta, stats, eps, center, scale), x.shape)


def bn_update_moving(mm, mv, stats, momentum, n_rows):
    return layers_norm.bn_update_moving(mm, mv, stats if _n_params(layers_norm.bn_forward_train) == 14
                                        else stats.reshape(-1), momentum, n_rows)


def ln_forward(x, y, gamma, beta, cache, eps, center, scale):
    return _call(layers_norm.ln_forward, 8, (x, y, gamma, beta, cache, eps, center, scale), x.shape)


def ln_backward(x, g, dx, gamma, dgamma, dbeta, cache, center, scale):
    return _call(layers_norm.ln_backward, 9, (x, g, dx, gamma, dgamma, dbeta, cache, center, scale),
                 x.shape)
