"""Time series gathered from snapshots inside the worker, and the frozen frame the UI draws (Qt-free)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

SCALARS = ("loss", "epoch_loss", "val_loss", "accuracy", "val_accuracy", "lr")
PER_LAYER = ("grad_norm", "update_ratio", "dead_fraction", "saturated_fraction", "weight_norm")


def _num(v: Any) -> float:
    try:
        return float("nan") if v is None else float(v)
    except (TypeError, ValueError):
        return float("nan")


class History:
    """Per-step series in preallocated arrays, halved (every other point kept) when full.

    ``arrays()`` gives ``steps`` int64 (n,), each scalar float64 (n,), ``layer_steps`` (m,) and
    each per-layer series float64 (m, n_layers) (NaN where not applicable; restarted when the
    layer ids change), ``hist`` (k, n_layers, n_bins) normalised activation histograms and
    ``hist_steps`` (k,).
    """

    def __init__(self, capacity: int = 2000, hist_capacity: int = 120):
        self.capacity, self.hist_capacity = capacity, hist_capacity
        self.clear()

    def __repr__(self) -> str:
        return f"History(points={self._n}, layers={self._n_layers})"

    def clear(self) -> None:
        self._n = 0
        self._steps = np.zeros(self.capacity, dtype=np.int64)
        self._scalars = np.full((self.capacity, len(SCALARS)), np.nan)
        self._clear_layers(())

    def _clear_layers(self, signature: tuple) -> None:
        self._signature = signature
        self._n_layers = len(signature)
        self._m = 0
        self._layer_steps = np.zeros(self.capacity, dtype=np.int64)
        self._layers = np.full((self.capacity, len(PER_LAYER), self._n_layers), np.nan)
        self._hist: list[np.ndarray] = []
        self._hist_steps: list[int] = []

    def __len__(self) -> int:
        return self._n

    def add(self, snap: Any) -> None:
        """Append one snapshot's figures; the same step again replaces the last point, an
        earlier step (a reset) starts over."""
        step = int(snap.step)
        if self._n and step <= self._steps[self._n - 1]:
            if step < self._steps[self._n - 1]:
                self.clear()
            else:
                self._n -= 1
                if self._m and self._layer_steps[self._m - 1] == step:
                    self._m -= 1
                if self._hist_steps and self._hist_steps[-1] == step:
                    self._hist.pop()
                    self._hist_steps.pop()
        layers = tuple(getattr(snap, "layers", ()) or ())
        signature = tuple(getattr(ls, "id", i) for i, ls in enumerate(layers))
        if signature != self._signature:
            self._clear_layers(signature)
        if self._n == self.capacity:
            self._n = self._halve(self._steps, self._scalars, self._n)
        if self._m == self.capacity:
            self._m = self._halve(self._layer_steps, self._layers, self._m)
        self._steps[self._n] = step
        self._scalars[self._n] = [_num(getattr(snap, k, None)) for k in SCALARS]
        self._n += 1
        self._layer_steps[self._m] = step
        self._layers[self._m] = [[_num(getattr(ls, k, None)) for ls in layers] for k in PER_LAYER]
        self._m += 1
        self._add_hist(step, layers)

    def add_epoch(self, record: dict) -> None:
        """Append an epoch-end record of the session's history (``step``, ``loss``, ``val_loss``,
        ``accuracy``, ``val_accuracy``, ``lr``) as a point of the scalar series only: the epoch
        curves keep their shape when one chunk of training spans many epochs."""
        step = int(record.get("step", -1))
        if step < 0 or (self._n and step <= self._steps[self._n - 1]):
            return
        if self._n == self.capacity:
            self._n = self._halve(self._steps, self._scalars, self._n)
        values = {"epoch_loss": record.get("loss"), "val_loss": record.get("val_loss"),
                  "accuracy": record.get("accuracy"),
                  "val_accuracy": record.get("val_accuracy"), "lr": record.get("lr")}
        self._steps[self._n] = step
        self._scalars[self._n] = [_num(values.get(k)) for k in SCALARS]
        self._n += 1

    @staticmethod
    def _halve(steps: np.ndarray, values: np.ndarray, n: int) -> int:
        half = (n + 1) // 2
        steps[:half] = steps[:n:2]
        values[:half] = values[:n:2]
        return half

    def _add_hist(self, step: int, layers: tuple) -> None:
        counts = [getattr(ls, "act_hist_counts", None) for ls in layers]
        sizes = {len(c) for c in counts if c is not None}
        if len(sizes) != 1:
            return
        arr = np.zeros((len(layers), sizes.pop()))
        for i, c in enumerate(counts):
            if c is not None:
                arr[i] = np.asarray(c, dtype=np.float64) / max(float(np.sum(c)), 1.0)
        self._hist.append(arr)
        self._hist_steps.append(step)
        if len(self._hist) > self.hist_capacity:
            self._hist = self._hist[::2]
            self._hist_steps = self._hist_steps[::2]

    def arrays(self) -> dict[str, np.ndarray]:
        """Read-only copies of the series (see the class docstring)."""
        n, m = self._n, self._m
        out: dict[str, np.ndarray] = {"steps": self._steps[:n].copy(),
                                      "layer_steps": self._layer_steps[:m].copy()}
        for j, k in enumerate(SCALARS):
            out[k] = self._scalars[:n, j].copy()
        for j, k in enumerate(PER_LAYER):
            out[k] = self._layers[:m, j, :].copy()
        out["hist"] = (np.stack(self._hist) if self._hist else np.zeros((0, self._n_layers, 0)))
        out["hist_steps"] = np.asarray(self._hist_steps, dtype=np.int64)
        for v in out.values():
            v.setflags(write=False)
        return out


@dataclass(frozen=True)
class Boundary:
    """Model output over a grid in the plot's two input coordinates.

    ``xs`` (nx,), ``ys`` (ny,), ``z`` (ny, nx) model output (class-1 probability, argmax class or
    regression value; (1, nx) for a 1-D curve); ``points`` dict with ``x_train`` (n, 2),
    ``y_train`` (n,), ``x_val``, ``y_val``; ``kind`` is "binary", "multiclass", "regression"
    or "curve".
    """

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    points: dict
    kind: str


@dataclass(frozen=True)
class Frame:
    """Everything one UI redraw needs; built in the worker, never changed afterwards."""

    snapshot: Any
    history: dict
    markers: tuple = ()
    boundary: Boundary | None = None
    confusion: np.ndarray | None = None
    serial: int = 0
    extra: dict = field(default_factory=dict)
