"""Presentation mode for any top-level window: the projector theme (white on black, Okabe–Ito
lines; every text and line at least 4.5:1 against its background), text at least 18 px, thick
plot lines and large markers, full screen, the side panels hidden. A window with
``enter_projector``/``leave_projector`` (the main window) also gets its projector layout.
Everything changed is remembered and restored."""
from __future__ import annotations

import re
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

from playground.classroom.plot_style import restore_item, restore_plot, style_item, style_plot
from playground.theme import PROJECTOR_MIN_PX, projector_palette, projector_stylesheet

STATE_ATTR = "_classroom_presentation"
RESTYLE_MS = 500
DASHBOARD_SHARE = 0.62  # of the screen width for a comparison's dashboards
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIZE = re.compile(r"font-size\s*:\s*([0-9.]+)\s*pt")


def text_px(zoom: float) -> int:
    """Text height in pixels for a zoom (1.6: 20 px); never below PROJECTOR_MIN_PX."""
    return max(PROJECTOR_MIN_PX, int(round(12.5 * zoom)))


def is_presenting(window: QWidget) -> bool:
    """True while ``window`` is in presentation mode."""
    return getattr(window, STATE_ATTR, None) is not None


def apply_presentation(window: QWidget, enabled: bool, zoom: float = 1.6) -> None:
    """Switch ``window`` (a top-level widget) into presentation mode or back.

    Parameters
    ----------
    window : QMainWindow or any top-level QWidget.
    enabled : True to present, False to restore exactly what was there before.
    zoom : text scale (1.6: 20 px text; never below 18 px); lines ``max(zoom, 1.5)`` times
        thicker.
    """
    state: _Presentation | None = getattr(window, STATE_ATTR, None)
    if enabled:
        if state is not None:
            if abs(state.zoom - zoom) < 1e-9:
                return
            state.restyle(float(zoom))
            return
        state = _Presentation(window, float(zoom))
        setattr(window, STATE_ATTR, state)
        state.apply()
    elif state is not None:
        state.restore()
        setattr(window, STATE_ATTR, None)


def restyle_now(window: QWidget) -> None:
    """Style the plot items made since the last pass (before a screenshot)."""
    state: _Presentation | None = getattr(window, STATE_ATTR, None)
    if state is not None:
        state.style_plots()


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
    if right:
        window.resizeDocks(right, [int(window.width() * share / len(right))] * len(right),
                           Qt.Horizontal)


def pixel_font_rules(sheet: str, zoom: float, px: int) -> str:
    """For every rule of ``sheet`` that sets ``font-size: Npt``, the same selector with a pixel
    size: N pt times ``zoom``, at least ``px`` (a window's own sheet beats the app's)."""
    out = []
    sheet = re.sub(r"/\*.*?\*/", "", sheet, flags=re.S)
    for selector, body in _RULE.findall(sheet):
        m = _SIZE.search(body)
        if m:
            size = max(px, int(round(float(m.group(1)) * zoom * 96 / 72)))
            out.append(f"{selector.strip()} {{ font-size: {size}px; }}")
    return "\n".join(out)


