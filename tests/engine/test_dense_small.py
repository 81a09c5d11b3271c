"""Small dense products (below BLAS_MIN_WORK): 8-lane register blocks plus scalar remainders.

Every shape around the block boundaries (din, dout in 1..20, nb in 1..5) is compared with numpy
float64 products, and bit for bit with the plain scalar loops in the same summation order."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from numba import njit

from engine.kernels.cpu.layers_dense import BLAS_MIN_WORK, dense_backward, dense_forward
from engine.kernels.cpu.simd import v8_load, v8_store, v8_store_strided

SIZES = range(1, 21)
ROWS = range(1, 6)


@njit(nogil=True)
def _scalar_forward(x, w, b, use_bias, y, nb, din, dout):
    """The reference order: y = b (or 0), then += x[k] * w[k] for k ascending."""
    for r in range(nb):
        for j in range(dout):
            y[r * dout + j] = b[j] if use_bias else 0.0
            for k in range(din):
                y[r * dout + j] += x[r * din + k] * w[k * dout + j]


@njit(nogil=True)
def _scalar_backward(x, w, g, dx, dw, db, use_bias, want_dx, nb, din, dout):
    """dx summed over j ascending, dw over rows ascending, db over rows ascending (each from 0)."""
    if want_dx:
        for r in range(nb):
            for k in range(din):
                dx[r * din + k] = 0.0
                for j in range(dout):
                    dx[r * din + k] += g[r * dout + j] * w[k * dout + j]
    for k in range(din):
        for j in range(dout):
            dw[k * dout + j] = 0.0
            for r in range(nb):
                dw[k * dout + j] += x[r * din + k] * g[r * dout + j]
    if use_bias:
        for j in range(dout):
            db[j] = 0.0
            for r in range(nb):
                db[j] += g[r * dout + j]


def _bits(a: np.ndarray) -> np.ndarray:
    return a.view(np.int32 if a.dtype == np.float32 else np.int64)


def _arrays(rng, nb, din, dout, dtype):
    x = rng.standard_normal(nb * din).astype(dtype)
    w = rng.standard_normal(din * dout).astype(dtype)
    b = rng.standard_normal(dout).astype(dtype)
    g = rng.standard_normal(nb * dout).astype(dtype)
    return x, w, b, g


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_forward_all_small_shapes(dtype):
    rng = np.random.default_rng(1)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for nb, din, dout in itertools.product(ROWS, SIZES, SIZES):
        x, w, b, _ = _arrays(rng, nb, din, dout, dtype)
        for use_bias in (True, False):
            bias = b if use_bias else b[:0]
            # canary past the end: the blocks must not write beyond nb * dout
            y = np.full(nb * dout + 9, 7.0, dtype)
            dense_forward(x, w, bias, use_bias, y, nb, din, dout)
            ref = x.astype(np.float64).reshape(nb, din) @ w.astype(np.float64).reshape(din, dout)
            if use_bias:
                ref += b
            np.testing.assert_allclose(y[:nb * dout].reshape(nb, dout), ref, rtol=tol, atol=tol * 10,
                                       err_msg=f"nb={nb} din={din} dout={dout} bias={use_bias}")
            assert np.all(y[nb * dout:] == 7.0)
            y_ref = np.empty(nb * dout, dtype)
            _scalar_forward(x, w, bias, use_bias, y_ref, nb, din, dout)
            assert np.array_equal(_bits(y[:nb * dout]), _bits(y_ref)), (nb, din, dout, use_bias)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_all_small_shapes(dtype):
    rng = np.random.default_rng(2)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    for nb, din, dout in itertools.product(ROWS, SIZES, SIZES):
        x, w, _, g = _arrays(rng, nb, din, dout, dtype)
        x64, w64, g64 = (a.astype(np.float64) for a in (x, w, g))
        for use_bias, want_dx in itertools.product((True, False), (True, False)):
            dx = np.full(nb * din + 9, 7.0, dtype)
            dw = np.full(din * dout + 9, 7.0, dtype)
            db = np.full(dout + 9, 7.0, dtype) if use_bias else np.zeros(0, dtype)
            w_before = w.copy()
            dense_backward(x, w, g, dx, dw, db, use_bias, want_dx, nb, din, dout)
            what = f"nb={nb} din={din} dout={dout} bias={use_bias} dx={want_dx}"
            assert np.array_equal(w, w_before)
            ref_dw = x64.reshape(nb, din).T @ g64.reshape(nb, dout)
            np.testing.assert_allclose(dw[:din * dout].reshape(din, dout), ref_dw, rtol=tol,
                                       atol=tol * 10, err_msg=what)
            assert np.all(dw[din * dout:] == 7.0), what
            dx_ref, dw_ref = np.empty(nb * din, dtype), np.empty(din * dout, dtype)
            db_ref = np.empty(dout if use_bias else 0, dtype)
            _scalar_backward(x, w, g, dx_ref, dw_ref, db_ref, use_bias, want_dx, nb, din, dout)
            assert np.array_equal(_bits(dw[:din * dout]), _bits(dw_ref)), what
            if want_dx:
                ref_dx = g64.reshape(nb, dout) @ w64.reshape(din, dout).T
                np.testing.assert_allclose(dx[:nb * din].reshape(nb, din), ref_dx, rtol=tol,
                                           atol=tol * 10, err_msg=what)
                assert np.array_equal(_bits(dx[:nb * din]), _bits(dx_ref)), what
            else:
                assert np.all(dx == 7.0), what
            assert np.all(dx[nb * din:] == 7.0), what
            if use_bias:
                np.testing.assert_allclose(db[:dout], g64.reshape(nb, dout).sum(0), rtol=tol,
                                           atol=tol * 10, err_msg=what)
                assert np.array_equal(_bits(db[:dout]), _bits(db_ref)), what
                assert np.all(db[dout:] == 7.0), what


def test_small_path_covers_the_benchmark_shapes():
    """B's layers (32 x 8 x 8, 32 x 2 x 8, 32 x 8 x 1) and A-sized ones stay below BLAS."""
    for nb, din, dout in [(32, 8, 8), (32, 2, 8), (32, 8, 1), (32, 20, 20)]:
        assert nb * din * dout < BLAS_MIN_WORK


