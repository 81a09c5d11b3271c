"""Weights and checkpoint files (.npz; docs/FORMAT.md "Weights files", "Checkpoint files").

Weights: ``layers.{i}.{name}`` float32 arrays. A checkpoint adds ``optimizer.{param key}.{slot}``,
``optimizer.iterations`` and ``meta.json`` (a 0-d unicode array holding JSON: step, epoch, seed,
RNG counters, schedule and early-stopping state), enough for a bit-identical resume. Files are read
with ``allow_pickle=False``; every problem is a ``BadInput`` naming the file and the key.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.input_files import read_npz as read_npz_members, shown
from engine.limits import MAX_PARAMETERS, quote

META_KEY = "meta.json"
ITERATIONS_KEY = "optimizer.iterations"
CHECKPOINT_FORMAT = "network-playground/checkpoint"


def write_npz(path: str | os.PathLike[str], arrays: dict[str, np.ndarray]) -> Path:
    """Write ``arrays`` to exactly ``path`` (no ``.npz`` appended), atomically."""
    from engine.atomic import atomic_open
    path = Path(path)
    with atomic_open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return path


def read_npz(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """All arrays of an .npz file (no pickles); BadInput for a file that is not one. Every
    member's header is checked against the limits before its data are read (engine.input_files):
    at most MAX_PARAMETERS values per array, MAX_NPZ_BYTES in all."""
    return read_npz_members(path, MAX_PARAMETERS, shown(path))


def _check_weight_keys(expected: dict[str, np.ndarray], given: dict[str, np.ndarray],
                       source: str) -> dict[str, np.ndarray]:
    """Match ``given`` against the model's ``expected`` weights: keys, shapes, finite floats."""
    missing = [k for k in expected if k not in given]
    extra = [k for k in given if k not in expected]
    if missing:
        raise BadInput(f"missing weights {', '.join(missing)} (the model has "
                       f"{len(expected)} weight arrays)", source)
    if extra:
        raise BadInput(f"unexpected weights {', '.join(extra)} (not in this model)", source)
    out: dict[str, np.ndarray] = {}
    for key, want in expected.items():
        arr = given[key]
        if arr.shape != want.shape:
            raise BadInput(f"{key} has shape {tuple(arr.shape)}, the model expects "
                           f"{tuple(want.shape)}", source)
        if arr.dtype.kind not in "fiu":
            raise BadInput(f"{key} must hold numbers, got dtype {arr.dtype}", source)
        arr = np.ascontiguousarray(arr, dtype=np.float32)
        if not np.all(np.isfinite(arr)):
            raise BadInput(f"{key} holds NaN or infinite values", source)
        out[key] = arr
    return out


def save_weights(session: Any, path: str | os.PathLike[str]) -> Path:
    """Write the session's weights (``layers.{i}.{name}``, float32) to ``path``."""
    weights = {k: np.asarray(v, dtype=np.float32) for k, v in session.get_weights().items()}
    return write_npz(path, weights)


def load_weights(session: Any, path: str | os.PathLike[str]) -> None:
    """Load weights saved by :func:`save_weights` into ``session`` (BadInput on any mismatch)."""
    given = read_npz(path)
    # a checkpoint holds weights too: its optimizer state and meta data are not weights
    given = {k: v for k, v in given.items() if k != META_KEY and not k.startswith("optimizer.")}
    session.set_weights(_check_weight_keys(session.get_weights(), given, shown(path)))


def _layer_signature(session: Any) -> list[list[str]]:
    """(id, type) of each layer: a checkpoint only fits a session with the same layers."""
    return [[str(layer.id), str(layer.type_name)] for layer in session.model.layers]


def save_checkpoint(session: Any, path: str | os.PathLike[str]) -> Path:
    """Write everything needed for a bit-identical resume (``session.state_dict()``) to ``path``.

    Keys: ``layers.{i}.{name}``, ``optimizer.{param key}.{slot}``, ``optimizer.iterations`` and
    ``meta.json`` (0-d unicode JSON: step, epoch, seed, RNG counters, schedule and early-stopping
    state, plus the layer ids and types the checkpoint belongs to).
    """
    state = dict(session.state_dict())
    meta = json.loads(str(np.asarray(state.get(META_KEY, "{}"))))
    meta["format"] = CHECKPOINT_FORMAT
    meta["layers"] = _layer_signature(session)
    state[META_KEY] = np.array(json.dumps(meta))
    return write_npz(path, state)


def read_checkpoint_meta(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The ``meta.json`` of a checkpoint file as a dict (BadInput if absent or not JSON)."""
    return _meta(read_npz(path), shown(path))


def _meta(state: dict[str, np.ndarray], source: str) -> dict[str, Any]:
    if META_KEY not in state:
        raise BadInput(f"not a checkpoint: no {META_KEY} (a weights file? use --init-weights)",
                       source)
    raw = state[META_KEY]
    if raw.shape != () or raw.dtype.kind != "U":
        raise BadInput(f"{META_KEY} must be a 0-d unicode array, got {raw.dtype} {raw.shape}",
                       source)
    try:
        meta = json.loads(str(raw))
    except json.JSONDecodeError as err:
        raise BadInput(f"{META_KEY} is not valid JSON ({err.msg})", source) from err
    except RecursionError:
        raise BadInput(f"{META_KEY} is not valid JSON (nested too deeply)", source) from None
    if not isinstance(meta, dict) or meta.get("format") != CHECKPOINT_FORMAT:
        raise BadInput(f"{META_KEY} is not a Network Playground checkpoint", source)
    return meta


def _signature(meta: dict[str, Any], source: str) -> list[list[str]] | None:
    """meta.json "layers": [[id, type], ...] or absent."""
    have = meta.get("layers")
    if have is None:
        return None
    if not isinstance(have, list) or not all(
            isinstance(x, list) and len(x) == 2 and all(isinstance(v, str) for v in x)
            for x in have):
        raise BadInput(f"{META_KEY} layers must be [[id, type], ...], got {quote(have)}", source)
    return have


def load_checkpoint(session: Any, path: str | os.PathLike[str]) -> dict[str, Any]:
    """Restore a checkpoint written by :func:`save_checkpoint` into ``session`` (built from the
    same design); returns its meta data. BadInput naming the file and the key on any mismatch;
    the session is unchanged then (engine.session.restore validates everything first)."""
    source = shown(path)
    state = read_npz(path)
    meta = _meta(state, source)
    want = _layer_signature(session)
    have = _signature(meta, source)
    if have is not None and have != want:
        raise BadInput(f"was written for layers {_describe(have)}, the design has "
                       f"{_describe(want)}", source)
    expected = session.get_weights()
    given = {k: v for k, v in state.items() if k.startswith("layers.")}
    _check_weight_keys(expected, given, source)
    for key, arr in state.items():
        if key != META_KEY and arr.dtype.kind not in "fiu":
            raise BadInput(f"{quote(key, 60)} must hold numbers, got dtype {arr.dtype}", source)
    try:
        session.load_state_dict(state)
    except BadInput as err:
        raise BadInput(str(err), source) from err
    if getattr(session, "status", None) == "finished" and session.epoch < session.epochs:
        session.status = "running"  # resumed with more epochs than the checkpointed run had
    return meta


def _describe(signature: list[Any]) -> str:
    return "[" + ", ".join(f"{i}:{t}" for i, t in signature) + "]" if signature else "[]"
