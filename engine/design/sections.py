"""Validation and normalisation of the sections of a design (used by ``engine.design``).

Every function takes the raw JSON value of one section and returns its normalised form (every key
explicit, defaults filled) or raises ``BadInput`` whose path names the bad field from the root of the
design (``model.layers[3].rate``). Sections owned by a registry (layers, loss, optimizer, schedule,
data) are delegated to its ``from_config`` and read back with ``get_config``.
"""
from __future__ import annotations

import importlib
import json
import math
from typing import Any, Callable

from engine.errors import BadInput
from engine.layers.base import MAX_UNITS  # noqa: F401 - one limit for layers and designs
from engine.layers.base import type_label as type_name  # JSON name of a value's type

from engine.limits import MAX_INPUT_DIM, MAX_JSON_DEPTH, MAX_PARAMETERS, quote  # noqa: E402,F401
MAX_EPOCHS = 1_000_000
MAX_BATCH_SIZE = 1_000_000
MAX_SEED = 2**63 - 1
MONITORS = ("loss", "val_loss", "accuracy", "val_accuracy")

TRAINING_DEFAULTS: dict[str, Any] = {"batch_size": 32, "epochs": 200, "shuffle": True,
                                     "early_stopping": None}
EARLY_STOPPING_DEFAULTS: dict[str, Any] = {"monitor": "val_loss", "patience": 0,
                                           "restore_best": False, "min_delta": 0.0}


def require_object(value: Any, path: str) -> dict[str, Any]:
    """``value`` itself if it is a JSON object, else BadInput at ``path``."""
    if not isinstance(value, dict):
        raise BadInput(f"must be an object, got {type_name(value)}", path or None)
    return value


def check_keys(d: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
    """Reject keys of ``d`` not in ``allowed``, naming the first unknown one."""
    for key in d:
        if key not in allowed:
            where = f"{path}.{key}" if path else str(key)
            raise BadInput(f"unknown key {quote(key, 40)} (allowed: {', '.join(allowed)})", where)


def as_int(value: Any, path: str, lo: int, hi: int) -> int:
    """An integer in [lo, hi] (booleans and floats such as 3.0 are refused)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"must be an integer, got {type_name(value)} {quote(value)}", path)
    if not lo <= value <= hi:
        raise BadInput(f"must be in [{lo}, {hi}], got {value}", path)
    return value


def as_float(value: Any, path: str, lo: float = -math.inf, hi: float = math.inf) -> float:
    """A finite number in [lo, hi], returned as float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadInput(f"must be a number, got {type_name(value)} {quote(value)}", path)
    try:
        value = float(value)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value) or not lo <= value <= hi:
        raise BadInput(f"must be a finite number in [{lo}, {hi}], got {value}", path)
    return value


def as_bool(value: Any, path: str) -> bool:
    """A JSON boolean."""
    if not isinstance(value, bool):
        raise BadInput(f"must be true or false, got {type_name(value)} {quote(value)}", path)
    return value