class _Presentation:
    """The saved state of one window in presentation mode."""

    def __init__(self, window: QWidget, zoom: float):
        self.window, self.zoom = window, zoom
        self.fonts: list[tuple[QWidget, QFont]] = []
        self.items: dict[int, tuple[Any, dict]] = {}
        self.plots: dict[int, tuple[Any, dict]] = {}
        self.timer = QTimer(window)
        self.timer.setInterval(RESTYLE_MS)
        self.timer.timeout.connect(self.style_plots)

    @property
    def px(self) -> int:
        return text_px(self.zoom)

    def apply(self) -> None:
        w = self.window
        self.was = {"full": w.isFullScreen(), "max": w.isMaximized(), "sheet": w.styleSheet(),
                    "palette": QWidget.palette(w), "font": QFont(QWidget.font(w)),
                    "docks": [(d, d.isVisible()) for d in _side_docks(w)]}
        self.has_layout = callable(getattr(w, "enter_projector", None))
        if self.has_layout:
            w.enter_projector()
        else:
            for dock, _ in self.was["docks"]:
                dock.setVisible(False)
        bar = getattr(w, "bar", None)
        if hasattr(bar, "set_compact"):
            self.was["bar_compact"] = bar.compact
            bar.set_compact(True)
        self._theme()
        self.style_plots()
        self.timer.start()
        w.showFullScreen()
        fit = getattr(w, "fit_projector", None)
        if callable(fit):  # sizes that depend on the projector's fonts
            fit()
            QTimer.singleShot(0, w, fit)

    def _theme(self) -> None:
        """Palette, pixel fonts and the projector style sheet on the window."""
        w, px = self.window, self.px
        explicit = [c for c in w.findChildren(QWidget) if c.testAttribute(Qt.WA_SetFont)]
        base = QFont(self.was["font"])
        base.setPixelSize(px)
        QWidget.setFont(w, base)
        for child in explicit:
            self.fonts.append((child, QFont(child.font())))
            f = QFont(child.font())
            size = f.pixelSize() if f.pixelSize() > 0 else f.pointSizeF() * 96 / 72
            f.setPixelSize(max(px, int(round(size * self.zoom))))
            child.setFont(f)
        QWidget.setPalette(w, projector_palette())
        app = QApplication.instance()
        sheets = (app.styleSheet() if app is not None else "") + self.was["sheet"]
        w.setStyleSheet(self.was["sheet"] + projector_stylesheet(px)
                        + pixel_font_rules(sheets, self.zoom, px))

    def restyle(self, zoom: float) -> None:
        """Another zoom while presenting."""
        self._unstyle()
        self.zoom = zoom
        self._theme()
        self.style_plots()

    def _unstyle(self) -> None:
        for plot, saved in list(self.plots.values()):
            restore_plot(plot, saved)
        for item, saved in list(self.items.values()):
            restore_item(item, saved)
        self.plots.clear()
        self.items.clear()
        w = self.window
        w.setStyleSheet(self.was["sheet"])
        QWidget.setPalette(w, self.was["palette"])
        QWidget.setFont(w, self.was["font"])
        for child, font in self.fonts:
            try:
                child.setFont(font)
            except RuntimeError:  # deleted meanwhile
                pass
        self.fonts.clear()

    def restore(self) -> None:
        self.timer.stop()
        self._unstyle()
        w, was = self.window, self.was
        if "bar_compact" in was:
            w.bar.set_compact(was["bar_compact"])
        if was["full"]:
            w.showFullScreen()
        elif was["max"]:
            w.showMaximized()
        else:
            w.showNormal()
        if self.has_layout:
            w.leave_projector()
        else:
            for dock, vis in was["docks"]:
                dock.setVisible(vis)
        self.timer.deleteLater()

    # ------------------------------------------------------------ pyqtgraph
    def style_plots(self) -> None:
        """Style every PlotItem under the window (new curves too: runs on a timer)."""
        for view in self.window.findChildren(pg.GraphicsView):
            for item in view.scene().items():
                key = id(item)
                if isinstance(item, pg.PlotItem):
                    if key not in self.plots:
                        self.plots[key] = (item, style_plot(item, view, self.px))
                elif key not in self.items:
                    saved = style_item(item, max(self.zoom, 1.5), self.zoom, self.px)
                    if saved is not None:
                        self.items[key] = (item, saved)


def pen_width(item: Any) -> float:
    """Width of a plot item's pen (0 when it has none): tests and screenshots read it."""
    pen = item.opts.get("pen") if hasattr(item, "opts") else getattr(item, "pen", None)
    return 0.0 if pen is None else float(pg.mkPen(pen).widthF())

