"""Shared pieces of the dashboards: the base class, colours, time plots with change markers."""
from __future__ import annotations

import functools
import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.i18n import translate
from playground.dashboards.axes import readable_axes
from playground.dashboards.markers import MarkerLayer  # noqa: F401 - re-exported
from playground.history import Frame
from playground.theme import LINE_COLORS
from playground.widgets.help_view import HelpText, corner_button, place_in_corner

PALETTE = list(LINE_COLORS)  # Okabe–Ito, readable on the dark plots and on the projector
pg.setConfigOptions(antialias=False, background="#1b1f27", foreground="#c9d1d9")


MAX_POINTS = 1000  # points per time-plot curve handed to pyqtgraph (fewer on a narrow plot)
MIN_POINTS = 200
LINE = {"width": 1}  # 1-pixel cosmetic lines paint several times faster; presentation mode widens


def pen(col: str) -> Any:
    """A line pen of the current width (made once per colour and width: dashboards ask for
    their pens on every frame)."""
    return _pen(col, LINE["width"])


@functools.lru_cache(maxsize=256)
def _pen(col: str, width: int) -> Any:
    return pg.mkPen(col, width=width)


@functools.lru_cache(maxsize=256)
def brush(col: str) -> Any:
    """One QBrush per colour: pyqtgraph's scatter caches a point's symbol by the brush and pen
    objects, so 1,000 points drawn with one shared brush render the symbol once, not 1,000
    times."""
    return pg.mkBrush(col)


