"""Decision boundary and confusion matrix, computed in the worker thread (Qt-free)."""
from __future__ import annotations

from typing import Any

import numpy as np

from playground.history import Boundary

GRID = 64


def _predict(session: Any, x: np.ndarray) -> np.ndarray:
    out = session.predict(np.ascontiguousarray(x))
    if isinstance(out, tuple):
        out = out[0]
    return np.asarray(out, dtype=np.float64).reshape(len(x), -1)


def _arrays(session: Any) -> tuple[np.ndarray, np.ndarray, Any, Any] | None:
    """(x_train, y_train, x_val, y_val) of the session's data (no validation part: None, None);
    None without a session or data."""
    data = getattr(session, "data", None)
    if data is None or getattr(data, "x_train", None) is None:
        return None
    x_val = getattr(data, "x_val", None)
    y_val = getattr(data, "y_val", None)
    if x_val is not None and len(x_val) == 0:
        x_val = y_val = None
    return np.asarray(data.x_train), np.asarray(data.y_train), x_val, y_val


def _labels(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1).astype(np.float64)
    return y.reshape(-1)


def _kind(out: np.ndarray, y: np.ndarray) -> str:
    if out.shape[1] > 1:
        return "multiclass"
    vals = np.unique(y[: min(len(y), 2000)])
    return "binary" if np.all(np.isin(vals, (0.0, 1.0))) else "regression"


def _to_features(data: Any, xy: np.ndarray, n_features: int) -> np.ndarray | None:
    """Map plot coordinates (m, 2) or (m, 1) to the model's input features."""
    transform = getattr(data, "transform", None)
    raw = getattr(data, "raw_x_train", None)
    if callable(transform) and raw is not None and np.asarray(raw).shape[1] == xy.shape[1]:
        try:
            return np.asarray(transform(xy), dtype=np.float64)
        except Exception:  # noqa: BLE001 - fall back to identity below
            pass
    return xy if xy.shape[1] == n_features else None


def boundary_for(session: Any) -> Boundary | None:
    """Model output over a grid around the training points (2-D inputs; 1-D regression gives a
    curve with ``z`` of shape (1, nx)); None when the data are not plottable."""
    arrs = _arrays(session)
    if arrs is None:
        return None
    x_tr, y_tr, x_val, y_val = arrs
    data = session.data
    raw_tr = getattr(data, "raw_x_train", None)
    pts = np.asarray(raw_tr) if raw_tr is not None else x_tr
    if pts.ndim != 2 or pts.shape[1] > 2 or len(pts) == 0:
        return None
    domain = getattr(data, "raw_domain", None)
    if domain is not None and len(domain) == pts.shape[1]:
        lo, hi = np.array([d[0] for d in domain], float), np.array([d[1] for d in domain], float)
    else:
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1e-6)
        lo, hi = lo - pad, hi + pad
    xs = np.linspace(lo[0], hi[0], GRID)
    if pts.shape[1] == 1:
        feats = _to_features(data, xs[:, None], x_tr.shape[1])
        if feats is None:
            return None
        out = _predict(session, feats)
        z, ys, kind = out[:, :1].T.copy(), np.zeros(1), "curve"
    else:
        ys = np.linspace(lo[1], hi[1], GRID)
        gx, gy = np.meshgrid(xs, ys)
        feats = _to_features(data, np.column_stack([gx.ravel(), gy.ravel()]), x_tr.shape[1])
        if feats is None:
            return None
        out = _predict(session, feats)
        kind = getattr(data, "task", None) or _kind(out, _labels(y_tr))
        z = (np.argmax(out, axis=1) if kind == "multiclass" else out[:, 0]).reshape(GRID, GRID)
    plot_val = getattr(data, "raw_x_val", None) if raw_tr is not None else None
    points = {"x_train": pts, "y_train": _labels(y_tr),
              "x_val": (np.asarray(plot_val) if plot_val is not None else
                        (None if x_val is None else np.asarray(x_val)[:, :pts.shape[1]])),
              "y_val": None if y_val is None else _labels(y_val)}
    return Boundary(xs=xs, ys=ys, z=np.asarray(z, dtype=np.float64), points=points, kind=kind)


def confusion_for(session: Any, max_samples: int = 2000) -> np.ndarray | None:
    """Confusion matrix (true class rows, predicted class columns) on the validation data (the
    training data when there is none); None for regression."""
    arrs = _arrays(session)
    if arrs is None:
        return None
    x_tr, y_tr, x_val, y_val = arrs
    x, y = (x_val, y_val) if x_val is not None else (x_tr, y_tr)
    x, y = np.asarray(x)[:max_samples], np.asarray(y)[:max_samples]
    out = _predict(session, x)
    data = session.data
    if hasattr(data, "predicted_labels") and getattr(data, "is_classification", False):
        # The data set knows its classes whatever form the loss's targets take (one-hot, -1/1, ...).
        part = "val" if x_val is not None else "train"
        truth = np.asarray(data.class_labels(part)).reshape(-1)[:max_samples].astype(np.int64)
        pred = np.asarray(data.predicted_labels(out)).reshape(-1).astype(np.int64)
        # a head wider than the data's classes (sparse CE allows it) can predict any of its units
        n = max(int(data.n_classes), 2, int(pred.max()) + 1 if pred.size else 0,
                int(truth.max()) + 1 if truth.size else 0)
        cm = np.zeros((n, n), dtype=np.int64)
        np.add.at(cm, (truth, pred), 1)
        return cm
    truth = _labels(y)
    kind = getattr(session.data, "task", None) or _kind(out, truth)
    if kind == "regression":
        return None
    if kind == "binary":
        pred, n = (out[:, 0] >= 0.5).astype(np.int64), 2
    else:
        pred, n = np.argmax(out, axis=1), out.shape[1]
    truth = truth.astype(np.int64)
    n = max(n, int(truth.max()) + 1 if len(truth) else n)
    cm = np.zeros((n, n), dtype=np.int64)
    np.add.at(cm, (truth, pred), 1)
    return cm
