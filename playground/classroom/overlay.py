"""Time plots that overlay the runs of a comparison (one Okabe–Ito colour per run, one legend
strip above them) and the runs' decision boundaries side by side."""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QLabel, QSizePolicy,
                               QVBoxLayout, QWidget)

from playground.classroom.compare_worker import CompareFrame
from playground.classroom.palette import run_color
from playground.dashboards.base import MarkerLayer, gap_xy, layer_name
from playground.dashboards.inspect_plots import BoundaryDashboard
from playground.i18n import translate

#: key -> (title, log y); the order of the grid.
PLOTS: dict[str, tuple[str, bool]] = {
    "loss": (QT_TRANSLATE_NOOP("OverlayPlot", "training loss (smoothed)"), True),
    "val_loss": (QT_TRANSLATE_NOOP("OverlayPlot", "validation loss"), True),
    "accuracy": (QT_TRANSLATE_NOOP("OverlayPlot", "accuracy"), False),
    "grad": (QT_TRANSLATE_NOOP("OverlayPlot", "gradient norm ‖∇W‖"), True),
    "dead": (QT_TRANSLATE_NOOP("OverlayPlot", "dead ReLUs (fraction)"), False),
    "lr": (QT_TRANSLATE_NOOP("OverlayPlot", "learning rate"), True),
}
MEAN = -1  # gradient layer choice: the geometric mean over layers


class LogAxis(pg.AxisItem):
    """An axis that, in log mode, labels only 1, 2 and 5 times a power of ten (pyqtgraph
    labels every minor tick of a short log range, which piles up at large fonts)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        strings = super().tickStrings(values, scale, spacing)
        return one_two_five(values, strings) if self.logMode else strings


def one_two_five(values: list[float], strings: list[str]) -> list[str]:
    """Blank the labels of log-axis ticks (``values`` are exponents) that are not 1, 2 or 5
    times a power of ten (only powers of ten when that still leaves more than four); three
    ticks or fewer keep their labels."""
    if len(values) <= 3:
        return strings
    mants = [10 ** (v - np.floor(v + 1e-9)) for v in values]
    for allowed in ((1.0, 2.0, 5.0), (1.0,)):
        keep = [any(abs(m - a) < 1e-3 * a for a in allowed) for m in mants]
        if sum(keep) <= 4:
            break
    return [text if k else "" for text, k in zip(strings, keep)]
DEFAULT_PLOTS = ("loss", "val_loss", "accuracy", "grad", "dead")


def smooth(y: np.ndarray, alpha: float = 0.1) -> np.ndarray:
    """Exponential moving average of ``y`` (n,), NaNs skipped (they stay NaN)."""
    out = np.full(len(y), np.nan)
    acc = np.nan
    for i, v in enumerate(np.asarray(y, dtype=np.float64)):
        if np.isfinite(v):
            acc = v if not np.isfinite(acc) else (1 - alpha) * acc + alpha * v
            out[i] = acc
    return out


def series_for(key: str, h: dict, layer: Any = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The (x, y) curves of plot ``key`` for one run's history arrays ``h``.

    ``grad`` gives one curve per layer that has gradient figures (or only the layer whose id is
    ``layer``; :data:`MEAN`: their geometric mean).
    """
    if not len(h.get("steps", ())):
        return []
    x = h["steps"]
    if key == "loss":
        return [(x, smooth(h["loss"]))]
    if key == "val_loss":
        return [(x, h["val_loss"])]
    if key == "accuracy":
        acc = h["val_accuracy"] if np.isfinite(h["val_accuracy"]).any() else h["accuracy"]
        return [(x, acc)]
    if key == "lr":
        return [(x, h["lr"])]
    lx = h.get("layer_steps", np.zeros(0))
    if key == "dead":
        d = h["dead_fraction"]
        if d.size == 0 or not np.isfinite(d).any():
            return []
        ok = np.isfinite(d)
        mean = np.where(ok.any(axis=1), np.nansum(np.where(ok, d, 0), axis=1)
                        / np.maximum(ok.sum(axis=1), 1), np.nan)
        rows = h.get("measured", np.ones(len(lx), dtype=bool))  # rows with monitor passes
        return [(lx[rows], mean[rows])]
    g = h["grad_norm"]
    if layer == MEAN:
        ok = np.isfinite(g) & (g > 0)
        if g.size == 0 or not ok.any():
            return []
        logs = np.where(ok, np.log(np.where(ok, g, 1.0)), 0.0)
        n = ok.sum(axis=1)
        return [(lx, np.where(n > 0, np.exp(logs.sum(axis=1) / np.maximum(n, 1)), np.nan))]
    ids = list(h.get("layer_ids", ()))
    if layer is not None:
        cols = [ids.index(layer)] if layer in ids else []
    else:
        cols = range(g.shape[1] if g.ndim == 2 else 0)
    return [(lx, g[:, c]) for c in cols if c < g.shape[1] and np.isfinite(g[:, c]).any()]


