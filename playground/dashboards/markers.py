"""Change markers on time plots: a dashed line at each step where something changed, its label
in a dark box beside the line, stacked in up to three rows so that labels never pile up (the
rest are in the plot's tooltip)."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from playground.theme import MARKER

MAX_ROWS = 3
EDGE_PX = 24
GAP_PX = 6


class MarkerLayer:
    """Labelled vertical lines at the steps where something changed mid-training."""

    def __init__(self, plot: pg.PlotItem, with_labels: bool = True):
        self.plot = plot
        self.with_labels = with_labels
        self.lines: list[pg.InfiniteLine] = []
        self.texts: list[pg.TextItem] = []
        self._shown: tuple = ()
        plot.vb.sigRangeChanged.connect(self.place)
        plot.vb.sigResized.connect(self.place)

    def __repr__(self) -> str:
        return f"MarkerLayer({len(self._shown)} markers)"

    def update(self, markers: tuple) -> None:
        """Show ``markers`` ((x, label), …); only new ones are added."""
        markers = tuple(markers)
        if markers == self._shown:
            return
        if markers[: len(self._shown)] != self._shown:
            for item in self.lines + self.texts:
                self.plot.removeItem(item)
            self.lines, self.texts, self._shown = [], [], ()
        for step, label in markers[len(self._shown):]:
            line = pg.InfiniteLine(pos=step, angle=90, movable=False,
                                   pen=pg.mkPen(MARKER, width=1, style=Qt.DashLine))
            self.plot.addItem(line)
            self.lines.append(line)
            if self.with_labels:
                text = pg.TextItem(str(label), color=MARKER, fill=pg.mkBrush(0, 0, 0, 190),
                                   anchor=(0, 0))
                text.setZValue(20)
                self.plot.addItem(text, ignoreBounds=True)
                self.texts.append(text)
        self._shown = markers
        self.place()

    def place(self, *_args) -> None:
        """Put each label beside its line, in the first row where it touches no other label;
        a label that would leave the plot goes to the left of its line; without a free row it
        is hidden (the tooltip lists it)."""
        vb = self.plot.vb
        (x0, x1), (_y0, y1) = vb.viewRange()
        px_w, px_h = vb.viewPixelSize()
        if not self.texts or px_w <= 0 or px_h <= 0:
            return
        width = (x1 - x0) / px_w
        ends = [float("-inf")] * MAX_ROWS
        order = sorted(range(len(self.texts)), key=lambda i: self._shown[i][0])
        for i in order:
            step, text = self._shown[i][0], self.texts[i]
            at = (step - x0) / px_w
            if -EDGE_PX < at < 0:  # a change at step 0 just left of the first point
                at, step = 0.0, x0
            box = text.textItem.boundingRect()
            flip = at + box.width() + GAP_PX > width
            left = at - box.width() - 2 if flip else at + 2
            row = next((r for r in range(MAX_ROWS) if ends[r] + GAP_PX < left), None)
            if row is None or at < 0 or at > width or left < 0:
                text.hide()
                continue
            ends[row] = left + box.width()
            text.setAnchor((1, 0) if flip else (0, 0))
            text.setPos(step, y1 - (2 + row * (box.height() + 2)) * px_h)
            text.show()

    def near(self, x: float, pixels: float = 8.0) -> list[tuple]:
        """Markers within ``pixels`` of ``x`` (for the tooltip)."""
        px_w = self.plot.vb.viewPixelSize()[0] or 1.0
        return [(s, label) for s, label in self._shown if abs(s - x) <= pixels * px_w]

    @property
    def labels(self) -> list[str]:
        return [str(label) for _, label in self._shown]

    @property
    def shown_labels(self) -> list[str]:
        """The labels drawn now (not hidden for want of room)."""
        return [t.toPlainText() for t in self.texts if t.isVisible()]
