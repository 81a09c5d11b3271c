"""Checks of configuration values, written once for the design sections, the registries (layers,
optimisers, schedules, losses, initialisers, data), the session's arguments and checkpoints.

Each check returns the value in its normal form (``int``, ``float``, ``bool``, a dict with defaults
filled) or raises ``BadInput(message, path)``: the message says what is allowed and what was given
(``must be in [0, 1), got 1.5``), the path names the key (``rate``); callers prefix the section
with ``err.at("model.layers[3]")``. Numbers may be Python or numpy numbers, never booleans.
"""
from __future__ import annotations

import json
import math
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import numpy as np

from engine.errors import BadInput
from engine.limits import quote

__all__ = ["json_type", "require_object", "check_keys", "config_kwargs", "check_object",
           "check_bool", "check_int", "check_number", "positive", "non_negative", "rate",
           "optional_positive", "optional", "check_count", "check_batch_size", "canonical", "config_errors", "CONFIG_ERRORS"]

#: What a registry's ``from_config`` may raise besides BadInput for a value of the wrong kind.
CONFIG_ERRORS = (TypeError, ValueError, KeyError, AttributeError, OverflowError)


def json_type(value: Any) -> str:
    """The JSON name of a value's type, for messages (``null``, ``boolean``, ``number`` ...)."""
    if value is None:
        return "null"
    if isinstance(value, (bool, np.bool_)):
        return "boolean"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def require_object(value: Any, path: str | None) -> dict[str, Any]:
    """``value`` itself if it is a JSON object, else BadInput at ``path``."""
    if not isinstance(value, dict):
        raise BadInput(f"must be an object, got {json_type(value)}", path or None)
    return value


def check_keys(d: dict[str, Any], allowed: tuple[str, ...], path: str = "",
               ignore: tuple[str, ...] = ()) -> None:
    """BadInput naming the first key of ``d`` neither in ``allowed`` nor in ``ignore``."""
    for key in d:
        if key not in allowed and key not in ignore:
            where = f"{path}.{key}" if path else str(key)
            raise BadInput(f"unknown key {quote(key, 40)} (allowed: {', '.join(allowed)})", where)


