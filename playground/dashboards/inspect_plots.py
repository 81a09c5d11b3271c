"""Batch-norm internals, the decision boundary and the confusion matrix."""
from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.dashboards.base import (Dashboard, LegendStrip, RangeKeeper, brush, layer_name,
                                        pen, quiet_plot)
from playground.dashboards.uncertainty_layer import UncertaintyLayer
from playground.history import Frame
from playground.theme import CLASS_COLORS as THEME_CLASS_COLORS, LINE_COLORS, contrast_ratio

BATCH, MOVING = LINE_COLORS[0], LINE_COLORS[1]

CLASS_COLORS = list(THEME_CLASS_COLORS)


class BatchNormDashboard(Dashboard):
    """Batch vs moving mean and variance per unit of the chosen BN layer; renorm's r and d."""

    title = QT_TRANSLATE_NOOP("Docks", "Batch norm")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("layer")))
        self.layer_box = QComboBox()
        self.layer_box.setToolTip(self.tr("The batch-norm layer whose statistics are shown."))
        self.layer_box.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.layer_box.setMinimumContentsLength(8)
        bar.addWidget(self.layer_box, 1)
        self._layout.addLayout(bar)
        self.info = QLabel("")  # on/off and renorm's clipping counts, below: never cut off
        self.info.setWordWrap(True)
        self._layout.addWidget(self.info)
        self.plots = {}
        self.items = {}
        self.legend = LegendStrip()  # off the plots: short titles fit narrow panels
        self._layout.addWidget(self.legend)
        self.legend.show_entries([(QT_TRANSLATE_NOOP("Plots", "batch statistic (renorm: r)"), BATCH),
                                  (QT_TRANSLATE_NOOP("Plots", "moving average (renorm: d)"), MOVING)])
        for key, title in (("mean", QT_TRANSLATE_NOOP("Plots", "mean per unit")),
                           ("var", QT_TRANSLATE_NOOP("Plots", "variance per unit")),
                           ("rd", QT_TRANSLATE_NOOP("Plots", "renorm r and d"))):
            p = pg.PlotWidget()
            p.setTitle(title, size="9pt")
            p.setMinimumHeight(50)  # a tab below the boundary on a small screen
            quiet_plot(p.getPlotItem())
            self._layout.addWidget(p, 1)
            self.plots[key] = p
        self.ranges = {k: RangeKeeper(p.getPlotItem(), grow_x=False) for k, p in self.plots.items()}
        sym = dict(symbol="o", symbolSize=6)
        self.items["batch_mean"] = self.plots["mean"].plot([], [], pen=None, symbolBrush=BATCH,
                                                           name="batch", **sym)
        self.items["moving_mean"] = self.plots["mean"].plot([], [], pen=None, symbolBrush=MOVING,
                                                            name="moving", **sym)
        self.items["batch_var"] = self.plots["var"].plot([], [], pen=None, symbolBrush=BATCH,
                                                         name="batch", **sym)
        self.items["moving_var"] = self.plots["var"].plot([], [], pen=None, symbolBrush=MOVING,
                                                          name="moving", **sym)
        self.items["r"] = self.plots["rd"].plot([], [], pen=None, symbolBrush=BATCH, **sym)
        self.items["d"] = self.plots["rd"].plot([], [], pen=None, symbolBrush=MOVING, **sym)
        self._signature: tuple = ()

    def clear(self) -> None:
        for item in self.items.values():
            item.setData([], [])
        self.layer_box.clear()
        self.info.setText("")
        self._signature = ()

    def draw(self, frame: Frame) -> bool:
        snap = frame.snapshot
        if snap is None:
            return False
        bns = [ls for ls in snap.layers if getattr(ls, "bn", None)]
        sig = tuple((ls.index, ls.id) for ls in bns)
        if sig != self._signature:
            self._signature = sig
            keep = self.layer_box.currentText()
            self.layer_box.blockSignals(True)
            self.layer_box.clear()
            for ls in bns:
                self.layer_box.addItem(layer_name(ls) + f" ({ls.id})", ls.index)
            idx = self.layer_box.findText(keep)
            self.layer_box.setCurrentIndex(max(idx, 0))
            self.layer_box.blockSignals(False)
        if not bns:
            return False
        sel = self.layer_box.currentData()
        ls = next((b for b in bns if b.index == sel), bns[0])
        bn = ls.bn
        bounds: dict[str, list[float]] = {}
        for key, item in self.items.items():
            val = bn.get(key)
            if val is None:
                item.setData([], [])
                continue
            arr = np.atleast_1d(np.asarray(val, dtype=np.float64))
            item.setData(np.arange(len(arr)), arr)
            plot = "rd" if key in ("r", "d") else key.split("_")[1]
            fin = arr[np.isfinite(arr)]
            if len(fin):
                b = bounds.setdefault(plot, [np.inf, -np.inf, len(arr)])
                b[0], b[1] = min(b[0], fin.min()), max(b[1], fin.max())
        for plot, (lo, hi, n) in bounds.items():
            self.ranges[plot].fit(-0.5, n - 0.5, lo, hi)
        clipped = [f"{k}: {bn[k]}" for k in ("r_clipped", "d_clipped") if bn.get(k) is not None]
        state = "off" if ls.enabled is False else "on"
        self.info.setText(f"{state}  " + "  ".join(clipped))
        return True


