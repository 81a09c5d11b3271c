"""Design-file migrations: older format versions are rewritten step by step to the current one.

``MIGRATIONS[v]`` takes a design dict of version ``v`` and returns one of version ``v + 1``; they
run in order, so a version-0 file passes 0 -> 1 -> ... -> ``CURRENT_VERSION``. Migrations work on
plain JSON data, never execute anything from the file, and leave validation to ``engine.design``.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

from engine.errors import BadInput
from engine.limits import quote
from engine.validation import check_int

FORMAT = "network-playground/design"
CURRENT_VERSION = 1

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _migrate_v0_to_v1(d: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (the prototype's flat layout) -> version 1.

    Version 0 kept ``layers`` and ``input_dim`` at the top level, the data set as a plain name under
    ``dataset`` (with ``samples``/``noise`` beside it), ``loss`` and ``optimizer`` as plain names,
    the learning rate as ``lr`` and ``batch_size``/``epochs`` at the top level.
    """
    d = copy.deepcopy(d)
    out: dict[str, Any] = {"format": FORMAT, "version": 1}
    for key in ("name", "seed"):
        if key in d:
            out[key] = d.pop(key)
    d.pop("format", None)
    d.pop("version", None)
    data: dict[str, Any] = {}
    for old, new in (("dataset", "dataset"), ("samples", "samples"), ("noise", "noise")):
        if old in d:
            data[new] = d.pop(old)
    if data:
        out["data"] = data
    model: dict[str, Any] = {}
    if "input_dim" in d:
        model["input_dim"] = d.pop("input_dim")
    if "layers" in d:
        model["layers"] = d.pop("layers")
    out["model"] = model
    if "loss" in d:
        loss = d.pop("loss")
        out["loss"] = {"type": loss} if isinstance(loss, str) else loss
    optimizer = d.pop("optimizer", None)
    if isinstance(optimizer, str):
        optimizer = {"type": optimizer}
    lr = d.pop("lr", None)
    if lr is not None:
        if optimizer is not None and not isinstance(optimizer, dict):
            raise BadInput(f"must be a name or an object when lr is given, got {quote(optimizer)}",
                           "optimizer")
        optimizer = dict(optimizer or {"type": "sgd"})
        optimizer["learning_rate"] = lr
    if optimizer is not None:
        out["optimizer"] = optimizer
    training = {k: d.pop(k) for k in ("batch_size", "epochs", "shuffle") if k in d}
    if training:
        out["training"] = training
    out.update(d)  # anything left over is reported as unknown by the validator
    return out


MIGRATIONS: dict[int, Migration] = {0: _migrate_v0_to_v1}


def file_version(d: dict[str, Any]) -> int:
    """The ``version`` of a design dict, checked: a non-negative integer not newer than supported."""
    if "version" not in d:
        raise BadInput("missing (this program writes version %d)" % CURRENT_VERSION, "version")
    version = check_int(d["version"], "version", 0)
    if version > CURRENT_VERSION:
        raise BadInput(
            f"the file has format version {version}, newer than this program supports "
            f"({CURRENT_VERSION}); update Network Playground to open it", "version")
    return version


def migrate(d: dict[str, Any]) -> dict[str, Any]:
    """Bring a design dict of any supported version to ``CURRENT_VERSION`` (returns a new dict)."""
    if not isinstance(d, dict):
        raise BadInput(f"a design must be a JSON object, got {type(d).__name__}")
    fmt = d.get("format")
    if fmt != FORMAT:
        raise BadInput(f"must be {FORMAT!r}, got {quote(fmt)}" if "format" in d
                       else f"missing (expected {FORMAT!r})", "format")
    version = file_version(d)
    while version < CURRENT_VERSION:
        d = MIGRATIONS[version](d)
        if d.get("version") != version + 1:
            raise RuntimeError(f"migration from version {version} did not produce version {version + 1}")
        version += 1
    return d
