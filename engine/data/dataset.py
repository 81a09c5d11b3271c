"""DataSet: the prepared arrays the training session uses, plus what the app needs to draw them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from engine.data.features import Standardizer, apply_crosses
from engine.data.labels import class_counts, one_hot


@dataclass(frozen=True, eq=False)
class DataSet:
    """Training and validation arrays after features, split and standardisation.

    Attributes
    ----------
    x_train (n, f), y_train (n, k), x_val (m, f), y_val (m, k) : float64, C-contiguous; the
        validation part may have 0 rows. The targets as the design's loss takes them
        (``load_dataset``'s ``loss``): class indices (n, 1) (binary: 0/1), one-hot rows
        (n, n_classes) or the numbers the data gave; regression targets (n, k) floats.
    feature_names : (f,) names of the model's inputs.
    task : ``"binary"``, ``"multiclass"`` or ``"regression"``.
    class_names : names of the classes (index order); empty for regression.
    target_names : names of the target columns.
    mean, std : (f,) the standardisation (fitted on the training part; identity when off).
    raw_x_train (n, r), raw_x_val (m, r) : the samples before crosses and standardisation
        (for scatter plots in the data's own coordinates).
    raw_names : (r,) names of the raw columns; raw_domain : (lo, hi) per raw column, the area
        to draw (TF Playground's [-6, 6] for generators).
    labels_train (n, 1), labels_val (m, 1) : float class indices of class data (None: the
        targets are the indices, or a regression); see ``class_labels``.
    class_target_values : (n_classes,) the number a one-column target holds for each class
        (e.g. (-1.0, 1.0) for -1/1 data under mse; () for regression); see ``predicted_labels``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    feature_names: tuple[str, ...]
    task: str
    class_names: tuple[str, ...]
    target_names: tuple[str, ...]
    mean: np.ndarray
    std: np.ndarray
    standardized: bool
    raw_x_train: np.ndarray
    raw_x_val: np.ndarray
    raw_names: tuple[str, ...]
    raw_domain: tuple[tuple[float, float], ...]
    source: str = ""
    crosses: tuple[str, ...] | None = field(default=None, repr=False)
    labels_train: np.ndarray | None = field(default=None, repr=False)
    labels_val: np.ndarray | None = field(default=None, repr=False)
    class_target_values: tuple[float, ...] = field(default=(), repr=False)

    # sizes -------------------------------------------------------------------------------
    @property
    def n_train(self) -> int:
        return int(self.x_train.shape[0])

    @property
    def n_val(self) -> int:
        return int(self.x_val.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def n_targets(self) -> int:
        return int(self.y_train.shape[1])

    @property
    def n_classes(self) -> int:
        """Number of classes; 0 for regression."""
        return 0 if self.task == "regression" else len(self.class_names)

    @property
    def is_classification(self) -> bool:
        return self.task != "regression"

    # targets -----------------------------------------------------------------------------
    def class_labels(self, part: str = "train") -> np.ndarray:
        """(n, 1) float class indices of the ``"train"`` or ``"val"`` part, whatever form the
        loss's targets ``y_train``/``y_val`` have (class data only)."""
        if not self.is_classification:
            raise ValueError("class_labels() needs class targets; this data set is a regression")
        if part not in ("train", "val"):
            raise ValueError(f"part must be 'train' or 'val', got {part!r}")
        labels = self.labels_train if part == "train" else self.labels_val
        return labels if labels is not None else (self.y_train if part == "train" else self.y_val)

    def predicted_labels(self, out: np.ndarray) -> np.ndarray:
        """Network outputs (m, k) (probabilities or values, not logits) -> (m,) int64 classes:
        argmax over several outputs; one output: the class whose target value is nearest
        (0.5 threshold for 0/1 targets, 0 for -1/1 targets; class data only)."""
        if not self.is_classification:
            raise ValueError("predicted_labels() needs class targets; this data set is a regression")
        out = np.asarray(out, dtype=np.float64)
        out = out.reshape(out.shape[0], -1)
        if out.shape[1] > 1:
            return np.argmax(out, axis=1).astype(np.int64)
        values = np.asarray(self.class_target_values or range(max(self.n_classes, 2)), np.float64)
        order = np.argsort(values, kind="stable")
        mids = (values[order][1:] + values[order][:-1]) / 2.0
        return order[np.searchsorted(mids, out[:, 0], side="right")].astype(np.int64)

    def one_hot(self, y: np.ndarray | None = None) -> np.ndarray:
        """Class indices (n, 1) (default: the training labels) -> (n, n_classes) one-hot float64."""
        if not self.is_classification:
            raise ValueError("one_hot() needs class targets; this data set is a regression")
        return one_hot(self.class_labels() if y is None else y, max(self.n_classes, 2))

    def class_balance(self) -> dict[str, dict[str, int]]:
        """Counts per class: ``{"train": {name: count}, "val": {name: count}}`` (empty for
        regression)."""
        if not self.is_classification:
            return {"train": {}, "val": {}}
        k = self.n_classes
        out = {}
        for part in ("train", "val"):
            y = self.class_labels(part)
            counts = class_counts(y, k) if y.shape[0] else np.zeros(k, dtype=np.int64)
            out[part] = {name: int(c) for name, c in zip(self.class_names, counts[:k])}
        return out

    # the feature pipeline ----------------------------------------------------------------
    def transform(self, x_raw: np.ndarray) -> np.ndarray:
        """Raw samples (m, r) -> model inputs (m, f): crosses (generators), then standardising."""
        x_raw = np.asarray(x_raw, dtype=np.float64)
        if x_raw.ndim != 2 or x_raw.shape[1] != len(self.raw_names):
            raise ValueError(f"transform() needs shape (m, {len(self.raw_names)}), "
                             f"got {x_raw.shape}")
        x = apply_crosses(x_raw, self.crosses) if self.crosses is not None else x_raw
        return np.ascontiguousarray((x - self.mean) / self.std, dtype=np.float64)

    @property
    def plot_dims(self) -> int | None:
        """1 or 2 when the raw data can be drawn (curve / decision boundary), else None."""
        return len(self.raw_names) if len(self.raw_names) in (1, 2) else None

    def grid_axes(self, n: int) -> tuple[np.ndarray, ...]:
        """``n`` evenly spaced raw coordinates per raw column over ``raw_domain`` (1-D/2-D data)."""
        if self.plot_dims is None:
            raise ValueError(f"grids exist for 1- or 2-column data, not {len(self.raw_names)}")
        return tuple(np.linspace(lo, hi, n) for lo, hi in self.raw_domain)

    def grid_raw(self, n: int) -> np.ndarray:
        """Raw grid points: (n*n, 2) for 2-D data, point k = (xs[k % n], ys[k // n]) so a
        prediction reshaped to (n, n) is indexed [y, x]; (n, 1) for 1-D data."""
        axes = self.grid_axes(n)
        if len(axes) == 1:
            return axes[0].reshape(-1, 1).copy()
        gx, gy = np.meshgrid(axes[0], axes[1], indexing="xy")
        return np.ascontiguousarray(np.stack([gx.ravel(), gy.ravel()], axis=1))

    def grid(self, n: int) -> np.ndarray:
        """``transform(grid_raw(n))``: model inputs for the grid, (n*n, f) or (n, f)."""
        return self.transform(self.grid_raw(n))

    def summary(self) -> str:
        """One line for the UI: source, task, sizes."""
        classes = f", {self.n_classes} classes" if self.is_classification else ""
        return (f"{self.source}: {self.task}{classes}, {self.n_features} features, "
                f"{self.n_train} train / {self.n_val} validation samples")

    def __repr__(self) -> str:
        return f"DataSet({self.summary()})"


def make_dataset(raw_train: np.ndarray, raw_val: np.ndarray, *, y_train: np.ndarray,
                 y_val: np.ndarray, feature_names: Sequence[str], crosses: Sequence[str] | None,
                 standardize: bool, task: str, class_names: Sequence[str],
                 target_names: Sequence[str], raw_names: Sequence[str],
                 raw_domain: Sequence[tuple[float, float]] | None, source: str,
                 labels_train: np.ndarray | None = None,
                 labels_val: np.ndarray | None = None,
                 class_target_values: Sequence[float] = ()) -> DataSet:
    """Apply crosses, fit the standardiser on the training part and assemble a ``DataSet``.

    ``raw_train`` (n, r), ``raw_val`` (m, r): samples before crosses; ``y_train`` (n, k),
    ``y_val`` (m, k): the loss's targets; ``labels_*`` (n, 1): class indices of class data.
    """
    cr = tuple(crosses) if crosses is not None else None
    feats = (apply_crosses(raw_train, cr), apply_crosses(raw_val, cr)) if cr is not None \
        else (raw_train, raw_val)
    st = Standardizer(feats[0], enabled=standardize)
    if raw_domain is None:
        raw_domain = _data_domain(np.concatenate([raw_train, raw_val]))
    c = np.ascontiguousarray
    return DataSet(
        x_train=st(feats[0]), y_train=c(y_train, dtype=np.float64),
        x_val=st(feats[1]), y_val=c(y_val, dtype=np.float64),
        feature_names=tuple(feature_names), task=task, class_names=tuple(class_names),
        target_names=tuple(target_names), mean=st.mean.copy(), std=st.std.copy(),
        standardized=bool(standardize), raw_x_train=c(raw_train, dtype=np.float64),
        raw_x_val=c(raw_val, dtype=np.float64), raw_names=tuple(raw_names),
        raw_domain=tuple((float(lo), float(hi)) for lo, hi in raw_domain),
        source=source, crosses=cr, labels_train=_labels(labels_train),
        labels_val=_labels(labels_val),
        class_target_values=tuple(float(v) for v in class_target_values))


def _labels(y: np.ndarray | None) -> np.ndarray | None:
    return None if y is None else np.ascontiguousarray(y, dtype=np.float64).reshape(-1, 1)


def _data_domain(x: np.ndarray) -> tuple[tuple[float, float], ...]:
    """Data range per column with a 5 % margin (a constant column gets +-1)."""
    out = []
    for j in range(x.shape[1]):
        lo, hi = float(x[:, j].min()), float(x[:, j].max())
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        out.append((lo - pad, hi + pad))
    return tuple(out)
