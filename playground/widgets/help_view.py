"""Help windows: a dashboard's short explanation ("?") and the searchable user guide."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QLineEdit, QTextBrowser,
                               QToolButton, QVBoxLayout, QWidget)


def corner_button(parent: QWidget, text: str, tip: str) -> QToolButton:
    """A small flat button over ``parent``'s top right corner (not in its layout: it takes no
    room from the plots); :func:`place_in_corner` keeps it there."""
    button = QToolButton(parent)
    button.setObjectName("dashboardHelp")
    button.setText(text)
    button.setAutoRaise(True)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    return button


def place_in_corner(button: QToolButton) -> None:
    """Move ``button`` to its parent's top right corner, above the parent's other children."""
    button.adjustSize()
    button.move(button.parentWidget().width() - button.width() - 2, 2)
    button.raise_()


class HelpText(QDialog):
    """A short Markdown text in a read-only browser (a dashboard's "?")."""

    def __init__(self, title: str, markdown: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(markdown)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        self.resize(520, 460)

    def __repr__(self) -> str:
        return f"HelpText({self.windowTitle()!r})"


class UserGuide(QDialog):
    """Help → User guide: the guide's Markdown with a search field; Enter (or F3) finds the
    next place of the term and scrolls to it, wrapping at the end."""

    def __init__(self, markdown: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(QCoreApplication.translate("UserGuide", "User guide"))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(QCoreApplication.translate("UserGuide", "Search the guide"))
        self.search.setToolTip(QCoreApplication.translate(
            "UserGuide", "Type a word and press Enter: the guide scrolls to its next place."))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self.find_next)
        self.status = QLabel("", self)
        self.browser = QTextBrowser(self)
        self.browser.setMarkdown(markdown)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        QShortcut(QKeySequence.FindNext, self, self.find_next)
        QShortcut(QKeySequence.Find, self, self.search.setFocus)
        self.resize(760, 640)

    def __repr__(self) -> str:
        return f"UserGuide(chars={len(self.browser.toPlainText())})"

    def find_next(self) -> bool:
        """Select the next place of the search term and scroll to it; False when the guide
        does not contain it (the field says so)."""
        term = self.search.text().strip()
        if not term:
            return False
        found = self.browser.find(term) or self._from_top(term)
        self.status.setText("" if found else QCoreApplication.translate("UserGuide", "not found"))
        return found

    def _from_top(self, term: str) -> bool:
        cursor = self.browser.textCursor()
        cursor.movePosition(cursor.MoveOperation.Start)
        self.browser.setTextCursor(cursor)
        return self.browser.find(term, QTextDocument.FindFlag(0))
