"""Axis labels that never overlap and are never cut at the axis's ends.

pyqtgraph always draws its top tick level, however crowded, and lets labels at the ends spill
past the axis; with projector-sized fonts on a 1280×720 screen they pile up. The filter below
keeps the labels in pyqtgraph's order (major ticks first) and drops each one that would touch a
label already kept or leave the axis.
"""
from __future__ import annotations

from typing import Any

import pyqtgraph as pg

GAP_PX = 6  # the least free space between two labels


def _filtered(axis: pg.AxisItem, specs: Any) -> Any:
    if not specs:
        return specs
    axis_spec, tick_specs, text_specs = specs
    bounds = axis.boundingRect()
    kept: list = []
    for rect, flags, text in text_specs:
        if axis.orientation in ("top", "bottom"):
            inside = rect.left() >= bounds.left() - 0.5 and rect.right() <= bounds.right() + 0.5
        else:
            inside = rect.top() >= bounds.top() - 0.5 and rect.bottom() <= bounds.bottom() + 0.5
        grown = rect.adjusted(-GAP_PX / 2, -GAP_PX / 2, GAP_PX / 2, GAP_PX / 2)
        if inside and not any(grown.intersects(other) for other, _, _ in kept):
            kept.append((rect, flags, text))
    return axis_spec, tick_specs, kept


def readable_axis(axis: pg.AxisItem) -> pg.AxisItem:
    """Install the overlap filter on ``axis`` (idempotent); returns it."""
    if getattr(axis, "_readable", False):
        return axis
    original = axis.generateDrawSpecs

    def generate(painter):
        return _filtered(axis, original(painter))
    axis.generateDrawSpecs = generate
    axis._readable = True
    return axis


def readable_axes(item: pg.PlotItem) -> None:
    """Every axis of a PlotItem: labels never overlap, never cut off."""
    for name in ("left", "bottom", "right", "top"):
        readable_axis(item.getAxis(name))


def label_rects(axis: pg.AxisItem, painter: Any) -> list:
    """The rectangles of the tick labels ``axis`` draws now (tests, screenshots)."""
    specs = axis.generateDrawSpecs(painter)
    return [rect for rect, _, _ in specs[2]] if specs else []
