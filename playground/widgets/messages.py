"""Non-modal message boxes: problems reported by the worker, and the diverged-run choice."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def message_box(parent: QWidget, title: str, text: str) -> QMessageBox:
    """A non-modal warning (deleted when closed); shown by the caller."""
    box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, parent)
    box.setModal(False)
    box.setAttribute(Qt.WA_DeleteOnClose)
    return box


def diverged_text(info: dict) -> str:
    """"Training diverged at step 30 in layer 0 (d1)." from the worker's report."""
    where = f" in layer {info.get('layer_index')} ({info.get('layer_id')})" \
        if info.get("layer_index") is not None else ""
    return f"Training diverged at step {info.get('step')}{where}."


def diverged_dialog(parent: QWidget, info: dict, on_reset: Callable[[], None],
                    on_lower_lr: Callable[[], None]) -> QMessageBox:
    """Non-modal dialog naming the step and layer, with "Reset" and "Lower lr" buttons."""
    box = QMessageBox(QMessageBox.Warning, "Diverged", diverged_text(info) + "\nReset the "
                      "weights, or lower the learning rate (÷10) and reset?",
                      QMessageBox.NoButton, parent)
    reset = box.addButton("Reset", QMessageBox.AcceptRole)
    lower = box.addButton("Lower lr", QMessageBox.ActionRole)
    box.addButton(QMessageBox.Close)
    box.setModal(False)

    def clicked(button) -> None:
        if button is reset:
            on_reset()
        elif button is lower:
            on_lower_lr()
    box.buttonClicked.connect(clicked)
    return box