class OverlayPlot(pg.PlotWidget):
    """One time plot; ``curves[(run, k)]`` are created once and then only ``setData``."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent=parent, axisItems={"left": LogAxis("left")})
        title, self.log_y = PLOTS[key]
        self.key = key
        self.setTitle(translate("OverlayPlot", title), size="10pt")
        self.plotItem.showGrid(x=True, y=True, alpha=0.2)
        self.plotItem.setLabel("bottom", translate("OverlayPlot", "step"))
        self.plotItem.setLogMode(y=self.log_y)
        self.markers = MarkerLayer(self.plotItem)
        self.curves: dict[tuple[int, int], pg.PlotDataItem] = {}
        self.setMinimumSize(140, 100)
        for name in ("left", "bottom"):  # "step (x0.001)" under an empty plot's -400..400
            self.plotItem.getAxis(name).enableAutoSIPrefix(False)
        self.empty_text = pg.TextItem(translate("OverlayPlot", "no data yet"), anchor=(0.5, 0.5),
                                      color="#8a93a6")
        self.plotItem.addItem(self.empty_text, ignoreBounds=True)
        self.empty: bool | None = None
        self.show_empty_or_data()

    def has_data(self) -> bool:
        """Whether some curve has two finite points at different steps (a range to show)."""
        for item in self.curves.values():
            x, y = item.xData, item.yData
            if x is None or y is None or len(x) < 2:
                continue
            ok = np.isfinite(x) & np.isfinite(y)
            if ok.sum() >= 2 and np.ptp(x[ok]) > 0:
                return True
        return False

    def show_empty_or_data(self) -> None:
        """Before a run has two points: 0..1 on both axes (0.1..10 on a log axis) with "no
        data yet" in the middle (pyqtgraph's auto range made -400..400 of one point at step
        0); from then on the curves' own range."""
        empty = not self.has_data()
        if empty == self.empty:
            return
        self.empty = empty
        self.empty_text.setVisible(empty)
        vb = self.plotItem.getViewBox()
        if not empty:
            vb.enableAutoRange()
            return
        vb.disableAutoRange()
        low, high = (-1.0, 1.0) if self.log_y else (0.0, 1.0)
        vb.setRange(xRange=(0.0, 1.0), yRange=(low, high), padding=0)
        self.empty_text.setPos(0.5, (low + high) / 2)

    def set_curves(self, run: int, label: str | None,
                   curves: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """Show run ``run``'s curves (drops the ones it no longer has); ``label`` None: no
        legend entry."""
        for k, (x, y) in enumerate(curves):
            item = self.curves.get((run, k))
            if item is None:
                item = self.plotItem.plot([], [], pen=pg.mkPen(run_color(run), width=2),
                                          name=label if k == 0 else None)
                item.setClipToView(True)
                item.setDownsampling(auto=True, method="peak")
                self.curves[(run, k)] = item
            item.setData(*gap_xy(x, y, self.log_y), connect="finite")
        for key in [k for k in self.curves if k[0] == run and k[1] >= len(curves)]:
            item = self.curves.pop(key)
            self.plotItem.removeItem(item)

    def clear_runs(self) -> None:
        for item in self.curves.values():
            self.plotItem.removeItem(item)
        self.curves = {}
        self.show_empty_or_data()


class OverlayPlots(QWidget):
    """A grid of :class:`OverlayPlot` (2 rows) with a layer selector for the gradient plot."""

    def __init__(self, keys: tuple[str, ...] = DEFAULT_PLOTS, parent: QWidget | None = None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("gradient norms of")))
        self.layer_box = QComboBox()
        self.layer_box.setObjectName("gradientLayer")
        self.layer_box.setToolTip(self.tr("Show every layer's gradient norm, or only one layer's."))
        self.layer_box.addItem(self.tr("all layers"), None)
        self.layer_box.addItem(self.tr("mean over layers"), MEAN)
        self.layer_box.currentIndexChanged.connect(self._layer_changed)
        bar.addWidget(self.layer_box)
        bar.addStretch(1)
        outer.addLayout(bar)
        self.legend_strip = QLabel("")
        self.legend_strip.setObjectName("runLegend")
        self.legend_strip.setWordWrap(True)
        self.legend_strip.hide()
        outer.addWidget(self.legend_strip)
        grid = QGridLayout()
        grid.setSpacing(4)
        outer.addLayout(grid, 1)
        self.plots: dict[str, OverlayPlot] = {}
        cols = 2 if len(keys) > 2 else 1
        for i, key in enumerate(keys):
            plot = OverlayPlot(key)
            grid.addWidget(plot, i // cols, i % cols)
            self.plots[key] = plot
        for p in list(self.plots.values())[1:]:
            p.setXLink(next(iter(self.plots.values())))
        self._layer_sig: tuple = ()
        self._last: CompareFrame | None = None

    def _layer_changed(self) -> None:
        if "grad" in self.plots:
            self.plots["grad"].clear_runs()
        if self._last is not None:
            self.draw(self._last)

    def _fill_layers(self, frame: CompareFrame) -> None:
        snap = frame.runs[0].snapshot if frame.runs else None
        layers = getattr(snap, "layers", ()) or ()
        sig = tuple((ls.index, ls.id) for ls in layers if ls.grad_norm is not None)
        if sig == self._layer_sig:
            return
        keep = self.layer_box.currentData()
        if not self._layer_sig and len(frame.runs) > 2:
            keep = MEAN  # many runs: one curve per run reads better
        self._layer_sig = sig
        self.layer_box.blockSignals(True)
        self.layer_box.clear()
        self.layer_box.addItem(self.tr("all layers"), None)
        self.layer_box.addItem(self.tr("mean over layers"), MEAN)
        for ls in layers:
            if ls.grad_norm is not None:
                self.layer_box.addItem(f"layer {layer_name(ls)}", ls.id)
        self.layer_box.setCurrentIndex(max(self.layer_box.findData(keep), 0))
        self.layer_box.blockSignals(False)
        if "grad" in self.plots:
            self.plots["grad"].clear_runs()

    def draw(self, frame: CompareFrame) -> None:
        """Overlay every run of ``frame``."""
        self._last = frame
        self._fill_layers(frame)
        layer = self.layer_box.currentData()
        marks = sorted({m for run in frame.runs for m in run.markers})
        self._show_legend_strip(frame.labels, True)
        for key, plot in self.plots.items():
            plot.markers.update(tuple(marks))
            for r, run in enumerate(frame.runs):
                plot.set_curves(r, frame.labels[r], series_for(key, run.history, layer))
            plot.show_empty_or_data()

    def _show_legend_strip(self, labels: tuple[str, ...], show: bool) -> None:
        """One shared legend (coloured run names) above the plots, off the curves."""
        html = "&nbsp;&nbsp; ".join(f'<span style="color:{run_color(r)}"><b>━━</b></span>'
                                    f'&nbsp;{label}'
                                   for r, label in enumerate(labels)) if show else ""
        if self.legend_strip.text() != html:
            self.legend_strip.setText(html)
            self.legend_strip.setVisible(show)


class BoundaryRow(QWidget):
    """The runs' decision boundaries side by side (a near-square grid), each titled with its label in its colour."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.panels: list[BoundaryDashboard] = []
        self.titles: list[QLabel] = []
        self.boxes: list[QWidget] = []
        self._columns = 0

    def ensure(self, labels: tuple[str, ...]) -> None:
        """Make one panel per run (rebuilt when the labels change)."""
        if [t.property("run_label") for t in self.titles] == list(labels):
            return
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.panels, self.titles, self.boxes = [], [], []
        for r, label in enumerate(labels):
            box = QWidget()
            col = QVBoxLayout(box)
            col.setContentsMargins(0, 0, 0, 0)
            col.setSpacing(0)
            title = QLabel(label)
            title.setProperty("run_label", label)
            title.setAlignment(Qt.AlignCenter)
            title.setStyleSheet(f"color: {run_color(r)}; font-weight: bold;")
            title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
            panel = BoundaryDashboard()
            panel.setMinimumSize(100, 90)
            col.addWidget(title)
            col.addWidget(panel, 1)
            self._layout.addWidget(box, 0, r)  # owned by the layout's widget from here on
            self.panels.append(panel)
            self.titles.append(title)
            self.boxes.append(box)
        self._columns = 0
        self._grid()

    def columns_for(self, n: int) -> int:
        """Columns that make the panels closest to square in this widget (a tall, narrow
        area stacks them; a wide one puts them side by side)."""
        w, h = max(self.width(), 1), max(self.height(), 1)
        best = min(range(1, n + 1), key=lambda c: abs(np.log((w / c) / (h / -(-n // c)))))
        return best

    def _grid(self) -> None:
        n = len(self.panels)
        cols = self.columns_for(n) if n else 1
        if cols == self._columns:
            return
        self._columns = cols
        for box in self.boxes:
            self._layout.removeWidget(box)
        for r, box in enumerate(self.boxes):
            self._layout.addWidget(box, r // cols, r % cols)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._grid()

    def draw(self, frame: CompareFrame) -> None:
        self.ensure(frame.labels)
        for r, (panel, run) in enumerate(zip(self.panels, frame.runs)):
            panel.update_frame(run)
            snap = run.snapshot
            loss = getattr(snap, "loss", None)
            extra = f"loss {loss:.3g}" if isinstance(loss, float) and np.isfinite(loss) else ""
            stop = f" · {frame.stopped[r]}" if frame.stopped[r] else ""
            self.titles[r].setText(f"{frame.labels[r]}<br><span style='font-weight:normal'>"
                                   f"{extra}{stop}</span>")


def as_dict(design: Any) -> dict:
    """A design as a plain dict (engine ``Design`` objects via ``to_dict()``)."""
    if isinstance(design, dict):
        return design
    to_dict = getattr(design, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    raise TypeError(f"not a design: {type(design).__name__}")