def config_kwargs(cfg: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The keyword arguments of a registry config (``type`` dropped); BadInput for anything
    but an object and for unknown keys. What every ``from_config`` starts with."""
    require_object(cfg, None)
    check_keys(cfg, allowed, ignore=("type",))
    return {k: v for k, v in cfg.items() if k != "type"}


def check_object(value: Any, path: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """A JSON object with keys from ``defaults`` (missing ones filled); null gives the defaults."""
    if value is None:
        return dict(defaults)
    require_object(value, path)
    check_keys(value, tuple(defaults), path)
    return {**defaults, **value}


def check_bool(value: Any, path: str) -> bool:
    """A boolean (Python or numpy) as ``bool``."""
    if not isinstance(value, (bool, np.bool_)):
        raise BadInput(f"must be true or false, got {json_type(value)} {quote(value)}", path)
    return bool(value)


def _is_number(value: Any) -> bool:
    return not isinstance(value, (bool, np.bool_)) and isinstance(
        value, (int, float, np.integer, np.floating))


def check_int(value: Any, path: str, lo: int = 0, hi: int | None = None,
              whole_floats: bool = False) -> int:
    """An integer in [lo, hi] (no upper bound when ``hi`` is None) as ``int``; with
    ``whole_floats`` a float such as 3.0 counts as the integer it equals."""
    whole = whole_floats and isinstance(value, (float, np.floating)) and math.isfinite(value) \
        and float(value).is_integer()
    if not whole and (not _is_number(value) or not isinstance(value, (int, np.integer))):
        raise BadInput(f"must be an integer, got {json_type(value)} {quote(value)}", path)
    value = int(value)
    if value < lo or (hi is not None and value > hi):
        bound = f"in [{lo}, {hi}]" if hi is not None else f">= {lo}"
        raise BadInput(f"must be an integer {bound}, got {value}", path)
    return value


def check_count(value: Any, path: str, lo: int = 0, hi: int | None = None) -> int:
    """A count given by a program rather than a file (steps, a seed, passes): an integer in
    [lo, hi], Python or numpy, or a float that equals one."""
    return check_int(value, path, lo, hi, whole_floats=True)


def check_batch_size(value: Any, path: str, hi: int | None = None) -> int | str:
    """A batch size: ``"full"`` (the whole training set) or an integer in [1, hi]."""
    if isinstance(value, str) and value == "full":
        return "full"
    if not _is_number(value) or not isinstance(value, (int, np.integer)):
        raise BadInput(f'must be a positive integer or "full", got {quote(value)}', path)
    return check_int(value, path, 1, hi)


def _interval(lo: float, hi: float, lo_open: bool, hi_open: bool) -> str:
    if lo == -math.inf and hi == math.inf:
        return "finite"
    if hi == math.inf:
        return f"{'>' if lo_open else '>='} {lo:g}"
    if lo == -math.inf:
        return f"{'<' if hi_open else '<='} {hi:g}"
    return f"in {'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"


def check_number(value: Any, path: str, lo: float = -math.inf, hi: float = math.inf,
                 lo_open: bool = False, hi_open: bool = False, finite: bool = True) -> float:
    """A number in the interval (``lo_open`` / ``hi_open``: the bound itself excluded) as
    ``float``. ``finite=False`` lets NaN and the infinities the bounds allow through (a diverged
    run's figures in a checkpoint)."""
    if not _is_number(value):
        raise BadInput(f"must be a number, got {json_type(value)} {quote(value)}", path)
    try:
        v = float(value)
    except OverflowError:
        v = math.inf if value > 0 else -math.inf
    where = _interval(lo, hi, lo_open, hi_open)
    if finite and not math.isfinite(v):
        rule = "finite" if where == "finite" else f"a finite number {where}"
        raise BadInput(f"must be {rule}, got {v}", path)
    if (v <= lo if lo_open else v < lo) or (v >= hi if hi_open else v > hi):
        raise BadInput(f"must be {where}, got {v:g}", path)
    return v


def positive(value: Any, path: str) -> float:
    """A finite number > 0."""
    return check_number(value, path, 0.0, lo_open=True)


def non_negative(value: Any, path: str) -> float:
    """A finite number >= 0."""
    return check_number(value, path, 0.0)


def rate(value: Any, path: str) -> float:
    """A finite number in [0, 1)."""
    return check_number(value, path, 0.0, 1.0, hi_open=True)


def optional_positive(value: Any, path: str) -> float | None:
    """None (off) or a finite number > 0."""
    return optional(positive, value, path)


def optional(check: Callable[..., Any], value: Any, *args: Any, **kwargs: Any) -> Any:
    """None for None (null: "off"), else ``check(value, *args, **kwargs)``."""
    return None if value is None else check(value, *args, **kwargs)


def canonical(value: Any) -> Any:
    """The JSON round trip of ``value`` (tuples -> lists; NaN, infinities and objects JSON cannot
    hold refused): what a saved file reads back as."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as err:
        raise BadInput(f"not JSON-safe: {err}") from err


@contextmanager
def config_errors(path: str | None, what: str = "invalid value") -> Iterator[None]:
    """Around building a registry object from a config: its BadInput gets ``path`` prefixed, and
    any other error a value of the wrong kind may cause (CONFIG_ERRORS) becomes BadInput at
    ``path``, so building from a config raises nothing but BadInput."""
    try:
        yield
    except BadInput as err:
        if not path:
            raise
        raise err.at(path) from err
    except CONFIG_ERRORS as err:
        raise BadInput(f"{what} ({quote(str(err))})", path or None) from err
