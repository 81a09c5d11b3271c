"""Tooltips for the buttons Qt makes itself in the main window: a dock's float and close
buttons, the toolbar's "more" button, the scroll arrows of tabbed docks (made whenever docks
are tabbed together, so they are named again after every new child of the window)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractButton, QMainWindow

from playground.i18n import translate


def _tips() -> dict[str, str]:
    return {
        "qt_dockwidget_floatbutton": translate("WindowTips", "Float this panel as a window of its own "
                                                      "(double-click its title to dock it again)"),
        "qt_dockwidget_closebutton": translate("WindowTips", "Close this panel (the View menu shows "
                                                      "it again)"),
        "qt_toolbar_ext_button": translate("WindowTips", "The controls that do not fit the bar"),
        "ScrollLeftButton": translate("WindowTips", "Scroll the tabs: the ones on the left"),
        "ScrollRightButton": translate("WindowTips", "Scroll the tabs: the ones on the right")}


class ChromeTips(QObject):
    """Gives Qt's own buttons of ``window`` a tooltip, now and after every new child."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self.window = window
        self._pending = False
        window.installEventFilter(self)
        self.apply()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.ChildAdded and not self._pending:
            self._pending = True  # the new child's own buttons exist once its constructor ran
            QTimer.singleShot(0, self.apply)
        return False

    def apply(self) -> None:
        self._pending = False
        tips = _tips()
        for button in self.window.findChildren(QAbstractButton):
            tip = tips.get(button.objectName())
            if tip and not button.toolTip():
                button.setToolTip(tip)
