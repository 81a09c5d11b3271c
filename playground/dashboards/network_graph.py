"""The network graph: input features, every dense layer's units and the output as columns, each
unit with its own small map over the input plane (2-D data), links coloured by sign and sized by
magnitude, batch norm / dropout / activation layers as narrow bands between the columns.

Everything drawn comes from ``frame.extra["graph"]`` (:class:`playground.graph_data.GraphData`,
computed in the worker while this panel shows). Hover: a unit's figures; click a link: type its
weight (sent to the worker with :attr:`weight_edit`, one step of :attr:`undo_stack`); click a
unit: its map large.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPalette, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (QDialog, QGraphicsScene, QGraphicsSimpleTextItem, QGraphicsView,
                               QHBoxLayout, QLabel, QLineEdit, QToolButton, QVBoxLayout, QWidget)
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.dashboards.base import Dashboard, quiet_plot
from playground.dashboards.graph_items import (SATURATED_AT, BandItem, LinkItem, UnitItem,
                                                map_levels)
from playground.graph_data import GraphColumn, GraphData
from playground.history import Frame

MAX_SHOWN = 32  # units drawn per column; a "+N more" note for the rest
SIZE, GAP = 36.0, 10.0  # a unit's square and the space between two units
LINK_W, BAND_W, BAND_GAP = 110.0, 16.0, 6.0


class WeightEdit(QUndoCommand):
    """Set one link's weight; undo sets the value it had when edited."""

    def __init__(self, dash: "NetworkGraphDashboard", link: tuple[str, int, int], old: float,
                 new: float):
        super().__init__(f"weight {link[0]}[{link[1]}, {link[2]}] = {new:g}")
        self.dash, self.link, self.old, self.new = dash, link, old, new

    def redo(self) -> None:
        self.dash.send_weight(self.link, self.new, self.text())

    def undo(self) -> None:
        self.dash.send_weight(self.link, self.old, f"undo {self.text()}")


