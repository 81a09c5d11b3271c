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
    """Growing per-step series, decimated by 2 when longer than ``capacity``.

    ``scalars[name]`` is float64 (n,); ``layers[name]`` is float64 (n, n_layers) (NaN where not
    applicable); ``steps`` int64 (n,). Activation histograms of every layer are kept as
    ``act_hist`` float64 (n_hist, n_layers, n_bins) at most ``hist_capacity`` entries.
    """

    def __init__(self, capacity: int = 4000, hist_capacity: int = 120):
        self.capacity, self.hist_capacity = capacity, hist_capacity
        self.clear()

    def __repr__(self) -> str:
        return f"History(points={len(self._steps)}, layers={self._n_layers})"

    def clear(self) -> None:
        self._steps: list[int] = []
        self._scalars: dict[str, list[float]] = {k: [] for k in SCALARS}
        self._layers: dict[str, list[list[float]]] = {k: [] for k in PER_LAYER}
        self._hist: list[np.ndarray] = []
        self._hist_steps: list[int] = []
        self._layer_steps: list[int] = []
        self._n_layers = 0
        self._signature: tuple = ()

    def add(self, snap: Any) -> None:
        """Append one snapshot's figures (a snapshot older than the newest is ignored)."""
        step = int(snap.step)
        if self._steps and step <= self._steps[-1]:
            if step < self._steps[-1]:
                self.clear()
            else:
                self._replace_last(snap)
                return
        layers = tuple(getattr(snap, "layers", ()) or ())
        signature = tuple(getattr(ls, "id", i) for i, ls in enumerate(layers))
        if signature != self._signature:
            self._signature = signature
            self._layers = {k: [] for k in PER_LAYER}
            self._layer_steps = []
            self._hist, self._hist_steps = [], []
            self._n_layers = len(layers)
        self._steps.append(step)
        for k in SCALARS:
            self._scalars[k].append(_num(getattr(snap, k, None)))
        self._layer_steps.append(step)
        for k in PER_LAYER:
            self._layers[k].append([_num(getattr(ls, k, None)) for ls in layers])
        self._add_hist(step, layers)
        if len(self._steps) > self.capacity:
            self._decimate()

    def _replace_last(self, snap: Any) -> None:
        """Same step again (e.g. after a structural edit): drop the old point, add the new."""
        self._steps.pop()
        for v in self._scalars.values():
            v.pop()
        if self._layer_steps and self._layer_steps[-1] == int(snap.step):
            self._layer_steps.pop()
            for v in self._layers.values():
                v.pop()
        if self._hist_steps and self._hist_steps[-1] == int(snap.step):
            self._hist_steps.pop()
            self._hist.pop()
        self.add(snap)

    def _add_hist(self, step: int, layers: tuple) -> None:
        counts = [getattr(ls, "act_hist_counts", None) for ls in layers]
        sizes = {len(c) for c in counts if c is not None}
        if len(sizes) != 1:
            return
        n_bins = sizes.pop()
        arr = np.zeros((len(layers), n_bins))
        for i, c in enumerate(counts):
            if c is not None:
                total = max(float(np.sum(c)), 1.0)
                arr[i] = np.asarray(c, dtype=np.float64) / total
        self._hist.append(arr)
        self._hist_steps.append(step)
        if len(self._hist) > self.hist_capacity:
            self._hist = self._hist[::2]
            self._hist_steps = self._hist_steps[::2]

    def _decimate(self) -> None:
        keep = slice(None, None, 2)
        self._steps = self._steps[keep]
        self._scalars = {k: v[keep] for k, v in self._scalars.items()}
        if len(self._layer_steps) > self.capacity // 2:
            self._layer_steps = self._layer_steps[keep]
            self._layers = {k: v[keep] for k, v in self._layers.items()}

    def __len__(self) -> int:
        return len(self._steps)

    def arrays(self) -> dict[str, np.ndarray]:
        """Copies: ``steps``, each scalar, each per-layer series (aligned with the newest layers),
        ``hist`` (n_hist, n_layers, n_bins) and ``hist_steps``."""
        n_layer_pts = len(self._layer_steps)
        out: dict[str, np.ndarray] = {"steps": np.asarray(self._steps, dtype=np.int64)}
        for k, v in self._scalars.items():
            out[k] = np.asarray(v, dtype=np.float64)
        out["layer_steps"] = np.asarray(self._layer_steps, dtype=np.int64)
        for k, v in self._layers.items():
            out[k] = np.asarray(v, dtype=np.float64).reshape(n_layer_pts, self._n_layers)
        out["hist"] = (np.stack(self._hist) if self._hist else np.zeros((0, self._n_layers, 0)))
        out["hist_steps"] = np.asarray(self._hist_steps, dtype=np.int64)
        for v in out.values():
            v.setflags(write=False)
        return out


@dataclass(frozen=True)
class Boundary:
    """Model output over a grid in the plot's two input coordinates.

    ``xs`` (nx,), ``ys`` (ny,), ``z`` (ny, nx) model output (class-1 probability, argmax class or
    regression value); ``points`` dict with ``x_train`` (n, 2), ``y_train`` (n,), ``x_val``,
    ``y_val``; ``kind`` is "binary", "multiclass" or "regression".
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
