"""Activation histograms (small multiples + history), dead/saturated units, weight histograms."""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from playground.dashboards.base import (Dashboard, TimePlot, add_time_plot, color, layer_name,
                                        pen, quiet_plot)
from playground.history import Frame
from playground.theme import LINE_COLORS

RELU_FAMILY = ("relu", "leaky_relu", "prelu", "rrelu", "elu")
SMALL_FONT = QFont()
SMALL_FONT.setPointSize(8)


class SmallMultiples(pg.PlotWidget):
    """Small step histograms, one cell per layer, all in ONE plot (a PlotItem per layer costs
    ~0.1 s to create and a full axis set to paint). Each cell is 1 wide and 1 high: x is the
    layer's bin range scaled to [0, 1], y the counts scaled to the tallest bin; the cell's
    label names the layer and its value range. Items are rebuilt only when the layers change."""

    CELL_W, CELL_H = 1.15, 1.45

    def __init__(self, columns: int = 4, parent: QWidget | None = None):
        super().__init__(parent=parent)
        self.columns = columns
        self.items: dict[int, pg.PlotDataItem] = {}
        self.labels: dict[int, pg.TextItem] = {}
        self.cells: dict[int, tuple[float, float]] = {}
        self.signature: tuple = ()
        quiet_plot(self.getPlotItem())
        self.getPlotItem().hideAxis("left")
        self.getPlotItem().hideAxis("bottom")
        self.setMouseEnabled(False, False)
        self.setMinimumHeight(90)

    def ensure(self, layers: list[Any]) -> None:
        sig = tuple((ls.index, ls.id) for ls in layers)
        if sig == self.signature:
            return
        self.clear()
        self.items, self.labels, self.cells, self.signature = {}, {}, {}, sig
        for k, ls in enumerate(layers):
            x0 = (k % self.columns) * self.CELL_W
            y0 = -(k // self.columns) * self.CELL_H
            self.cells[ls.index] = (x0, y0)
            base = pg.PlotDataItem([x0, x0 + 1], [y0, y0], pen=pg.mkPen("#3a4150"))
            item = pg.PlotDataItem([x0, x0 + 1], [y0], stepMode="center", pen=pen(color(ls.index)))
            label = pg.TextItem(layer_name(ls), color="#c9d1d9", anchor=(0, 0))
            label.setFont(SMALL_FONT)
            label.setPos(x0, y0 + 1.42)
            for it in (base, item, label):
                self.addItem(it)
            self.items[ls.index], self.labels[ls.index] = item, label
        rows = (len(layers) + self.columns - 1) // self.columns
        self.setRange(xRange=(-0.05, min(len(layers), self.columns) * self.CELL_W),
                      yRange=(-(rows - 1) * self.CELL_H - 0.05, 1.45), padding=0)

    def show_hist(self, index: int, counts: np.ndarray, edges: np.ndarray) -> None:
        """Draw one layer's histogram (edges (n+1,), counts (n,)) in its cell."""
        if len(edges) != len(counts) + 1 or index not in self.items or not len(counts):
            return
        x0, y0 = self.cells[index]
        lo, hi = float(edges[0]), float(edges[-1])
        span = hi - lo if hi > lo else 1.0
        top = float(counts.max()) or 1.0
        self.items[index].setData(x0 + (edges - lo) / span, y0 + 0.95 * counts / top)
        name = self.labels[index].textItem.toPlainText().split("\n")[0]
        text = f"{name}\n[{lo:.3g}, {hi:.3g}]"
        if self.labels[index].textItem.toPlainText() != text:
            self.labels[index].setText(text)


class ActivationDashboard(Dashboard):
    """Per-layer activation histograms on the monitor batch and one layer's history as an image."""

    title = "Activations"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = SmallMultiples()
        self._layout.addWidget(self.grid, 3)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("history of"))
        self.layer_box = QComboBox()
        self.layer_box.setToolTip("Which layer's activation histogram to show over time.")
        bar.addWidget(self.layer_box, 1)
        self._layout.addLayout(bar)
        self.history_plot = pg.PlotWidget()
        self.history_plot.setTitle("histogram over time (brighter: more samples)", size="9pt")
        self.history_plot.setLabel("bottom", "snapshot")
        self.history_plot.setLabel("left", "bin")
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("inferno"))
        self.history_plot.addItem(self.image)
        quiet_plot(self.history_plot.getPlotItem())
        self._image_shape: tuple = ()
        self._layout.addWidget(self.history_plot, 2)

    def draw(self, frame: Frame) -> bool:
        snap = frame.snapshot
        if snap is None:
            return False
        layers = [ls for ls in snap.layers if getattr(ls, "act_hist_counts", None) is not None]
        if not layers:
            return False
        if tuple((ls.index, ls.id) for ls in layers) != self.grid.signature:
            self.grid.ensure(layers)
            self.layer_box.blockSignals(True)
            self.layer_box.clear()
            for ls in layers:
                self.layer_box.addItem(layer_name(ls), ls.index)
            self.layer_box.blockSignals(False)
        for ls in layers:
            self.grid.show_hist(ls.index, np.asarray(ls.act_hist_counts, dtype=np.float64),
                                np.asarray(ls.act_hist_edges, dtype=np.float64))
        hist = frame.history.get("hist")
        sel = self.layer_box.currentData()
        if hist is not None and hist.ndim == 3 and len(hist) and sel is not None \
                and sel < hist.shape[1]:
            self.image.setImage(hist[:, sel, :], autoLevels=True)
            if hist.shape[::2] != self._image_shape:
                self._image_shape = hist.shape[::2]
                self.history_plot.setRange(xRange=(0, hist.shape[0]), yRange=(0, hist.shape[2]),
                                           padding=0)
        return True


