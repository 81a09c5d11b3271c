"""Inline data: ``{"x_train": [[...]], "y_train": [[...]], "x_val": ..., "y_val": ...}``."""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.limits import MAX_INLINE_VALUES
from engine.validation import check_number


def _rows(value: Any, path: str) -> list[list[Any]]:
    """A list of rows (a list of scalars counts as one column); checks raggedness."""
    if not isinstance(value, (list, tuple)) or not value:
        raise BadInput("must be a non-empty array of rows", path)
    rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in value]
    width = len(rows[0])
    if width == 0:
        raise BadInput("has an empty row", f"{path}[0]")
    for i, row in enumerate(rows):
        if len(row) != width:
            raise BadInput(f"has {len(row)} values, row 0 has {width}", f"{path}[{i}]")
    if len(rows) * width > MAX_INLINE_VALUES:
        raise BadInput(f"holds more than {MAX_INLINE_VALUES:,} values; use a file", path)
    return rows


def _numbers(rows: list[list[Any]], path: str) -> np.ndarray:
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            check_number(v, f"{path}[{i}][{j}]")
    return np.ascontiguousarray(np.array(rows, dtype=np.float64))


def _targets(value: Any, path: str) -> np.ndarray:
    """(n, k) float64, or (n,) str for text class labels (one column only)."""
    rows = _rows(value, path)
    if any(isinstance(v, str) for row in rows for v in row):
        if len(rows[0]) != 1:
            raise BadInput("text class labels need exactly one value per row", f"{path}[0]")
        return np.array([str(r[0]) for r in rows])
    return _numbers(rows, path)


def parse_inline(value: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray | None,
                                                   np.ndarray | None]:
    """Validate inline arrays.

    Returns
    -------
    x_train (n, d) float64, y_train (n, k) float64 or (n,) str, x_val (m, d) | None,
    y_val | None.
    """
    for key in ("x_train", "y_train"):
        if value.get(key) is None:
            raise BadInput("missing", key)
    if (value.get("x_val") is None) != (value.get("y_val") is None):
        raise BadInput("x_val and y_val must be given together", "x_val")
    x_train = _numbers(_rows(value["x_train"], "x_train"), "x_train")
    y_train = _targets(value["y_train"], "y_train")
    _same_rows(x_train, y_train, "x_train", "y_train")
    if value.get("x_val") is None:
        return x_train, y_train, None, None
    x_val = _numbers(_rows(value["x_val"], "x_val"), "x_val")
    y_val = _targets(value["y_val"], "y_val")
    _same_rows(x_val, y_val, "x_val", "y_val")
    if x_val.shape[1] != x_train.shape[1]:
        raise BadInput(f"has {x_val.shape[1]} columns but x_train has {x_train.shape[1]}",
                       "x_val")
    if (y_val.ndim == 1) != (y_train.ndim == 1) or (
            y_val.ndim == 2 and y_val.shape[1] != y_train.shape[1]):
        raise BadInput("must have the same kind and number of columns as y_train", "y_val")
    return x_train, y_train, x_val, y_val


def _same_rows(x: np.ndarray, y: np.ndarray, xname: str, yname: str) -> None:
    if x.shape[0] != y.shape[0]:
        raise BadInput(f"has {y.shape[0]} rows but {xname} has {x.shape[0]}", yname)
