"""Subsampling classes, the (stratified) train/validation split and label flips."""
from __future__ import annotations

import numpy as np

from engine.errors import BadInput
from engine.limits import quote
from engine.data.labels import Targets


def _round(v: float) -> int:
    """Round half up (Python's round() rounds half to even)."""
    return int(np.floor(v + 0.5))


def class_index(t: Targets, key: str) -> int:
    """The class a ``class_fractions`` key names: a class name, else an index string."""
    if key in t.class_names:
        return t.class_names.index(key)
    if key.isdigit() and int(key) < len(t.class_names):
        return int(key)
    raise BadInput(f"unknown class {quote(key)} (classes: {', '.join(t.class_names)})",
                   f"class_fractions.{key}")


def apply_class_fractions(t: Targets, fractions: dict[str, float] | None,
                          rng: np.random.Generator) -> np.ndarray:
    """Indices of the samples kept: each named class keeps ``round(f * count)`` samples (at
    least one while it has any), chosen at random; order preserved. Returns (n_kept,) int64."""
    n = t.y.shape[0]
    if not fractions:
        return np.arange(n)
    if t.task == "regression":
        raise BadInput("needs class labels; these data have regression targets",
                       "class_fractions")
    labels = t.y[:, 0].astype(np.int64)
    keep = np.ones(n, dtype=bool)
    for key in sorted(fractions):
        c = class_index(t, key)
        members = np.flatnonzero(labels == c)
        n_keep = max(1, _round(fractions[key] * members.size)) if members.size else 0
        drop = rng.permutation(members)[n_keep:]
        keep[drop] = False
    return np.flatnonzero(keep)


def split_indices(t: Targets, train_fraction: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random train/validation indices, stratified by class for classification.

    ``n_train = round(train_fraction * n)`` clamped to [1, n]; per class the quotas are the
    largest-remainder rounding of ``train_fraction * count`` (so they sum to ``n_train``).
    Returns (train (n_train,), val (n - n_train,)) int64 indices in random order.
    """
    n = t.y.shape[0]
    n_train = min(n, max(1, _round(train_fraction * n)))
    perm = rng.permutation(n)
    if t.task == "regression" or n_train == n:
        return perm[:n_train], perm[n_train:]
    labels = t.y[perm, 0].astype(np.int64)
    classes, counts = np.unique(labels, return_counts=True)
    exact = counts * (n_train / n)
    quota = np.floor(exact).astype(np.int64)
    order = np.argsort(-(exact - quota), kind="stable")
    quota[order[: n_train - int(quota.sum())]] += 1
    in_train = np.zeros(n, dtype=bool)
    for c, q in zip(classes, quota):
        in_train[np.flatnonzero(labels == c)[:q]] = True
    return perm[in_train], perm[~in_train]


def _flip(y: np.ndarray, fraction: float, t: Targets, rng: np.random.Generator) -> np.ndarray:
    y = y.copy()
    n_flip = _round(fraction * y.shape[0])
    if n_flip == 0:
        return y
    idx = rng.choice(y.shape[0], size=n_flip, replace=False)
    if t.task == "binary":
        y[idx, 0] = 1.0 - y[idx, 0]
    else:
        k = len(t.class_names)
        y[idx, 0] = (y[idx, 0] + rng.integers(1, k, size=n_flip)) % k
    return y


def flip_labels(t: Targets, train: np.ndarray, val: np.ndarray, fraction: float,
                rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Targets of the train and validation parts with ``round(fraction * n)`` labels flipped in
    each (binary: 0 <-> 1; multiclass: a random other class). Returns ((n_tr, 1), (n_va, 1))."""
    y_tr, y_va = t.y[train], t.y[val]
    if fraction <= 0:
        return y_tr, y_va
    if t.task == "regression":
        raise BadInput("needs class labels; these data have regression targets", "label_flip")
    if len(t.class_names) < 2:
        raise BadInput("needs at least two classes; these data have one", "label_flip")
    return _flip(y_tr, fraction, t, rng), _flip(y_va, fraction, t, rng)
