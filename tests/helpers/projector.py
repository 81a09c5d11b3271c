"""Measurements of a window in presentation mode (used by the layout probe and the tests):
text sizes in pixels, tick label overlaps, and the colours plots draw with."""
from __future__ import annotations

import re

import pyqtgraph as pg
from PySide6.QtGui import QFontInfo, QImage, QPainter
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QDockWidget, QLabel,
                               QMenuBar, QStatusBar, QTabBar, QWidget)

from playground.dashboards.axes import label_rects

_PX = re.compile(r"([0-9.]+)\s*(px|pt)")


def _css_px(size) -> float | None:
    m = _PX.search(str(size or ""))
    if not m:
        return None
    value = float(m.group(1))
    return value if m.group(2) == "px" else value * 96 / 72


def _font_px(font) -> float:
    return float(QFontInfo(font).pixelSize())


def _shown(w: QWidget) -> bool:
    return w.isVisible() and not w.visibleRegion().isEmpty()


def widget_texts(window: QWidget) -> list[tuple[float, str]]:
    """(pixel size, what) of every text a visible widget shows."""
    out = []
    for w in window.findChildren(QWidget):
        if not _shown(w):
            continue
        text = ""
        if isinstance(w, QLabel):
            text = w.text().strip()
        elif isinstance(w, (QAbstractButton, QComboBox)):
            text = w.text() if isinstance(w, QAbstractButton) else w.currentText()
        elif isinstance(w, (QAbstractSpinBox, QTabBar, QMenuBar, QDockWidget, QStatusBar)):
            text = type(w).__name__
        if text:
            out.append((_font_px(w.font()), f"{type(w).__name__}: {text[:40]}"))
    return out


def _views(window: QWidget):
    """Plots on screen (a view is covered by its viewport, so the viewport is asked)."""
    return [v for v in window.findChildren(pg.GraphicsView) if _shown(v.viewport())]


def plot_texts(window: QWidget) -> list[tuple[float, str]]:
    """(pixel size, what) of axis ticks and labels, plot titles and text items on screen."""
    out = []
    for view in _views(window):
        for item in view.scene().items():
            if not item.isVisible():
                continue
            if isinstance(item, pg.AxisItem) and item.style.get("showValues", True):
                font = item.style.get("tickFont")
                out.append((_font_px(font) if font is not None else _font_px(view.font()),
                            f"ticks {item.orientation}"))
                if item.label.isVisible() and item.labelText:
                    out.append((_css_px(item.labelStyle.get("font-size")) or 0.0,
                                f"axis label {item.labelText}"))
            elif isinstance(item, pg.PlotItem) and item.titleLabel.text:
                out.append((_css_px(item.titleLabel.opts.get("size")) or 0.0,
                            f"title {item.titleLabel.text[:30]}"))
            elif isinstance(item, pg.TextItem) and item.toPlainText().strip():
                out.append((_font_px(item.textItem.font()), f"text {item.toPlainText()[:20]}"))
    return out


def tick_overlaps(window: QWidget) -> list[str]:
    """Axes on screen whose tick labels overlap."""
    image = QImage(10, 10, QImage.Format_ARGB32)
    painter = QPainter(image)
    bad = []
    try:
        for view in _views(window):
            for item in view.scene().items():
                if not (isinstance(item, pg.AxisItem) and item.isVisible()):
                    continue
                rects = label_rects(item, painter)
                for i, a in enumerate(rects):
                    if any(a.intersects(b) for b in rects[i + 1:]):
                        bad.append(f"{item.orientation}: {len(rects)} labels")
                        break
    finally:
        painter.end()
    return bad


def plot_colors(window: QWidget) -> list[tuple[str, str, str]]:
    """(colour, background, what) of every line and text drawn in the plots on screen."""
    out = []
    for view in _views(window):
        bg = view.backgroundBrush().color().name()
        for item in view.scene().items():
            if not item.isVisible():
                continue
            if isinstance(item, pg.PlotDataItem) and item.opts.get("pen") is not None:
                pen = pg.mkPen(item.opts["pen"])
                if pen.style() != 0 and item.xData is not None and len(item.xData):
                    out.append((pen.color().name(), bg, "curve"))
            elif isinstance(item, pg.InfiniteLine):
                out.append((item.pen.color().name(), bg, "marker"))
            elif isinstance(item, pg.AxisItem):
                out.append((item.textPen().color().name(), bg, "axis text"))
            elif isinstance(item, pg.TextItem) and not getattr(item, "keeps_color", False):
                out.append((item.color.name(), bg, f"text {item.toPlainText()[:20]}"))
    return out
