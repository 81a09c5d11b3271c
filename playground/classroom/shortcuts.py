"""The teacher's keyboard shortcuts (as QActions on a window) and the shortcut sheet dialog."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)
from PySide6.QtCore import QT_TRANSLATE_NOOP
from playground.i18n import translate

#: name -> (key, menu text, what it does)
TEACHER_KEYS: dict[str, tuple[str, str, str]] = {
    "play": ("Space", QT_TRANSLATE_NOOP("Keys", "&Play / pause"),
              QT_TRANSLATE_NOOP("Keys", "start or pause training")),
    "step": ("Right", QT_TRANSLATE_NOOP("Keys", "&Step"),
              QT_TRANSLATE_NOOP("Keys", "one training step")),
    "reset": ("R", QT_TRANSLATE_NOOP("Keys", "&Reset weights"),
              QT_TRANSLATE_NOOP("Keys", "re-initialise the weights from the seed")),
    "bn": ("B", QT_TRANSLATE_NOOP("Keys", "Toggle &batch norm"),
              QT_TRANSLATE_NOOP("Keys", "switch every batch-norm layer off / on")),
    "dropout": ("D", QT_TRANSLATE_NOOP("Keys", "Toggle &dropout"),
              QT_TRANSLATE_NOOP("Keys", "switch every dropout layer off / on")),
    "presentation": ("F11", QT_TRANSLATE_NOOP("Keys", "&Presentation mode"),
              QT_TRANSLATE_NOOP("Keys", "large fonts, thick lines, full screen")),
    "side_docks": ("F9", QT_TRANSLATE_NOOP("Keys", "Side &panels"),
              QT_TRANSLATE_NOOP("Keys", "collapse / expand the side panels")),
}
LESSON_KEYS_TEXT = (("Ctrl+1 … Ctrl+9", QT_TRANSLATE_NOOP("Keys", "open lesson 1 … 9")),
                    ("Alt+0 … Alt+3", QT_TRANSLATE_NOOP("Keys", "open lesson 10 … 13")))


def make_actions(window: QWidget, handlers: dict[str, Callable[[], None]]) -> dict[str, QAction]:
    """QActions with the teacher's shortcuts, added to ``window`` (window-wide context).

    ``handlers`` maps names of :data:`TEACHER_KEYS` to callables; ``presentation`` is checkable.
    """
    actions: dict[str, QAction] = {}
    for name, handler in handlers.items():
        key, text, tip = TEACHER_KEYS[name]
        act = QAction(translate("Keys", text), window)
        act.setObjectName(f"action_{name}")
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(Qt.WindowShortcut)
        act.setToolTip("{0} ({1})".format(translate("Keys", tip), key))
        if name == "presentation":
            act.setCheckable(True)
            act.toggled.connect(lambda on, h=handler: h(on))
        else:
            act.triggered.connect(lambda _=False, h=handler: h())
        window.addAction(act)
        actions[name] = act
    return actions


def shortcut_rows(extra: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """(key, description) rows of the shortcut sheet."""
    rows = [(QKeySequence(k).toString(QKeySequence.NativeText) or k, translate("Keys", tip))
            for k, _, tip in TEACHER_KEYS.values()]
    rows += [(k, translate("Keys", tip)) for k, tip in LESSON_KEYS_TEXT]
    return rows + list(extra or [])


class ShortcutSheet(QDialog):
    """Help → Keyboard shortcuts: a two-column table, readable from the back of the room."""

    def __init__(self, parent: QWidget | None = None,
                 extra: list[tuple[str, str]] | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows = shortcut_rows(extra)
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("key"), self.tr("does")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        for r, (key, text) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(key))
            self.table.setItem(r, 1, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.resizeColumnToContents(0)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(560, 420)

    def __repr__(self) -> str:
        return f"ShortcutSheet(rows={self.table.rowCount()})"