class GraphView(QGraphicsView):
    """The scene, fitted into the panel; clicks go to the dashboard."""

    def __init__(self, dash: "NetworkGraphDashboard"):
        super().__init__(dash)
        self.dash = dash
        self.setRenderHint(QPainter.Antialiasing, True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setMinimumSize(160, 100)

    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt API
        """The window's base colour (black on the projector, whose palette the window gets)."""
        painter.fillRect(rect, QWidget.palette(self.window()).color(QPalette.Base))

    def fit(self) -> None:
        rect = self.scene().itemsBoundingRect().adjusted(-8, -8, 8, 8)
        if rect.isValid():
            self.fitInView(rect, Qt.KeepAspectRatio)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.fit()

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.LeftButton:
            item = self.itemAt(event.position().toPoint())
            while item is not None and not isinstance(item, (UnitItem, LinkItem)):
                item = item.parentItem()
            if isinstance(item, LinkItem):
                self.dash.edit_link(item, event.position().toPoint())
                return
            if isinstance(item, UnitItem):
                self.dash.show_unit(item)
                return
        super().mousePressEvent(event)


class UnitMapDialog(QDialog):
    """One unit's map, large, over the input plane (updated while it shows)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Unit map"))
        self.plot = pg.PlotWidget()
        quiet_plot(self.plot.getPlotItem())
        self.plot.getViewBox().setAspectLocked(True, ratio=1.0)
        self.image = pg.ImageItem()
        self.image.setColorMap(pg.colormap.get("CET-D1A"))
        self.plot.addItem(self.image)
        self.info = QLabel()
        self.info.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.info)
        self.resize(420, 440)
        self.unit: tuple[int, int] | None = None

    def show_map(self, title: str, values: np.ndarray | None, levels: tuple[float, float],
                 xs: np.ndarray | None, ys: np.ndarray | None, info: str) -> None:
        self.setWindowTitle(title)
        self.info.setText(info)
        if values is None or xs is None or ys is None:
            self.image.clear()
            self.info.setText(info + "\n(no map: the data are not 2-D)")
            return
        self.image.setImage(np.asarray(values).T, levels=levels)
        dx, dy = (xs[-1] - xs[0]) / max(len(xs) - 1, 1), (ys[-1] - ys[0]) / max(len(ys) - 1, 1)
        self.image.setRect(QRectF(xs[0] - dx / 2, ys[0] - dy / 2, dx * len(xs), dy * len(ys)))
        self.plot.setRange(xRange=(xs[0], xs[-1]), yRange=(ys[0], ys[-1]), padding=0.02)


class NetworkGraphDashboard(Dashboard):
    """The network as columns of units with their maps, links and bands (see the module)."""

    title = QT_TRANSLATE_NOOP("Docks", "Network graph")
    weight_edit = Signal(str, int, int, float, str)  # layer id, row, column, value, label

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        bar = QHBoxLayout()
        self.undo_button = self._tool(self.tr("↶ Undo weight"), self.undo_stack.undo, bar)
        self.redo_button = self._tool(self.tr("↷ Redo"), self.undo_stack.redo, bar)
        self.note = QLabel(self.tr("Click a link to type its weight, a unit to see its map."))
        self.undo_button.setToolTip(self.tr("Undo the last weight you typed on a link."))
        self.redo_button.setToolTip(self.tr("Redo the weight edit just undone."))
        self.note.setWordWrap(True)
        bar.addWidget(self.note, 1)
        self._layout.addLayout(bar)
        self.scene = QGraphicsScene(self)
        self.view = GraphView(self)
        self.view.setScene(self.scene)
        self._layout.addWidget(self.view, 1)
        self.editor = QLineEdit(self.view.viewport())
        self.editor.setObjectName("weightEditor")
        self.editor.hide()
        self.editor.editingFinished.connect(self._editor_done)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.map_dialog: UnitMapDialog | None = None
        self.shown: GraphData | None = None
        self._structure: tuple | None = None
        self.units: list[list[UnitItem]] = []
        self.links: dict[tuple[str, int, int], LinkItem] = {}
        self.bands: list[BandItem] = []
        self.more: list[QGraphicsSimpleTextItem] = []
        self._editing: LinkItem | None = None

    def _tool(self, text: str, slot, bar: QHBoxLayout) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setEnabled(False)
        button.clicked.connect(slot)
        bar.addWidget(button)
        return button

    # ------------------------------------------------------------ frames
    def inputs(self, frame: Frame) -> tuple:
        return (frame.extra.get("graph"),)

    def draw(self, frame: Frame) -> bool:
        g: GraphData | None = frame.extra.get("graph")
        if g is None:
            return False
        structure = (g.features, tuple((c.layer_id, c.units, c.bands) for c in g.columns))
        if structure != self._structure:
            self._build(g)
            self._structure = structure
        self.shown = g
        self._update(g)
        if self.map_dialog is not None and self.map_dialog.isVisible() and self.map_dialog.unit:
            self._show_map(*self.map_dialog.unit)
        return True

    def clear(self) -> None:
        self.scene.clear()
        self.units, self.links, self.bands, self.more = [], {}, [], []
        self.shown, self._structure = None, None
        self.editor.hide()

    # ------------------------------------------------------------ layout
    @staticmethod
    def _ys(n: int) -> list[float]:
        shown = min(n, MAX_SHOWN)
        return [(j - (shown - 1) / 2.0) * (SIZE + GAP) - SIZE / 2 for j in range(shown)]

    def _build(self, g: GraphData) -> None:
        self.clear()
        x = 0.0
        sizes = [len(g.features)] + [c.units for c in g.columns]
        top = min(self._ys(n)[0] for n in sizes) - 6
        height = -2 * top
        for c, n in enumerate(sizes):
            names = g.features if c == 0 else ()
            col = [UnitItem(c, j, SIZE, names[j] if j < len(names) else "")
                   for j in range(min(n, MAX_SHOWN))]
            for item, y in zip(col, self._ys(n)):
                item.setPos(x, y)
                self.scene.addItem(item)
            if n > MAX_SHOWN:
                more = self.scene.addSimpleText(f"+{n - MAX_SHOWN} more")
                more.setBrush(QColor("#d7dde8"))
                more.setPos(x - 4, self._ys(n)[-1] + SIZE + 2)
                self.more.append(more)
            self.units.append(col)
            x += SIZE
            if c > 0:  # the layers after this dense layer
                for band in g.columns[c - 1].bands:
                    x += BAND_GAP
                    item = BandItem(x, top, height, BAND_W, band.text, band.enabled, band.kind)
                    self.scene.addItem(item)
                    self.bands.append(item)
                    x += BAND_W
            if c + 1 < len(sizes):
                self._add_links(g.columns[c], col, x, x + LINK_W)
                x += LINK_W
        self.view.fit()

    def _add_links(self, column: GraphColumn, sources: list[UnitItem], x1: float,
                   x2: float) -> None:
        ys = self._ys(column.units)
        for row, src in enumerate(sources):
            y1 = src.pos().y() + SIZE / 2
            for col, y in enumerate(ys):
                link = LinkItem(column.layer_id, row, col, x1, y1, x2, y + SIZE / 2)
                self.scene.addItem(link)
                self.links[(column.layer_id, row, col)] = link

    # ------------------------------------------------------------ figures
    def _update(self, g: GraphData) -> None:
        if g.input_maps is not None:
            for j, item in enumerate(self.units[0]):
                item.set_map(g.input_maps[j], map_levels(g.input_maps[j]))
        for j, item in enumerate(self.units[0]):
            item.setToolTip(f"input {g.features[j]}")
        last = len(g.columns) - 1
        for c, column in enumerate(g.columns):
            shown = self.units[c + 1]
            prob = c == last and column.maps is not None and \
                float(np.nanmin(column.maps)) >= 0.0 and float(np.nanmax(column.maps)) <= 1.0
            for j, item in enumerate(shown):
                sat = float(column.saturated[j])
                item.set_state(bool(column.dead[j]), not math.isnan(sat) and sat >= SATURATED_AT)
                maps = None if column.maps is None else column.maps[j]
                item.set_map(maps, map_levels(maps, prob) if maps is not None else (0.0, 1.0))
                item.setToolTip(self.describe(c, j))
            rows = min(column.kernel.shape[0], MAX_SHOWN)
            kernel = column.kernel[:rows, :len(shown)]
            scale = float(np.max(np.abs(kernel))) if kernel.size else 1.0
            for row in range(rows):
                for col in range(len(shown)):
                    self.links[(column.layer_id, row, col)].set_weight(kernel[row, col], scale)

    def describe(self, c: int, j: int) -> str:
        """The hover text of unit ``j`` of dense column ``c``: its activation figures."""
        g = self.shown.columns[c]
        lines = [f"{g.layer_id} unit {j}", f"mean output {g.mean[j]:.4g}",
                 f"std {g.std[j]:.4g}", f"bias {g.bias[j]:.4g}",
                 self.tr("dead (never active on the monitor batch)") if g.dead[j] else self.tr("alive")]
        if not math.isnan(float(g.saturated[j])):
            lines.append(f"saturated on {100 * float(g.saturated[j]):.0f} % of samples")
        return "\n".join(lines)

    # ------------------------------------------------------------ interaction
    def show_unit(self, item: UnitItem) -> None:
        """Open (or retarget) the large map of ``item``."""
        if self.map_dialog is None:
            self.map_dialog = UnitMapDialog(self)
        self.map_dialog.unit = (item.column, item.unit)
        self._show_map(item.column, item.unit)
        self.map_dialog.show()
        self.map_dialog.raise_()

    def _show_map(self, c: int, j: int) -> None:
        g = self.shown
        if g is None or c >= len(self.units) or j >= len(self.units[c]):
            return
        item = self.units[c][j]
        if c == 0:
            title, info = f"input {g.features[j]}", f"input feature {g.features[j]}"
        else:
            title, info = f"{g.columns[c - 1].layer_id} unit {j}", self.describe(c - 1, j)
        self.map_dialog.show_map(title, item.values, item.levels, g.xs, g.ys, info)

    def edit_link(self, link: LinkItem, at) -> None:
        """Put the weight editor over the clicked link, holding its current value."""
        self._editing = link
        self.editor.setText(f"{link.weight:.6g}")
        self.editor.adjustSize()
        self.editor.move(at)
        self.editor.show()
        self.editor.setFocus(Qt.MouseFocusReason)
        self.editor.selectAll()

    def _editor_done(self) -> None:
        link, self._editing = self._editing, None
        if link is None:
            return
        text = self.editor.text().strip()
        self.editor.hide()
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.note.setText(f"weight not changed: {text!r} is not a finite number")
            return
        if value == link.weight:
            return
        self.undo_stack.push(WeightEdit(self, (link.layer_id, link.row, link.col), link.weight,
                                        value))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() == Qt.Key_Escape and self.editor.isVisible():
            self._editing = None
            self.editor.hide()
            return
        super().keyPressEvent(event)

    def forget_edits(self, _info: dict | None = None) -> None:
        """A new session (built): the weight edits of the old one cannot be undone."""
        self.undo_stack.clear()
        self.editor.hide()
        self._editing = None

    def send_weight(self, link: tuple[str, int, int], value: float, label: str) -> None:
        """Ask the worker to set the weight (applied between steps, with a marker); the link
        shows the value at once."""
        item = self.links.get(link)
        if item is not None:
            item.set_weight(value, max(abs(value), *(abs(l.weight) for l in self.links.values()
                                                      if l.layer_id == link[0])))
        self.note.setText(label)
        self.weight_edit.emit(link[0], int(link[1]), int(link[2]), float(value), label)

    def link_at(self, link: tuple[str, int, int]) -> QPointF:
        """Viewport position of the middle of a link (tests, tutorials)."""
        line = self.links[link].line()
        return self.view.mapFromScene(line.pointAt(0.5))

    def unit_at(self, c: int, j: int) -> QPointF:
        """Viewport position of the middle of unit ``j`` of column ``c`` (0: the inputs)."""
        item = self.units[c][j]
        return self.view.mapFromScene(item.mapToScene(item.rect().center()))
