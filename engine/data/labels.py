"""Turning raw targets into the engine's target arrays, and the task-detection rule.

Rule (file and inline data):
- text labels (any value that is not a number) -> classification, classes sorted by name;
- one numeric column of whole numbers in 0..19 (``MAX_AUTO_CLASSES``) -> classification with the
  values as class indices (names "0", "1", ... up to the largest);
- one numeric column of exactly two distinct whole numbers (e.g. -1/1, 1/2) -> binary, the
  smaller one class 0 (names are the values);
- several numeric columns that are one-hot rows (0/1, one 1 per row) -> multiclass indices;
- anything else -> regression (targets kept as given, one column per target).
Two classes are ``binary``, more ``multiclass``. Class targets are (n, 1) float class indices
while the data are prepared (subsampled, split, flipped); ``encode_targets`` then gives the loss
its targets (docs/FORMAT.md: the loss the design names decides):
- ``sparse_categorical_crossentropy`` (and no loss given): the class indices;
- ``categorical_crossentropy``: one-hot rows (n, n_classes);
- ``mse``, ``mae``, ``binary_crossentropy``: the targets as given (a -1/1 column stays -1/1, one-hot
  looking rows stay rows), so these losses see exactly the numbers in the data.
Regression targets are always kept as given.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from engine.errors import BadInput

MAX_AUTO_CLASSES = 20
from engine.limits import MAX_TEXT_CLASSES  # noqa: E402,F401


@dataclass(frozen=True)
class Targets:
    """Interpreted targets: ``y`` (n, k) float64, the task and the class (or target) names.

    ``raw`` says how class indices map back to the numbers the data gave: ``"index"`` (the same
    numbers, or text labels), ``"values"`` (index i stands for ``values[i]``), ``"one_hot"``
    (one-hot rows with ``len(class_names)`` columns).
    """

    y: np.ndarray
    task: str
    class_names: tuple[str, ...]
    raw: str = "index"
    values: tuple[float, ...] = ()

    def take(self, rows: np.ndarray) -> "Targets":
        """The same interpretation for the rows ``rows`` (int indices) only."""
        return replace(self, y=self.y[rows])

    def with_y(self, y: np.ndarray) -> "Targets":
        """The same interpretation over other (n, 1) class indices ``y``."""
        return replace(self, y=y)


def _task(n_classes: int) -> str:
    return "binary" if n_classes <= 2 else "multiclass"


def _name(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def from_text(labels: np.ndarray, where: str) -> Targets:
    """Text class labels (n,) -> indices in sorted-name order."""
    names, idx = np.unique(labels.astype(str), return_inverse=True)
    if names.size > MAX_TEXT_CLASSES:
        raise BadInput(f"the labels have {names.size} distinct text values; at most "
                       f"{MAX_TEXT_CLASSES} classes are allowed", where)
    y = idx.astype(np.float64).reshape(-1, 1)
    return Targets(y, _task(names.size), tuple(str(s) for s in names))


def from_numbers(y: np.ndarray) -> Targets:
    """Numeric targets (n, k) float64 (finite) -> classes or regression by the module's rule."""
    n, k = y.shape
    if k == 1 and n > 0 and np.all(y == np.round(y)):
        values = np.unique(y)
        if values[0] >= 0 and values[-1] < MAX_AUTO_CLASSES:
            n_classes = max(int(values[-1]) + 1, 2)
            names = tuple(str(i) for i in range(n_classes))
            return Targets(np.ascontiguousarray(y, dtype=np.float64), _task(n_classes), names)
        if values.size == 2:
            idx = np.searchsorted(values, y[:, 0]).astype(np.float64).reshape(-1, 1)
            return Targets(idx, "binary", tuple(_name(v) for v in values), "values",
                           tuple(float(v) for v in values))
    if k > 1 and n > 0 and np.all((y == 0) | (y == 1)) and np.all(y.sum(axis=1) == 1):
        idx = np.argmax(y, axis=1).astype(np.float64).reshape(-1, 1)
        return Targets(idx, _task(k), tuple(str(i) for i in range(k)), "one_hot")
    return Targets(np.ascontiguousarray(y, dtype=np.float64), "regression", ())


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """(n, 1) float class indices -> (n, n_classes) float64 one-hot rows."""
    idx = np.asarray(y, dtype=np.float64).reshape(-1).astype(np.int64)
    out = np.zeros((idx.size, n_classes), dtype=np.float64)
    out[np.arange(idx.size), idx] = 1.0
    return out


def class_counts(y: np.ndarray, n_classes: int) -> np.ndarray:
    """(n, 1) class indices -> (n_classes,) int64 counts."""
    return np.bincount(np.asarray(y).reshape(-1).astype(np.int64), minlength=n_classes)


CLASS_INDEX_LOSSES = ("sparse_categorical_crossentropy",)
ONE_HOT_LOSSES = ("categorical_crossentropy",)
RAW_TARGET_LOSSES = ("mse", "mae", "binary_crossentropy")


def encode_targets(y: np.ndarray, t: Targets, loss: str | None) -> np.ndarray:
    """The targets the loss ``loss`` trains on, from prepared targets ``y``.

    Parameters
    ----------
    y : (n, 1) float class indices (classification) or (n, k) regression targets.
    t : the interpretation of the data's targets (task, classes, ``raw``).
    loss : a loss type name, or None (class indices, the reporting view).

    Returns
    -------
    (n, 1) class indices, (n, n_classes) one-hot rows or (n, k) targets as the data gave them;
    float64, C-contiguous.
    """
    y = np.ascontiguousarray(y, dtype=np.float64)
    if t.task == "regression" or loss is None or loss in CLASS_INDEX_LOSSES:
        return y
    if loss in ONE_HOT_LOSSES:
        return one_hot(y, max(len(t.class_names), 2))
    if loss not in RAW_TARGET_LOSSES:
        return y
    if t.raw == "one_hot":
        return one_hot(y, len(t.class_names))
    if t.raw == "values":
        table = np.asarray(t.values, dtype=np.float64)
        return np.ascontiguousarray(table[y[:, 0].astype(np.int64)].reshape(-1, 1))
    return y


def class_target_values(t: Targets, loss: str | None) -> tuple[float, ...]:
    """The number a one-column target holds for each class, as ``encode_targets`` gives it
    (``t.values`` for the data's own numbers, else the indices); () for regression."""
    if t.task == "regression":
        return ()
    if loss in RAW_TARGET_LOSSES and t.raw == "values":
        return tuple(float(v) for v in t.values)
    return tuple(float(i) for i in range(max(len(t.class_names), 2)))
