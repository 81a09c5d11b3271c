"""Time series gathered from snapshots inside the worker, and the frozen frame the UI draws (Qt-free)."""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

SCALARS = ("loss", "epoch_loss", "val_loss", "accuracy", "val_accuracy", "lr")
PER_LAYER = ("grad_norm", "update_ratio", "dead_fraction", "negative_fraction",
             "saturated_fraction", "weight_norm")
#: activations whose gradient is never zero: a unit negative for every sample is not dead
LEAKY = ("leaky_relu", "prelu", "rrelu", "elu")
_GRADIENTS = ("grad_norm", "update_ratio")
#: the per-layer figures of the monitor batch (measured only at a monitor pass)
_PASS = ("dead_fraction", "negative_fraction", "saturated_fraction")
#: per-layer columns kept at most: past it, the column of a layer no longer in the model whose
#: last figure is oldest goes (an hour of inserting and removing layers made a column per layer
#: id ever seen, each capacity x len(PER_LAYER) floats, copied into every frame)
MAX_COLUMNS = 48
_RUNS = itertools.count(1)  # History.run: unique across histories (a rebuilt compare window)
#: series an old branch keeps (drawn greyed after a rewind), and how many old branches are kept
OLD_BRANCH = ("loss", "epoch_loss", "val_loss")
MAX_OLD_BRANCHES = 3


def _num(v: Any) -> float:
    try:
        return float("nan") if v is None else float(v)
    except (TypeError, ValueError):
        return float("nan")


def dead_fraction(ls: Any) -> float | None:
    """The fraction of dead units as the lessons mean it: zero gradient for every monitor
    sample. The engine's figure counts units negative everywhere (DESIGN.md "Monitors"); for
    leaky_relu, prelu, rrelu and elu those still pass a gradient, so none of them is dead."""
    value = getattr(ls, "dead_fraction", None)
    if value is None:
        return None
    return 0.0 if getattr(ls, "function", None) in LEAKY else float(value)


def negative_fraction(ls: Any) -> float | None:
    """Units whose pre-activation is negative for every monitor sample (ReLU family)."""
    value = getattr(ls, "dead_fraction", None)
    return None if value is None else float(value)


def layer_label(ls: Any) -> str:
    """``"2 relu"``, ``"0 dense"``: index and what the layer is now."""
    kind = getattr(ls, "function", None) or getattr(ls, "type", "?")
    return f"{ls.index} {kind}"


def _layer_values(ls: Any) -> list[float]:
    values = {"dead_fraction": dead_fraction(ls), "negative_fraction": negative_fraction(ls)}
    out = []
    for key in PER_LAYER:
        value = values[key] if key in values else getattr(ls, key, None)
        if key in _GRADIENTS and getattr(ls, "enabled", None) is False:
            value = None  # switched off: a gap in its curves, not a line across
        out.append(_num(value))
    return out