def color(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def gap_xy(x: np.ndarray, y: np.ndarray, log: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` as float arrays with non-finite (and, for log axes, non-positive) values
    as NaN: drawn with ``connect="finite"`` they leave a gap instead of a bridging line."""
    y = np.asarray(y, dtype=np.float64).copy()
    bad = ~np.isfinite(y)
    if log:
        bad |= y <= 0
    y[bad] = np.nan
    return np.asarray(x, dtype=np.float64), y


def peak_decimate(x: np.ndarray, y: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``most`` points of a long series: the smallest and the largest value of each of
    about ``most / 2`` runs of neighbouring points (both at the run's last x, so a spike of one
    step still shows), the newest point itself last. NaN only where a whole run is NaN."""
    n = len(x)
    if n <= most:
        return x, y
    body = n - 1
    size = int(np.ceil(body / max(most // 2 - 1, 1)))
    starts = np.maximum(body - size * np.arange(-(-body // size), 0, -1), 0)
    ends = np.append(starts[1:], body) - 1
    lo, hi = np.fmin.reduceat(y[:body], starts), np.fmax.reduceat(y[:body], starts)
    xs = np.append(np.repeat(x[ends], 2), x[-1])
    ys = np.append(np.column_stack([lo, hi]).ravel(), y[-1])
    return xs, ys


def layer_name(ls: Any) -> str:
    """Short label of a LayerStats: ``"2 relu"``, ``"0 dense"``."""
    kind = getattr(ls, "function", None) or getattr(ls, "type", "?")
    return f"{ls.index} {kind}"


class Dashboard(QWidget):
    """A live panel: ``update_frame`` is called with the newest frame at most ~30 times a second.

    ``frames_drawn`` counts the frames that carried data for this panel (the tests read it).
    """

    title = QT_TRANSLATE_NOOP("Docks", "Dashboard")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.frames_drawn = 0
        self._inputs: tuple | None = None
        self._shows_data = False
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(2, 2, 2, 2)
        self._layout.setSpacing(2)
        self.help_button = corner_button(self, "?", QCoreApplication.translate(
            "Dashboard", "What this view shows, how to read it, and which lesson shows it"))
        self.help_button.clicked.connect(self.show_help)
        self.help_window: QWidget | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(frames_drawn={self.frames_drawn})"

    def update_frame(self, frame: Frame) -> None:
        inputs = self.inputs(frame)
        if inputs is not None and self._inputs is not None and len(inputs) == len(self._inputs) \
                and all(a is b for a, b in zip(inputs, self._inputs)):
            return  # the same objects as drawn last time: nothing to repaint
        if self.draw(frame):
            self.frames_drawn += 1
            self._shows_data = True
        elif self._shows_data:  # nothing of this run for this panel: no stale figures
            self.clear()
            self._shows_data = False
        self._inputs = inputs

    def inputs(self, frame: Frame) -> tuple | None:
        """The parts of ``frame`` this panel shows, when it shows only a few (compared by
        identity: an unchanged boundary is not redrawn); None: redraw on every frame."""
        return None

    def draw(self, frame: Frame) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def clear(self) -> None:
        """Forget everything shown (a new design without what this panel shows, a design that
        could not be built). Subclasses clear their items."""

    def contextMenuEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        """Right-click on a plot: save it as PNG, SVG or CSV (playground.plot_export)."""
        from playground.plot_export import plot_menu
        menu = plot_menu(self, event.pos())
        if menu is None:
            event.ignore()
            return
        menu.popup(event.globalPos())
        event.accept()

    def show_help(self) -> QWidget:
        """The "?" window: this dashboard's text (resources/guide/dashboards/), one per panel."""
        from playground.help_texts import dashboard_help
        if self.help_window is None:
            self.help_window = HelpText(self.title, dashboard_help(type(self).__name__), self)
            self.help_window.setWindowFlag(Qt.Window)
        self.help_window.show()
        self.help_window.raise_()
        return self.help_window

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        place_in_corner(self.help_button)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        place_in_corner(self.help_button)

    def add_banner(self, widget: QWidget) -> None:
        """Lay ``widget`` (the end-of-run banner) over the top of this dashboard's plots, not
        in its layout: the plots do not move when it shows; the "?" stays uncovered."""
        from playground.widgets.run_banner import overlay
        overlay(widget, self, right=self.help_button.sizeHint().width() + 2)


def quiet_plot(item: pg.PlotItem) -> None:
    """No context menu, no auto-range button, no SI-prefix relabelling, no auto range: each of
    these costs time on every frame; ranges are set by :class:`RangeKeeper` instead."""
    item.setMenuEnabled(False)
    item.hideButtons()
    readable_axes(item)
    for name in ("left", "bottom"):
        item.getAxis(name).enableAutoSIPrefix(False)
    item.disableAutoRange()


def _nice_ceiling(v: float) -> float:
    if v <= 0:
        return 1.0
    mag = 10 ** np.floor(np.log10(v))
    for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if m * mag >= v:
            return float(m * mag)
    return float(10 * mag)


class RangeKeeper:
    """Sets a plot's view range only when the data leave it (or fill only a small part of it),
    so that axes are not regenerated on every frame."""

    def __init__(self, item: pg.PlotItem, grow_x: bool = True, log_y: bool = False,
                 y_limits: tuple[float, float] | None = None):
        self.item, self.grow_x, self.log_y = item, grow_x, log_y
        self.y_limits = y_limits  # a fraction never shows below 0 or above 1
        self.x: tuple[float, float] | None = None
        self.y: tuple[float, float] | None = None

    def reset(self) -> None:
        self.x = self.y = None

    def _min_y_span(self, ylo: float, yhi: float) -> float:
        """The smallest y span shown: one decade on log axes, else 10 % of the value (so one
        point or a flat curve gets readable ticks, not 0.30000001 ...)."""
        if self.log_y:
            return 1.0
        if self.y_limits is not None:
            return 0.1 * (self.y_limits[1] - self.y_limits[0])
        return max(0.1 * max(abs(ylo), abs(yhi)), 1e-3)

    def fit(self, xlo: float, xhi: float, ylo: float, yhi: float) -> None:
        """Bounds of the data in view coordinates (log10 already applied for log axes)."""
        if not all(np.isfinite(v) for v in (xlo, xhi, ylo, yhi)):
            return
        if self.x is None or xhi > self.x[1] or xlo < self.x[0] or \
                (self.grow_x and xhi < self.x[0] + 0.3 * (self.x[1] - self.x[0])):
            span = max(xhi - xlo, 1.0)  # steps: at least one step wide
            hi = xlo + _nice_ceiling(1.1 * span) if self.grow_x else max(xhi, xlo + span)
            self.x = (xlo, hi)
            self.item.setXRange(xlo, hi, padding=0.02)
        low = self._min_y_span(ylo, yhi)
        if yhi - ylo < low:
            mid = 0.5 * (ylo + yhi)
            ylo, yhi = mid - 0.5 * low, mid + 0.5 * low
            if self.y_limits is not None:  # a short span stays inside the limits
                shift = max(self.y_limits[0] - ylo, 0.0) - max(yhi - self.y_limits[1], 0.0)
                ylo, yhi = ylo + shift, yhi + shift
        span = yhi - ylo
        if self.y is None or ylo < self.y[0] or yhi > self.y[1] or \
                span < 0.5 * (self.y[1] - self.y[0]):
            self.y = (ylo - 0.1 * span, yhi + 0.1 * span)
            if self.y_limits is not None:
                lo, hi = self.y_limits
                pad = 0.03 * (hi - lo)
                self.y = (max(self.y[0], lo - pad), min(self.y[1], hi + pad))
            self.item.setYRange(*self.y, padding=0)


def log_ticks(lo: float, hi: float, most: int = 6) -> list[tuple[float, str]]:
    """Ticks for a log10 axis showing log10 values ``lo``..``hi``: decades, or 1-2-5 steps when
    the range is short; at most about ``most`` labels, never fewer than two."""
    first, last = int(np.floor(lo)), int(np.ceil(hi))
    for mantissas in ((1.0,), (1.0, 3.0), (1.0, 2.0, 5.0), (1.0, 1.5, 2.0, 3.0, 5.0, 7.0)):
        values = [np.log10(m) + d for d in range(first, last + 1) for m in mantissas]
        inside = [v for v in values if lo <= v <= hi]
        if len(inside) >= 2:
            break
    stride = max(1, int(np.ceil(len(inside) / most)))
    return [(v, f"{10 ** v:.3g}") for v in inside[::-1][::stride][::-1]]  # keep the top one


class LegendStrip(QLabel):
    """A plot's legend as a line of text above it ("━ train ━ validation", each dash in its
    curve's colour): it never hides a curve and wraps instead of being cut."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("plotLegend")
        self.setTextFormat(Qt.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.NoTextInteraction)
        self.entries: list[tuple[str, str]] = []
        self.hidden_for_good = False  # a second plot with the same curves shows none
        self.setVisible(False)

    def show_entries(self, entries: list[tuple[str, str]]) -> None:
        """``[(name, colour), …]``; hidden when empty."""
        if entries == self.entries:
            return
        self.entries = list(entries)
        self.setText("&nbsp;&nbsp; ".join(
            f'<span style="color:{col}"><b>━━</b></span>&nbsp;{html.escape(translate("Plots", name))}'
            for name, col in entries))
        if self.parentWidget() is not None:  # never a window of its own
            self.setVisible(bool(entries) and not self.hidden_for_good)


def add_time_plot(layout: Any, plot: "TimePlot", stretch: int = 1) -> None:
    """Add ``plot`` with its legend strip above it to a box layout."""
    layout.addWidget(plot.legend)
    layout.addWidget(plot, stretch)


def layer_columns(h: dict, key: str) -> list[tuple[int, str, str, np.ndarray]]:
    """(colour number, layer id, name, series) of each layer column of ``h[key]`` that has
    figures; colours follow the columns' first appearance, so they stay put when layers are
    inserted or removed."""
    out = []
    values = h.get(key)
    if values is None or values.ndim != 2:
        return out
    for col, (lid, name) in enumerate(zip(h.get("layer_ids", ()), h.get("layer_names", ()))):
        if col < values.shape[1] and np.isfinite(values[:, col]).any():
            out.append((len(out), lid, name, values[:, col]))
    return out


class TimePlot(pg.PlotWidget):
    """A plot over training steps with named curves (created once) and change markers."""

    def __init__(self, title: str, log_y: bool = False, parent: QWidget | None = None,
                 y_limits: tuple[float, float] | None = None):
        super().__init__(parent=parent)
        self.setTitle(translate("Plots", title), size="10pt")
        self.plotItem.setLabel("bottom", translate("Plots", "step"))
        self.legend = LegendStrip()  # above the plot (add_time_plot): never on the curves
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.labels: dict[str, str] = {}
        self.markers = MarkerLayer(self.plotItem)
        self.log_y = log_y
        self.plotItem.setLogMode(y=log_y)
        self._style_log_axis()
        self.setMinimumHeight(80)
        quiet_plot(self.plotItem)
        self.ranges = RangeKeeper(self.plotItem, log_y=log_y, y_limits=y_limits)
        self._bounds: dict[str, tuple[float, float, float, float]] = {}
        self._raw: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._zeros: set[str] = set()
        self._given: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # set_series' last input
        self._floored: dict[str, float] = {}  # the zero floor each curve was last drawn with
        self.setToolTip(translate("Plots", title))
        self.scene().sigMouseMoved.connect(self._hover)

    def _style_log_axis(self) -> None:
        """Log axes get their own few ticks (:func:`log_ticks`; pyqtgraph labels every minor
        tick of a short range, which piles up unreadable labels)."""
        self._ticked: tuple | None = None
        self.plotItem.getAxis("left").setTicks(None)

    def set_log(self, on: bool) -> None:
        self.log_y = bool(on)
        self.plotItem.setLogMode(y=self.log_y)
        self._style_log_axis()
        self._bounds.clear()
        self._zeros.clear()
        self._given.clear()
        self._floored.clear()
        self.ranges.log_y = self.log_y
        self.ranges.reset()

    def curve(self, name: str, pen: Any, label: str | None = None, **kw: Any) -> pg.PlotDataItem:
        """The curve called ``name`` (made at the first call); ``label`` is its legend text
        (``name`` by default)."""
        item = self.curves.get(name)
        if item is None:
            item = self.plotItem.plot([], [], pen=pen, name=name, **kw)
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
            self.curves[name] = item
        text = label or name
        if self.labels.get(name) != text:
            self.labels[name] = text
            self.legend.show_entries([(self.labels[n], pg.mkPen(c.opts["pen"]).color().name())
                                      for n, c in self.curves.items()])
        return item

    def drop_curves(self) -> None:
        for item in self.curves.values():
            self.plotItem.removeItem(item)
        self.curves = {}
        self.labels = {}
        self.legend.show_entries([])
        self._bounds.clear()
        self._raw.clear()
        self._zeros.clear()
        self._given.clear()
        self._floored.clear()
        self.ranges.reset()

    def set_series(self, name: str, x: np.ndarray, y: np.ndarray, pen: Any,
                   label: str | None = None) -> None:
        """Show ``y`` (n,) over steps ``x`` (n,); NaN leaves a gap (a layer switched off, a
        layer not there yet), it is never bridged by a line. On a log axis, zeros sit on a
        floor labelled "0" (set by :meth:`fit`). Long series are thinned to about MAX_POINTS
        (the newest point always kept): a plot is a few hundred pixels wide. The same data
        as last time are not handed to pyqtgraph again."""
        given = self._given.get(name)
        if given is not None and name in self.curves and (
                (np.array_equal(given[0], x) and np.array_equal(given[1], y, equal_nan=True))
                or not (np.isfinite(given[1]).any() or np.isfinite(y).any())):
            self.curve(name, pen, label)  # the same data, or nothing to show before and now
            return
        self._given[name] = (np.array(x), np.array(y))
        self._floored.pop(name, None)
        xs = np.asarray(x, dtype=np.float64)
        ys = np.asarray(y, dtype=np.float64).copy()
        ys[~np.isfinite(ys)] = np.nan
        if self.log_y:
            ys[ys < 0] = np.nan
        xs, ys = peak_decimate(xs, ys, self.most_points())
        self._raw[name] = (xs, ys)
        shown = np.where(ys > 0, ys, np.nan) if self.log_y else ys
        self.curve(name, pen, label).setData(xs, shown, connect="finite")
        ok = np.isfinite(ys) & ((ys > 0) if self.log_y else True)
        if ok.any():
            yv = np.log10(ys[ok]) if self.log_y else ys[ok]
            self._bounds[name] = (float(xs[0]), float(xs[-1]), float(yv.min()), float(yv.max()))
        else:
            self._bounds.pop(name, None)
        if self.log_y and np.any(ys == 0):
            self._zeros.add(name)
        else:
            self._zeros.discard(name)

    def most_points(self) -> int:
        """The most points a curve gets: two per pixel of the plot's width (a smallest and a
        largest value per pixel column), at most MAX_POINTS."""
        return int(min(MAX_POINTS, max(2 * self.plotItem.vb.width(), MIN_POINTS)))

    def _zero_floor(self) -> float | None:
        """log10 of where zeros are drawn on a log axis: a decade below the smallest positive
        value shown (all-zero gradients still show, on the "0" line); None: no zeros."""
        if not self.log_y or not self._zeros:
            return None
        lows = [b[2] for b in self._bounds.values()]
        return float(np.floor(min(lows)) - 1.0) if lows else -6.0

    def fit(self) -> None:
        """Adjust the view to the curves (only when needed); call after the frame's set_series."""
        floor = self._zero_floor()
        bounds = list(self._bounds.values())
        if floor is not None:
            for name in self._zeros:
                xs, ys = self._raw[name]
                if self._floored.get(name) != floor:
                    self._floored[name] = floor
                    self.curves[name].setData(xs, np.where(ys == 0, 10.0 ** floor, ys),
                                              connect="finite")
                if len(xs):
                    bounds.append((float(xs[0]), float(xs[-1]), floor, floor))
        if bounds:
            b = np.array(bounds)
            self.ranges.fit(b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max())
            ticked = (self.ranges.y, floor)
            if self.log_y and ticked != self._ticked:
                self._ticked = ticked
                ticks = log_ticks(*self.ranges.y)
                if floor is not None:
                    ticks = [(v, t) for v, t in ticks if v > floor + 0.5] + [(floor, "0")]
                self.plotItem.getAxis("left").setTicks([ticks])

    def describe(self, x: float) -> str:
        """What the plot shows at step ``x``: each curve's value there and the changes made
        near it (the plot's tooltip)."""
        lines = [f"step {int(round(x))}"]
        for name, item in self.curves.items():
            raw = self._raw.get(name)
            if raw is None or not len(raw[0]):
                continue
            xs, ys = raw
            i = int(np.argmin(np.abs(xs - x)))
            if np.isfinite(ys[i]) and abs(xs[i] - x) <= max(1.0, 0.02 * (xs[-1] - xs[0])):
                lines.append(f"{self.labels.get(name, name)}: {ys[i]:.4g}")
        near = self.markers.near(x)
        lines += [f"▸ {label} (step {step})" for step, label in near]
        return "\n".join(lines)

    def _hover(self, pos: Any) -> None:
        vb = self.plotItem.vb
        if not vb.sceneBoundingRect().contains(pos):
            return
        self.setToolTip(self.describe(vb.mapSceneToView(pos).x()))
