"""Activation histograms (small multiples + history), dead/saturated units, weight histograms."""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.dashboards.base import (Dashboard, LegendStrip, TimePlot, add_time_plot, color,
                                        layer_columns, layer_name, pen, quiet_plot)
from playground.history import LEAKY, Frame, dead_fraction, negative_fraction
from playground.theme import LINE_COLORS

BAR_COLORS = (LINE_COLORS[5], LINE_COLORS[0], LINE_COLORS[3])  # dead, negative, saturated
BAR_W = 0.28

SMALL_FONT = QFont()
SMALL_FONT.setPointSize(8)


class SmallMultiples(pg.PlotWidget):
    """Small step histograms, one cell per layer, all in ONE plot (a PlotItem per layer costs
    ~0.1 s to create and a full axis set to paint). Each cell is 1 wide: x is the layer's value
    range scaled to [0, 1], with its own axis (the range's ends and 0 written under it), y the
    counts scaled to the tallest bin; the title names the layer. As many columns as fit
    (about CELL_PX pixels each); items are rebuilt only when the layers or the columns change.
    Every cell's histogram outline is one curve item (``curve``, NaN between cells; set once per
    frame by :meth:`commit`), every cell's base line another: two items, not two per layer."""

    CELL_W = 1.2
    CELL_PX = 150  # the least width of a column
    TEXT_PX = 16  # height of one line of cell text (title above, value axis below)

    def __init__(self, columns: int = 4, parent: QWidget | None = None):
        super().__init__(parent=parent)
        self.max_columns = columns
        self.columns = columns
        self.items: dict[int, int] = {}  # layer index -> its cell's number
        self.curve: pg.PlotDataItem | None = None  # every cell's histogram outline
        self._outlines: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._shown: tuple[np.ndarray, np.ndarray] | None = None
        self.labels: dict[int, pg.TextItem] = {}
        self.ticks: dict[int, list[pg.TextItem]] = {}
        self.cells: dict[int, tuple[float, float]] = {}
        self.signature: tuple = ()
        self._layers: list[Any] = []
        self.cell_h = 1.6
        self.text_lines = 2  # 2: title and value axis, 1: title, 0: none (the tooltip names)
        quiet_plot(self.getPlotItem())
        self.getPlotItem().hideAxis("left")
        self.getPlotItem().hideAxis("bottom")
        self.setMouseEnabled(False, False)
        self.setMinimumHeight(90)

    def reset(self) -> None:
        """No cells (a design without such layers)."""
        self.clear()
        self.items, self.labels, self.ticks, self.cells = {}, {}, {}, {}
        self.signature, self._layers = (), []
        self.curve, self._outlines, self._shown = None, {}, None

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        if "max_columns" not in vars(self):
            return  # pyqtgraph resizes the view while it is being made
        fit = max(1, min(self.max_columns, self.width() // self.CELL_PX))
        if fit != self.columns or abs(self._cell_height() - self.cell_h) > 0.05:
            self.columns = fit
            layers, self.signature = self._layers, ()
            if layers:
                self.ensure(layers)

    def _cell_height(self, n: int | None = None) -> float:
        """The pitch of a row in data units, so that a cell's title and value axis (two text
        lines, TEXT_PX each) fit between histograms 1 unit high; texts are hidden (the tooltip
        names the layers) when the panel is too short for them."""
        n = len(self._layers) if n is None else n
        rows = max(1, (n + self.columns - 1) // self.columns)
        for lines in (2, 1):  # title and value axis; the title only; neither
            spare = 1.0 - rows * lines * self.TEXT_PX / max(self.height(), 1)
            if spare > 0.35:
                self.text_lines = lines
                return 1.0 / spare
        self.text_lines = 0
        return 1.15

    def ensure(self, layers: list[Any]) -> None:
        sig = tuple((ls.index, ls.id, layer_name(ls)) for ls in layers)
        if sig == self.signature:
            return
        self.reset()
        self.signature, self._layers = sig, list(layers)
        self.cell_h = self._cell_height()
        self.setToolTip("\n".join(layer_name(ls) for ls in layers))
        bases = []
        self.curve = pg.PlotDataItem([], [], pen=pen(color(0)), connect="finite")
        self.addItem(self.curve)
        for k, ls in enumerate(layers):
            x0 = (k % self.columns) * self.CELL_W
            y0 = -(k // self.columns) * self.cell_h
            self.cells[ls.index] = (x0, y0)
            bases.append(([x0, x0 + 1, np.nan], [y0, y0, np.nan]))
            label = pg.TextItem(layer_name(ls), color="#c9d1d9", anchor=(0, 1))
            label.setFont(SMALL_FONT)
            label.setPos(x0, y0 + 1.0)
            label.setVisible(self.text_lines >= 1)
            ticks = [pg.TextItem("", color="#c9d1d9", anchor=(a, 0)) for a in (0, 0.5, 1)]
            for t in ticks:
                t.setFont(SMALL_FONT)
                t.setVisible(self.text_lines >= 2)
            for it in (label, *ticks):
                self.addItem(it)
            self.items[ls.index], self.labels[ls.index] = k, label
            self.ticks[ls.index] = ticks
        if bases:
            self.addItem(pg.PlotDataItem(np.concatenate([b[0] for b in bases]),
                                         np.concatenate([b[1] for b in bases]),
                                         pen=pg.mkPen("#8a93a6"), connect="finite"))
        rows = (len(layers) + self.columns - 1) // self.columns
        text = (self.cell_h - 1.0) / max(self.text_lines, 1) if self.text_lines else 0.05
        below = text if self.text_lines == 2 else 0.05
        self.setRange(xRange=(-0.05, min(len(layers), self.columns) * self.CELL_W - 0.1),
                      yRange=(-(rows - 1) * self.cell_h - below, 1.0 + text), padding=0)

    def show_hist(self, index: int, counts: np.ndarray, edges: np.ndarray) -> None:
        """Draw one layer's histogram (edges (n+1,), counts (n,)) in its cell, its value range
        on its axis."""
        if len(edges) != len(counts) + 1 or index not in self.items or not len(counts):
            return
        x0, y0 = self.cells[index]
        lo, hi = float(edges[0]), float(edges[-1])
        span = hi - lo if hi > lo else 1.0
        top = float(counts.max()) or 1.0
        xs = np.repeat(x0 + (edges - lo) / span, 2)  # the outline: up, across, down per bin
        ys = np.concatenate([[y0], np.repeat(y0 + 0.92 * counts / top, 2), [y0]])
        self._outlines[index] = (np.append(xs, np.nan), np.append(ys, np.nan))
        left, mid, right = self.ticks[index]
        lo_text, hi_text = range_texts(lo, hi)
        if left.toPlainText() != lo_text or right.toPlainText() != hi_text:
            left.setText(lo_text)
            right.setText(hi_text)
            left.setPos(x0, y0)
            right.setPos(x0 + 1, y0)
            zero = (0.0 - lo) / span
            mid.setText("0" if 0.2 < zero < 0.8 else "")
            mid.setPos(x0 + zero, y0)


    def commit(self) -> None:
        """Hand this frame's outlines (:meth:`show_hist`) to the curve, when they changed."""
        if self.curve is None or not self._outlines:
            return
        parts = [self._outlines[i] for i in self.items if i in self._outlines]
        xs = np.concatenate([p[0] for p in parts])
        ys = np.concatenate([p[1] for p in parts])
        if self._shown is not None and np.array_equal(self._shown[0], xs, equal_nan=True) \
                and np.array_equal(self._shown[1], ys, equal_nan=True):
            return
        self._shown = (xs, ys)
        self.curve.setData(xs, ys, connect="finite")


def range_texts(lo: float, hi: float) -> tuple[str, str]:
    """The two ends of a value range, with as many digits as it takes to tell them apart."""
    for digits in range(3, 8):
        a, b = f"{lo:.{digits}g}", f"{hi:.{digits}g}"
        if a != b:
            return a, b
    return a, b


class ActivationDashboard(Dashboard):
    """Per-layer activation histograms on the monitor batch and one layer's history as an image."""

    title = QT_TRANSLATE_NOOP("Docks", "Activations")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = SmallMultiples()
        self._layout.addWidget(self.grid, 3)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("history of")))
        self.layer_box = QComboBox()
        self.layer_box.setToolTip(self.tr("Which layer's activation histogram to show over time."))
        bar.addWidget(self.layer_box, 1)
        self._layout.addLayout(bar)
        self.history_plot = pg.PlotWidget()
        self.history_plot.setMinimumHeight(60)
        self.history_plot.setTitle(self.tr("histogram over time (brighter: more samples)"), size="9pt")
        self.history_plot.setLabel("bottom", self.tr("snapshot"))
        self.history_plot.setLabel("left", self.tr("bin"))
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("inferno"))
        self.history_plot.addItem(self.image)
        quiet_plot(self.history_plot.getPlotItem())
        self._image_shape: tuple = ()
        self._image_data: np.ndarray | None = None
        self._layout.addWidget(self.history_plot, 2)
        self._empty_range()

    def _empty_range(self) -> None:
        """0..1 on both axes before there is a history (the empty image made it -0.4..0.4)."""
        self.history_plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)

    def clear(self) -> None:
        self.grid.reset()
        self.layer_box.clear()
        self.image.clear()
        self._image_shape = ()
        self._image_data = None
        self._empty_range()

    def draw(self, frame: Frame) -> bool:
        snap = frame.snapshot
        if snap is None:
            return False
        layers = [ls for ls in snap.layers if getattr(ls, "act_hist_counts", None) is not None]
        if not layers:
            return False
        if tuple((ls.index, ls.id, layer_name(ls)) for ls in layers) != self.grid.signature:
            self.grid.ensure(layers)
            keep = self.layer_box.currentText()
            self.layer_box.blockSignals(True)
            self.layer_box.clear()
            for ls in layers:
                self.layer_box.addItem(layer_name(ls), ls.index)
            self.layer_box.setCurrentIndex(max(self.layer_box.findText(keep), 0))
            self.layer_box.blockSignals(False)
        for ls in layers:
            self.grid.show_hist(ls.index, np.asarray(ls.act_hist_counts, dtype=np.float64),
                                np.asarray(ls.act_hist_edges, dtype=np.float64))
        self.grid.commit()
        hist = frame.history.get("hist")
        sel = self.layer_box.currentData()
        if hist is not None and hist.ndim == 3 and len(hist) and sel is not None \
                and sel < hist.shape[1]:
            img = hist[:, sel, :]
            if self._image_data is None or not np.array_equal(self._image_data, img):
                self._image_data = img  # updated in place, and only when it changed
                self.image.setImage(img, autoLevels=True)
            if hist.shape[::2] != self._image_shape:
                self._image_shape = hist.shape[::2]
                self.history_plot.setRange(xRange=(0, hist.shape[0]), yRange=(0, hist.shape[2]),
                                           padding=0)
        return True


