"""Initialisers: statistics of large draws (mean, std, limits, truncation), config round trip."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from engine.errors import BadInput
from engine.initializers import INITIALIZERS, compute_fans, from_config, get_initializer

SHAPE = (400, 600)          # fan_in 400, fan_out 600, fan_avg 500
FAN = {"fan_in": 400, "fan_out": 600, "fan_avg": 500}
C = 0.87962566103423978


def draw(cfg, shape=SHAPE, seed=0, dtype=np.float64):
    return get_initializer(cfg)(shape, np.random.default_rng(seed), dtype)


# name -> (std the draw must have, hard limit or None, distribution)
PRESETS = {
    "glorot_uniform": (math.sqrt(1 / 500), math.sqrt(6 / 1000), "uniform"),
    "he_uniform": (math.sqrt(2 / 400), math.sqrt(6 / 400), "uniform"),
    "lecun_uniform": (math.sqrt(1 / 400), math.sqrt(3 / 400), "uniform"),
    "glorot_normal": (math.sqrt(1 / 500), 2 * math.sqrt(1 / 500) / C, "truncated"),
    "he_normal": (math.sqrt(2 / 400), 2 * math.sqrt(2 / 400) / C, "truncated"),
    "lecun_normal": (math.sqrt(1 / 400), 2 * math.sqrt(1 / 400) / C, "truncated"),
}


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_statistics(name):
    std, limit, dist = PRESETS[name]
    w = draw(name)
    assert w.shape == SHAPE
    assert abs(w.mean()) < 0.01 * std * 5
    assert w.std() == pytest.approx(std, rel=0.01)
    assert np.abs(w).max() <= limit * (1 + 1e-12)
    # the bound is reached: uniform fills its interval, the truncated normal gets close to its cut
    assert np.abs(w).max() > 0.99 * limit


@pytest.mark.parametrize("mode", sorted(FAN))
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling(mode, distribution):
    cfg = {"type": "variance_scaling", "scale": 3.0, "mode": mode, "distribution": distribution}
    w = draw(cfg)
    std = math.sqrt(3.0 / FAN[mode])
    assert w.std() == pytest.approx(std, rel=0.01)
    assert abs(w.mean()) < 0.05 * std
    if distribution == "uniform":
        assert np.abs(w).max() <= math.sqrt(3) * std
    elif distribution == "truncated_normal":
        assert np.abs(w).max() <= 2 * std / C
    else:  # untruncated: 240k normal draws reach beyond 4 std
        assert np.abs(w).max() > 4 * std


def test_untruncated_normal_is_n_0_1_over_fan_in():
    w = draw({"type": "variance_scaling", "scale": 1.0, "mode": "fan_in", "distribution": "untruncated_normal"})
    assert w.std() == pytest.approx(1 / math.sqrt(400), rel=0.01)
    # about 4.55 % of N(0, s) lies beyond 2 s
    assert np.mean(np.abs(w) > 2 / math.sqrt(400)) == pytest.approx(0.0455, abs=0.003)


def test_plain_distributions():
    w = draw({"type": "random_normal", "mean": 1.0, "stddev": 0.2})
    assert w.mean() == pytest.approx(1.0, abs=0.002) and w.std() == pytest.approx(0.2, rel=0.01)
    w = draw({"type": "random_uniform", "minval": -0.5, "maxval": 1.5})
    assert w.min() >= -0.5 and w.max() < 1.5 and w.mean() == pytest.approx(0.5, abs=0.005)
    assert w.std() == pytest.approx(2 / math.sqrt(12), rel=0.01)
    w = draw({"type": "truncated_normal", "mean": 0.5, "stddev": 0.1})
    assert np.abs(w - 0.5).max() <= 0.2 + 1e-12
    assert w.std() == pytest.approx(0.1 * C, rel=0.01)   # no correction for the plain truncated_normal
    assert np.all(draw("zeros", (3, 2)) == 0) and np.all(draw("ones", (4,)) == 1)
    assert np.all(draw({"type": "constant", "value": 0.25}, (2, 2)) == 0.25)


def test_dtype_determinism_and_fans():
    a = draw("he_normal", (5, 7), seed=3, dtype=np.float32)
    b = draw("he_normal", (5, 7), seed=3, dtype=np.float32)
    assert a.dtype == np.float32 and a.flags.c_contiguous
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, draw("he_normal", (5, 7), seed=4, dtype=np.float32))
    assert compute_fans((5, 7)) == (5, 7) and compute_fans((9,)) == (9, 9) and compute_fans(()) == (1, 1)
    assert draw("glorot_uniform", 6).shape == (6,)


@pytest.mark.parametrize("name", sorted(INITIALIZERS))
def test_config_round_trip(name):
    init = INITIALIZERS[name]()
    cfg = init.get_config()
    assert cfg["type"] == name and set(cfg) == {"type", *init.config_keys}
    again = from_config(json.loads(json.dumps(cfg)))
    assert again == init and again.get_config() == cfg
    assert get_initializer(name) == init and repr(again)


@pytest.mark.parametrize("cfg,key", [
    ({"type": "variance_scaling", "mode": "fan_max"}, "mode"),
    ({"type": "variance_scaling", "distribution": "normal"}, "distribution"),
    ({"type": "variance_scaling", "scale": 0}, "scale"),
    ({"type": "random_normal", "stddev": -1}, "stddev"),
    ({"type": "random_uniform", "minval": 1.0, "maxval": 0.0}, "maxval"),
    ({"type": "constant", "value": "one"}, "value"),
    ({"type": "he_uniform", "scale": 2.0}, "scale"),
    ({"type": "orthogonal"}, "type"),
])
def test_bad_values_name_the_key(cfg, key):
    with pytest.raises(BadInput) as info:
        from_config(cfg)
    assert info.value.path == key
    with pytest.raises(BadInput):
        get_initializer("xavier")
