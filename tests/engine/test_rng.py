"""Counter-based RNG and SeedSequence streams."""
from __future__ import annotations

import numpy as np
from numba import njit

from engine.kernels.cpu.rng import normal01, uniform01
from engine.rng import layer_key, stream


@njit(cache=True)
def _many(seed, step, key, n):
    out = np.empty(n)
    for i in range(n):
        out[i] = uniform01(seed, step, key, i)
    return out


def test_uniform_is_pure_and_uniform():
    a = _many(3, 7, layer_key("d1"), 20000)
    b = _many(3, 7, layer_key("d1"), 20000)
    np.testing.assert_array_equal(a, b)
    assert a.min() >= 0.0 and a.max() < 1.0
    assert abs(a.mean() - 0.5) < 0.01
    hist = np.histogram(a, bins=10, range=(0, 1))[0]
    assert hist.min() > 1800
    c = _many(3, 8, layer_key("d1"), 100)
    assert not np.array_equal(a[:100], c)


def test_uniform_python_matches_compiled():
    assert uniform01(5, 1, 2, 3) == _many(5, 1, 2, 4)[3]


def test_normal_moments():
    z = np.array([normal01(1, 2, 3, i) for i in range(20000)])
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1.0) < 0.03


def test_negative_and_large_integers():
    assert 0.0 <= uniform01(-1, 2**62, 2**63 - 1, 0) < 1.0


def test_streams_independent_and_stable():
    a = stream(0, "shuffle", 1).integers(0, 1 << 30, 5)
    b = stream(0, "shuffle", 1).integers(0, 1 << 30, 5)
    c = stream(0, "shuffle", 2).integers(0, 1 << 30, 5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert layer_key("d1") == layer_key("d1") != layer_key("d2")
    assert 0 <= layer_key("x") < 2**63