def canonical(value: Any) -> Any:
    """The JSON round trip of ``value`` (tuples -> lists, numpy scalars refused): save == load."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError) as err:
        raise BadInput(f"not JSON-safe: {err}") from err


def registry_factory(module_name: str, attr: str = "from_config") -> Callable[[Any], Any]:
    """``module.attr`` (dotted ``attr`` allowed, e.g. ``"DataConfig.from_config"``), imported lazily."""
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def delegate(module_name: str, cfg: Any, path: str, helper: str = "from_config") -> dict[str, Any]:
    """Normalise ``cfg`` through ``module.helper(cfg).get_config()``; errors get ``path`` prefixed.

    Any other exception from the registry (a TypeError from a bad value type, say) becomes a
    BadInput at ``path`` too, so loading a design raises nothing but BadInput.
    """
    factory = registry_factory(module_name, helper)
    try:
        return canonical(factory(cfg).get_config())
    except BadInput as err:
        raise err.at(path) from err
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as err:
        raise BadInput(f"invalid value: {quote(str(err))}", path or None) from err


def normalise_seed(value: Any) -> int:
    """``seed``: an integer in [0, 2**63 - 1]."""
    return as_int(value, "seed", 0, MAX_SEED)


def normalise_name(value: Any) -> str:
    """``name``: a string of at most 200 characters."""
    if not isinstance(value, str):
        raise BadInput(f"must be a string, got {type_name(value)}", "name")
    if len(value) > 200:
        raise BadInput(f"must be at most 200 characters, got {len(value)}", "name")
    return value


def normalise_training(value: Any) -> dict[str, Any]:
    """``training``: batch_size (int or "full"), epochs, shuffle, early_stopping (null | object)."""
    raw = require_object({} if value is None else value, "training")
    check_keys(raw, tuple(TRAINING_DEFAULTS), "training")
    out = {**TRAINING_DEFAULTS, **raw}
    if out["batch_size"] != "full":
        if isinstance(out["batch_size"], str):
            raise BadInput(f"must be a positive integer or \"full\", got {quote(out['batch_size'])}",
                           "training.batch_size")
        as_int(out["batch_size"], "training.batch_size", 1, MAX_BATCH_SIZE)
    as_int(out["epochs"], "training.epochs", 1, MAX_EPOCHS)
    as_bool(out["shuffle"], "training.shuffle")
    out["early_stopping"] = normalise_early_stopping(out["early_stopping"])
    return out


def normalise_early_stopping(value: Any) -> dict[str, Any] | None:
    """``training.early_stopping``: null, or {monitor, patience, restore_best, min_delta} as Keras."""
    path = "training.early_stopping"
    if value is None:
        return None
    raw = require_object(value, path)
    check_keys(raw, tuple(EARLY_STOPPING_DEFAULTS), path)
    out = {**EARLY_STOPPING_DEFAULTS, **raw}
    if out["monitor"] not in MONITORS:
        raise BadInput(f"must be one of {', '.join(MONITORS)}, got {quote(out['monitor'])}",
                       f"{path}.monitor")
    as_int(out["patience"], f"{path}.patience", 0, MAX_EPOCHS)
    as_bool(out["restore_best"], f"{path}.restore_best")
    # Keras takes abs(min_delta); we keep the file's number but insist it is not negative.
    out["min_delta"] = as_float(out["min_delta"], f"{path}.min_delta", 0.0)
    return out


def output_dim_and_params(layers: list[dict[str, Any]], input_dim: int) -> tuple[int, int]:
    """Width of the network's output and its parameter count (Keras ``count_params``: BN's moving
    statistics included). Layers without ``units`` keep the width."""
    dim, params = input_dim, 0
    for layer in layers:
        kind = layer.get("type")
        if "units" in layer:
            units = int(layer["units"])
            params += dim * units + (units if layer.get("use_bias", True) else 0)
            dim = units
        elif kind == "batch_norm":
            params += 4 * dim
        elif kind == "layer_norm":
            params += 2 * dim
        elif kind == "activation" and layer.get("function") == "prelu":
            params += dim
    return dim, params


def generated_id(kind: str, taken: set[str], counters: dict[str, int] | None = None) -> str:
    """A fresh layer id for a layer of type ``kind``: ``dense_1``, ``dense_2``, ... (unique in
    ``taken``). ``counters`` (type -> next number to try) carried over calls keeps generating
    ids for many layers linear."""
    counters = {} if counters is None else counters
    n = counters.get(kind, 1)
    while f"{kind}_{n}" in taken:
        n += 1
    counters[kind] = n + 1
    return f"{kind}_{n}"


def check_json_tree(value: Any) -> None:
    """BadInput unless ``value`` (parsed JSON) nests at most MAX_JSON_DEPTH deep and every
    string in it (keys too) is valid Unicode text (no lone surrogates). Iterative: any depth
    is safe to check."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise BadInput(f"nested more than {MAX_JSON_DEPTH} levels deep", path or None)
        if isinstance(item, str):
            _check_text(item, path)
        elif isinstance(item, dict):
            for key, sub in item.items():
                if isinstance(key, str):
                    _check_text(key, path)
                stack.append((sub, f"{path}.{key}" if path else str(key), depth + 1))
        elif isinstance(item, (list, tuple)):
            stack.extend((sub, f"{path}[{i}]", depth + 1) for i, sub in enumerate(item))


def _check_text(text: str, path: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        raise BadInput(f"holds a lone surrogate ({quote(text[err.start:err.end])} at position "
                       f"{err.start}): not valid Unicode text", _printable(path) or None) from None


def _printable(path: str) -> str:
    return path.encode("utf-8", "backslashreplace").decode("utf-8")
