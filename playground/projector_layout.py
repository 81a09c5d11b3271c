"""The main window's projector layout (presentation mode): the loss curves and the decision
boundary side by side and large, the network as one strip above them, the side panels hidden.
Leaving it restores the desk layout exactly; quitting while presenting saves the desk layout."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDockWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.i18n import translate
from playground import window_layout

if TYPE_CHECKING:
    from playground.main_window import MainWindow

BOTTOM = Qt.BottomDockWidgetArea
QWIDGETSIZE_MAX = (1 << 24) - 1
SETTLE_MS = 1000
PLAN: window_layout.Plan = {
    BOTTOM: [[["Loss and accuracy", "Gradients", "Dead and saturated units", "Network graph"]],
             [["Decision boundary", "Activations", "Batch norm", "Weights", "Confusion matrix",
               "Uncertainty"]]]}
HEADS = ("Loss and accuracy", "Decision boundary")
#: tab titles on the projector: six tabs of 20 px text fit half of 1280 px
SHORT_TITLES = {"Loss and accuracy": QT_TRANSLATE_NOOP("Docks", "Loss"),
                "Decision boundary": QT_TRANSLATE_NOOP("Docks", "Boundary"),
                "Dead and saturated units": QT_TRANSLATE_NOOP("Docks", "Dead units"),
                "Batch norm": QT_TRANSLATE_NOOP("Docks", "BN"),
                "Confusion matrix": QT_TRANSLATE_NOOP("Docks", "Confusion"),
                "Network graph": QT_TRANSLATE_NOOP("Docks", "Graph")}


def enter(win: "MainWindow") -> None:
    """Remember the desk layout, then arrange the projector's."""
    if win.desk_saved is not None:
        return
    win.desk_saved = (win.saveGeometry(), win.saveState(window_layout.LAYOUT_VERSION))
    for dock in win.findChildren(QDockWidget):  # the side panels, the Lessons dock included
        if win.dockWidgetArea(dock) == Qt.LeftDockWidgetArea or dock.isFloating():
            dock.hide()
    for title, short in SHORT_TITLES.items():
        win.docks[title].setWindowTitle(translate("Docks", short))
    win.desk_view.hide()
    win.strip.show()
    window_layout.arrange(win, PLAN)
    split(win)


def split(win: "MainWindow") -> None:
    """The two dashboard columns share the width equally (after each resize)."""
    if win.desk_saved is None:
        return
    win.strip.ensurePolished()  # the projector's font size, for the height it needs
    win.centralWidget().setMaximumHeight(win.strip.heightForWidth(max(win.width(), 400)) + 4)
    heads = [win.docks[t] for t in HEADS]
    half = max(win.width() // 2, 100)
    win.resizeDocks(heads, [half, half], Qt.Horizontal)
    height = max(win.height() - win.strip.sizeHint().height() - 120, 200)
    win.resizeDocks([heads[0]], [height], Qt.Vertical)


def leave(win: "MainWindow") -> None:
    """Back to the desk layout as it was (geometry, docks, panels)."""
    if win.desk_saved is None:
        return
    geometry, state = win.desk_saved
    win.desk_saved = None
    for title in SHORT_TITLES:
        win.docks[title].setWindowTitle(translate("Docks", window_layout.TAB_TITLES.get(title, title)))
    win.strip.hide()
    win.centralWidget().setMaximumHeight(QWIDGETSIZE_MAX)
    win.desk_view.show()
    win.restoreGeometry(geometry)
    win.restoreState(state, window_layout.LAYOUT_VERSION)
    # leaving full screen, the window gets its size a little later (the window manager): the
    # dock sizes are relative to it, so the state is applied once more when it arrives
    win.pending_state = state
    QTimer.singleShot(SETTLE_MS, win, lambda: setattr(win, "pending_state", None))


def settle(win: "MainWindow") -> None:
    """On a resize after leaving: the desk's dock state again, for the final window size."""
    state = getattr(win, "pending_state", None)
    if state is not None and win.desk_saved is None:
        win.pending_state = None
        win.restoreState(state, window_layout.LAYOUT_VERSION)
