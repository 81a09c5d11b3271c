"""Presentation mode for any top-level window: full screen, fonts scaled by a zoom, thick plot
lines and large markers on every pyqtgraph PlotItem, a high-contrast light theme with the
Okabe–Ito palette, and collapsible side docks. Everything changed is remembered and restored."""
from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from playground.classroom.overlay import one_two_five
from playground.classroom.palette import (OKABE_ITO, light_palette, light_stylesheet,
                                          scaled_font_rules)
from playground.dashboards.base import PALETTE as DASH_PALETTE
from playground.dashboards.inspect_plots import CLASS_COLORS

STATE_ATTR = "_classroom_presentation"
RESTYLE_MS = 500
MIN_LINE = 3.0
SPARSE_TEXT = [(0, 0.6), (2, 0.4), (4, 0.2)]  # axis text fill limits (pyqtgraph: 0.8, 0.6, ...)
DASHBOARD_SHARE = 0.62  # of the screen width for a main window's right (dashboard) docks#: dark-theme colours of the dashboards -> Okabe–Ito (same index, cycling)
COLOR_MAP = {c.lower(): OKABE_ITO[i % 7] for i, c in enumerate(DASH_PALETTE + CLASS_COLORS)}
COLOR_MAP["#ffd166"] = "#000000"  # change markers
COLOR_MAP["#f0e442"] = "#000000"  # Okabe–Ito yellow is too faint on white


def is_presenting(window: QWidget) -> bool:
    """True while ``window`` is in presentation mode."""
    return getattr(window, STATE_ATTR, None) is not None


def apply_presentation(window: QWidget, enabled: bool, zoom: float = 1.6) -> None:
    """Switch ``window`` (a top-level widget) into presentation mode or back.

    Parameters
    ----------
    window : QMainWindow or any top-level QWidget.
    enabled : True to present, False to restore exactly what was there before.
    zoom : font scale factor (the teacher's choice); lines get ``max(zoom, 1.5)`` times thicker.
    """
    state: _Presentation | None = getattr(window, STATE_ATTR, None)
    if enabled:
        if state is not None:
            if abs(state.zoom - zoom) < 1e-9:
                return
            state.restore()
        state = _Presentation(window, float(zoom))
        setattr(window, STATE_ATTR, state)
        state.apply()
    elif state is not None:
        state.restore()
        setattr(window, STATE_ATTR, None)


def set_side_docks_visible(window: QWidget, visible: bool | None = None) -> bool:
    """Show, hide (or with ``None`` toggle) the left/right docks of a QMainWindow that are not
    dashboards (their widgets carry no ``update_frame``). Returns the new visibility."""
    docks = _side_docks(window)
    if not docks:
        return False
    if visible is None:
        visible = not any(d.isVisible() for d in docks)
    for d in docks:
        d.setVisible(visible)
    return visible


def _side_docks(window: QWidget) -> list[QDockWidget]:
    if not isinstance(window, QMainWindow):
        return []
    return [d for d in window.findChildren(QDockWidget)
            if window.dockWidgetArea(d) == Qt.LeftDockWidgetArea
            and not hasattr(d.widget(), "update_frame") and not d.isFloating()]


def fit_dashboards(window: QWidget, share: float = DASHBOARD_SHARE) -> None:
    """Give a QMainWindow's right (dashboard) docks ``share`` of its width, split between the
    columns they form (call again after the window was resized)."""
    if not isinstance(window, QMainWindow):
        return
    right = [d for d in window.findChildren(QDockWidget) if d.isVisible()
             and not d.isFloating() and window.dockWidgetArea(d) == Qt.RightDockWidgetArea]
    columns = {}
    for d in right:  # one dock per column (tabbed and stacked docks share their column)
        columns.setdefault(d.geometry().x(), d)
    right = list(columns.values())
    if not right:
        return
    central = window.centralWidget()
    if central is not None and is_presenting(window):
        central.setMaximumWidth(max(int(window.width() * (1.0 - share)), 200))
    window.resizeDocks(right, [int(window.width() * share / len(right))] * len(right),
                       Qt.Horizontal)


def _map_color(c: Any) -> QColor:
    qc = pg.mkColor(c)
    return QColor(COLOR_MAP.get(qc.name().lower(), qc.name()))


