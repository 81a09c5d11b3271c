"""Reading ``.npz`` data files: ``x_train``, ``y_train`` and optionally ``x_val``, ``y_val``."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.data.files import MAX_ROWS, MAX_VALUES, DataFileError, RawData
from engine.errors import BadInput
from engine.input_files import read_npz as read_npz_members


WANTED = ("x_train", "y_train", "x_val", "y_val")


def _open(p: Path, name: str, headers_only: bool = False) -> dict:
    """The wanted arrays of a data .npz (headers checked before any data are read)."""
    try:
        headers = read_npz_members(p, MAX_VALUES, name, headers_only=True)
        for key in ("x_train", "y_train"):
            if key not in headers:
                shown = ", ".join(list(headers)[:8]) + (", ..." if len(headers) > 8 else "")
                raise DataFileError(f'no array "{key}" (arrays: {shown or "none"})', name)
        if headers_only:
            return {k: v for k, v in headers.items() if k in WANTED}
        return read_npz_members(p, MAX_VALUES, name, keys=WANTED)
    except DataFileError:
        raise
    except BadInput as err:
        message = err.message.removeprefix("is ")
        if message.startswith("not an .npz file"):
            message = "not a valid .npz file (not a zip archive)"
        raise DataFileError(message, name) from None


def _features(a: np.ndarray, key: str, name: str) -> np.ndarray:
    if a.dtype.kind not in "biuf":
        raise DataFileError(f"must hold numbers, got dtype {a.dtype}", f"{name}: {key}")
    if a.ndim == 0 or a.shape[0] == 0 or a.size == 0:
        raise DataFileError(f"must have at least one row and column, got shape {a.shape}",
                            f"{name}: {key}")
    if a.size > MAX_VALUES or a.shape[0] > MAX_ROWS:
        raise DataFileError(f"{a.shape[0]:,} rows, {a.size:,} values: at most {MAX_ROWS:,} rows "
                            f"and {MAX_VALUES:,} values", f"{name}: {key}")
    x = np.ascontiguousarray(a.reshape(a.shape[0], -1), dtype=np.float64)
    _finite(x, key, name)
    return x


def _targets(a: np.ndarray, key: str, name: str) -> np.ndarray:
    if a.dtype.kind in "US":
        if a.ndim == 2 and a.shape[1] == 1:
            a = a[:, 0]
        if a.ndim != 1 or a.shape[0] == 0:
            raise DataFileError(f"text labels must be one column, got shape {a.shape}",
                                f"{name}: {key}")
        try:
            return a.astype(str)
        except UnicodeDecodeError:
            raise DataFileError("text labels must be ASCII or UTF-8 text", f"{name}: {key}") \
                from None
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.ndim != 2:
        raise DataFileError(f"must be 1-D or 2-D, got shape {a.shape}", f"{name}: {key}")
    return _features(a, key, name)


def _finite(x: np.ndarray, key: str, name: str) -> None:
    bad = ~np.isfinite(x)
    if bad.any():
        i, j = np.unravel_index(int(np.argmax(bad)), x.shape)
        raise DataFileError(f"not finite ({x[i, j]})", f"{name}: {key}[{i}, {j}]")


def read_npz(p: Path, name: str) -> RawData:
    """Read and check an ``.npz`` data file (loaded with ``allow_pickle=False``)."""
    arrays = _open(p, name)
    if ("x_val" in arrays) != ("y_val" in arrays):
        raise DataFileError("x_val and y_val must be given together", name)
    x_train = _features(arrays["x_train"], "x_train", name)
    y_train = _targets(arrays["y_train"], "y_train", name)
    _rows_match(x_train, y_train, "x_train", "y_train", name)
    x_val = y_val = None
    if "x_val" in arrays:
        x_val = _features(arrays["x_val"], "x_val", name)
        y_val = _targets(arrays["y_val"], "y_val", name)
        _rows_match(x_val, y_val, "x_val", "y_val", name)
        if x_val.shape[1] != x_train.shape[1]:
            raise DataFileError(f"x_val has {x_val.shape[1]} columns but x_train has "
                                f"{x_train.shape[1]}", name)
        if y_val.ndim != y_train.ndim or y_val.shape[1:] != y_train.shape[1:]:
            raise DataFileError(f"y_val has shape {y_val.shape} but y_train has "
                                f"{y_train.shape}: columns differ", name)
    d = x_train.shape[1]
    k = 1 if y_train.ndim == 1 else y_train.shape[1]
    return RawData(x_train, y_train, x_val, y_val, tuple(f"x{j + 1}" for j in range(d)),
                   tuple(f"y{j + 1}" for j in range(k)) if k > 1 else ("y",))


def _rows_match(x: np.ndarray, y: np.ndarray, xk: str, yk: str, name: str) -> None:
    if x.shape[0] != y.shape[0]:
        raise DataFileError(f"{xk} has {x.shape[0]} rows but {yk} has {y.shape[0]}", name)


def npz_feature_count(p: Path, name: str) -> int:
    """Number of feature columns of ``x_train`` (from its header; no data read)."""
    _, shape = _open(p, name, headers_only=True)["x_train"]
    return int(np.prod(shape[1:])) if len(shape) > 1 else 1
