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


class ElidedLabel(QLabel):
    """One line of plain text, cut with "…" when the label is too narrow (the whole text is in
    the tooltip); takes no mouse, like :func:`passive_label`."""

    def __init__(self, text: str, name: str = "", parent: QWidget | None = None):
        super().__init__(text, parent)
        self.setTextInteractionFlags(Qt.NoTextInteraction)
        self.setTextFormat(Qt.PlainText)
        self.setToolTip(text)
        if name:
            self.setObjectName(name)

    def minimumSizeHint(self):  # noqa: N802 - Qt API
        hint = super().minimumSizeHint()
        hint.setWidth(min(hint.width(), 40))
        return hint

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        from PySide6.QtGui import QPainter
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), Qt.ElideRight, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()), text)