class _Presentation:
    """The saved state of one window in presentation mode."""

    def __init__(self, window: QWidget, zoom: float):
        self.window, self.zoom = window, zoom
        self.width_factor = max(zoom, 1.5)
        self.fonts: list[tuple[QWidget, QFont]] = []
        self.items: dict[int, tuple[Any, dict]] = {}
        self.plots: dict[int, tuple[Any, dict]] = {}
        self.timer = QTimer(window)
        self.timer.setInterval(RESTYLE_MS)
        self.timer.timeout.connect(self.style_plots)

    def apply(self) -> None:
        w = self.window
        self.was = {"full": w.isFullScreen(), "max": w.isMaximized(), "sheet": w.styleSheet(),
                    "palette": QWidget.palette(w), "font": QFont(QWidget.font(w)),
                    "docks": [(d, d.isVisible()) for d in _side_docks(w)]}
        explicit = [c for c in w.findChildren(QWidget) if c.testAttribute(Qt.WA_SetFont)]
        base = QFont(QWidget.font(w))
        base.setPointSizeF(base.pointSizeF() * self.zoom)
        QWidget.setFont(w, base)
        for child in explicit:
            self.fonts.append((child, QFont(child.font())))
            f = QFont(child.font())
            f.setPointSizeF(f.pointSizeF() * self.zoom)
            child.setFont(f)
        QWidget.setPalette(w, light_palette())
        app = QApplication.instance()
        sheets = (app.styleSheet() if app is not None else "") + self.was["sheet"]
        w.setStyleSheet(self.was["sheet"] + light_stylesheet()
                        + scaled_font_rules(sheets, self.zoom))
        for dock, _ in self.was["docks"]:
            dock.setVisible(False)
        bar = getattr(w, "bar", None)
        if hasattr(bar, "set_compact"):   # the main window's training bar: fit 1280 px
            self.was["bar_compact"] = bar.compact
            bar.set_compact(True)
        self.style_plots()
        self.timer.start()
        w.showFullScreen()
        if isinstance(w, QMainWindow) and w.centralWidget() is not None:
            self.was["central_min"] = w.centralWidget().minimumWidth()
            self.was["central_max"] = w.centralWidget().maximumWidth()
            w.centralWidget().setMinimumWidth(0)
            QTimer.singleShot(0, lambda: fit_dashboards(w))

    def restore(self) -> None:
        self.timer.stop()
        w, was = self.window, self.was
        for key, (plot, saved) in list(self.plots.items()):
            _restore_plot(plot, saved)
        for key, (item, saved) in list(self.items.items()):
            _restore_item(item, saved)
        self.plots.clear()
        self.items.clear()
        w.setStyleSheet(was["sheet"])
        QWidget.setPalette(w, was["palette"])
        QWidget.setFont(w, was["font"])
        for child, font in self.fonts:
            child.setFont(font)
        for dock, vis in was["docks"]:
            dock.setVisible(vis)
        if "bar_compact" in was:
            w.bar.set_compact(was["bar_compact"])
        if "central_min" in was and w.centralWidget() is not None:
            w.centralWidget().setMinimumWidth(was["central_min"])
            w.centralWidget().setMaximumWidth(was["central_max"])
        if was["full"]:
            w.showFullScreen()
        elif was["max"]:
            w.showMaximized()
        else:
            w.showNormal()
        self.timer.deleteLater()

    # ------------------------------------------------------------ pyqtgraph
    def style_plots(self) -> None:
        """Style every PlotItem under the window (new curves too: runs on a timer)."""
        for view in self.window.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                if isinstance(item, pg.PlotItem) and id(item) not in self.plots:
                    self.plots[id(item)] = (item, _style_plot(item, view, self.zoom))
                elif isinstance(item, (pg.PlotDataItem, pg.PlotCurveItem, pg.ScatterPlotItem,
                                       pg.InfiniteLine)) and id(item) not in self.items:
                    if isinstance(item, (pg.PlotCurveItem, pg.ScatterPlotItem)) and \
                            isinstance(item.parentItem(), pg.PlotDataItem):
                        continue  # styled through its PlotDataItem
                    self.items[id(item)] = (item, _style_item(item, self.width_factor,
                                                              self.zoom))


def _style_plot(plot: pg.PlotItem, view: pg.GraphicsView, zoom: float) -> dict:
    """White background, black axes, larger tick/title/legend fonts; returns what to restore."""
    saved = {"view": view, "background": view.backgroundBrush(), "axes": {}}
    view.setBackground("w")
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        font = QFont(axis.style.get("tickFont") or QFont())
        saved["axes"][name] = (axis.pen(), axis.textPen(), axis.style.get("tickFont"),
                               dict(axis.labelStyle), axis.style.get("textFillLimits"),
                               "tickStrings" in vars(axis))
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * zoom)
        axis.setStyle(tickFont=font, textFillLimits=SPARSE_TEXT)
        if "tickStrings" not in vars(axis):  # fewer log-axis labels (they pile up when large)
            axis.tickStrings = _sparse_log_labels(axis)
        axis.setPen(pg.mkPen("k", width=2))
        axis.setTextPen(pg.mkPen("k"))
        axis.labelStyle = {**axis.labelStyle, "color": "#000000",
                           "font-size": f"{10 * zoom:.0f}pt"}
        axis._updateLabel() if hasattr(axis, "_updateLabel") else None
    title = plot.titleLabel
    saved["title"] = (title.text, dict(title.opts))
    if title.text:
        title.setText(title.text, size=f"{11 * zoom:.0f}pt", color="#000000")
    legend = plot.legend
    if legend is not None:
        saved["legend"] = (legend.labelTextSize(), legend.labelTextColor(), legend.brush())
        legend.setLabelTextSize(f"{9 * zoom:.0f}pt")
        legend.setLabelTextColor("#000000")
        legend.setBrush(pg.mkBrush(255, 255, 255, 220))
    return saved