def test_vectors_on_strided_arrays():
    """The vector load/store also work on non-contiguous 1-D views (lane by lane)."""

    @njit
    def copy_twice(src, dst, dst2):
        v8_store(dst, 1, v8_load(src, 2))
        v8_store_strided(dst2, 0, 3, v8_load(src, 0))

    base = np.arange(40, dtype=np.float32)
    dst = np.zeros(20, np.float32)
    dst2 = np.zeros(24, np.float32)
    copy_twice(base[::2], dst[::2], dst2)
    assert np.array_equal(dst[2:18:2], base[::2][2:10])
    assert np.all(dst[1::2] == 0) and dst[0] == 0
    assert np.array_equal(dst2[::3], base[::2][:8])


# ----------------------------------------------------------- other kernels of the small step (B)

def _special_values(rng, dtype, n=2000):
    v = (rng.standard_normal(n) * rng.choice([1e-3, 1.0, 30.0, 800.0], n)).astype(dtype)
    v[:8] = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 40.0]
    return v


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_kernels_equal_the_float64_formula(dtype):
    """ReLU forward/backward in the arrays' dtype give the bits of the float64 expressions
    ``x if x > 0 else 0`` and ``g * (1.0 if x > 0 else 0.0)`` rounded to the dtype."""
    from engine.kernels.cpu.layers_act import RELU, act_backward, act_forward

    rng = np.random.default_rng(3)
    x = _special_values(rng, dtype)
    g = _special_values(rng, dtype)[::-1].copy()
    n = x.shape[0]
    e = np.zeros(n, dtype)
    y = np.empty(n, dtype)
    act_forward(RELU, x, y, e, 0.0, 0.0, e, True, 0, 0, 0, n, 1)
    x64 = x.astype(np.float64)
    ref_y = np.where(x64 > 0.0, x64, 0.0).astype(dtype)
    assert np.array_equal(_bits(y), _bits(ref_y))
    dx = np.empty(n, dtype)
    act_backward(RELU, x, y, g, dx, e, e, 0.0, e, False, n, 1)
    with np.errstate(invalid="ignore"):
        ref_dx = (g.astype(np.float64) * np.where(x64 > 0.0, 1.0, 0.0)).astype(dtype)
    assert np.array_equal(np.isnan(dx), np.isnan(ref_dx))
    ok = ~np.isnan(dx)
    assert np.array_equal(_bits(dx[ok]), _bits(ref_dx[ok]))


def test_fused_sigmoid_bce_shares_one_exp_with_equal_bits():
    """The fused sigmoid + BCE term and gradient from one exp equal the two-exp forms."""
    import math

    from engine.kernels.scalar.activations import sigmoid
    from engine.kernels.scalar.losses import softplus_sigmoid

    @njit(error_model="numpy")
    def both(v, out):
        for i in range(v.shape[0]):
            out[0, i], out[1, i] = softplus_sigmoid(v[i])
            x = v[i]  # the two-exp forms
            out[2, i] = x + math.log1p(math.exp(-x)) if x > 0.0 else math.log1p(math.exp(x))
            out[3, i] = sigmoid(x)

    v = _special_values(np.random.default_rng(4), np.float64)
    out = np.empty((4, v.shape[0]))
    both(v, out)
    assert np.array_equal(out[0], out[2], equal_nan=True)
    assert np.array_equal(out[1], out[3], equal_nan=True)
    assert np.array_equal(_bits(out[0][~np.isnan(out[0])]), _bits(out[2][~np.isnan(out[2])]))
    assert np.array_equal(_bits(out[1][~np.isnan(out[1])]), _bits(out[3][~np.isnan(out[3])]))


def test_blas_sized_products_and_bias():
    """Above BLAS_MIN_WORK the products go through BLAS; the bias gradient keeps the row order."""
    rng = np.random.default_rng(5)
    nb, din, dout = 40, 32, 33
    assert nb * din * dout >= BLAS_MIN_WORK
    x, w, b, g = _arrays(rng, nb, din, dout, np.float32)
    y = np.empty(nb * dout, np.float32)
    dense_forward(x, w, b, True, y, nb, din, dout)
    x64, w64, g64 = (a.astype(np.float64).reshape(s) for a, s in
                     ((x, (nb, din)), (w, (din, dout)), (g, (nb, dout))))
    np.testing.assert_allclose(y.reshape(nb, dout), x64 @ w64 + b, rtol=1e-5, atol=1e-4)
    dx, dw, db = np.empty(nb * din, np.float32), np.empty(din * dout, np.float32), np.empty(dout, np.float32)
    dense_backward(x, w, g, dx, dw, db, True, True, nb, din, dout)
    np.testing.assert_allclose(dx.reshape(nb, din), g64 @ w64.T, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(dw.reshape(din, dout), x64.T @ g64, rtol=1e-5, atol=1e-4)
    dx_ref, dw_ref, db_ref = np.empty_like(dx), np.empty_like(dw), np.empty_like(db)
    _scalar_backward(x, w, g, dx_ref, dw_ref, db_ref, True, False, nb, din, dout)
    assert np.array_equal(_bits(db), _bits(db_ref))
