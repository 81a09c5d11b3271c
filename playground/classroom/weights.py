"""Start the runs of a comparison from the same initial weights where that makes sense (Qt-free).

A layer of run B receives run A's initial weights when the two layers match: the same id (else the
same index), the same type, the same initialiser settings (a comparison *of* initialisers keeps its
difference) and the same weight shapes. Weights keys follow docs/FORMAT.md: ``layers.{i}.{name}``.
"""
from __future__ import annotations

from typing import Any

import numpy as np


def _init_settings(cfg: dict) -> dict:
    return {k: v for k, v in cfg.items() if k.endswith("_initializer")}


def matching_layers(src_layers: list[dict], dst_layers: list[dict]) -> dict[int, int]:
    """``{dst_index: src_index}`` for layers that may share initial weights.

    Parameters
    ----------
    src_layers, dst_layers : the ``model.layers`` lists of the two designs.
    """
    by_id = {cfg.get("id"): i for i, cfg in enumerate(src_layers) if cfg.get("id") is not None}
    out: dict[int, int] = {}
    for j, cfg in enumerate(dst_layers):
        i = by_id.get(cfg.get("id"), j if j < len(src_layers) else None)
        if i is None:
            continue
        src = src_layers[i]
        if src.get("type") == cfg.get("type") and _init_settings(src) == _init_settings(cfg):
            out[j] = i
    return out


def share_initial_weights(src: Any, src_design: dict, dst: Any, dst_design: dict) -> list[str]:
    """Copy ``src``'s weights into ``dst`` for every matching layer with equal shapes.

    ``src``/``dst`` are sessions (``get_weights()``/``set_weights()``, docs/FORMAT.md keys); the
    designs are dicts. Returns the destination keys that were copied.
    """
    pairs = matching_layers(src_design["model"]["layers"], dst_design["model"]["layers"])
    a, b = src.get_weights(), dst.get_weights()
    copied: list[str] = []
    for key in list(b):
        parts = key.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        i = pairs.get(int(parts[1]))
        if i is None:
            continue
        src_key = f"layers.{i}.{parts[2]}"
        if src_key in a and np.shape(a[src_key]) == np.shape(b[key]):
            b[key] = np.array(a[src_key], copy=True)
            copied.append(key)
    if copied:
        dst.set_weights(b)
    return copied
