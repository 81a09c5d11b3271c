"""TF Playground's 2-D data generators (coordinates in [-6, 6]) plus moons and sine_1d.

Every generator has the signature ``gen(n, noise, rng) -> (x (n, d) float64, y (n,) float64)``.
Classification labels are 0/1 (TF Playground's -1 becomes 0). ``noise`` follows TF Playground,
where the slider's 0..50 % is passed as 0..0.5.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

RADIUS = 6.0
Generator = Callable[[int, float, np.random.Generator], "tuple[np.ndarray, np.ndarray]"]


def _uniform(rng: np.random.Generator, a: float, b: float, n: int) -> np.ndarray:
    return rng.uniform(a, b, n)


def _halves(n: int) -> tuple[int, int]:
    """(positives, negatives): TF Playground makes half of each; an odd count favours class 0."""
    return n // 2, n - n // 2


def circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 inside radius 2.5, class 0 in the ring 3.5..5; noise perturbs only the labels."""
    radius = 5.0
    n_pos, n_neg = _halves(n)
    r = np.concatenate([_uniform(rng, 0.0, radius * 0.5, n_pos),
                        _uniform(rng, radius * 0.7, radius, n_neg)])
    angle = _uniform(rng, 0.0, 2.0 * np.pi, n)
    x = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    shift = _uniform(rng, -radius, radius, 2 * n).reshape(n, 2) * noise
    y = (np.hypot(*(x + shift).T) < radius * 0.5).astype(np.float64)
    return x, y


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in [-5.3, 5.3]^2 with a 0.3 gap at the axes; class 1 where x1*x2 >= 0."""
    x = _uniform(rng, -5.0, 5.0, 2 * n).reshape(n, 2)
    x += np.where(x > 0, 0.3, -0.3)
    shift = _uniform(rng, -5.0, 5.0, 2 * n).reshape(n, 2) * noise
    p = x + shift
    y = (p[:, 0] * p[:, 1] >= 0).astype(np.float64)
    return x, y


def gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian blobs at (2, 2) (class 1) and (-2, -2) (class 0); variance 0.5 + 7*noise."""
    variance = 0.5 + (4.0 - 0.5) * noise / 0.5
    n_pos, n_neg = _halves(n)
    centre = np.concatenate([np.full(n_pos, 2.0), np.full(n_neg, -2.0)])
    x = centre[:, None] + rng.normal(0.0, np.sqrt(variance), (n, 2))
    y = np.concatenate([np.ones(n_pos), np.zeros(n_neg)])
    return np.clip(x, -RADIUS, RADIUS), y


def spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals (radius up to 5, 1.75 turns); noise is uniform in +-noise."""
    parts = []
    for count, delta, label in ((_halves(n)[0], 0.0, 1.0), (_halves(n)[1], np.pi, 0.0)):
        i = np.arange(count, dtype=np.float64)
        r = i / max(count, 1) * 5.0
        t = 1.75 * i / max(count, 1) * 2.0 * np.pi + delta
        xs = r * np.sin(t) + _uniform(rng, -1.0, 1.0, count) * noise
        ys = r * np.cos(t) + _uniform(rng, -1.0, 1.0, count) * noise
        parts.append((np.stack([xs, ys], axis=1), np.full(count, label)))
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    return np.clip(x, -RADIUS, RADIUS), y


def moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's shape) scaled by 3.5 and centred.

    Class 0 is the upper moon, class 1 the lower one; ``noise`` is the standard deviation of
    Gaussian noise in the unscaled units (as scikit-learn's ``make_moons``).
    """
    n_pos, n_neg = _halves(n)
    t_neg = np.linspace(0.0, np.pi, n_neg)
    t_pos = np.linspace(0.0, np.pi, n_pos)
    upper = np.stack([np.cos(t_neg), np.sin(t_neg)], axis=1)
    lower = np.stack([1.0 - np.cos(t_pos), 0.5 - np.sin(t_pos)], axis=1)
    x = np.concatenate([upper, lower]) + rng.normal(0.0, 1.0, (n, 2)) * noise
    x = (x - np.array([0.5, 0.25])) * 3.5
    y = np.concatenate([np.zeros(n_neg), np.ones(n_pos)])
    return np.clip(x, -RADIUS, RADIUS), y


def plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in [-6, 6]^2; target (x1 + x2) / 10 measured at a noisy position."""
    x = _uniform(rng, -RADIUS, RADIUS, 2 * n).reshape(n, 2)
    shift = _uniform(rng, -RADIUS, RADIUS, 2 * n).reshape(n, 2) * noise
    p = x + shift
    return x, (p[:, 0] + p[:, 1]) / 10.0


_GAUSSIANS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                       [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)


def multi_gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform in [-6, 6]^2; target from six signed bumps (1 at a centre, 0 at distance >= 2)."""
    x = _uniform(rng, -RADIUS, RADIUS, 2 * n).reshape(n, 2)
    shift = _uniform(rng, -RADIUS, RADIUS, 2 * n).reshape(n, 2) * noise
    p = x + shift
    d = np.hypot(p[:, None, 0] - _GAUSSIANS[None, :, 0], p[:, None, 1] - _GAUSSIANS[None, :, 1])
    bumps = _GAUSSIANS[None, :, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)   # (n, 6)
    pick = np.argmax(np.abs(bumps), axis=1)
    y = bumps[np.arange(n), pick]
    return x, y


def sine_1d(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """x uniform in [-1, 1], y = sin(3x) + N(0, noise^2)."""
    x = _uniform(rng, -1.0, 1.0, n)
    y = np.sin(3.0 * x) + rng.normal(0.0, 1.0, n) * noise
    return x[:, None], y


@dataclass(frozen=True)
class GeneratorInfo:
    """A built-in generator: its function, task, raw column names and raw domain per column."""

    name: str
    function: Generator
    task: str
    raw_names: tuple[str, ...]
    domain: tuple[tuple[float, float], ...]
    description: str


_SQ = ((-RADIUS, RADIUS), (-RADIUS, RADIUS))
GENERATORS: dict[str, GeneratorInfo] = {g.name: g for g in (
    GeneratorInfo("circle", circle, "binary", ("x1", "x2"), _SQ, "a disc inside a ring"),
    GeneratorInfo("xor", xor, "binary", ("x1", "x2"), _SQ, "four quadrants, exclusive or"),
    GeneratorInfo("gaussian", gaussian, "binary", ("x1", "x2"), _SQ, "two Gaussian blobs"),
    GeneratorInfo("spiral", spiral, "binary", ("x1", "x2"), _SQ, "two interleaved spirals"),
    GeneratorInfo("moons", moons, "binary", ("x1", "x2"), _SQ, "two interleaving half moons"),
    GeneratorInfo("plane", plane, "regression", ("x1", "x2"), _SQ, "a tilted plane"),
    GeneratorInfo("multi_gaussian", multi_gaussian, "regression", ("x1", "x2"), _SQ,
                  "six signed Gaussian bumps"),
    GeneratorInfo("sine_1d", sine_1d, "regression", ("x1",), ((-1.0, 1.0),),
                  "y = sin(3x) plus noise"),
)}
