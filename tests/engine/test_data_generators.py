"""Generators: shapes, label balance, coordinate ranges, determinism by seed, noise effects."""
from __future__ import annotations

import numpy as np
import pytest

from engine.data import GENERATORS, DataConfig, load_dataset
from engine.data.generators import circle, gaussian, moons, multi_gaussian, plane, sine_1d, spiral, xor

CLASSIFIERS = ["circle", "xor", "gaussian", "spiral", "moons"]
REGRESSORS = ["plane", "multi_gaussian"]


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize("name", CLASSIFIERS + REGRESSORS + ["sine_1d"])
@pytest.mark.parametrize("n", [1, 7, 200])
def test_shapes_and_finite(name: str, n: int) -> None:
    x, y = GENERATORS[name].function(n, 0.2, rng())
    d = 1 if name == "sine_1d" else 2
    assert x.shape == (n, d) and y.shape == (n,)
    assert np.isfinite(x).all() and np.isfinite(y).all()


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_labels_are_zero_one_and_balanced(name: str) -> None:
    x, y = GENERATORS[name].function(400, 0.0, rng(3))
    assert set(np.unique(y)) == {0.0, 1.0}
    assert abs(y.mean() - 0.5) < 0.1


@pytest.mark.parametrize("name", CLASSIFIERS + REGRESSORS)
@pytest.mark.parametrize("noise", [0.0, 0.5])
def test_coordinates_within_six(name: str, noise: float) -> None:
    x, _ = GENERATORS[name].function(2000, noise, rng(1))
    assert np.abs(x).max() <= 6.0


def test_circle_geometry_without_noise() -> None:
    x, y = circle(1000, 0.0, rng())
    r = np.hypot(x[:, 0], x[:, 1])
    assert np.all(r[y == 1] <= 2.5) and np.all((r[y == 0] >= 3.5) & (r[y == 0] <= 5.0))


def test_xor_labels_follow_quadrants_and_gap() -> None:
    x, y = xor(1000, 0.0, rng())
    assert np.all(np.abs(x) >= 0.3) and np.all(np.abs(x) <= 5.3)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(float))


def test_gaussian_centres_and_noise_widens() -> None:
    x, y = gaussian(4000, 0.0, rng())
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(x[y == 0].mean(axis=0), [-2, -2], atol=0.1)
    assert abs(x[y == 1].std() - np.sqrt(0.5)) < 0.05
    x2, y2 = gaussian(4000, 0.5, rng())
    assert x2[y2 == 1].std() > 1.5 * x[y == 1].std()


def test_spiral_radius_and_noise() -> None:
    x, y = spiral(400, 0.0, rng())
    r = np.hypot(x[:, 0], x[:, 1])
    assert r.max() < 5.0 and r.min() == 0.0
    # the two arms are point reflections of each other (delta t = pi)
    np.testing.assert_allclose(x[y == 1], -x[y == 0], atol=1e-12)
    xn, _ = spiral(400, 0.5, rng())
    assert 0 < np.abs(xn - x).max() <= 0.5 + 1e-12


def test_moons_shape() -> None:
    x, y = moons(1000, 0.0, rng())
    upper, lower = x[y == 0], x[y == 1]
    assert upper[:, 1].mean() > lower[:, 1].mean()
    centre_u = (np.array([0.0, 0.0]) - [0.5, 0.25]) * 3.5
    np.testing.assert_allclose(np.hypot(*(upper - centre_u).T), 3.5, atol=1e-9)


def test_plane_target_formula() -> None:
    x, y = plane(500, 0.0, rng())
    np.testing.assert_allclose(y, (x[:, 0] + x[:, 1]) / 10)
    _, yn = plane(500, 0.3, rng())
    assert not np.allclose(yn, y)


def test_multi_gaussian_bumps() -> None:
    x, y = multi_gaussian(3000, 0.0, rng())
    assert y.min() >= -1 and y.max() <= 1
    near = np.hypot(x[:, 0] + 4, x[:, 1] - 2.5) < 0.5     # bump at (-4, 2.5), sign +1
    assert np.all(y[near] > 0.7)
    far = (np.abs(x[:, 1]) > 5.0)
    assert np.all(y[far] == 0)


def test_sine_1d_formula_and_noise() -> None:
    x, y = sine_1d(500, 0.0, rng())
    assert x.min() >= -1 and x.max() <= 1
    np.testing.assert_allclose(y, np.sin(3 * x[:, 0]))
    xn, yn = sine_1d(5000, 0.2, rng())
    assert abs(np.std(yn - np.sin(3 * xn[:, 0])) - 0.2) < 0.01


@pytest.mark.parametrize("name", CLASSIFIERS + REGRESSORS + ["sine_1d"])
def test_determinism_by_seed(name: str) -> None:
    cfg = DataConfig(dataset=name, samples=60, noise=0.2)
    a, b = load_dataset(cfg, seed=5), load_dataset(cfg, seed=5)
    c = load_dataset(cfg, seed=6)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.raw_x_train, c.raw_x_train)


@pytest.mark.parametrize("name", ["circle", "xor"])
def test_noise_flips_labels_relative_to_geometry(name: str) -> None:
    """Noise moves the point used for the label, so some labels disagree with the geometry."""
    x0, y0 = GENERATORS[name].function(2000, 0.0, rng(2))
    x1, y1 = GENERATORS[name].function(2000, 0.5, rng(2))
    clean = circle if name == "circle" else xor
    assert (y1 != y0).mean() > 0.05 or not np.allclose(x0, x1)
    if name == "xor":
        assert (y1 != (x1[:, 0] * x1[:, 1] >= 0)).mean() > 0.05
    else:
        assert ((np.hypot(*x1.T) < 2.5) != y1).mean() > 0.05
    assert clean is not None