class BoundaryDashboard(Dashboard):
    """Model output over the input plane with training (dots) and validation (rings) points;
    a curve for 1-D regression."""

    title = QT_TRANSLATE_NOOP("Docks", "Decision boundary")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        quiet_plot(self.plot.getPlotItem())
        self._extent: tuple = ()
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("CET-D1A"))
        self.plot.addItem(self.image)
        self.curve = self.plot.plot([], [], pen=pen(LINE_COLORS[3]))
        self.train = pg.ScatterPlotItem(size=5, pen=pg.mkPen("#101010", width=0.5))
        self.val = pg.ScatterPlotItem(size=7, brush=None)
        self.plot.addItem(self.train)
        self.plot.addItem(self.val)
        self._layout.addWidget(self.plot)
        self.std_layer = UncertaintyLayer(self.plot, self.image, self)
        self._layout.addWidget(self.std_layer.box)
        self._shown_points: int | None = None

    def inputs(self, frame: Frame) -> tuple:
        # recomputed a few times a second, not every frame
        return (frame.boundary, frame.extra.get("uncertainty_map"))

    def clear(self) -> None:
        self.image.clear()
        self.curve.setData([], [])
        for item in (self.train, self.val):
            item.setData([], [])
        self._extent, self._shown_points = (), None
        self.std_layer.draw(None)

    def draw(self, frame: Frame) -> bool:
        b = frame.boundary
        if b is None:
            return False
        self.std_layer.draw(frame.extra.get("uncertainty_map"))
        if b.kind == "curve":
            self.image.hide()
            self.curve.setData(b.xs, b.z[0])
            self.curve.show()
        else:
            self.curve.hide()
            self.image.show()
            levels = (0.0, 1.0) if b.kind == "binary" else (float(np.nanmin(b.z)),
                                                            float(np.nanmax(b.z)) + 1e-9)
            self.image.setImage(b.z.T, levels=levels)
            dx = (b.xs[-1] - b.xs[0]) / max(len(b.xs) - 1, 1)
            dy = (b.ys[-1] - b.ys[0]) / max(len(b.ys) - 1, 1)
            self.image.setRect(pg.QtCore.QRectF(b.xs[0] - dx / 2, b.ys[0] - dy / 2,
                                                dx * len(b.xs), dy * len(b.ys)))
        extent = (b.xs[0], b.xs[-1], b.ys[0], b.ys[-1], b.kind)
        if extent != self._extent:
            self._extent = extent
            # the input plane at 1:1 (a circle stays round); a 1-D curve uses the whole panel
            self.plot.getViewBox().setAspectLocked(b.kind != "curve", ratio=1.0)
            if b.kind == "curve":
                y = np.asarray(b.points["y_train"], dtype=np.float64)
                self.plot.setRange(xRange=(b.xs[0], b.xs[-1]), yRange=(y.min(), y.max()))
            else:
                self.plot.setRange(xRange=(b.xs[0], b.xs[-1]), yRange=(b.ys[0], b.ys[-1]),
                                   padding=0.02)
        key = id(b.points["x_train"])
        if key != self._shown_points:
            self._shown_points = key
            self._set_points(b)
        return True

    def _set_points(self, b) -> None:
        pts = b.points
        for item, x, y, filled in ((self.train, pts["x_train"], pts["y_train"], True),
                                   (self.val, pts.get("x_val"), pts.get("y_val"), False)):
            if x is None or y is None:
                item.setData([], [])
                continue
            x = np.asarray(x, dtype=np.float64)
            if x.shape[1] == 1:
                xy = np.column_stack([x[:, 0], y])
                brushes = ["#e0e0e0"] * len(x)
            else:
                xy = x[:, :2]
                brushes = [self._class_color(v, b.kind) for v in y]
            if filled:  # shared brushes and pens: the scatter renders each symbol once
                item.setData(pos=xy, brush=[brush(c) for c in brushes])
            else:
                item.setData(pos=xy, brush=None, pen=[_ring_pen(c) for c in brushes])

    @staticmethod
    def _class_color(v: float, kind: str) -> str:
        if kind == "regression":
            return "#e0e0e0"
        return CLASS_COLORS[int(round(v)) % len(CLASS_COLORS)]


