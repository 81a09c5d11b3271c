"""Every control of the main window says what it does: a tooltip on each visible one."""
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QDockWidget,
                               QLineEdit, QToolBar, QWidget)

from playground.widgets.palette import PaletteCard
from tests.helpers.app import MAIN_DESIGN, fake

CONTROLS = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, PaletteCard)


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", lambda: "")()
    parents, p = [], widget.parentWidget()
    while p is not None and len(parents) < 3:
        parents.append(type(p).__name__ + (f"#{p.objectName()}" if p.objectName() else ""))
        p = p.parentWidget()
    return f"{type(widget).__name__}#{widget.objectName()} {text!r} in {'/'.join(parents)}"


def _part_of_another_control(widget: QWidget) -> bool:
    """A spin box's or combo box's own line edit: the box's tooltip is the control's."""
    parent = widget.parentWidget()
    return isinstance(widget, QLineEdit) and isinstance(parent, (QAbstractSpinBox, QComboBox))


def _untipped(win) -> list[str]:
    missing = []
    for widget in win.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisible():
            continue
        if _part_of_another_control(widget) or widget.toolTip().strip():
            continue
        missing.append(_name(widget))
    for bar in win.findChildren(QToolBar):
        for act in bar.actions():
            if act.isVisible() and not act.isSeparator() and act.text() \
                    and act.toolTip().replace("&", "") == act.text().replace("&", ""):
                missing.append(f"toolbar action {act.text()!r}")  # Qt's default: the text
    return missing


def test_every_visible_control_of_the_main_window_has_a_tooltip(qtbot, make_window):
    from playground.classroom import install_classroom
    win = make_window(MAIN_DESIGN, factory=fake)
    room = install_classroom(win, factory=fake)  # as the app's install_extras does
    win.add_side_dock(room.dock)
    for size in ((1280, 720), (1366, 768)):
        win.resize(*size)
        win.show()
        qtbot.waitExposed(win)
        qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=30_000)
        for dock in win.findChildren(QDockWidget):  # every tab in front once
            dock.show()
            dock.raise_()
            qtbot.wait(10)
            missing = _untipped(win)
            assert not missing, "\n".join(missing)
    assert len(win.palette.cards) > 10  # the walk saw the palette
