"""pyqtgraph items in the projector theme and back: black plots, white axes and text of at
least the projector's pixel size, thick lines in colours that keep 4.5:1 on black."""
from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from playground.theme import LINE_COLORS, MARKER, PROJECTOR

MIN_LINE = 3.0
FALLBACK_LINE = "#BBBBBB"  # a decoration line too dark for black (a grey baseline)
_KEEP = {c.lower() for c in LINE_COLORS} | {MARKER.lower()}


def line_color(color: Any) -> QColor:
    """``color`` when it is one of the line colours (Okabe–Ito, white, the marker's), else a
    light grey (baselines and other decorations)."""
    name = pg.mkColor(color).name().lower()
    return QColor(name if name in _KEEP else FALLBACK_LINE)


def _thick(pen: Any, factor: float, minimum: float = MIN_LINE) -> Any:
    if pen is None:
        return None
    qpen = pg.mkPen(pen)
    if qpen.style() == Qt.NoPen:
        return qpen
    qpen.setColor(line_color(qpen.color()))
    qpen.setWidthF(max(max(qpen.widthF(), 1.0) * factor, minimum))
    return qpen


def _pixel_font(font: QFont | None, px: int) -> QFont:
    f = QFont(font) if font is not None else QFont()
    f.setPixelSize(px)
    return f


def style_plot(plot: pg.PlotItem, view: pg.GraphicsView, px: int) -> dict:
    """Black background, white axes, ``px`` text; returns what to restore."""
    saved = {"view": view, "background": view.backgroundBrush(), "axes": {}}
    view.setBackground(PROJECTOR["plot"])
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getAxis(name)
        saved["axes"][name] = (axis.pen(), axis.textPen(), axis.style.get("tickFont"),
                               dict(axis.labelStyle))
        axis.setStyle(tickFont=_pixel_font(axis.style.get("tickFont"), px))
        axis.setPen(pg.mkPen(PROJECTOR["axis"], width=2))
        axis.setTextPen(pg.mkPen(PROJECTOR["axis"]))
        axis.labelStyle = {**axis.labelStyle, "color": PROJECTOR["axis"], "font-size": f"{px}px"}
        axis._updateLabel() if hasattr(axis, "_updateLabel") else None
    title = plot.titleLabel
    saved["title"] = (title.text, dict(title.opts))
    if title.text:
        title.setText(title.text, size=f"{px + 2}px", color=PROJECTOR["text"])
    legend = plot.legend
    if legend is not None:
        saved["legend"] = (legend.labelTextSize(), legend.opts.get("labelTextColor"),
                           legend.brush())
        legend.setLabelTextSize(f"{px}px")
        legend.setLabelTextColor(PROJECTOR["text"])
        legend.setBrush(pg.mkBrush(0, 0, 0, 220))
    return saved


def restore_plot(plot: pg.PlotItem, saved: dict) -> None:
    try:
        saved["view"].setBackgroundBrush(saved["background"])
        for name, (pen, text_pen, tick_font, label_style) in saved["axes"].items():
            axis = plot.getAxis(name)
            axis.setPen(pen)
            axis.setTextPen(text_pen)
            axis.setStyle(tickFont=tick_font)
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
            plot.legend.setLabelTextColor(color if color is not None
                                          else pg.getConfigOption("foreground"))
            plot.legend.opts["labelTextColor"] = color
            plot.legend.setBrush(brush)
    except RuntimeError:  # deleted meanwhile
        pass


def style_item(item: Any, factor: float, zoom: float, px: int) -> dict | None:
    """Thicker pens in readable colours, larger symbols, white ``px`` text; returns what to
    restore (None: nothing to do for this item)."""
    if isinstance(item, (pg.PlotCurveItem, pg.ScatterPlotItem)) and \
            isinstance(item.parentItem(), pg.PlotDataItem):
        return None  # styled through its PlotDataItem
    if isinstance(item, pg.PlotDataItem):
        saved = {"pen": item.opts.get("pen"), "symbolSize": item.opts.get("symbolSize"),
                 "symbolBrush": item.opts.get("symbolBrush")}
        if item.opts.get("pen") is not None:
            item.setPen(_thick(item.opts.get("pen"), factor))
        if item.opts.get("symbol") is not None:
            item.setSymbolSize(float(item.opts.get("symbolSize") or 6) * zoom)
        return saved
    if isinstance(item, pg.InfiniteLine):
        saved = {"pen": pg.mkPen(item.pen)}
        item.setPen(_thick(item.pen, factor, 2.0))
        return saved
    if isinstance(item, pg.ScatterPlotItem):
        saved = {"size": item.opts.get("size")}
        item.setSize(float(item.opts.get("size") or 5) * zoom)
        return saved
    if isinstance(item, pg.TextItem):
        saved = {"font": QFont(item.textItem.font()), "color": QColor(item.color)}
        item.setFont(_pixel_font(item.textItem.font(), max(px, item.textItem.font().pixelSize())))
        if not getattr(item, "keeps_color", False):  # e.g. numbers on an image's cells
            item.setColor(PROJECTOR["text"])
        return saved
    if isinstance(item, pg.PlotCurveItem):
        pen = item.opts.get("pen")
        item.setPen(_thick(pen, factor))
        return {"pen": pen}
    return None


def restore_item(item: Any, saved: dict) -> None:
    try:
        if isinstance(item, pg.PlotDataItem):
            item.setPen(saved["pen"])
            if saved["symbolSize"] is not None:
                item.setSymbolSize(saved["symbolSize"])
        elif isinstance(item, pg.ScatterPlotItem):
            item.setSize(saved["size"])
        elif isinstance(item, pg.TextItem):
            item.setFont(saved["font"])
            item.setColor(saved["color"])
        else:
            item.setPen(saved["pen"])
    except RuntimeError:  # the item was deleted meanwhile
        pass