class ConfusionDashboard(Dashboard):
    """Confusion matrix on the validation data (rows: true class, columns: predicted)."""

    title = QT_TRANSLATE_NOOP("Docks", "Confusion matrix")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        self.plot.invertY(True)
        quiet_plot(self.plot.getPlotItem())
        self.plot.setLabel("left", self.tr("true class"))
        self.plot.setLabel("bottom", self.tr("predicted class"))
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("viridis"))
        self.plot.addItem(self.image)
        self.texts: list[pg.TextItem] = []
        self._layout.addWidget(self.plot)
        self._n = 0

    def inputs(self, frame: Frame) -> tuple:
        return (frame.confusion,)

    def clear(self) -> None:
        self.image.clear()
        for t in self.texts:
            self.plot.removeItem(t)
        self.texts, self._n = [], 0

    def draw(self, frame: Frame) -> bool:
        cm = frame.confusion
        if cm is None:
            return False
        n = cm.shape[0]
        if n != self._n:
            for t in self.texts:
                self.plot.removeItem(t)
            self.texts = []
            if n <= 12:
                for i in range(n * n):
                    t = pg.TextItem("", color="#ffffff", anchor=(0.5, 0.5))
                    t.keeps_color = True  # black or white, whichever reads on its cell
                    t.setPos(i % n + 0.5, i // n + 0.5)
                    self.plot.addItem(t)
                    self.texts.append(t)
            self._n = n
            self.plot.setRange(xRange=(0, n), yRange=(0, n), padding=0.02)
            ticks = [[(k + 0.5, str(k)) for k in range(n)]]
            for name in ("left", "bottom"):
                self.plot.getAxis(name).setTicks(ticks)
        self.image.setImage(cm.T.astype(np.float64), autoLevels=True)
        top = float(cm.max()) or 1.0
        cmap = self.image.getColorMap()
        for i, t in enumerate(self.texts):
            count = int(cm[i // n, i % n])
            t.setText(str(count))
            t.setColor(cell_text_color(cmap.map(count / top, mode="qcolor").name()))
        return True


@functools.lru_cache(maxsize=64)
def _ring_pen(col: str) -> Any:
    return pg.mkPen(col, width=1.5)


def cell_text_color(cell: str) -> str:
    """Black or white, whichever contrasts more with a cell's colour."""
    return "#000000" if contrast_ratio("#000000", cell) >= contrast_ratio("#ffffff", cell) \
        else "#ffffff"
