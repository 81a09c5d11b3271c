"""The rewind timeline under the loss plot: the run's kept points, aligned with the plot's steps.

Clicking or dragging picks the kept point nearest the cursor; releasing the button asks to
rewind there (``rewind_requested(step)``). From the keyboard (Tab to it; a frame in the picked colour shows the focus)
Left/Right choose the previous/next kept point, Home/End the first/last, Enter rewinds to the
chosen one, the menu key opens the context menu for it. The context menu offers the same and
"Open as A/B comparison from here" (``compare_requested(step)``). The widget only draws what the frames say
(``set_points``); the window turns its requests into worker commands.
"""
from __future__ import annotations

from typing import Any, Sequence

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QMenu, QSizePolicy, QWidget

from playground.theme import LINE_COLORS

TICK, PICKED, LINE = "#8b949e", LINE_COLORS[1], "#484f58"
BACKGROUND = "#1b1f27"  # the plots' (dashboards/base.py): the picked step's label sits on it


class RewindTimeline(QWidget):
    """Kept points of the run as ticks under ``plot`` (a pyqtgraph PlotWidget over steps)."""

    rewind_requested = Signal(int)  # the kept step to go back to
    compare_requested = Signal(int)  # the kept step to open an A/B comparison from

    def __init__(self, plot: pg.PlotWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = plot
        self.xs: tuple[int, ...] = ()
        self.steps: tuple[int, ...] = ()
        self.picked: int | None = None  # index into xs while the button is down
        self.chosen: int | None = None  # the kept step chosen from the keyboard
        self._points: Any = None  # the last set_points argument
        self.setMinimumHeight(18)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setCursor(Qt.PointingHandCursor)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setToolTip(self.tr(
            "Rewind: each tick is a kept point of this run. Click or drag back to one to go "
            "there (training pauses; Play continues from it, and the curves after it stay "
            "grey as the old branch). Right-click: open an A/B comparison from that point.")
            + "\n" + self.tr("Keyboard: Tab to the timeline, Left/Right choose a kept point, "
                             "Home/End the first/last, Enter rewinds there, the menu key "
                             "opens the A/B comparison."))
        self.setAccessibleName(self.tr("Rewind timeline"))
        plot.plotItem.vb.sigXRangeChanged.connect(self._range_changed)

    def _range_changed(self, *_: Any) -> None:
        self.update()  # the ticks follow the plot's steps

    def sizeHint(self) -> Any:  # noqa: N802 - Qt API
        hint = super().sizeHint()
        hint.setHeight(max(18, self.fontMetrics().height() + 6))
        return hint

    def set_points(self, rewind: Sequence[Sequence[int]] | None) -> None:
        """``(xs, steps)`` of the kept points (a frame's ``extra["rewind"]``)."""
        if rewind is not None and rewind is self._points:
            return  # the worker sends the same tuples until the kept points change
        self._points = rewind
        xs, steps = (tuple(int(v) for v in part) for part in (rewind or ((), ())))
        if (xs, steps) != (self.xs, self.steps):
            self.xs, self.steps = xs, steps
            self.picked = None
            if self.chosen is not None:  # the ring thinned out: the nearest point kept
                self.chosen = min(steps, key=lambda s: abs(s - self.chosen)) if steps else None
            self.update()

    # ------------------------------------------------------------ geometry
    def pixel_of(self, x: float) -> float:
        """This widget's horizontal pixel of step position ``x`` on the plot."""
        vb = self.plot.plotItem.vb
        scene = vb.mapViewToScene(QPointF(float(x), 0.0))
        on_plot = self.plot.mapFromScene(scene)
        return float(self.mapFromGlobal(self.plot.mapToGlobal(on_plot)).x())

    def pixel_map(self) -> tuple[float, float]:
        """``(a, b)``: step position x is at pixel ``a + b * x`` (the plot's x axis is linear;
        two mappings, of the view's ends, instead of four Qt calls per kept point)."""
        x0, x1 = self.plot.plotItem.vb.viewRange()[0]
        if not x1 > x0:
            return self.pixel_of(x0), 0.0
        p0, p1 = self.pixel_of(x0), self.pixel_of(x1)
        b = (p1 - p0) / (x1 - x0)
        return p0 - b * x0, b

    def index_at(self, px: float) -> int | None:
        """The kept point nearest horizontal pixel ``px`` (None when there is none)."""
        if not self.xs:
            return None
        a, b = self.pixel_map()
        return min(range(len(self.xs)), key=lambda i: abs(a + b * self.xs[i] - px))

    # ------------------------------------------------------------ events
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.LeftButton:
            self.picked = self.index_at(event.position().x())
            self.update()
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.buttons() & Qt.LeftButton:
            self.picked = self.index_at(event.position().x())
            self.update()
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.LeftButton and self.picked is not None:
            step = self.steps[self.picked]
            self.picked = None
            self.chosen = step  # the keys go on from here
            self.update()
            self.rewind_requested.emit(step)
        event.accept()

    def event(self, event: QEvent) -> bool:  # noqa: D102 - Qt API
        if (event.type() == QEvent.ShortcutOverride and self.steps
                and event.key() in (Qt.Key_Left, Qt.Key_Right, Qt.Key_Home, Qt.Key_End)):
            event.accept()  # the timeline's own keys beat the window's (Right is Step)
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        key, n = event.key(), len(self.steps)
        menu_key = key == Qt.Key_Menu or (key == Qt.Key_F10
                                          and event.modifiers() & Qt.ShiftModifier)
        moves = (Qt.Key_Left, Qt.Key_Right, Qt.Key_Home, Qt.Key_End, Qt.Key_Return,
                 Qt.Key_Enter)
        if not n or not (key in moves or menu_key
                         or (key == Qt.Key_Escape and self.chosen is not None)):
            super().keyPressEvent(event)  # the window's keys (Escape with nothing chosen)
            return
        i = self.chosen_index()
        if key in (Qt.Key_Return, Qt.Key_Enter) or menu_key:
            if i is not None and menu_key:  # not every platform makes it a context menu
                self._menu(i, self.mapToGlobal(QPoint(round(self.pixel_of(self.xs[i])),
                                                      self.height())))
            elif i is not None:
                self.rewind_requested.emit(self.steps[i])
        elif key == Qt.Key_Escape:
            self.chosen = None
        else:
            last = n - 1
            to = {Qt.Key_Home: 0, Qt.Key_End: last,
                  Qt.Key_Left: last if i is None else max(i - 1, 0),
                  Qt.Key_Right: last if i is None else min(i + 1, last)}
            self.chosen = self.steps[to[key]]
        self.update()
        event.accept()

    def chosen_index(self) -> int | None:
        """The index of the kept point chosen from the keyboard (None: none chosen)."""
        return None if self.chosen not in self.steps else self.steps.index(self.chosen)

    def focusInEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().focusOutEvent(event)
        self.update()

    def contextMenuEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        i = self.index_at(event.pos().x())
        if i is not None:
            self._menu(i, event.globalPos())
        event.accept()

    def _menu(self, i: int, at: QPoint) -> None:
        """The menu of kept point ``i`` at global position ``at``: rewind, A/B from here."""
        step = self.steps[i]
        menu = QMenu(self)
        menu.setObjectName("rewindMenu")
        back = menu.addAction(self.tr("Rewind to step {0}").format(step),
                              lambda: self.rewind_requested.emit(step))
        back.setObjectName("rewind_here")
        ab = menu.addAction(self.tr("Open as A/B comparison from here"),
                            lambda: self.compare_requested.emit(step))
        ab.setObjectName("compare_from_here")
        ab.setToolTip(self.tr("Both runs of the comparison start from this kept point."))
        menu.setAttribute(Qt.WA_DeleteOnClose)
        menu.popup(at)

    # ------------------------------------------------------------ drawing
    def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        h, mid = self.height(), self.height() / 2
        p.setPen(QPen(QColor(LINE), 1))
        p.drawLine(QPointF(0, mid), QPointF(self.width(), mid))
        shown = self.picked if self.picked is not None else \
            self.chosen_index() if self.hasFocus() else None
        a, b = self.pixel_map()
        for i, x in enumerate(self.xs):
            px = a + b * x
            if -2 <= px <= self.width() + 2:
                picked = i == shown
                p.setPen(QPen(QColor(PICKED if picked else TICK), 3 if picked else 1))
                p.drawLine(QPointF(px, 2), QPointF(px, h - 2))
        if self.hasFocus():  # the keyboard's focus, visible
            p.setPen(QPen(QColor(PICKED), 1))
            p.drawRect(0, 0, self.width() - 1, h - 1)
        if shown is not None:  # its step, on top of the ticks
            px = a + b * self.xs[shown]
            text = self.tr("step {0}").format(self.steps[shown])
            box = QRectF(px + 4, 0, self.fontMetrics().horizontalAdvance(text) + 6, h)
            if box.right() > self.width():
                box.moveRight(px - 4)
            p.fillRect(box, QColor(BACKGROUND))
            p.setPen(QPen(QColor(PICKED), 1))
            p.drawText(box, Qt.AlignCenter, text)
        p.end()

    def point_pos(self, step: int) -> QPoint:
        """Where kept point ``step`` is drawn (for a person's click, in tests and automation)."""
        return QPoint(round(self.pixel_of(self.xs[self.steps.index(step)])), self.height() // 2)
