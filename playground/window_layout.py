"""Dock layouts for real screens: which docks share a column, a row or a tab group, sized to the
screen; saving and restoring them (never larger than the screen), and View → Reset layout.

A plan maps a dock area to columns (side by side), each a list of rows (stacked), each a list of
dock titles (tabbed, the first in front). Docks a plan does not name stay where they are.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, QSettings, Qt
from PySide6.QtWidgets import (QApplication, QDockWidget, QMainWindow, QScrollArea, QTabBar,
                               QWidget)
from PySide6.QtCore import QT_TRANSLATE_NOOP

Plan = dict[Qt.DockWidgetArea, list[list[list[str]]]]
LEFT, RIGHT = Qt.LeftDockWidgetArea, Qt.RightDockWidgetArea
SIDE_TABS = ["Data", "Summary", "Optimizer", "Lessons"]
#: 1600×900 and larger: the loss and the boundary each over a second row of dashboards
WIDE: Plan = {
    LEFT: [[["Layers"], SIDE_TABS]],
    RIGHT: [[["Loss and accuracy"], ["Gradients", "Dead and saturated units"]],
            [["Decision boundary", "Network graph", "Confusion matrix", "Uncertainty"],
             ["Activations", "Batch norm", "Weights"]]]}
#: smaller screens (1280×720, 1366×768): two dashboard columns of tabs, one row each
COMPACT: Plan = {
    LEFT: [[["Layers"], SIDE_TABS]],
    RIGHT: [[["Loss and accuracy", "Gradients", "Dead and saturated units"]],
            [["Decision boundary", "Network graph", "Confusion matrix", "Uncertainty"],
             ["Activations", "Batch norm", "Weights"]]]}
#: the dashboards' titles on their tabs: a tab group fits its column at 1280×720 (docks keep
#: their full name as ``plan_name``; tooltips and the View menu say it in full)
TAB_TITLES = {"Loss and accuracy": QT_TRANSLATE_NOOP("Docks", "Loss"),
              "Decision boundary": QT_TRANSLATE_NOOP("Docks", "Boundary"),
              "Dead and saturated units": QT_TRANSLATE_NOOP("Docks", "Dead units"),
              "Confusion matrix": QT_TRANSLATE_NOOP("Docks", "Confusion"),
              "Network graph": QT_TRANSLATE_NOOP("Docks", "Graph")}
WIDE_MIN = (1500, 880)  # available screen size from which the wide plan is used
DEFAULT_SIZE = (1600, 1000)
LAYOUT_VERSION = 2  # saved dock states of another version are not restored


def available(widget: QWidget) -> QRect:
    """The available geometry of the screen ``widget`` is on (the primary one before it shows)."""
    screen = widget.screen() if widget.screen() is not None else QApplication.primaryScreen()
    return screen.availableGeometry()


def plan_for(area: QRect) -> Plan:
    """The dock plan for a screen area."""
    return WIDE if area.width() >= WIDE_MIN[0] and area.height() >= WIDE_MIN[1] else COMPACT


def _docks(window: QMainWindow) -> dict[str, QDockWidget]:
    """Docks by the name plans use: their ``plan_name`` property (their first title; the
    projector shortens titles), else their title."""
    return {str(d.property("plan_name") or d.windowTitle()): d
            for d in window.findChildren(QDockWidget)}


class WholeTabTitles(QObject):
    """Installed on a main window: its dock tab bars never cut a title short ("Sum…"); a group
    too wide for its column scrolls with the tab bar's arrows instead. Qt's main window makes
    its tab bars eliding; they are switched when first polished (and reused as they are)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.ChildPolished and isinstance(event.child(), QTabBar):
            whole_titles(event.child())
        return False


def whole_titles(bar: QTabBar) -> None:
    """``bar`` shows every title in full and scrolls when its tabs do not fit."""
    bar.setElideMode(Qt.ElideNone)
    bar.setUsesScrollButtons(True)


def arrange(window: QMainWindow, plan: Plan) -> None:
    """Put the docks where ``plan`` says (from any current arrangement) and size the columns;
    the window keeps its size."""
    size = window.size()
    docks = _docks(window)
    heads: dict[Qt.DockWidgetArea, list[QDockWidget]] = {}
    for area, columns in plan.items():
        names = [n for col in columns for row in col for n in row if n in docks]
        for name in names:
            dock = docks[name]
            dock.setFloating(False)
            dock.hide()  # shown once tabbed: stacked, they would make the window grow
            window.addDockWidget(area, dock)
        cols = [[[docks[n] for n in row if n in docks] for row in col] for col in columns]
        cols = [[row for row in col if row] for col in cols]
        cols = [col for col in cols if col]
        for left, right in zip(cols, cols[1:]):
            window.splitDockWidget(left[0][0], right[0][0], Qt.Horizontal)
        for col in cols:
            for upper, lower in zip(col, col[1:]):
                window.splitDockWidget(upper[0], lower[0], Qt.Vertical)
            for row in col:
                for other in row[1:]:
                    window.tabifyDockWidget(row[0], other)
        for name in names:
            docks[name].show()
        window.layout().activate()  # makes the tab bars now: a raise_() before that is lost
        for col in cols:
            for row in col:
                row[0].raise_()
        heads[area] = [col[0][0] for col in cols]
        for col in cols:
            _size_rows(window, [row[0] for row in col])
    for bar in window.findChildren(QTabBar):
        whole_titles(bar)
    if window.size() != size:
        window.resize(size)
    _size_columns(window, heads)


