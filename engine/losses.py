"""Losses (registry ``LOSSES``): config classes over ``engine/kernels/cpu/losses.py``.

Types: mse, mae, binary_crossentropy, categorical_crossentropy (one-hot targets),
sparse_categorical_crossentropy (targets ``(n, 1)`` float class indices). Reductions as docs/NUMERICS.md:
mse/mae/bce mean over outputs and batch (no 1/2); the categorical ones sum over classes, mean over
the batch; per-sample class weights multiply each sample's loss before the plain mean.

``class_weight``: ``None``; a dict ``{"0": w0, "1": w1, ...}`` (string keys as JSON; classes not
named weigh 1.0); or ``"balanced"``: ``w_c = n / (C * n_c)`` over the C classes present in the
training targets (scikit-learn's "balanced", the formula of Keras's imbalanced-data tutorial). That is
inverse to class frequency and normalised so the weights average 1 over the training *samples*
(sum_i w_{y_i} = n), which keeps the loss scale and the effective learning rate unchanged.
Class weights apply to the training loss only (as Keras): validation uses weight 1.

The class of a sample: sparse: ``y[:, 0]``; one target column: ``round(y[:, 0])`` clamped at 0 (bce,
or mse/mae on 0/1 or -1/1 labels: the data keep their own numbers for these losses, see
``engine.data.labels.encode_targets``); several target columns (one-hot): ``argmax``.
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from engine.errors import BadInput
from engine.kernels.cpu import losses as K
from engine.limits import MAX_CLASSES, quote
from engine.registry import Configurable, Registry
from engine.validation import non_negative


def _check_class_weight(value: Any) -> None | str | dict[str, float]:
    if value is None or value == "balanced":
        return value
    if not isinstance(value, dict):
        raise BadInput(f'must be null, "balanced" or an object like {{"0": 1.0, "1": 19.0}}, got {value!r}',
                       "class_weight")
    out: dict[str, float] = {}
    for key, w in value.items():
        skey = str(key)
        if not (skey.isascii() and skey.isdigit()):
            raise BadInput(f"class keys must be non-negative integers as strings, got "
                           f"{quote(key)}", f"class_weight.{skey[:40]}")
        if len(skey) > 12 or int(skey) >= MAX_CLASSES:
            raise BadInput(f"class {skey[:40]} is beyond the limit of {MAX_CLASSES} classes "
                           f"(indices 0..{MAX_CLASSES - 1})", f"class_weight.{skey[:40]}")
        out[str(int(skey))] = non_negative(w, f"class_weight.{skey}")
    return out


class Loss(Configurable):
    """Base: ``code``, ``task``, class weights, fusion with the output activation, a Python driver."""

    type_name: ClassVar[str] = ""
    code: ClassVar[int] = -1
    task: ClassVar[str] = "regression"
    fuses_with: ClassVar[str | None] = None  # output activation computed inside the loss from logits
    config_keys: ClassVar[tuple[str, ...]] = ("class_weight",)

    def __init__(self, class_weight: None | str | dict = None):
        self.class_weight = _check_class_weight(class_weight)
        self.class_weights_: np.ndarray | None = None  # per-class weights after fit_class_weights

    # ------------------------------------------------------------------ description
    def fusion(self, activation: str | None) -> int:
        """Fusion code for an output activation: 1 sigmoid+bce, 2 softmax+ce, else 0 (unfused)."""
        if activation is not None and activation == self.fuses_with:
            return K.FUSE_SIGMOID if activation == "sigmoid" else K.FUSE_SOFTMAX
        return K.FUSE_NONE

    def get_config(self) -> dict:
        cw = self.class_weight
        return {"type": self.type_name, "class_weight": dict(cw) if isinstance(cw, dict) else cw}

    # ------------------------------------------------------------------ class weights
    def classes_of(self, y: np.ndarray) -> np.ndarray:
        """(n,) int64 class index per sample (see module docstring)."""
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 1:
            y = y[:, None]
        if self.code == K.SPARSE_CCE or y.shape[1] == 1:
            return np.maximum(np.rint(y[:, 0]), 0).astype(np.int64)
        return np.argmax(y, axis=1).astype(np.int64)

    def fit_class_weights(self, y_train: np.ndarray) -> np.ndarray | None:
        """Compute (and keep) the per-class weight table from the training targets; None when off."""
        if self.class_weight is None:
            self.class_weights_ = None
            return None
        cls = self.classes_of(y_train)
        n_classes = int(cls.max()) + 1 if cls.size else 1
        table = np.ones(n_classes, dtype=np.float64)
        if self.class_weight == "balanced":
            counts = np.bincount(cls, minlength=n_classes).astype(np.float64)
            present = counts > 0
            table[present] = cls.size / (present.sum() * counts[present])
        else:
            for key, w in self.class_weight.items():  # type: ignore[union-attr]
                c = int(key)
                if c >= table.size:
                    table = np.concatenate([table, np.ones(c + 1 - table.size)])
                table[c] = w
        self.class_weights_ = table
        return table

    def sample_weights(self, y: np.ndarray) -> np.ndarray:
        """(n,) float64 per-sample weights from the class weights (ones when off).

        Uses the table of ``fit_class_weights`` (fitted on ``y`` itself when not fitted yet);
        classes beyond the table weigh 1.
        """
        n = np.asarray(y).shape[0]
        if self.class_weight is None:
            return np.ones(n, dtype=np.float64)
        if self.class_weights_ is None:
            self.fit_class_weights(y)
        table = self.class_weights_
        cls = self.classes_of(y)
        out = np.ones(n, dtype=np.float64)
        inside = cls < table.size  # type: ignore[union-attr]
        out[inside] = table[cls[inside]]  # type: ignore[index]
        return out

    # ------------------------------------------------------------------ python driver
    def value_and_grad(self, out: np.ndarray, y: np.ndarray, sw: np.ndarray | None = None,
                       fused: int = 0, want_grad: bool = True) -> tuple[float, np.ndarray]:
        """(loss, d loss / d out) through the kernel. out: (B, K); y: (B, T); sw: (B,) or None (ones)."""
        out = np.ascontiguousarray(out)
        y = np.ascontiguousarray(y, dtype=out.dtype)
        if y.ndim == 1:
            y = y[:, None]
        sw = np.ones(out.shape[0], out.dtype) if sw is None else np.ascontiguousarray(sw, dtype=out.dtype)
        grad = np.zeros_like(out)
        value = K.loss_forward_backward(self.code, int(fused), out, y, sw, grad, bool(want_grad))
        return float(value), grad

    def accuracy(self, out: np.ndarray, y: np.ndarray, fused: int = 0) -> float | None:
        """bce: fraction of outputs with (p > 0.5) == (y > 0.5) (logits: > 0); categorical: argmax
        matches; regression losses: None."""
        if self.task != "classification":
            return None
        out = np.ascontiguousarray(out)
        y = np.ascontiguousarray(y, dtype=out.dtype)
        return float(K.loss_correct(self.code, int(fused), out, y.reshape(out.shape[0], -1)))

    def check_targets(self, y: np.ndarray, n_outputs: int) -> None:
        """Raise BadInput when the targets ``y (n, T)`` do not fit this loss and ``n_outputs``."""
        y = np.asarray(y)
        t = 1 if y.ndim == 1 else y.shape[1]
        if self.code == K.SPARSE_CCE:
            if t != 1:
                raise BadInput(f"sparse targets need one column of class indices, got {t}", "loss.type")
            bad = (y < 0) | (y >= n_outputs) | (np.rint(y) != y)
            if np.any(bad):
                row = int(np.argwhere(bad.reshape(y.shape[0], -1))[0, 0])
                raise BadInput(f"class index {y.reshape(-1)[row]!r} not in 0..{n_outputs - 1}", f"row {row}")
        elif t != n_outputs:
            raise BadInput(f"the targets have {t} columns but the network has {n_outputs} outputs",
                           "loss.type")
        if self.code in (K.BCE, K.CCE) and np.any((y < 0) | (y > 1)):
            raise BadInput("cross-entropy targets must lie in [0, 1]", "loss.type")


class MeanSquaredError(Loss):
    type_name, code = "mse", K.MSE


class MeanAbsoluteError(Loss):
    type_name, code = "mae", K.MAE


class BinaryCrossentropy(Loss):
    type_name, code, task, fuses_with = "binary_crossentropy", K.BCE, "classification", "sigmoid"


class CategoricalCrossentropy(Loss):
    type_name, code, task, fuses_with = "categorical_crossentropy", K.CCE, "classification", "softmax"


class SparseCategoricalCrossentropy(Loss):
    type_name, code, task, fuses_with = ("sparse_categorical_crossentropy", K.SPARSE_CCE,
                                         "classification", "softmax")


LOSSES: Registry = Registry("loss type", (
    MeanSquaredError, MeanAbsoluteError, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy))


def from_config(cfg: dict) -> Loss:
    """Build a loss from a design file's ``loss`` section (BadInput naming the key)."""
    return LOSSES.from_config(cfg)
