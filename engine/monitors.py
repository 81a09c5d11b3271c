"""The session's monitors: gradient figures of the last training batch and the monitor-batch pass
(activation histograms, dead and saturated units) turned into ``LayerStats``."""
from __future__ import annotations

import math

import numpy as np

from engine.kernels.cpu.monitors import AMON_COLS, range_histogram
from engine.layers import Activation, BatchNorm, Dense
from engine.model import MONITOR_ROWS, Model
from engine.program import monitor_program
from engine.program import plan as P
from engine.rng import stream
from engine.snapshot import N_BINS, LayerStats, bn_figures, edges_for, frozen, gradient_figures


def monitor_rows(n_train: int, seed: int) -> np.ndarray:
    """Sorted indices of the fixed monitor batch: min(256, n_train) training samples."""
    m = min(MONITOR_ROWS, n_train)
    return np.sort(stream(seed, "monitor").choice(n_train, size=m, replace=False))


def weight_histogram(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(counts (N_BINS,), edges (N_BINS + 1,)) of the finite weights (in float64) over their range:
    the counts and edges of ``np.histogram`` on float64 (compiled: np.histogram's argument handling
    dominated the per-step monitors)."""
    return range_histogram(np.ravel(w).astype(np.float64, copy=False), N_BINS)


class Monitors:
    """Monitor state of one model: the monitor batch, fixed edges, last pass and gradient figures."""

    def __init__(self, model: Model, x_monitor: np.ndarray) -> None:
        self.model = model
        self.xm = np.ascontiguousarray(x_monitor, model.dtype)
        n = len(model.layers)
        self.edges = np.full((n, 2), np.nan)
        self.hist = np.zeros((n, N_BINS), np.int64)
        self.amon = np.full((n, AMON_COLS), np.nan)
        self.pmon = np.zeros((max(model.ptab.shape[0], 1), 4))
        self.have_pass = False
        self.have_grads = False
        self._edge_cache: dict[int, tuple[float, float, np.ndarray]] = {}

    def run_pass(self) -> None:
        """Inference pass over the monitor batch (fixes the edges on the first pass)."""
        m = self.model
        if self.xm.shape[0] == 0:
            return
        args = (m.ip, m.fp, m.lay, m.params, m.state, m.work, self.xm)
        if np.isnan(self.edges).any():
            monitor_program(*args, self.edges, self.hist, self.amon)
            for i, layer in enumerate(m.layers):
                if np.isnan(self.edges[i]).any():
                    self.edges[i] = edges_for(self._function(i), self.amon[i, 0], self.amon[i, 1])
        monitor_program(*args, self.edges, self.hist, self.amon)
        self.have_pass = True

    def _act_edges(self, i: int) -> np.ndarray:
        """Read-only histogram edges (N_BINS + 1,) of layer i, made once per (lo, hi)."""
        lo, hi = (float(v) for v in self.edges[i])
        hit = self._edge_cache.get(i)
        if hit is None or not (hit[0] == lo and hit[1] == hi):
            hit = (lo, hi, frozen(np.linspace(lo, hi, N_BINS + 1)))
            self._edge_cache[i] = hit
        return hit[2]

    def _function(self, i: int) -> str | None:
        """Activation shaping layer i's output range (the layer's own, else the one it passes on)."""
        layer = self.model.layers[i]
        if isinstance(layer, Activation):
            return layer.function
        return None

    def layer_stats(self) -> tuple[LayerStats, ...]:
        """One frozen LayerStats per layer from the latest figures."""
        m = self.model
        rows_of: dict[int, list[int]] = {}
        for r in range(m.ptab.shape[0]):
            rows_of.setdefault(int(m.ptab[r, 2]), []).append(r)
        out = []
        for i, layer in enumerate(m.layers):
            out.append(self._one(i, layer, rows_of.get(i, [])))
        return tuple(out)

    def _one(self, i: int, layer, rows: list[int]) -> LayerStats:
        m = self.model
        kw: dict = {}
        if self.have_grads and rows:
            kw.update(gradient_figures(self.pmon, rows))
        if isinstance(layer, Dense):
            w = layer.weights["kernel"].astype(np.float64)
            kw["weight_norm"] = float(np.sqrt((w * w).sum()))
            counts, edges = weight_histogram(w)
            kw["weight_hist"] = (frozen(counts), frozen(edges))
        if self.have_pass:
            kw["act_hist_counts"] = frozen(self.hist[i])
            kw["act_hist_edges"] = self._act_edges(i)
            dead, sat = self.amon[i, 2], self.amon[i, 3]
            if not math.isnan(dead):
                kw["dead_units"] = int(dead)
                kw["dead_fraction"] = float(dead) / max(m.dims[i + 1], 1)
            if not math.isnan(sat):
                kw["saturated_fraction"] = float(sat)
        if isinstance(layer, BatchNorm):
            off = int(m.ip[i, P.C_STATS])
            d = m.dims[i]
            kw["bn"] = bn_figures(layer, m.work[off:off + 4 * d].reshape(4, d))
        return LayerStats(index=i, id=layer.id, type=layer.type_name,
                          function=getattr(layer, "function", None), units=m.dims[i + 1],
                          enabled=getattr(layer, "enabled", None), **kw)
