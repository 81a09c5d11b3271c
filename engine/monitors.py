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
from engine.snapshot import (N_BINS, LayerStats, MonitorSeries, bn_figures, edges_for, frozen,
                             gradient_figures)

#: Gradient-figure steps and monitor passes a snapshot's series can hold (ring buffers).
SERIES_STEPS = 4096
SERIES_PASSES = 256


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
        self.grows = self.prows = 0  # gradient-figure rows and passes written to the rings
        self._rings: dict[str, np.ndarray] = {}
        self._mark = (0, 0)
        self._calls: list[tuple[int, np.ndarray]] = []

    # ------------------------------------------------------------------ per-step rings
    def rings(self, grads: bool, passes: bool) -> tuple[np.ndarray, ...]:
        """(gring, gstep, phist, pamon, pstep) for a training call: the session's rings where
        recorded (allocated on first use), 1-row stand-ins otherwise."""
        m = self.model
        r, n = max(m.ptab.shape[0], 1), len(m.layers)
        want = {"gring": ((SERIES_STEPS, r, 3), np.float64, grads),
                "gstep": ((SERIES_STEPS,), np.int64, grads),
                "phist": ((SERIES_PASSES, n, N_BINS), np.int64, passes),
                "pamon": ((SERIES_PASSES, n, AMON_COLS), np.float64, passes),
                "pstep": ((SERIES_PASSES,), np.int64, passes)}
        out = []
        for name, (shape, dtype, on) in want.items():
            if not on:
                out.append(np.zeros((1,) + shape[1:], dtype))
                continue
            if name not in self._rings:
                self._rings[name] = np.zeros(shape, dtype)
            out.append(self._rings[name])
        return tuple(out)

    def mark(self) -> None:
        """Start a run: the series of the next snapshot begins here."""
        self._mark = (self.grows, self.prows)
        self._calls = []

    def note_call(self, step0: int, losses: np.ndarray) -> None:
        """The losses of a call's steps step0+1 .. (for the series' loss column)."""
        if self.grows != self._mark[0] and losses.shape[0]:
            self._calls.append((step0, losses.copy()))

    def series(self) -> MonitorSeries | None:
        """The figures recorded since ``mark()`` (None when nothing was recorded)."""
        g0, p0 = self._mark
        ng = min(self.grows - g0, SERIES_STEPS)
        npass = min(self.prows - p0, SERIES_PASSES)
        if ng <= 0 and npass <= 0:
            return None
        m = self.model
        n = len(m.layers)
        gi = np.arange(self.grows - max(ng, 0), self.grows) % SERIES_STEPS
        pi = np.arange(self.prows - max(npass, 0), self.prows) % SERIES_PASSES
        g = self._rings["gring"][gi] if ng > 0 else np.zeros((0, max(m.ptab.shape[0], 1), 3))
        steps = self._rings["gstep"][gi] if ng > 0 else np.zeros(0, np.int64)
        r0, r1 = m.ip[:, P.C_PROW0], m.ip[:, P.C_PROW1]

        def per_layer(rows: np.ndarray, col: int) -> np.ndarray:
            out = np.full((steps.shape[0], n), np.nan)
            have = rows >= 0
            out[:, have] = g[:, rows[have], col]
            return out

        with np.errstate(divide="ignore", invalid="ignore"):
            g2, d2, w2 = (per_layer(r0, c) for c in (P.G_GRAD2, P.G_UPD2, P.G_W2))
            size = np.where(r0 >= 0, m.ptab[np.maximum(r0, 0), 1], 1).astype(np.float64)
            ratio = np.where(w2 > 0, np.sqrt(d2) / np.sqrt(w2), np.nan)
            hist = self._rings["phist"][pi] if npass > 0 else np.zeros((0, n, N_BINS), np.int64)
            amon = self._rings["pamon"][pi] if npass > 0 else np.zeros((0, n, AMON_COLS))
            dims = np.maximum(np.asarray(m.dims[1:], np.float64), 1.0)
            arrays = dict(
                steps=steps, loss=self._series_loss(steps), grad_norm=np.sqrt(g2),
                bias_grad_norm=np.sqrt(per_layer(r1, P.G_GRAD2)),
                grad_rms=np.sqrt(g2 / np.maximum(size, 1.0)), update_ratio=ratio,
                pass_steps=self._rings["pstep"][pi] if npass > 0 else np.zeros(0, np.int64),
                act_hist_counts=hist, dead_units=amon[:, :, 2], dead_fraction=amon[:, :, 2] / dims,
                saturated_fraction=amon[:, :, 3])
        for a in arrays.values():
            a.setflags(write=False)
        return MonitorSeries(**arrays)

    def _series_loss(self, steps: np.ndarray) -> np.ndarray:
        out = np.full(steps.shape[0], np.nan)
        for step0, losses in self._calls:
            k = steps - step0 - 1
            inside = (k >= 0) & (k < losses.shape[0])
            out[inside] = losses[k[inside]]
        return out

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
