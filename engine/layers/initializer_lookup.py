"""Resolve initialiser configs through ``engine.initializers`` (with a small fallback until present)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from engine.errors import BadInput

Init = Callable[[tuple, np.random.Generator, Any], np.ndarray]


def _fans(shape: tuple) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[0], shape[1]


def _fallback(name: str) -> Init:
    def init(shape: tuple, rng: np.random.Generator, dtype: Any) -> np.ndarray:
        fan_in, fan_out = _fans(shape)
        if name == "zeros":
            return np.zeros(shape, dtype)
        if name == "ones":
            return np.ones(shape, dtype)
        if name == "glorot_uniform":
            lim = math.sqrt(6.0 / (fan_in + fan_out))
        elif name == "he_uniform":
            lim = math.sqrt(6.0 / fan_in)
        elif name == "lecun_uniform":
            lim = math.sqrt(3.0 / fan_in)
        else:
            std = {"random_normal": 0.05, "he_normal": math.sqrt(2.0 / fan_in),
                   "glorot_normal": math.sqrt(2.0 / (fan_in + fan_out)),
                   "lecun_normal": math.sqrt(1.0 / fan_in)}[name]
            return (rng.standard_normal(shape) * std).astype(dtype)
        return rng.uniform(-lim, lim, shape).astype(dtype)
    return init


_FALLBACK_NAMES = ("zeros", "ones", "glorot_uniform", "he_uniform", "lecun_uniform",
                   "random_normal", "he_normal", "glorot_normal", "lecun_normal")


def get_init(cfg: Any, path: str) -> Init:
    """Callable ``(shape, rng, dtype) -> array`` for an initialiser name or config object."""
    try:
        from engine.initializers import get_initializer
    except ImportError:
        get_initializer = None
    if get_initializer is not None:
        try:
            return get_initializer(cfg)
        except BadInput as err:
            raise err.at(path) from err
        except (TypeError, ValueError, KeyError) as err:
            raise BadInput(f"invalid initializer: {err}", path) from err
    name = cfg if isinstance(cfg, str) else (cfg or {}).get("type") if isinstance(cfg, dict) else None
    if name not in _FALLBACK_NAMES:
        raise BadInput(f"unknown initializer {cfg!r}", path)
    return _fallback(name)
