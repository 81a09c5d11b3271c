"""Labels that never take the mouse: the text of draggable cards."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


def passive_label(text: str, name: str = "", rich: bool = False,
                  parent: QWidget | None = None) -> QLabel:
    """A label that leaves every mouse event to its parent card.

    A rich-text QLabel (``<b>…</b>``) accepts the mouse to follow links, so a press on a card's
    bold name would never reach the card and the drag would not start.
    """
    label = QLabel(text, parent)
    label.setTextInteractionFlags(Qt.NoTextInteraction)
    label.setTextFormat(Qt.RichText if rich else Qt.PlainText)
    if name:
        label.setObjectName(name)
    return label