def _size_rows(window: QMainWindow, rows: list[QDockWidget]) -> None:
    """Stacked docks share their column's height: the first (the palette, the loss, the
    boundary) a little more than half."""
    if len(rows) < 2:
        return
    height = max(window.height() - 120, 400)
    first = int(height * 0.6)
    rest = (height - first) // (len(rows) - 1)
    window.resizeDocks(rows, [first] + [rest] * (len(rows) - 1), Qt.Vertical)


def _size_columns(window: QMainWindow, heads: dict[Qt.DockWidgetArea, list[QDockWidget]]) -> None:
    """Left column about a fifth of the width (more where its tab titles need it), the
    dashboard columns share 70 % of the rest, the layer stack the other 30 %."""
    width = max(window.width(), 800)
    left = heads.get(LEFT, [])
    right = heads.get(RIGHT, [])
    docks, sizes = [], []
    rest = width
    if left:
        docks.append(left[0])
        # wide enough for its tab groups' titles (four German ones need ~300 px), up to a quarter
        sizes.append(min(max(int(width * 0.2), _tabs_need(window, LEFT)), int(width * 0.25)))
        rest -= sizes[-1]
    if right:  # 70 % of the rest (56 % of the width beside a fifth), the stack the other 30 %
        share = round(rest * 0.7 / len(right)) if left else int(width * 0.56 / len(right))
        docks += right
        sizes += [share] * len(right)
    if docks:
        window.resizeDocks(docks, sizes, Qt.Horizontal)


def _tabs_need(window: QMainWindow, area: Qt.DockWidgetArea) -> int:
    """The width the widest tab group of ``area`` needs to show every tab whole."""
    titles = {d.windowTitle() for d in window.findChildren(QDockWidget)
              if window.dockWidgetArea(d) == area and not d.isFloating()}
    need = 0
    for bar in window.findChildren(QTabBar):
        texts = [bar.tabText(i) for i in range(bar.count())]
        if bar.parentWidget() is window and texts and set(texts) <= titles:
            need = max(need, sum(bar.tabSizeHint(i).width() for i in range(bar.count())) + 4)
    return need


def default_geometry(window: QMainWindow) -> None:
    """First start: maximised on a small screen, else 1600×1000 in its middle."""
    area = available(window)
    if area.width() < DEFAULT_SIZE[0] + 40 or area.height() < DEFAULT_SIZE[1] + 40:
        window.setGeometry(area)
        window.setWindowState(window.windowState() | Qt.WindowMaximized)
        return
    rect = QRect(0, 0, *DEFAULT_SIZE)
    rect.moveCenter(area.center())
    window.setGeometry(rect)


def fit_to_screen(window: QMainWindow) -> bool:
    """Shrink and move the window into its screen's available area; True when it had to."""
    if window.isFullScreen() or window.isMaximized():
        return False
    area = available(window)
    geo = window.frameGeometry()
    if area.contains(geo):
        return False
    inner = window.geometry()
    extra_w, extra_h = geo.width() - inner.width(), geo.height() - inner.height()
    w = min(inner.width(), area.width() - extra_w)
    h = min(inner.height(), area.height() - extra_h)
    window.resize(max(w, 200), max(h, 200))
    geo = window.frameGeometry()
    x = min(max(geo.x(), area.x()), area.right() - geo.width() + 1)
    y = min(max(geo.y(), area.y()), area.bottom() - geo.height() + 1)
    window.move(x, y)
    return True


def save(window: QMainWindow, settings: QSettings, geometry: bytes, state: bytes) -> None:
    """Store the desk layout (never the projector one: the caller passes the desk's)."""
    settings.setValue("geometry", geometry)
    settings.setValue("windowState", state)
    settings.setValue("layoutVersion", LAYOUT_VERSION)


def start(window: QMainWindow, settings: QSettings) -> bool:
    """At the first show: the saved geometry (fitted into the screen) or the default one, then
    the docks arranged for that size, then the saved dock state on top. The window has its final
    size before the state is restored (the state's dock sizes are relative to it: restored into
    a window that is resized afterwards, the docks shrink a little more at every start).
    Returns True when a saved layout was restored."""
    geo, state = settings.value("geometry"), settings.value("windowState")
    usable = geo is not None and int(settings.value("layoutVersion", 0) or 0) == LAYOUT_VERSION
    if usable and window.restoreGeometry(geo):
        if window.isFullScreen():  # saved in presentation mode by an older version
            window.showNormal()
        if window.isMaximized():
            window.setGeometry(available(window))
        fit_to_screen(window)
    else:
        usable = False
        default_geometry(window)
    arrange(window, plan_for(available(window)))
    if usable and state is not None:
        window.restoreState(state, LAYOUT_VERSION)
    return usable


def scrolling(widget: QWidget) -> QScrollArea:
    """``widget`` in a scroll area: a form may be taller than its dock on a small screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
    area.setWidget(widget)
    return area
