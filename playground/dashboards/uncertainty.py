"""Monte-Carlo dropout on 1-D regression (lesson 13): the mean prediction with a ±2 std band
over (and beyond) the input range, and the training points.

:func:`uncertainty_for` runs in the worker thread (numpy only); the dashboard only draws
``frame.extra["uncertainty"]``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.dashboards.base import Dashboard, pen, quiet_plot
from playground.history import Frame
from playground.theme import LINE_COLORS

GRID = 96
PASSES = 30
BEYOND = 0.6  # the grid reaches this fraction of the data's span past each end


@dataclass(frozen=True)
class Uncertainty:
    """MC-dropout predictions over a 1-D grid.

    ``xs`` (m,) raw input coordinates, ``mean`` (m,) and ``std`` (m,) over ``passes`` forward
    passes with dropout active, ``x_train`` (n,) and ``y_train`` (n,) the training points,
    ``data_lo``/``data_hi`` the training inputs' range.
    """

    xs: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    data_lo: float
    data_hi: float
    passes: int


def uncertainty_for(session: Any, grid: int = GRID, passes: int = PASSES) -> Uncertainty | None:
    """Mean and std of ``passes`` MC-dropout predictions on a grid over the training inputs
    widened by ``BEYOND`` on each side; None unless the data are 1-D with one output."""
    data = getattr(session, "data", None) if session is not None else None
    raw = getattr(data, "raw_x_train", None)
    transform = getattr(data, "transform", None)
    if raw is None or not callable(transform) or getattr(data, "y_train", None) is None:
        return None
    raw = np.asarray(raw, dtype=np.float64)
    y = np.asarray(data.y_train, dtype=np.float64)
    if raw.ndim != 2 or raw.shape[1] != 1 or len(raw) == 0 or y.reshape(len(raw), -1).shape[1] != 1:
        return None
    lo, hi = float(raw.min()), float(raw.max())
    pad = BEYOND * max(hi - lo, 1e-6)
    xs = np.linspace(lo - pad, hi + pad, grid)
    try:
        mean, std = session.predict(np.asarray(transform(xs[:, None]), dtype=np.float64),
                                    mc_dropout=passes)
    except Exception:  # noqa: BLE001 - a diverged or rebuilding model: nothing to show
        return None
    mean = np.asarray(mean, dtype=np.float64).reshape(grid, -1)[:, 0]
    std = np.zeros(grid) if std is None else np.asarray(std, np.float64).reshape(grid, -1)[:, 0]
    return Uncertainty(xs=xs, mean=mean, std=std, x_train=raw[:, 0].copy(), y_train=y.reshape(-1),
                       data_lo=lo, data_hi=hi, passes=int(passes))


class UncertaintyDashboard(Dashboard):
    """Mean curve, ±2 std band (filled) and the training points; items made once."""

    title = QT_TRANSLATE_NOOP("Docks", "Uncertainty")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.setTitle(self.tr("MC dropout: mean ± 2 std"), size="10pt")
        quiet_plot(self.plot.plotItem)
        self.plot.setMinimumHeight(80)
        item = self.plot.plotItem
        self.upper = item.plot([], [], pen=pen(LINE_COLORS[0]))
        self.lower = item.plot([], [], pen=pen(LINE_COLORS[0]))
        self.band = pg.FillBetweenItem(self.upper, self.lower, brush=pg.mkBrush(86, 180, 233, 70))
        item.addItem(self.band)
        self.points = pg.ScatterPlotItem([], [], size=4, pen=None, brush=pg.mkBrush(LINE_COLORS[1]))
        item.addItem(self.points)
        self.mean = item.plot([], [], pen=pg.mkPen(LINE_COLORS[4], width=2))
        self.note = QLabel(self.tr("MC dropout needs 1-D regression data (sine_1d) and a dropout layer."))
        self.note.setWordWrap(True)
        self._layout.addWidget(self.plot, 1)
        self._layout.addWidget(self.note)
        self.shown: Uncertainty | None = None
        self._view: tuple[float, ...] | None = None

    def inputs(self, frame: Frame) -> tuple | None:
        return (frame.extra.get("uncertainty"),)

    def draw(self, frame: Frame) -> bool:
        unc: Uncertainty | None = frame.extra.get("uncertainty")
        if unc is None:
            return False
        self.note.setVisible(not np.any(unc.std > 0))
        self.upper.setData(unc.xs, unc.mean + 2.0 * unc.std)
        self.lower.setData(unc.xs, unc.mean - 2.0 * unc.std)
        self.mean.setData(unc.xs, unc.mean)
        if unc.x_train is not (self.shown.x_train if self.shown else None):
            self.points.setData(unc.x_train, unc.y_train)
        self.shown = unc
        self._fit(unc)
        return True

    def _fit(self, unc: Uncertainty) -> None:
        """Set the view from the training points (the band may explode far from the data)."""
        ylo, yhi = float(unc.y_train.min()), float(unc.y_train.max())
        span = max(yhi - ylo, 1e-3)
        view = (float(unc.xs[0]), float(unc.xs[-1]), ylo - 0.75 * span, yhi + 0.75 * span)
        if view != self._view:
            self._view = view
            self.plot.setXRange(view[0], view[1], padding=0.02)
            self.plot.setYRange(view[2], view[3], padding=0)

    def band_width(self, x_lo: float, x_hi: float) -> float:
        """Mean ±2-std band width (4 std) shown for inputs in [x_lo, x_hi] (tests, readouts)."""
        if self.shown is None:
            return float("nan")
        ok = (self.shown.xs >= x_lo) & (self.shown.xs <= x_hi)
        return float(np.mean(4.0 * self.shown.std[ok])) if np.any(ok) else float("nan")

    def clear(self) -> None:
        for item in (self.upper, self.lower, self.mean, self.points):
            item.setData([], [])
        self.shown = None
        self._inputs = None
