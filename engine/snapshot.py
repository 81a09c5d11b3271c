"""Frozen per-step snapshots of a training session (docs/ARCHITECTURE.md): copied, read-only arrays.

Activation histogram edges (fixed per layer, decided at the first monitor pass of a model):
sigmoid and softmax outputs [0, 1]; tanh [-1, 1]; relu and softplus [0, r]; everything else
[-r, r], with r = the smallest power of two >= 1.25 * max|output| on the monitor batch (at least
1/8). Values outside the edges are counted in the end bins.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

N_BINS = 32


def frozen(a: np.ndarray | None) -> np.ndarray | None:
    """A read-only copy of ``a`` (None stays None)."""
    if a is None:
        return None
    out = np.array(a, copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class LayerStats:
    """Monitor figures of one layer (None where not applicable)."""

    index: int
    id: str
    type: str
    function: str | None
    units: int
    enabled: bool | None
    grad_norm: float | None = None
    bias_grad_norm: float | None = None
    grad_rms: float | None = None
    update_ratio: float | None = None
    weight_norm: float | None = None
    weight_hist: tuple[np.ndarray, np.ndarray] | None = None
    act_hist_counts: np.ndarray | None = None
    act_hist_edges: np.ndarray | None = None
    dead_units: int | None = None
    dead_fraction: float | None = None
    saturated_fraction: float | None = None
    bn: dict[str, Any] | None = None


@dataclass(frozen=True)
class MonitorSeries:
    """Monitor figures of every recorded step of one ``run`` call (read-only arrays; NaN where a
    figure does not apply to a layer). Gradient figures come from the compiled loop at every
    ``monitor_every``-th step (the last ``SERIES_STEPS`` of the call), the monitor-batch figures
    from its in-loop passes every ``monitor_pass_every``-th step (the last ``SERIES_PASSES``).

    steps (k,) global step counts; loss (k,) training loss of those steps (penalties incl.);
    grad_norm, bias_grad_norm, grad_rms, update_ratio (k, L) as LayerStats' fields per step;
    pass_steps (m,); act_hist_counts (m, L, N_BINS) over each layer's fixed edges (the
    snapshot's act_hist_edges); dead_units, dead_fraction, saturated_fraction (m, L).
    """

    steps: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    bias_grad_norm: np.ndarray
    grad_rms: np.ndarray
    update_ratio: np.ndarray
    pass_steps: np.ndarray
    act_hist_counts: np.ndarray
    dead_units: np.ndarray
    dead_fraction: np.ndarray
    saturated_fraction: np.ndarray


@dataclass(frozen=True)
class StepSnapshot:
    """State of a training session after a step/run call."""

    step: int
    epoch: int
    batch_in_epoch: int
    steps_per_epoch: int
    loss: float | None
    epoch_loss: float | None
    val_loss: float | None
    accuracy: float | None
    val_accuracy: float | None
    lr: float
    momentum: float
    status: str
    diverged_at: dict[str, Any] | None
    layers: tuple[LayerStats, ...]
    history_len: int
    wall_time: float
    series: MonitorSeries | None = None


def edges_for(function: str | None, amin: float, amax: float) -> tuple[float, float]:
    """Fixed histogram edges for a layer (see module docstring)."""
    if function in ("sigmoid", "softmax"):
        return 0.0, 1.0
    if function == "tanh":
        return -1.0, 1.0
    m = max(abs(amin), abs(amax)) if math.isfinite(amin) and math.isfinite(amax) else 1.0
    r = 2.0 ** math.ceil(math.log2(max(1.25 * m, 0.125)))
    return (0.0, r) if function in ("relu", "softplus") else (-r, r)


def _num(v: float) -> float | None:
    return None if v is None or not math.isfinite(v) else float(v)


def gradient_figures(pmon: np.ndarray, rows: list[int]) -> dict[str, float | None]:
    """grad_norm / bias_grad_norm / grad_rms / update_ratio / weight_norm of a layer whose
    ptab rows are ``rows`` (first: kernel/gamma/alpha, second: bias/beta)."""
    out: dict[str, float | None] = {}
    if not rows:
        return out
    g2, n, d2, w2 = pmon[rows[0]]
    out["grad_norm"] = _num(math.sqrt(g2))
    out["grad_rms"] = _num(math.sqrt(g2 / max(n, 1)))
    out["update_ratio"] = _num(math.sqrt(d2) / math.sqrt(w2)) if w2 > 0 else None
    out["weight_norm"] = _num(math.sqrt(w2))
    if len(rows) > 1:
        out["bias_grad_norm"] = _num(math.sqrt(pmon[rows[1], 0]))
    return out


def bn_figures(layer: Any, stats: np.ndarray) -> dict[str, Any]:
    """Batch and moving mean/variance, renorm r and d and how many units were clipped."""
    r, d = stats[2].astype(np.float64), stats[3].astype(np.float64)
    rmax, dmax = getattr(layer, "rmax", 3.0), getattr(layer, "dmax", 5.0)
    renorm = bool(getattr(layer, "renorm", False))
    r_clip = int(np.sum(np.isclose(r, rmax) | np.isclose(r, 1.0 / rmax))) if renorm else 0
    d_clip = int(np.sum(np.isclose(np.abs(d), dmax))) if renorm else 0
    return {"batch_mean": frozen(stats[0].astype(np.float64)),
            "batch_var": frozen(stats[1].astype(np.float64)),
            "moving_mean": frozen(layer.weights["moving_mean"].astype(np.float64)),
            "moving_var": frozen(layer.weights["moving_variance"].astype(np.float64)),
            "r": frozen(r) if renorm else None, "d": frozen(d) if renorm else None,
            "r_clipped": r_clip, "d_clipped": d_clip}
