"""Gradient clipping kernel: clipvalue per component, clipnorm per tensor, global_clipnorm over all."""
from __future__ import annotations

import numpy as np
import pytest

from engine.kernels.cpu.optim import clip_gradients
from tests.helpers.references import clip_ref
from engine.optimizers import from_config

NAN = float("nan")


def flat_case(dtype=np.float64):
    a = np.array([3.0, -4.0], dtype)          # norm 5
    b = np.array([0.3, 0.4, -1.2], dtype)     # norm 1.3
    c = np.array([10.0, -10.0], dtype)        # frozen (not trainable)
    grads = np.concatenate([a, b, c])
    ptab = np.array([[0, 2, 0, 3], [2, 3, 0, 1], [5, 2, 1, 2]], dtype=np.int64)
    return grads, ptab


def test_clipvalue_per_component():
    g, ptab = flat_case()
    clip_gradients(g, ptab, 0.5, NAN, NAN)
    np.testing.assert_array_equal(g, [0.5, -0.5, 0.3, 0.4, -0.5, 10.0, -10.0])


def test_clipnorm_per_tensor():
    g, ptab = flat_case()
    clip_gradients(g, ptab, NAN, 2.0, NAN)
    # a: norm 5 -> scaled by 2/5; b: norm 1.3 < 2 untouched; c: not trainable
    np.testing.assert_allclose(g, [1.2, -1.6, 0.3, 0.4, -1.2, 10.0, -10.0], rtol=1e-12)


def test_global_clipnorm_over_trainable():
    g, ptab = flat_case()
    gn = np.sqrt(25 + 1.69)
    clip_gradients(g, ptab, NAN, NAN, 1.0)
    np.testing.assert_allclose(g[:5], np.array([3.0, -4.0, 0.3, 0.4, -1.2]) / gn, rtol=1e-12)
    np.testing.assert_array_equal(g[5:], [10.0, -10.0])


def test_all_off_and_below_threshold_untouched():
    g, ptab = flat_case()
    before = g.copy()
    clip_gradients(g, ptab, NAN, NAN, NAN)
    clip_gradients(g, ptab, 100.0, 100.0, 100.0)
    np.testing.assert_array_equal(g, before)


@pytest.mark.parametrize("kind", ["clipvalue", "clipnorm", "global_clipnorm"])
def test_optimizer_clip_matches_reference_float32(kind):
    rng = np.random.default_rng(3)
    grads = {"k": rng.normal(size=(4, 3)).astype(np.float32), "b": rng.normal(size=3).astype(np.float32)}
    opt = from_config({"type": "sgd", kind: 0.7})
    got = opt.clip(grads)
    ref = clip_ref(list(grads.values()), *(0.7 if k == kind else None
                                           for k in ("clipvalue", "clipnorm", "global_clipnorm")))
    for (key, g), r in zip(got.items(), ref):
        assert g.dtype == np.float32 and g.shape == grads[key].shape
        np.testing.assert_allclose(g, r, rtol=1e-6)
    if kind == "global_clipnorm":
        total = np.sqrt(sum(float(np.sum(g.astype(np.float64) ** 2)) for g in got.values()))
        assert total == pytest.approx(0.7, rel=1e-6)


def test_apply_clips_before_the_update():
    opt = from_config({"type": "sgd", "learning_rate": 1.0, "clipnorm": 1.0})
    params = {"w": np.zeros(2)}
    opt.apply(params, {"w": np.array([3.0, 4.0])})
    np.testing.assert_allclose(params["w"], [-0.6, -0.8], rtol=1e-12)