def _sparse_log_labels(axis: pg.AxisItem) -> Any:
    """``axis.tickStrings`` that keeps only 1-2-5 labels in log mode."""
    original = axis.tickStrings

    def tick_strings(values, scale, spacing):
        strings = original(values, scale, spacing)
        return one_two_five(values, strings) if axis.logMode else strings
    return tick_strings


def _restore_plot(plot: pg.PlotItem, saved: dict) -> None:
    saved["view"].setBackgroundBrush(saved["background"])
    for name, (pen, text_pen, tick_font, label_style, limits, own) in saved["axes"].items():
        axis = plot.getAxis(name)
        axis.setPen(pen)
        axis.setTextPen(text_pen)
        axis.setStyle(tickFont=tick_font, textFillLimits=limits)
        if not own and "tickStrings" in vars(axis):
            del axis.tickStrings
        axis.labelStyle = label_style
        axis._updateLabel() if hasattr(axis, "_updateLabel") else None
    text, opts = saved["title"]
    if text:
        plot.titleLabel.setText(text, **{k: v for k, v in opts.items()
                                         if k in ("size", "color", "bold", "italic")})
    if "legend" in saved and plot.legend is not None:
        size, color, brush = saved["legend"]
        if size is not None:
            plot.legend.setLabelTextSize(size)
        if color is not None:
            plot.legend.setLabelTextColor(color)
        else:
            plot.legend.opts["labelTextColor"] = None
            plot.legend.setLabelTextColor(pg.getConfigOption("foreground"))
            plot.legend.opts["labelTextColor"] = None
        plot.legend.setBrush(brush)


def _thick(pen: Any, factor: float, minimum: float = MIN_LINE) -> Any:
    """A copy of ``pen``, ``factor`` times wider (at least ``minimum``), in Okabe–Ito colours."""
    if pen is None:
        return None
    qpen = pg.mkPen(pen)
    if qpen.style() == Qt.NoPen:
        return qpen
    qpen.setColor(_map_color(qpen.color()))
    qpen.setWidthF(max(max(qpen.widthF(), 1.0) * factor, minimum))
    return qpen


def _style_item(item: Any, factor: float, zoom: float) -> dict:
    """Thicker pens, larger symbols, Okabe–Ito colours; returns what to restore."""
    if isinstance(item, pg.PlotDataItem):
        saved = {"pen": item.opts.get("pen"), "symbolSize": item.opts.get("symbolSize"),
                 "symbolPen": item.opts.get("symbolPen"),
                 "symbolBrush": item.opts.get("symbolBrush")}
        pen = item.opts.get("pen")
        if pen is not None:
            item.setPen(_thick(pen, factor))
        if item.opts.get("symbol") is not None:
            item.setSymbolSize(float(item.opts.get("symbolSize") or 6) * zoom)
            brush = item.opts.get("symbolBrush")
            if brush is not None and not isinstance(brush, (list, tuple)):
                item.setSymbolBrush(pg.mkBrush(_map_color(pg.mkBrush(brush).color())))
        return saved
    if isinstance(item, pg.InfiniteLine):
        saved = {"pen": pg.mkPen(item.pen)}
        item.setPen(_thick(item.pen, factor, 2.0))
        return saved
    if isinstance(item, pg.ScatterPlotItem):
        saved = {"size": item.opts.get("size")}
        item.setSize(float(item.opts.get("size") or 5) * zoom)
        return saved
    pen = item.opts.get("pen")
    item.setPen(_thick(pen, factor))
    return {"pen": pen}


def _restore_item(item: Any, saved: dict) -> None:
    try:
        if isinstance(item, pg.PlotDataItem):
            item.setPen(saved["pen"])
            if saved["symbolSize"] is not None:
                item.setSymbolSize(saved["symbolSize"])
            if saved["symbolBrush"] is not None and not isinstance(saved["symbolBrush"],
                                                                    (list, tuple)):
                item.setSymbolBrush(saved["symbolBrush"])
        elif isinstance(item, pg.ScatterPlotItem):
            item.setSize(saved["size"])
        else:
            item.setPen(saved["pen"])
    except RuntimeError:  # the item was deleted meanwhile
        pass


def pen_width(item: Any) -> float:
    """Width of a plot item's pen (0 when it has none): tests and screenshots read it."""
    pen = item.opts.get("pen") if hasattr(item, "opts") else getattr(item, "pen", None)
    return 0.0 if pen is None else float(pg.mkPen(pen).widthF())
