"""Weight initialisers with Keras 3 semantics (registry ``INITIALIZERS``).

``init = get_initializer("he_uniform" | {"type": ..., ...}); w = init(shape, rng, dtype)``.
Fans as Keras: shape (in, out) -> fan_in = in, fan_out = out; shape (n,) -> both n; () -> both 1.
variance_scaling: n = fan_in | fan_out | (fan_in + fan_out)/2, s = scale / max(1, n);
  truncated_normal: N(0, sqrt(s)/0.87962566103423978) cut at 2 std (values beyond are redrawn, the
  constant makes the truncated draw's std sqrt(s)); untruncated_normal: N(0, sqrt(s));
  uniform: U(-sqrt(3 s), sqrt(3 s)).
glorot_* = (1, fan_avg), he_* = (2, fan_in), lecun_* = (1, fan_in); the ``_normal`` ones truncated.
random_normal (mean 0, stddev 0.05), random_uniform (minval -0.05, maxval 0.05), truncated_normal
(mean 0, stddev 0.05, cut at 2 stddev, no correction, as Keras), zeros, ones, constant (value 0).
Draws are made in float64 from the given ``np.random.Generator`` and cast to ``dtype``.
"""
from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from engine.errors import BadInput
from engine.registry import Configurable, Registry
from engine.limits import quote
from engine.validation import check_number, json_type, positive

TRUNC_STD_CORRECTION = 0.87962566103423978  # std of N(0, 1) truncated to [-2, 2]
MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """(fan_in, fan_out) as Keras's ``compute_fans``."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    receptive = int(np.prod(shape[:-2])) if len(shape) > 2 else 1
    return int(shape[-2]) * receptive, int(shape[-1]) * receptive


def truncated_standard_normal(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """N(0, 1) draws with every value outside [-2, 2] redrawn. Returns float64 of ``shape``."""
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2.0
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2.0
    return z


class Initializer(Configurable):
    """Base: ``__call__(shape, rng, dtype) -> array``, config round trip."""

    type_name: ClassVar[str] = ""
    config_keys: ClassVar[tuple[str, ...]] = ()

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, shape: tuple[int, ...] | int, rng: np.random.Generator,
                 dtype: Any = np.float32) -> np.ndarray:
        """New array of ``shape`` and ``dtype`` drawn from ``rng``."""
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(int(s) for s in shape)
        return np.ascontiguousarray(self.sample(shape, rng), dtype=dtype)


class Zeros(Initializer):
    type_name = "zeros"

    def sample(self, shape, rng):
        return np.zeros(shape)


class Ones(Initializer):
    type_name = "ones"

    def sample(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    type_name, config_keys = "constant", ("value",)

    def __init__(self, value: float = 0.0):
        self.value = check_number(value, "value")

    def sample(self, shape, rng):
        return np.full(shape, self.value)


class RandomNormal(Initializer):
    type_name, config_keys = "random_normal", ("mean", "stddev")

    def __init__(self, mean: float = 0.0, stddev: float = 0.05):
        self.mean = check_number(mean, "mean")
        self.stddev = positive(stddev, "stddev")

    def sample(self, shape, rng):
        return self.mean + self.stddev * rng.standard_normal(shape)


class TruncatedNormal(RandomNormal):
    """N(mean, stddev) with values beyond 2 stddev redrawn (no std correction, as Keras)."""

    type_name = "truncated_normal"

    def sample(self, shape, rng):
        return self.mean + self.stddev * truncated_standard_normal(shape, rng)


class RandomUniform(Initializer):
    type_name, config_keys = "random_uniform", ("minval", "maxval")

    def __init__(self, minval: float = -0.05, maxval: float = 0.05):
        self.minval = check_number(minval, "minval")
        self.maxval = check_number(maxval, "maxval")
        if self.maxval <= self.minval:
            raise BadInput(f"must be greater than minval ({self.minval}), got {maxval!r}", "maxval")

    def sample(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, shape)


class VarianceScaling(Initializer):
    """Keras's VarianceScaling (see module docstring)."""

    type_name, config_keys = "variance_scaling", ("scale", "mode", "distribution")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal"):
        self.scale = positive(scale, "scale")
        if mode not in MODES:
            raise BadInput(f"must be one of {', '.join(MODES)}, got {mode!r}", "mode")
        if distribution not in DISTRIBUTIONS:
            raise BadInput(f"must be one of {', '.join(DISTRIBUTIONS)}, got {distribution!r}", "distribution")
        self.mode = mode
        self.distribution = distribution

    def target_std(self, shape: tuple[int, ...]) -> float:
        """The standard deviation the draw has for ``shape``: sqrt(scale / max(1, n))."""
        fan_in, fan_out = compute_fans(shape)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return math.sqrt(self.scale / max(1.0, n))

    def sample(self, shape, rng):
        std = self.target_std(shape)
        if self.distribution == "truncated_normal":
            return std / TRUNC_STD_CORRECTION * truncated_standard_normal(shape, rng)
        if self.distribution == "untruncated_normal":
            return std * rng.standard_normal(shape)
        limit = math.sqrt(3.0) * std
        return rng.uniform(-limit, limit, shape)


def _named(name: str, scale: float, mode: str, distribution: str) -> type[VarianceScaling]:
    """A parameterless VarianceScaling preset (``glorot_uniform`` etc.)."""

    def __init__(self) -> None:
        VarianceScaling.__init__(self, scale, mode, distribution)

    def get_config(self) -> dict:
        return {"type": name}

    def __repr__(self) -> str:
        return f"{cls_name}()"

    cls_name = "".join(part.capitalize() for part in name.split("_"))
    return type(cls_name, (VarianceScaling,), {"type_name": name, "config_keys": (), "__init__": __init__,
                                               "get_config": get_config, "__repr__": __repr__,
                                               "__doc__": f"VarianceScaling({scale}, {mode}, {distribution})."})


GlorotUniform = _named("glorot_uniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _named("glorot_normal", 1.0, "fan_avg", "truncated_normal")
HeUniform = _named("he_uniform", 2.0, "fan_in", "uniform")
HeNormal = _named("he_normal", 2.0, "fan_in", "truncated_normal")
LecunUniform = _named("lecun_uniform", 1.0, "fan_in", "uniform")
LecunNormal = _named("lecun_normal", 1.0, "fan_in", "truncated_normal")

INITIALIZERS: Registry = Registry("initializer", (
    GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, RandomNormal,
    RandomUniform, TruncatedNormal, Zeros, Ones, Constant, VarianceScaling))


def from_config(cfg: dict) -> Initializer:
    """Build an initialiser from ``{"type": name, ...parameters}`` (BadInput naming the key)."""
    return INITIALIZERS.from_config(cfg)


def get_initializer(name_or_cfg: str | dict | Initializer) -> Initializer:
    """An Initializer from a name (``"he_uniform"``), a config object, or an Initializer."""
    if isinstance(name_or_cfg, Initializer):
        return name_or_cfg
    if isinstance(name_or_cfg, str):
        if name_or_cfg not in INITIALIZERS:
            raise BadInput(f"unknown initializer {quote(name_or_cfg, 40)} (known: "
                           f"{', '.join(INITIALIZERS)})")
        return INITIALIZERS[name_or_cfg]()
    if not isinstance(name_or_cfg, dict):
        raise BadInput(f"must be a name or an object, got {json_type(name_or_cfg)}")
    return from_config(name_or_cfg)
