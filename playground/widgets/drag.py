"""Starting a drag from a card (the palette's layer cards, the stack's layer cards)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QMimeData, QPoint, Qt
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget


def drag_if_moved(card: QWidget, press: QPoint | None, event: QMouseEvent,
                  mime: Callable[[], QMimeData]) -> QDrag | None:
    """A drag of ``card`` (its picture, ``mime()``'s data) once the left button, pressed at
    ``press``, has moved Qt's drag distance; None before that. The caller forgets the press and
    runs ``exec`` with its action."""
    if press is None or not event.buttons() & Qt.LeftButton:
        return None
    if (event.position().toPoint() - press).manhattanLength() < QApplication.startDragDistance():
        return None
    drag = QDrag(card)
    drag.setMimeData(mime())
    drag.setPixmap(card.grab())
    return drag