class History:
    """Per-step series in preallocated arrays, halved (every other point kept) when full.

    Points are placed at ``x = offset + step``: a new segment (:meth:`start_segment`, after a
    rebuild) continues after the old one instead of wiping it. Per-layer series have one column
    per layer id ever seen, so inserting or removing a layer keeps every other layer's curve
    (a removed layer's simply ends; a switched-off layer's gradients have a gap).

    ``arrays()`` gives ``steps`` int64 (n,), each scalar float64 (n,), ``layer_steps`` (m,),
    each per-layer series float64 (m, n_ids) (NaN where not applicable; a snapshot's series adds
    a row for each step of its run call), ``measured`` bool (m,) (the rows with monitor-batch
    figures: dead, negative, saturated fractions), ``layer_ids`` and
    ``layer_names`` (n_ids,), ``segments`` (the x where each segment starts), ``run`` (an int,
    new at every :meth:`clear`: plots that see it change start empty), ``hist``
    (k, n_layers, n_bins) normalised activation histograms of the current layers,
    ``hist_steps`` (k,) and ``old_branches`` (a tuple of dicts of ``steps`` and the OLD_BRANCH
    series: what a rewind (:meth:`branch_at`) left behind, oldest first).
    """

    def __init__(self, capacity: int = 2000, hist_capacity: int = 120):
        self.capacity, self.hist_capacity = capacity, hist_capacity
        self.clear()

    def __repr__(self) -> str:
        return f"History(points={self._n}, layers={len(self._ids)}, offset={self.offset})"

    def clear(self) -> None:
        """Forget everything (a new design, a reset): a new run, with a new ``run`` number."""
        self.run = next(_RUNS)
        self._n = self._m = 0
        self.offset = 0
        self.segments: list[int] = [0]
        self._steps = np.zeros(self.capacity, dtype=np.int64)
        self._scalars = np.full((self.capacity, len(SCALARS)), np.nan)
        self._layer_steps = np.zeros(self.capacity, dtype=np.int64)
        self._measured = np.zeros(self.capacity, dtype=bool)  # rows with monitor-pass figures
        self._stride = 1  # per-step rows are kept where x % stride == 0 (doubled when full)
        self._ids: list[str] = []
        self._names: list[str] = []
        self._layers = np.full((self.capacity, len(PER_LAYER), 0), np.nan)
        self.old_branches: list[dict[str, np.ndarray]] = []
        self._clear_hist(())

    def _clear_hist(self, signature: tuple) -> None:
        self._signature = signature
        self._hist: list[np.ndarray] = []
        self._hist_steps: list[int] = []

    def __len__(self) -> int:
        return self._n

    @property
    def last_x(self) -> int | None:
        return int(self._steps[self._n - 1]) if self._n else None

    def x_of(self, step: int) -> int:
        """Where step ``step`` of the current segment is plotted."""
        return self.offset + int(step)

    def start_segment(self) -> int:
        """The next points (a rebuilt session, counting from step 0 again) go after the last
        one; returns the x where the new segment starts."""
        if self._n:
            self.offset = self.last_x + 1
            self.segments.append(self.offset)
        self._clear_hist(())
        return self.offset

    def branch_at(self, x: int) -> None:
        """The run was rewound to ``x``: the points after it become an old branch (its point at
        ``x`` included, so that the greyed curve starts where the new one does) and the series
        go on from ``x``. At most MAX_OLD_BRANCHES old branches are kept (the newest)."""
        n = int(np.searchsorted(self._steps[:self._n], x, side="right"))
        if n < self._n:
            start = max(n - 1, 0)
            old = {"steps": self._steps[start:self._n].copy()}
            for k in OLD_BRANCH:
                old[k] = self._scalars[start:self._n, SCALARS.index(k)].copy()
            for v in old.values():
                v.setflags(write=False)
            self.old_branches = (self.old_branches + [old])[-MAX_OLD_BRANCHES:]
        self._n = n
        self._m = int(np.searchsorted(self._layer_steps[:self._m], x, side="right"))
        keep = [i for i, s in enumerate(self._hist_steps) if s <= x]
        self._hist = [self._hist[i] for i in keep]
        self._hist_steps = [self._hist_steps[i] for i in keep]

    def _column(self, layer_id: str, current: set[str] = frozenset()) -> int:
        if layer_id in self._ids:
            return self._ids.index(layer_id)
        if len(self._ids) >= MAX_COLUMNS:
            self._evict(current | {layer_id})
        self._ids.append(layer_id)
        self._names.append(layer_id)
        pad = np.full((self.capacity, len(PER_LAYER), 1), np.nan)
        self._layers = np.concatenate([self._layers, pad], axis=2)
        return len(self._ids) - 1

    def _evict(self, current: set[str]) -> None:
        """Drop the column of a layer not in ``current`` whose last finite figure is oldest
        (one with none at all first)."""
        gone = [j for j, i in enumerate(self._ids) if i not in current]
        if not gone:
            return
        finite = np.isfinite(self._layers[:self._m]).any(axis=1)  # (m, n_ids)
        last = [int(np.flatnonzero(finite[:, j])[-1]) if finite[:, j].any() else -1
                for j in gone]
        j = gone[int(np.argmin(last))]
        del self._ids[j], self._names[j]
        self._layers = np.delete(self._layers, j, axis=2)

    def add(self, snap: Any) -> None:
        """Append one snapshot's figures; the same step again replaces the last point, an
        earlier step of the same segment (a reset) starts over."""
        x = self.x_of(snap.step)
        if self._n and x <= self._steps[self._n - 1]:
            if x < self._steps[self._n - 1]:
                self.clear()
                x = int(snap.step)
            else:
                self._drop_last(x)
        layers = tuple(getattr(snap, "layers", ()) or ())
        signature = tuple(getattr(ls, "id", i) for i, ls in enumerate(layers))
        if signature != self._signature:
            self._clear_hist(signature)
        if self._n == self.capacity:
            self._n = self._halve(self._steps, self._scalars, self._n)
        self._steps[self._n] = x
        self._scalars[self._n] = [_num(getattr(snap, k, None)) for k in SCALARS]
        self._n += 1
        ids = [str(getattr(ls, "id", i)) for i, ls in enumerate(layers)]
        current = set(ids)
        for layer_id in ids:  # new columns first, in layer order (an eviction moves the
            if layer_id not in self._ids:  # columns after it)
                self._column(layer_id, current)
        cols = [self._ids.index(layer_id) for layer_id in ids]
        series = getattr(snap, "series", None)
        if series is not None:
            self._add_series(series, int(snap.step), layers, cols)
        row = np.full((1, len(PER_LAYER), len(self._ids)), np.nan)
        for col, ls in zip(cols, layers):
            row[0, :, col] = _layer_values(ls)
            self._names[col] = layer_label(ls)
        self._append_layer_rows(np.array([x]), row, np.ones(1, dtype=bool), always=True)
        self._add_hist(x, layers)

    def _append_layer_rows(self, xs: np.ndarray, rows: np.ndarray, measured: np.ndarray,
                           always: bool = False) -> None:
        """Append per-layer rows (k, len(PER_LAYER), n_ids) at ``xs`` (k,): the rows at a
        multiple of the stride (all of them with ``always``: a snapshot's own row); when they do
        not fit, the stride doubles and the old rows are thinned to it (:meth:`_compact`)."""
        while True:
            keep = np.ones(len(xs), dtype=bool) if always else xs % self._stride == 0
            if self._m + int(keep.sum()) <= self.capacity:
                break
            self._compact()
        xs, rows, measured = xs[keep], rows[keep], measured[keep]
        end = self._m + len(xs)
        self._layer_steps[self._m:end] = xs
        self._layers[self._m:end] = rows
        self._measured[self._m:end] = measured
        self._m = end

    def _compact(self) -> None:
        """Double the stride: keep the rows at its multiples, every other row with monitor-pass
        figures and the newest row (the points stay evenly spread over the steps)."""
        m = self._m
        self._stride *= 2
        keep = self._layer_steps[:m] % self._stride == 0
        keep[np.flatnonzero(self._measured[:m])[::2]] = True
        if m:
            keep[m - 1] = True
        sel = np.flatnonzero(keep)
        for arr in (self._layer_steps, self._layers, self._measured):
            arr[:len(sel)] = arr[sel]
        self._m = len(sel)

    def _add_series(self, s: Any, step: int, layers: tuple, cols: list[int]) -> None:
        """The steps of a run call before its last (``step``, the snapshot's own row): the
        gradient figures the compiled loop recorded at every step and the monitor-batch figures
        of its in-loop passes (``StepSnapshot.series``), so that no step is left out."""
        gsteps = np.asarray(s.steps, dtype=np.int64)
        psteps = np.asarray(s.pass_steps, dtype=np.int64)
        steps = np.union1d(gsteps, psteps)
        last = self._layer_steps[self._m - 1] if self._m else -1
        x = self.offset + steps
        steps = steps[(steps < step) & (x > last) & (x % self._stride == 0)]  # kept rows only
        if not len(steps) or not layers:
            return
        n = len(layers)
        rows = np.full((len(steps), len(PER_LAYER), len(self._ids)), np.nan)
        off = np.array([getattr(ls, "enabled", None) is False for ls in layers])
        leaky = np.array([getattr(ls, "function", None) in LEAKY for ls in layers])
        gi, have_g = _positions(gsteps, steps)
        pi, have_p = _positions(psteps, steps)
        for key, arr, idx, have, mask in (
                ("grad_norm", s.grad_norm, gi, have_g, off),
                ("update_ratio", s.update_ratio, gi, have_g, off),
                ("dead_fraction", s.dead_fraction, pi, have_p, None),
                ("negative_fraction", s.dead_fraction, pi, have_p, None),
                ("saturated_fraction", s.saturated_fraction, pi, have_p, None)):
            vals = np.full((len(steps), n), np.nan)
            vals[have] = np.asarray(arr, dtype=np.float64)[idx[have], :n]
            if mask is not None:
                vals[:, mask] = np.nan  # switched off: a gap, as in the snapshot rows
            if key == "dead_fraction":
                vals[:, leaky] = np.where(np.isfinite(vals[:, leaky]), 0.0, np.nan)
            rows[:, PER_LAYER.index(key), cols] = vals
        self._append_layer_rows(self.offset + steps, rows, have_p)

    def _drop_last(self, x: int) -> None:
        self._n -= 1
        while self._m and self._layer_steps[self._m - 1] >= x:
            self._m -= 1
        if self._hist_steps and self._hist_steps[-1] == x:
            self._hist.pop()
            self._hist_steps.pop()

    def add_epoch(self, record: dict) -> None:
        """Append an epoch-end record of the session's history (``step``, ``loss``, ``val_loss``,
        ``accuracy``, ``val_accuracy``, ``lr``) as a point of the scalar series only: the epoch
        curves keep their shape when one chunk of training spans many epochs."""
        step = int(record.get("step", -1))
        x = self.x_of(step)
        if step < 0 or (self._n and x <= self._steps[self._n - 1]):
            return
        if self._n == self.capacity:
            self._n = self._halve(self._steps, self._scalars, self._n)
        values = {"epoch_loss": record.get("loss"), "val_loss": record.get("val_loss"),
                  "accuracy": record.get("accuracy"),
                  "val_accuracy": record.get("val_accuracy"), "lr": record.get("lr")}
        self._steps[self._n] = x
        self._scalars[self._n] = [_num(values.get(k)) for k in SCALARS]
        self._n += 1

    @staticmethod
    def _halve(steps: np.ndarray, values: np.ndarray, n: int, *more: np.ndarray) -> int:
        half = (n + 1) // 2
        for arr in (steps, values, *more):
            arr[:half] = arr[:n:2]
        return half

    def _add_hist(self, x: int, layers: tuple) -> None:
        counts = [getattr(ls, "act_hist_counts", None) for ls in layers]
        sizes = {len(c) for c in counts if c is not None}
        if len(sizes) != 1:
            return
        arr = np.zeros((len(layers), sizes.pop()))
        for i, c in enumerate(counts):
            if c is not None:
                arr[i] = np.asarray(c, dtype=np.float64) / max(float(np.sum(c)), 1.0)
        self._hist.append(arr)
        self._hist_steps.append(x)
        if len(self._hist) > self.hist_capacity:
            self._hist = self._hist[::2]
            self._hist_steps = self._hist_steps[::2]

    def arrays(self) -> dict[str, Any]:
        """Read-only copies of the series (see the class docstring)."""
        n, m = self._n, self._m
        out: dict[str, Any] = {"steps": self._steps[:n].copy(),
                               "layer_steps": self._layer_steps[:m].copy(),
                               "measured": self._measured[:m].copy(),
                               "segments": np.asarray(self.segments, dtype=np.int64)}
        for j, k in enumerate(SCALARS):
            out[k] = self._scalars[:n, j].copy()
        for j, k in enumerate(PER_LAYER):
            out[k] = self._layers[:m, j, :].copy()
        out["hist"] = (np.stack(self._hist) if self._hist
                       else np.zeros((0, len(self._signature), 0)))
        out["hist_steps"] = np.asarray(self._hist_steps, dtype=np.int64)
        for v in out.values():
            v.setflags(write=False)
        out["run"] = self.run
        out["layer_ids"] = tuple(self._ids)
        out["layer_names"] = tuple(self._names)
        out["old_branches"] = tuple(self.old_branches)
        return out


def _positions(have: np.ndarray, want: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index into sorted ``have`` of each of ``want``, and whether it is there."""
    idx = np.minimum(np.searchsorted(have, want), max(len(have) - 1, 0))
    found = (have[idx] == want) if len(have) else np.zeros(len(want), dtype=bool)
    return idx, found


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
