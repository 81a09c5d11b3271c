"""The arrays a TrainingSession trains on, derived from a DataSet and a loss (nothing of a
session changes here: the callers install the result once every check has passed)."""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.guard import check_fit
from engine.validation import check_batch_size


def table(y: Any, name: str, cols: int | None = None) -> np.ndarray:
    """Targets as a float64 (n, T) table (a 1-D array is one column)."""
    a = np.asarray(y)
    if a.dtype.kind not in "biuf":
        raise BadInput(f"{name} must hold numbers, got dtype {a.dtype}", "data")
    a = a.astype(np.float64)
    if a.ndim == 1:
        return a.reshape(-1, 1)
    if a.ndim == 2:
        return a
    if a.size == 0 and cols is not None:
        return a.reshape(0, cols)
    raise BadInput(f"{name} must be a table (rows, columns), got shape {a.shape}", "data")


def session_arrays(data: Any, loss: Any, model: Any) -> dict[str, Any]:
    """The session's arrays for ``data`` under ``loss`` (the guard first; nothing of the
    session changes; ``loss`` gets its class weights fitted)."""
    dt = model.dtype
    y = table(data.y_train, "y_train")
    yv = table(data.y_val, "y_val", y.shape[1])
    check_fit(model, loss, data.x_train, y, data.x_val, yv)
    x, xv = np.asarray(data.x_train), np.asarray(data.x_val)
    if x.dtype.kind not in "biuf" or not np.all(np.isfinite(x)) or (
            xv.size and (xv.dtype.kind not in "biuf" or not np.all(np.isfinite(xv)))):
        raise BadInput("the inputs must be finite numbers", "data")
    loss.fit_class_weights(y)
    with np.errstate(over="ignore"):
        out = {"x": np.ascontiguousarray(x, dt), "y": np.ascontiguousarray(y, dt),
               "sw": np.ascontiguousarray(loss.sample_weights(y), dt),
               "x_val": np.ascontiguousarray(xv.reshape(len(xv), x.shape[1]), dt),
               "y_val": np.ascontiguousarray(yv, dt), "n": int(x.shape[0])}
    for key in ("x", "y", "sw", "x_val", "y_val"):
        if not np.all(np.isfinite(out[key])):
            raise BadInput(f"values beyond the range of {np.dtype(dt).name} (about "
                           f"{float(np.finfo(dt).max):.1e}) in the "
                           f"{'inputs' if key.startswith('x') else 'targets or weights'}",
                           "data")
    return out


def batch_rows(batch_size: Any, n: int) -> tuple[int | str, int]:
    """(the option as given, rows per batch) for ``batch_size`` (int or "full")."""
    option = check_batch_size(batch_size, "batch_size")
    return option, n if option == "full" else min(int(option), n)
