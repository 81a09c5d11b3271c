"""Messages: the window's one message box (updated in place, never stacked, with a details
expander for unexpected errors), the in-place refusal bar above the layer stack, and the
diverged-run choice."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QToolButton, QWidget)
from playground.i18n import translate


def message_box(parent: QWidget, title: str, text: str) -> QMessageBox:
    """A non-modal warning (deleted when closed); shown by the caller."""
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
    box.setModal(False)
    box.setAttribute(Qt.WA_DeleteOnClose)
    return box


class MessageWindow:
    """The one message window of a main window: a new message replaces the shown one (the
    same message again counts its repeats) instead of opening another window. ``details``
    (a traceback, for unexpected errors) sit behind Qt's "Show Details…" expander."""

    def __init__(self, parent: QWidget):
        self.parent = parent
        self.box: QMessageBox | None = None
        self.key: tuple[str, str] | None = None
        self.repeats = 0

    def __repr__(self) -> str:
        return f"MessageWindow(shown={self.visible}, repeats={self.repeats})"

    @property
    def visible(self) -> bool:
        return self.box is not None and self.box.isVisible()

    def show(self, title: str, text: str, details: str = "") -> QMessageBox:
        """Show (or update) the message; returns the box."""
        if self.box is None:
            self.box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self.parent)
            self.box.setModal(False)
            self.box.setObjectName("messageWindow")
            self.box.finished.connect(self._closed)
        key = (title, text)
        self.repeats = self.repeats + 1 if key == self.key and self.visible else 1
        self.key = key
        shown = text if self.repeats == 1 else f"{text}\n\n(this happened {self.repeats} times)"
        self.box.setWindowTitle(title)
        self.box.setText(shown)
        self.box.setDetailedText(details)  # "" removes the expander
        self.box.show()
        self.box.raise_()
        return self.box

    def _closed(self, _result: int = 0) -> None:
        self.key, self.repeats = None, 0

    def close(self) -> None:
        if self.box is not None:
            self.box.close()


class RefusalBar(QFrame):
    """A refused edit, in place above the layer stack: what was refused and why (one sentence),
    an Undo button (takes the edit back) and a close button. Hidden while there is nothing to
    say; a new refusal replaces the shown one."""

    undo_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("refusalBar")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 4, 4)
        icon = QLabel("⚠")
        icon.setObjectName("warningBadge")
        lay.addWidget(icon, 0, Qt.AlignTop)
        self.label = QLabel("")
        self.label.setObjectName("refusalText")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(self.label, 1)
        self.undo = QPushButton(self.tr("Undo"))
        self.undo.setToolTip(self.tr("Take the refused edit back."))
        self.undo.clicked.connect(self.undo_clicked)
        lay.addWidget(self.undo, 0, Qt.AlignTop)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Hide this message."))
        close.clicked.connect(self.clear)
        lay.addWidget(close, 0, Qt.AlignTop)
        self.title = ""
        self.hide()

    def show_refusal(self, title: str, text: str, can_undo: bool = True,
                     note: str = "") -> None:
        """Show ``title: text`` and a ``note`` under it (the previous refusal, if any, is
        replaced)."""
        self.title = title
        text = text.rstrip()
        if text and text[-1] not in ".!?":
            text += "."  # a sentence, before the note's sentence
        self.label.setText(f"<b>{_escape(title)}</b>: {_escape(text)}"
                           + (f"<br>{_escape(note)}" if note else ""))
        self.undo.setVisible(can_undo)
        self.show()

    @property
    def text(self) -> str:
        return self.label.text()

    def clear(self) -> None:
        self.title = ""
        self.label.setText("")
        self.hide()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def diverged_text(info: dict) -> str:
    """"Training diverged at step 30 in layer 0 (d1)." from the worker's report."""
    where = translate("Messages", " in layer {0} ({1})").format(
        info.get('layer_index'), info.get('layer_id')) if info.get("layer_index") is not None else ""
    return translate("Messages", "Training diverged at step {0}{1}.").format(info.get('step'), where)


def diverged_dialog(parent: QWidget, info: dict, on_reset: Callable[[], None],
                    on_lower_lr: Callable[[], None]) -> QMessageBox:
    """Non-modal dialog naming the step and layer, with "Reset" and "Lower lr" buttons."""
    box = QMessageBox(QMessageBox.Warning, translate("Messages", "Diverged"), diverged_text(info)
                      + translate("Messages", "\nReset the weights, or lower the learning rate "
                                  "(÷10) and reset?"),
                      QMessageBox.NoButton, parent)
    reset = box.addButton(translate("Messages", "Reset"), QMessageBox.AcceptRole)
    lower = box.addButton(translate("Messages", "Lower lr"), QMessageBox.ActionRole)
    box.addButton(QMessageBox.Close)
    box.setModal(False)

    def clicked(button) -> None:
        if button is reset:
            on_reset()
        elif button is lower:
            on_lower_lr()
    box.buttonClicked.connect(clicked)
    return box