class DeadUnitsDashboard(Dashboard):
    """Dead-ReLU and saturated fractions per activation layer (bars) and over time."""

    title = QT_TRANSLATE_NOOP("Docks", "Dead and saturated units")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.bar_plot = pg.PlotWidget()
        self.bar_legend = LegendStrip()
        self._layout.addWidget(self.bar_legend)
        self.bar_legend.show_entries(list(zip((QT_TRANSLATE_NOOP("Plots", "dead"),
                                                   QT_TRANSLATE_NOOP("Plots", "negative everywhere"),
                                                   QT_TRANSLATE_NOOP("Plots", "saturated")),
                                              BAR_COLORS)))
        self.bar_plot.setTitle(self.tr("now"), size="9pt")
        self.bar_plot.setToolTip(
            self.tr("Dead: a ReLU unit whose input is negative for every monitored sample gets no "
            "gradient and cannot recover. Leaky ReLU, PReLU, RReLU and ELU units negative "
            "everywhere still pass a gradient: shown apart, not counted as dead. Saturated: "
            "sigmoid outside [0.05, 0.95] or |tanh| > 0.95 (pairs of sample and unit)."))
        quiet_plot(self.bar_plot.getPlotItem())
        self.bar_plot.setYRange(0, 1)
        self.bars = [pg.BarGraphItem(x=[], height=[], width=BAR_W, brush=c) for c in BAR_COLORS]
        for bars in self.bars:
            self.bar_plot.addItem(bars)
        self.time_plot = TimePlot(QT_TRANSLATE_NOOP("Plots", "dead fraction"), y_limits=(0.0, 1.0))
        self.time_plot.setToolTip(self.tr("Dead units (no gradient for any monitored sample), per "
                                  "layer, over the steps."))
        self._layout.addWidget(self.bar_plot, 1)
        add_time_plot(self._layout, self.time_plot, 1)
        self._signature: tuple = ()
        self._ids: tuple = ()

    def clear(self) -> None:
        for bars in self.bars:
            bars.setOpts(x=[], height=[], width=BAR_W)
        self.bar_plot.getAxis("bottom").setTicks(None)
        self.time_plot.drop_curves()
        self.time_plot.markers.update(())
        self._signature = self._ids = ()

    def draw(self, frame: Frame) -> bool:
        snap, h = frame.snapshot, frame.history
        self.time_plot.markers.update(frame.markers)
        ids = tuple(h.get("layer_ids", ()))
        if ids[: len(self._ids)] != self._ids or not len(h.get("layer_steps", ())):
            self.time_plot.drop_curves()
        self._ids = ids
        if snap is None:
            return False
        acts = [ls for ls in snap.layers
                if getattr(ls, "dead_fraction", None) is not None
                or getattr(ls, "saturated_fraction", None) is not None]
        if not acts:
            return False
        sig = tuple((ls.index, ls.id, layer_name(ls)) for ls in acts)
        if sig != self._signature:
            self._signature = sig
            ticks = [(k, layer_name(ls)) for k, ls in enumerate(acts)]
            self.bar_plot.getAxis("bottom").setTicks([ticks])
            self.bar_plot.setXRange(-0.6, len(acts) - 0.4, padding=0)
        xs = np.arange(len(acts), dtype=np.float64)
        neg = [negative_fraction(ls) if getattr(ls, "function", None) in LEAKY else None
               for ls in acts]
        for k, values in enumerate(([dead_fraction(ls) for ls in acts], neg,
                                    [ls.saturated_fraction for ls in acts])):
            heights = np.array([float(v or 0.0) for v in values])
            self.bars[k].setOpts(x=xs + (k - 1) * BAR_W, height=heights, width=BAR_W)
        if len(h.get("layer_steps", ())):
            # the rows with monitor-pass figures (every in-loop pass and every snapshot)
            rows = h.get("measured", np.ones(len(h["layer_steps"]), dtype=bool))
            for k, lid, name, series in layer_columns(h, "dead_fraction"):
                self.time_plot.set_series(lid, h["layer_steps"][rows], series[rows],
                                          pen(color(k)), label=name)
            self.time_plot.fit()
        return True


class WeightDashboard(Dashboard):
    """Histogram of each weighted layer's kernel values."""

    title = QT_TRANSLATE_NOOP("Docks", "Weights")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grid = SmallMultiples(columns=3)
        self.grid.setToolTip(self.tr("Each weighted layer's kernel values: the axis under a histogram "
                             "spans its smallest to its largest weight; heights are relative "
                             "to the fullest bin."))
        self._layout.addWidget(self.grid)

    def clear(self) -> None:
        self.grid.reset()

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
        self.grid.commit()
        return True
