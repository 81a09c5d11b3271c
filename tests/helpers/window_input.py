"""Input as a person gives it to the main window: bring a control into view (its dock in front,
its scroll area scrolled), click what is under the cursor there (``childAt``), type digit by
digit then Enter, pick a combo box entry from its open list."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (QAbstractSpinBox, QApplication, QCheckBox, QComboBox,
                               QDockWidget, QScrollArea, QStyle, QStyleOptionButton, QWidget)


def _ancestor(widget: QWidget, kind: type) -> QWidget | None:
    w = widget.parentWidget()
    while w is not None and not isinstance(w, kind):
        w = w.parentWidget()
    return w


def reveal(widget: QWidget) -> None:
    """The control's dock in front (its tab clicked) and its scroll area scrolled to it."""
    dock = _ancestor(widget, QDockWidget)
    if dock is not None:
        dock.show()
        dock.raise_()
    QApplication.processEvents()
    area = _ancestor(widget, QScrollArea)
    if area is not None:
        for _ in range(2):  # once more after a form that grew was laid out again
            if area.widget() is not None and area.widget().layout() is not None:
                area.widget().layout().activate()
            area.ensureWidgetVisible(widget, 8, 8)
            QApplication.processEvents()


def click(qtbot, widget: QWidget, pos: QPoint | None = None) -> QWidget:
    """A left click on what is under ``pos`` in ``widget`` (default its centre), found with
    the window's ``childAt``; it must be ``widget`` or one of its children. Returns it."""
    reveal(widget)
    window = widget.window()
    if pos is None and isinstance(widget, QCheckBox):  # a wide box: its indicator and text
        opt = QStyleOptionButton()
        widget.initStyleOption(opt)
        pos = widget.style().subElementRect(QStyle.SE_CheckBoxClickRect, opt, widget).center()
    local = pos if pos is not None else QPoint(widget.width() // 2, widget.height() // 2)
    at = widget.mapTo(window, local)
    target = window.childAt(at)
    assert target is not None and (target is widget or widget.isAncestorOf(target)), \
        f"{widget!r} is covered by {target!r} at {at}"
    qtbot.mouseClick(target, Qt.LeftButton, pos=target.mapFrom(window, at))
    return target


def type_text(qtbot, widget: QWidget, text: str, finish=Qt.Key_Return) -> None:
    """Click into ``widget`` (a line edit or a spin box), select its text, type ``text`` one
    key at a time, then ``finish`` (Enter; None: leave it typed)."""
    click(qtbot, widget)
    line = widget.lineEdit() if isinstance(widget, QAbstractSpinBox) else widget
    line.setFocus()
    qtbot.keyClick(line, Qt.Key_A, Qt.ControlModifier)
    qtbot.keyClicks(line, text)
    if finish is not None:
        qtbot.keyClick(line, finish)


def pick(qtbot, combo: QComboBox, text: str) -> None:
    """Open ``combo`` with a click and click the entry ``text`` in its list."""
    index = combo.findText(text)
    assert index >= 0, (text, [combo.itemText(i) for i in range(combo.count())])
    click(qtbot, combo)
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=3000)
    # the open list takes no release before a double-click interval (the opening click's own)
    qtbot.wait(QApplication.doubleClickInterval() + 100)
    view.scrollTo(combo.model().index(index, 0))
    rect = view.visualRect(combo.model().index(index, 0))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)


def answer_box(qtbot, button, answered: list | None = None, within_ms: int = 10_000) -> None:
    """Click ``button`` (a ``QMessageBox.StandardButton``) of the next modal message box, once it
    is open, as a person would; its text is appended to ``answered`` when given. Gives up when
    no box opens within ``within_ms``."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox
    deadline = time.monotonic() + within_ms / 1000

    def click_when_open() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            if time.monotonic() < deadline:
                QTimer.singleShot(20, click_when_open)
            return
        if answered is not None:
            answered.append(box.text())
        qtbot.mouseClick(box.button(button), Qt.LeftButton)

    QTimer.singleShot(0, click_when_open)