class DeadUnitsDashboard(Dashboard):
    """Dead-ReLU and saturated fractions per activation layer (bars) and over time."""

    title = "Dead and saturated units"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.bar_plot = pg.PlotWidget()
        self.bar_plot.setTitle("now: dead (red) / saturated (yellow) fraction", size="9pt")
        quiet_plot(self.bar_plot.getPlotItem())
        self.bar_plot.setYRange(0, 1)
        self.dead_bars = pg.BarGraphItem(x=[], height=[], width=0.4, brush=LINE_COLORS[5])
        self.sat_bars = pg.BarGraphItem(x=[], height=[], width=0.4, brush=LINE_COLORS[3])
        self.bar_plot.addItem(self.dead_bars)
        self.bar_plot.addItem(self.sat_bars)
        self.time_plot = TimePlot("dead fraction over time")
        self._layout.addWidget(self.bar_plot, 1)
        add_time_plot(self._layout, self.time_plot, 1)
        self._signature: tuple = ()

    def draw(self, frame: Frame) -> bool:
        snap, h = frame.snapshot, frame.history
        self.time_plot.markers.update(frame.markers)
        if snap is None:
            return False
        acts = [ls for ls in snap.layers
                if getattr(ls, "dead_fraction", None) is not None
                or getattr(ls, "saturated_fraction", None) is not None]
        if not acts:
            return False
        sig = tuple((ls.index, ls.id) for ls in acts)
        if sig != self._signature:
            self._signature = sig
            self.time_plot.drop_curves()
            ticks = [(k, layer_name(ls)) for k, ls in enumerate(acts)]
            self.bar_plot.getAxis("bottom").setTicks([ticks])
            self.bar_plot.setXRange(-0.6, len(acts) - 0.4, padding=0)
        xs = np.arange(len(acts), dtype=np.float64)
        dead = np.array([float(ls.dead_fraction or 0.0) for ls in acts])
        sat = np.array([float(ls.saturated_fraction or 0.0) for ls in acts])
        self.dead_bars.setOpts(x=xs - 0.2, height=dead, width=0.4)
        self.sat_bars.setOpts(x=xs + 0.2, height=sat, width=0.4)
        if not len(h.get("layer_steps", ())):
            for curve in self.time_plot.curves.values():
                curve.setData([], [])
        else:
            for ls in acts:
                col = h["dead_fraction"][:, ls.index]
                if np.isfinite(col).any():
                    self.time_plot.set_series(layer_name(ls), h["layer_steps"], col,
                                              pen(color(ls.index)))
            self.time_plot.fit()
        return True


class WeightDashboard(Dashboard):
    """Histogram of each weighted layer's kernel values."""

    title = "Weights"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = SmallMultiples(columns=3)
        self._layout.addWidget(self.grid)

    def draw(self, frame: Frame) -> bool:
        snap = frame.snapshot
        if snap is None:
            return False
        layers = [ls for ls in snap.layers if getattr(ls, "weight_hist", None) is not None]
        if not layers:
            return False
        self.grid.ensure(layers)
        for ls in layers:
            counts, edges = ls.weight_hist
            self.grid.show_hist(ls.index, np.asarray(counts, dtype=np.float64),
                                np.asarray(edges, dtype=np.float64))
        return True
