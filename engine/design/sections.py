"""Validation and normalisation of the sections of a design (used by ``engine.design.format``).

Every function takes the raw JSON value of one section and returns its normalised form (every key
explicit, defaults filled) or raises ``BadInput`` whose path names the bad field from the root of the
design (``model.layers[3].rate``). Sections owned by a registry (layers, loss, optimizer, schedule,
data) are delegated to its ``from_config`` and read back with ``get_config``; the checks of single
values are engine.validation's.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from engine import layers as layer_registry
from engine import losses, optimizers, schedules
from engine.data import DataConfig, n_features
from engine.errors import BadInput
from engine.limits import MAX_INPUT_DIM, MAX_JSON_DEPTH, MAX_LAYERS, MAX_PARAMETERS, quote
from engine.validation import (canonical, check_batch_size, check_bool, check_int, check_keys, check_number,
                               config_errors, json_type, require_object)

MAX_EPOCHS = 1_000_000
MAX_BATCH_SIZE = 1_000_000
MAX_SEED = 2**63 - 1
MONITORS = ("loss", "val_loss", "accuracy", "val_accuracy")
MODEL_KEYS = ("input_dim", "layers")

TRAINING_DEFAULTS: dict[str, Any] = {"batch_size": 32, "epochs": 200, "shuffle": True,
                                     "early_stopping": None}
EARLY_STOPPING_DEFAULTS: dict[str, Any] = {"monitor": "val_loss", "patience": 0,
                                           "restore_best": False, "min_delta": 0.0}


def delegate(factory: Callable[[Any], Any], cfg: Any, path: str) -> dict[str, Any]:
    """Normalise ``cfg`` through ``factory(cfg).get_config()`` (a registry's ``from_config``);
    errors get ``path`` prefixed, and any other exception from the registry (a TypeError from a
    bad value type, say) becomes a BadInput at ``path`` too, so loading a design raises nothing
    but BadInput."""
    with config_errors(path):
        return canonical(factory(cfg).get_config())


def normalise_seed(value: Any) -> int:
    """``seed``: an integer in [0, 2**63 - 1]."""
    return check_int(value, "seed", 0, MAX_SEED)


def normalise_name(value: Any) -> str:
    """``name``: a string of at most 200 characters."""
    if not isinstance(value, str):
        raise BadInput(f"must be a string, got {json_type(value)}", "name")
    if len(value) > 200:
        raise BadInput(f"must be at most 200 characters, got {len(value)}", "name")
    return value


def normalise_training(value: Any) -> dict[str, Any]:
    """``training``: batch_size (int or "full"), epochs, shuffle, early_stopping (null | object)."""
    raw = require_object({} if value is None else value, "training")
    check_keys(raw, tuple(TRAINING_DEFAULTS), "training")
    out = {**TRAINING_DEFAULTS, **raw}
    out["batch_size"] = check_batch_size(out["batch_size"], "training.batch_size", MAX_BATCH_SIZE)
    out["epochs"] = check_int(out["epochs"], "training.epochs", 1, MAX_EPOCHS)
    out["shuffle"] = check_bool(out["shuffle"], "training.shuffle")
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
    out["patience"] = check_int(out["patience"], f"{path}.patience", 0, MAX_EPOCHS)
    out["restore_best"] = check_bool(out["restore_best"], f"{path}.restore_best")
    # Keras takes abs(min_delta); we keep the file's number but insist it is not negative.
    out["min_delta"] = check_number(out["min_delta"], f"{path}.min_delta", 0.0)
    return out


def typed_section(value: Any, path: str, default_type: str) -> dict[str, Any]:
    """A registry section: an object with ``type`` (a bare string is taken as the type)."""
    if value is None:
        return {"type": default_type}
    if isinstance(value, str):
        return {"type": value}
    raw = require_object(value, path)
    if "type" not in raw:
        raise BadInput("missing", f"{path}.type")
    if not isinstance(raw["type"], str):
        raise BadInput(f"must be a string, got {json_type(raw['type'])}", f"{path}.type")
    return raw


def normalise_data(value: Any) -> dict[str, Any]:
    """``data`` through engine.data's DataConfig."""
    raw = require_object({} if value is None else value, "data")
    return delegate(DataConfig.from_config, raw, "data")


def feature_count(data_cfg: dict[str, Any], base_dir: str | os.PathLike[str] | None) -> int | None:
    """Number of features the data give, or None when only loading the file can tell.

    A data file that cannot be read here is reported by the build (with its own message).
    """
    try:
        n = n_features(DataConfig.from_config(data_cfg),
                       Path(base_dir) if base_dir is not None else None)
    except (BadInput, OSError, ValueError):
        return None
    return int(n) if n is not None else None


def normalise_layers(value: Any) -> list[dict[str, Any]]:
    """``model.layers``: each through LAYERS; ids generated where missing, duplicates refused."""
    if not isinstance(value, list):
        raise BadInput(f"must be an array of layers, got {json_type(value)}", "model.layers")
    if not value:
        raise BadInput("must contain at least one layer", "model.layers")
    if len(value) > MAX_LAYERS:
        raise BadInput(f"{len(value):,} layers exceed the limit of {MAX_LAYERS}", "model.layers")
    taken: set[str] = set()
    for i, raw in enumerate(value):
        path = f"model.layers[{i}]"
        require_object(raw, path)
        if "id" in raw:
            lid = raw["id"]
            if not isinstance(lid, str) or not lid.strip() or len(lid) > 64:
                raise BadInput(f"must be a non-empty string of at most 64 characters, got "
                               f"{quote(lid)}", f"{path}.id")
            if lid in taken:
                raise BadInput(f"duplicate layer id {lid!r}", f"{path}.id")
            taken.add(lid)
    layers: list[dict[str, Any]] = []
    counters: dict[str, int] = {}  # next number per type: generating ids stays linear
    for i, raw in enumerate(value):
        path = f"model.layers[{i}]"
        if "type" not in raw:
            raise BadInput("missing", f"{path}.type")
        if not isinstance(raw["type"], str):
            raise BadInput(f"must be a string, got {json_type(raw['type'])}", f"{path}.type")
        raw = dict(raw)
        if "id" not in raw:
            raw["id"] = generated_id(raw["type"], taken, counters)
            taken.add(raw["id"])
        layers.append(delegate(layer_registry.from_config, raw, path))
    return layers


def normalise_model(value: Any, data: dict[str, Any],
                     base_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """``model``: {input_dim, layers}; input_dim checked against the data, parameter limit."""
    raw = require_object(value, "model")
    check_keys(raw, MODEL_KEYS, "model")
    if "layers" not in raw:
        raise BadInput("missing", "model.layers")
    layers = normalise_layers(raw["layers"])
    n_features = feature_count(data, base_dir)
    if "input_dim" in raw:
        input_dim = check_int(raw["input_dim"], "model.input_dim", 1, MAX_INPUT_DIM)
        if n_features is not None and input_dim != n_features:
            raise BadInput(f"is {input_dim} but the data give {n_features} features",
                           "model.input_dim")
    elif n_features is not None:
        input_dim = n_features
    else:
        raise BadInput("missing (the data's feature count is only known once the file is read)",
                       "model.input_dim")
    _, params = layer_registry.output_dim_and_params(layers, input_dim)
    if params > MAX_PARAMETERS:
        raise BadInput(f"{params:,} parameters exceed the limit of {MAX_PARAMETERS:,}",
                       "model.layers")
    return {"input_dim": input_dim, "layers": layers}


def default_loss_type(layers: list[dict[str, Any]]) -> str:
    """Loss when the file names none: from the output activation (sigmoid -> binary CE,
    softmax -> sparse categorical CE, otherwise mse)."""
    last = layers[-1] if layers else {}
    function = last.get("function") if last.get("type") == "activation" else last.get("activation")
    return {"sigmoid": "binary_crossentropy",
            "softmax": "sparse_categorical_crossentropy"}.get(function, "mse")


def normalise_loss(value: Any, model: dict[str, Any]) -> dict[str, Any]:
    """``loss`` through LOSSES (default chosen from the output activation)."""
    return delegate(losses.from_config,
                    typed_section(value, "loss", default_loss_type(model["layers"])), "loss")


def normalise_optimizer(value: Any) -> dict[str, Any]:
    """``optimizer`` through OPTIMIZERS (default sgd)."""
    return delegate(optimizers.from_config, typed_section(value, "optimizer", "sgd"), "optimizer")


def normalise_schedule(value: Any) -> dict[str, Any]:
    """``schedule`` through SCHEDULES (default constant)."""
    return delegate(schedules.from_config, typed_section(value, "schedule", "constant"),
                    "schedule")


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
