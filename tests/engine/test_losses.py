"""Losses: finite-difference gradients (float64) for every loss x fused/unfused x class weights,
reductions against hand values, class weights, accuracy, config round trip, bad values."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.errors import BadInput
from tests.helpers.references import loss_ref
from engine.losses import LOSSES, from_config

B, KOUT = 5, 3


def make_case(name: str, fused: int, rng: np.random.Generator):
    if fused:
        out = rng.normal(scale=2.0, size=(B, KOUT))
    elif name in ("mse", "mae"):
        out = rng.normal(size=(B, KOUT))
    else:  # probabilities well inside (eps, 1 - eps)
        out = rng.uniform(0.05, 0.95, size=(B, KOUT))
    if name == "sparse_categorical_crossentropy":
        y = rng.integers(0, KOUT, size=(B, 1)).astype(np.float64)
    elif name == "categorical_crossentropy":
        y = np.eye(KOUT)[rng.integers(0, KOUT, size=B)]
    elif name == "binary_crossentropy":
        y = rng.integers(0, 2, size=(B, KOUT)).astype(np.float64)
    else:
        y = rng.normal(size=(B, KOUT))
    return out, y


CASES = [(name, fused, cw) for name in sorted(LOSSES)
         for fused in ([0] + ([LOSSES[name]().fusion(LOSSES[name].fuses_with)] if LOSSES[name].fuses_with else []))
         for cw in (None, "balanced", {"0": 2.0, "2": 0.5})]


@pytest.mark.parametrize("name,fused,cw", CASES)
def test_gradient_matches_finite_differences(name, fused, cw):
    rng = np.random.default_rng(hash((name, fused)) % 2**32)
    loss = from_config({"type": name, "class_weight": cw})
    out, y = make_case(name, fused, rng)
    sw = loss.sample_weights(y)
    value, grad = loss.value_and_grad(out, y, sw, fused)
    assert value == pytest.approx(loss_ref(loss.code, fused, out, y, sw), rel=1e-12)
    h = 1e-6
    num = np.zeros_like(out)
    for idx in np.ndindex(out.shape):
        if name == "mae" and abs(out[idx] - y[idx]) < 1e-3:
            continue
        p, m = out.copy(), out.copy()
        p[idx] += h
        m[idx] -= h
        num[idx] = (loss.value_and_grad(p, y, sw, fused, False)[0]
                    - loss.value_and_grad(m, y, sw, fused, False)[0]) / (2 * h)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)


def test_reductions_by_hand():
    out = np.array([[1.0, 2.0], [0.0, -1.0]])
    y = np.array([[0.0, 0.0], [1.0, 1.0]])
    # mse: mean over outputs and batch, no 1/2: (1 + 4 + 1 + 4) / 4
    assert from_config({"type": "mse"}).value_and_grad(out, y)[0] == pytest.approx(2.5)
    # mae: (1 + 2 + 1 + 2) / 4
    assert from_config({"type": "mae"}).value_and_grad(out, y)[0] == pytest.approx(1.5)
    # bce on probabilities: mean over outputs and batch
    p = np.array([[0.8, 0.4]])
    t = np.array([[1.0, 0.0]])
    want = -(np.log(0.8) + np.log(0.6)) / 2
    assert from_config({"type": "binary_crossentropy"}).value_and_grad(p, t)[0] == pytest.approx(want)
    # categorical: sum over classes, mean over batch
    q = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    oh = np.array([[1.0, 0, 0], [0, 1.0, 0]])
    want = -(np.log(0.7) + np.log(0.1)) / 2
    assert from_config({"type": "categorical_crossentropy"}).value_and_grad(q, oh)[0] == pytest.approx(want)
    sparse = np.array([[0.0], [1.0]])
    assert from_config({"type": "sparse_categorical_crossentropy"}).value_and_grad(q, sparse)[0] == \
        pytest.approx(want)


def test_fused_equals_unfused_on_probabilities():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(6, 3))
    y = np.eye(3)[rng.integers(0, 3, 6)]
    softmax = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    cce = from_config({"type": "categorical_crossentropy"})
    assert cce.value_and_grad(z, y, fused=2)[0] == pytest.approx(cce.value_and_grad(softmax, y)[0], rel=1e-9)
    bce = from_config({"type": "binary_crossentropy"})
    yb = rng.integers(0, 2, (6, 3)).astype(float)
    assert bce.value_and_grad(z, yb, fused=1)[0] == pytest.approx(
        bce.value_and_grad(1 / (1 + np.exp(-z)), yb)[0], rel=1e-9)


def test_fused_is_stable_for_huge_logits():
    z = np.array([[1000.0, -1000.0, 0.0]])
    v, g = from_config({"type": "categorical_crossentropy"}).value_and_grad(z, np.array([[0.0, 1.0, 0.0]]), fused=2)
    assert v == pytest.approx(2000.0) and np.all(np.isfinite(g))
    v, g = from_config({"type": "binary_crossentropy"}).value_and_grad(np.array([[800.0]]), np.array([[0.0]]),
                                                                        fused=1)
    assert v == pytest.approx(800.0) and g[0, 0] == pytest.approx(1.0)


def test_unfused_clips_probabilities_like_keras():
    v, g = from_config({"type": "binary_crossentropy"}).value_and_grad(np.array([[0.0]]), np.array([[1.0]]))
    assert v == pytest.approx(-np.log(1e-7)) and g[0, 0] == 0.0


def test_class_weight_multiplies_each_sample_before_the_mean():
    loss = from_config({"type": "mse", "class_weight": {"1": 3.0}})
    out = np.array([[1.0], [3.0]])
    y = np.array([[0.0], [1.0]])
    sw = loss.sample_weights(y)
    np.testing.assert_array_equal(sw, [1.0, 3.0])
    assert loss.value_and_grad(out, y, sw)[0] == pytest.approx((1.0 * 1 + 3.0 * 4) / 2)


def test_balanced_weights_inverse_to_frequency_mean_one_over_samples():
    y = np.array([0] * 9 + [1] * 3, dtype=np.float64)[:, None]
    loss = from_config({"type": "binary_crossentropy", "class_weight": "balanced"})
    table = loss.fit_class_weights(y)
    np.testing.assert_allclose(table, [12 / (2 * 9), 12 / (2 * 3)])
    sw = loss.sample_weights(y)
    assert sw.mean() == pytest.approx(1.0)
    assert sw[-1] / sw[0] == pytest.approx(3.0)
    sparse = from_config({"type": "sparse_categorical_crossentropy", "class_weight": "balanced"})
    ys = np.array([[0.0], [2.0], [2.0], [2.0]])
    np.testing.assert_allclose(sparse.sample_weights(ys), [2.0, 2 / 3, 2 / 3, 2 / 3])
    onehot = from_config({"type": "categorical_crossentropy", "class_weight": "balanced"})
    np.testing.assert_allclose(onehot.sample_weights(np.eye(3)[[0, 2, 2, 2]]), [2.0, 2 / 3, 2 / 3, 2 / 3])


def test_accuracy_definitions():
    bce = from_config({"type": "binary_crossentropy"})
    assert bce.accuracy(np.array([[0.7], [0.2], [0.6]]), np.array([[1.0], [1.0], [0.0]])) == pytest.approx(1 / 3)
    assert bce.accuracy(np.array([[2.0], [-1.0]]), np.array([[1.0], [0.0]]), fused=1) == 1.0
    sce = from_config({"type": "sparse_categorical_crossentropy"})
    assert sce.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([[1.0], [1.0]])) == 0.5
    cce = from_config({"type": "categorical_crossentropy"})
    assert cce.accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([[0.0, 1.0], [1.0, 0.0]])) == 1.0
    assert from_config({"type": "mse"}).accuracy(np.zeros((2, 1)), np.zeros((2, 1))) is None
    assert bce.task == "classification" and from_config({"type": "mae"}).task == "regression"


def test_fusion_codes():
    assert from_config({"type": "binary_crossentropy"}).fusion("sigmoid") == 1
    assert from_config({"type": "binary_crossentropy"}).fusion("softmax") == 0
    assert from_config({"type": "categorical_crossentropy"}).fusion("softmax") == 2
    assert from_config({"type": "sparse_categorical_crossentropy"}).fusion("softmax") == 2
    assert from_config({"type": "mse"}).fusion("sigmoid") == 0


def test_float32_kernel():
    out = np.array([[0.2, -0.3]], np.float32)
    v, g = from_config({"type": "mse"}).value_and_grad(out, np.zeros((1, 2), np.float32))
    assert g.dtype == np.float32 and v == pytest.approx((0.04 + 0.09) / 2, rel=1e-6)


@pytest.mark.parametrize("name", sorted(LOSSES))
@pytest.mark.parametrize("cw", [None, "balanced", {"0": 1.0, "1": 19.0}])
def test_config_round_trip(name, cw):
    loss = from_config({"type": name, "class_weight": cw})
    cfg = loss.get_config()
    assert set(cfg) == {"type", "class_weight"}
    again = from_config(json.loads(json.dumps(cfg)))
    assert again == loss and again.get_config() == cfg and repr(again)


@pytest.mark.parametrize("cfg,key", [
    ({"type": "hinge"}, "type"),
    ({"type": "mse", "reduction": "sum"}, "reduction"),
    ({"type": "mse", "class_weight": "inverse"}, "class_weight"),
    ({"type": "mse", "class_weight": {"a": 1.0}}, "class_weight.a"),
    ({"type": "mse", "class_weight": {"1": -2.0}}, "class_weight.1"),
])
def test_bad_values_name_the_key(cfg, key):
    with pytest.raises(BadInput) as info:
        from_config(cfg)
    assert info.value.path == key


def test_check_targets():
    sce = from_config({"type": "sparse_categorical_crossentropy"})
    sce.check_targets(np.array([[0.0], [2.0]]), 3)
    with pytest.raises(BadInput):
        sce.check_targets(np.array([[0.0], [3.0]]), 3)
    with pytest.raises(BadInput):
        from_config({"type": "mse"}).check_targets(np.zeros((2, 2)), 1)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(deadline=None, max_examples=60)
@given(code=st.integers(0, 4), b=st.integers(1, 6), k=st.integers(1, 5), seed=st.integers(0, 2**16),
       fuse=st.booleans(), f32=st.booleans())
def test_kernel_matches_reference_any_shape(code, b, k, seed, fuse, f32):
    rng = np.random.default_rng(seed)
    name = sorted(LOSSES, key=lambda n: LOSSES[n].code)[code]
    loss = LOSSES[name]()
    fused = loss.fusion(loss.fuses_with) if fuse and loss.fuses_with else 0
    if code >= 3 and k == 1:
        k = 2
    out = rng.normal(size=(b, k)) * 3 if fused or code < 2 else rng.uniform(0.01, 0.99, (b, k))
    if code == 4:
        y = rng.integers(0, k, (b, 1)).astype(float)
    elif code == 3:
        y = np.eye(k)[rng.integers(0, k, b)]
    else:
        y = rng.uniform(0, 1, (b, k))
    sw = rng.uniform(0.5, 2.0, b)
    dtype = np.float32 if f32 else np.float64
    value, grad = loss.value_and_grad(out.astype(dtype), y, sw, fused)
    want = loss_ref(loss.code, fused, out.astype(dtype), y.astype(dtype), sw.astype(dtype))
    assert value == pytest.approx(want, rel=1e-5 if f32 else 1e-10, abs=1e-6 if f32 else 1e-12)
    assert grad.dtype == dtype and np.all(np.isfinite(grad))


def test_non_finite_output_gives_nan_not_an_exception():
    loss = from_config({"type": "categorical_crossentropy"})
    value, grad = loss.value_and_grad(np.zeros((1, 2)), np.array([[1.0, 0.0]]))   # row sum 0
    assert np.isnan(value)
    value, _ = from_config({"type": "mse"}).value_and_grad(np.array([[np.nan]]), np.zeros((1, 1)))
    assert np.isnan(value)


def test_balanced_weights_on_minus_one_one_targets_under_mse():
    """mse keeps -1/1 labels as given; class -1 is class 0 for the weights."""
    loss = from_config({"type": "mse", "class_weight": "balanced"})
    y = np.array([[-1.0], [-1.0], [-1.0], [1.0]])
    np.testing.assert_allclose(loss.sample_weights(y), [4 / 6, 4 / 6, 4 / 6, 2.0])
    keyed = from_config({"type": "mae", "class_weight": {"0": 3.0}})
    np.testing.assert_allclose(keyed.sample_weights(y), [3.0, 3.0, 3.0, 1.0])
