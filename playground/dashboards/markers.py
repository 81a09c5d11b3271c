"""Change markers on time plots: a dashed line at each step where something changed, its label
in a dark box beside the line, stacked in up to three rows so that labels never pile up (the
rest are in the plot's tooltip).

Every marker is kept, but the graphics items are not one per marker: a session that runs for a
lesson gathers hundreds of changes, and an item per marker per plot grew the app's memory and the
time of every redraw without bound. Lines and labels come from pools as large as the plot shows
at once (markers within a pixel, or within 1/MAX_LINES of the plot's width, share one line;
labels are only those that find a row). Markers that share a line share one label: the changes
joined ("batch=16; epochs=12") or, when that is long, the first and how many more ("+3 more");
the plot's tooltip lists each. So several edits before training (each its own marker, at steps
0, 1, 2 of new segments: one pixel once the run is long) are one readable label, not a pile."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from playground.i18n import translate
from playground.theme import MARKER

MAX_ROWS = 3
SAME_PX = 1.0  # markers closer than this share one line
MAX_LINES = 96  # at most this many lines a plot: closer markers share one (an hour of edits
#                 made hundreds of lines per plot, each a graphics item held for good)
EDGE_PX = 24
GAP_PX = 6
MAX_LABEL_CHARS = 48  # the changes at one line joined in one label up to this length


def marker_groups(marks: list[tuple[float, str]], px_w: float,
                  gap_px: float) -> list[tuple[float, list[str]]]:
    """``(x of the line, labels)`` for markers ``marks`` sorted by x: markers less than
    ``gap_px`` pixels after a line share it."""
    groups: list[tuple[float, list[str]]] = []
    for step, label in marks:
        if not groups or (step - groups[-1][0]) / px_w >= gap_px:
            groups.append((step, [label]))
        else:
            groups[-1][1].append(label)
    return groups


def joined_label(labels: list[str]) -> str:
    """One label for the changes at one line: joined with "; ", or the first and how many more
    when that is longer than MAX_LABEL_CHARS."""
    joined = "; ".join(labels)
    if len(labels) > 1 and len(joined) > MAX_LABEL_CHARS:
        return translate("MarkerLayer", "{0} (+{1} more)").format(labels[0], len(labels) - 1)
    return joined


class MarkerLayer:
    """Labelled vertical lines at the steps where something changed mid-training."""

    def __init__(self, plot: pg.PlotItem, with_labels: bool = True):
        self.plot = plot
        self.with_labels = with_labels
        self.lines: list[pg.InfiniteLine] = []  # pools: the first ones visible, the rest hidden
        self.texts: list[pg.TextItem] = []
        self._shown: tuple = ()
        self._sorted: list[tuple[float, str]] = []  # _shown by x, labels as text
        self._sizes: dict[tuple, tuple[float, float]] = {}
        self._scratch: pg.TextItem | None = None
        plot.vb.sigRangeChanged.connect(self.place)
        plot.vb.sigResized.connect(self.place)

    def __repr__(self) -> str:
        return f"MarkerLayer({len(self._shown)} markers)"

    def update(self, markers: tuple) -> None:
        """Show ``markers`` ((x, label), …)."""
        markers = tuple(markers)
        if markers == self._shown:
            return
        self._shown = markers
        self._sorted = sorted(((s, str(label)) for s, label in markers), key=lambda m: m[0])
        self.place()

    def _pooled(self, pool: list, n: int, make) -> list:
        while len(pool) < n:
            item = make()
            item.hide()
            pool.append(item)
        for item in pool[n:]:
            item.hide()
        return pool[:n]

    def _new_line(self) -> pg.InfiniteLine:
        line = pg.InfiniteLine(pos=0, angle=90, movable=False,
                               pen=pg.mkPen(MARKER, width=1, style=Qt.DashLine))
        self.plot.addItem(line, ignoreBounds=True)
        return line

    def _new_text(self) -> pg.TextItem:
        text = pg.TextItem("", color=MARKER, fill=pg.mkBrush(0, 0, 0, 190), anchor=(0, 0))
        text.setZValue(20)
        self.plot.addItem(text, ignoreBounds=True)
        return text

    def _size(self, label: str) -> tuple[float, float]:
        """Width and height in pixels of ``label`` in a label box (in the labels' font now)."""
        if self._scratch is None:
            self._scratch = pg.TextItem("", anchor=(0, 0))
        font = (self.texts[0] if self.texts else self._scratch).textItem.font()
        key = (label, font.toString())
        if key not in self._sizes:
            if len(self._sizes) > 4096:
                self._sizes.clear()
            self._scratch.textItem.setFont(font)
            self._scratch.setText(label)
            box = self._scratch.textItem.boundingRect()
            self._sizes[key] = (box.width(), box.height())
        return self._sizes[key]

    def place(self, *_args) -> None:
        """Draw the markers in view: one line per pixel column, and each label beside its line
        in the first row where it touches no other label; a label that would leave the plot goes
        to the left of its line; without a free row it is not drawn (the tooltip lists it)."""
        vb = self.plot.vb
        (x0, x1), (_y0, y1) = vb.viewRange()
        px_w, px_h = vb.viewPixelSize()
        if px_w <= 0 or px_h <= 0:
            return
        width = (x1 - x0) / px_w
        marks = [m for m in self._sorted if x0 - EDGE_PX * px_w < m[0] <= x1]
        groups = marker_groups(marks, px_w, max(SAME_PX, width / MAX_LINES))
        for line, (step, _) in zip(self._pooled(self.lines, len(groups), self._new_line),
                                   groups):
            line.setValue(step)
            line.show()
        placed = self._labels(groups, x0, width, px_w) if self.with_labels else []
        for text, (step, label, flip, row, height) in zip(
                self._pooled(self.texts, len(placed), self._new_text), placed):
            if text.toPlainText() != label:
                text.setText(label)
            text.setAnchor((1, 0) if flip else (0, 0))
            text.setPos(step, y1 - (2 + row * (height + 2)) * px_h)
            text.show()

    def _labels(self, groups: list[tuple[float, list[str]]], x0: float, width: float,
                px_w: float) -> list[tuple]:
        """(step, label, flip, row, height) of each line's label that finds a row, left to
        right (no label is measured where no row is free)."""
        ends = [float("-inf")] * MAX_ROWS
        placed = []
        for step, labels in groups:
            at = (step - x0) / px_w
            if -EDGE_PX < at < 0:  # a change at step 0 just left of the first point
                at, step = 0.0, x0
            if at < 0 or at > width or min(ends) + GAP_PX >= at + 2:
                continue
            label = joined_label(labels)
            w, h = self._size(label)
            flip = at + w + GAP_PX > width
            left = at - w - 2 if flip else at + 2
            row = next((r for r in range(MAX_ROWS) if ends[r] + GAP_PX < left), None)
            if row is None or left < 0:
                continue
            ends[row] = left + w
            placed.append((step, label, flip, row, h))
        return placed

    def near(self, x: float, pixels: float = 8.0) -> list[tuple]:
        """Markers within ``pixels`` of ``x`` (for the tooltip)."""
        px_w = self.plot.vb.viewPixelSize()[0] or 1.0
        return [(s, label) for s, label in self._shown if abs(s - x) <= pixels * px_w]

    @property
    def labels(self) -> list[str]:
        return [str(label) for _, label in self._shown]

    @property
    def shown_labels(self) -> list[str]:
        """The labels drawn now (not left out for want of room)."""
        return [t.toPlainText() for t in self.texts if t.isVisible()]
