"""Hook the classroom into the main window through its public API: a Lessons menu and dock,
View → Presentation mode (F11) and zoom, Run → teacher shortcuts and Compare…, Help →
Keyboard shortcuts."""
from __future__ import annotations

import copy
import os
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (QAbstractButton, QDialog, QDockWidget, QMainWindow, QMenu,
                               QMessageBox)
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.i18n import translate
from playground.classroom.compare_dialog import CompareDialog
from playground.classroom.compare_window import ComparisonWindow
from playground.classroom.lessons_panel import LessonsPanel, lesson_shortcut
from playground.classroom.presentation import (apply_presentation, is_presenting,
                                               set_side_docks_visible)
from playground.classroom.shortcuts import TEACHER_KEYS, ShortcutSheet, make_actions
from playground.window_menus import FILE_KEYS

ZOOMS = (1.25, 1.6, 2.0, 2.5)
#: lesson dashboard names -> main-window dashboard class names
DASHBOARD_CLASSES = {"loss": "LossDashboard", "gradients": "GradientDashboard",
                     "activations": "ActivationDashboard", "dead": "DeadUnitsDashboard",
                     "weights": "WeightDashboard", "bn": "BatchNormDashboard",
                     "boundary": "BoundaryDashboard", "confusion": "ConfusionDashboard",
                     "uncertainty": "UncertaintyDashboard"}
DROPOUT_TYPES = ("dropout", "alpha_dropout")


def _menu(window: QMainWindow, title: str) -> QMenu:
    """The menu bar's menu called ``title`` (ignoring '&'), made when missing; ``title`` is
    the English text, shown translated (context "Menus", as playground/window_menus.py)."""
    title = translate("Menus", title)
    for act in window.menuBar().actions():
        if act.menu() is not None and act.text().replace("&", "") == title.replace("&", ""):
            return act.menu()
    bar = window.menuBar()
    help_menu = next((a for a in bar.actions() if a.menu() is not None
                      and a.text().replace("&", "") == "Help"), None)
    if help_menu is not None and title.replace("&", "") != "Help":  # Help stays the last menu
        menu = QMenu(title, bar)
        bar.insertMenu(help_menu, menu)
        return menu
    return bar.addMenu(title)


def _taken(window: QMainWindow, key: str) -> bool:
    """True when an action of ``window`` already answers ``key``. A button's own shortcut on
    the same key (the training bar's Space) is taken over: a button answers it with a delayed,
    animated click and not at all while another button has the focus."""
    seq = QKeySequence(key)
    for button in window.findChildren(QAbstractButton):
        if button.shortcut() == seq:
            button.setShortcut(QKeySequence())
    return any(seq in act.shortcuts() for act in window.findChildren(QAction))


class Classroom(QObject):
    """What :func:`install_classroom` added to a main window (kept as ``window.classroom``)."""

    def __init__(self, window: QMainWindow, factory: Any = None, zoom: float = 1.6):
        super().__init__(window)
        self.window, self.factory, self.zoom = window, factory, zoom
        self.comparisons: list[ComparisonWindow] = []
        self.panel = LessonsPanel(open_design=self.open_design, factory=factory)
        self.dock = QDockWidget(translate("Docks", "Lessons"), window)
        self.dock.setProperty("plan_name", "Lessons")
        self.dock.setObjectName("dock_lessons")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.LeftDockWidgetArea, self.dock)
        self._build_actions()
        self._build_menus()

    def __repr__(self) -> str:
        return f"Classroom(lessons={len(self.panel.lessons)}, presenting={self.presenting})"

    # ------------------------------------------------------------ construction
    def _build_actions(self) -> None:
        w = self.window
        handlers = {"play": self.toggle_play, "step": self.step, "reset": self.reset,
                    "bn": self.toggle_batch_norm, "dropout": self.toggle_dropout,
                    "side_docks": lambda: set_side_docks_visible(w)}
        taken = {name for name in handlers if _taken(w, TEACHER_KEYS[name][0])}
        self.actions = make_actions(w, handlers)
        for name in taken:  # another action owns the key: keep it, show the key in the menu
            act = self.actions[name]
            act.setShortcut(QKeySequence())
            act.setText(f"{act.text()}\t{TEACHER_KEYS[name][0]}")
        existing = getattr(w, "presentation_action", None)
        if isinstance(existing, QAction):
            slot = getattr(w, "set_presentation", None)
            if slot is not None:
                try:
                    existing.toggled.disconnect(slot)
                except (RuntimeError, TypeError):
                    pass
            existing.toggled.connect(self.set_presentation)
            self.actions["presentation"] = existing
        else:
            self.actions.update(make_actions(w, {"presentation": self.set_presentation}))

    def _build_menus(self) -> None:
        w = self.window
        lessons = _menu(w, QT_TRANSLATE_NOOP("Menus", "&Lessons"))
        lessons.addAction(self.dock.toggleViewAction())
        lessons.addSeparator()
        self.lesson_actions: list[QAction] = []
        for lesson in self.panel.lessons:
            act = QAction(f"{lesson.number}. {lesson.title}", w)
            shortcut = lesson_shortcut(lesson)
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.triggered.connect(lambda _=False, n=lesson.number: self.open_lesson(n))
            lessons.addAction(act)
            self.lesson_actions.append(act)
        run = _menu(w, QT_TRANSLATE_NOOP("Menus", "&Run"))
        for name in ("play", "step", "reset", "bn", "dropout"):
            run.addAction(self.actions[name])
        run.addSeparator()
        self.compare_action = run.addAction(translate("Menus", "&Compare…"), self.compare_dialog)
        self.compare_action.setToolTip(translate("Menus", "Train the current design beside a variant (A/B)."))
        view = _menu(w, QT_TRANSLATE_NOOP("Menus", "&View"))
        if self.actions["presentation"] not in view.actions():
            view.addAction(self.actions["presentation"])
        view.addAction(self.actions["side_docks"])
        zoom_menu = view.addMenu(translate("Menus", "Presentation &zoom"))
        self.zoom_group = QActionGroup(w)
        for z in ZOOMS:
            act = zoom_menu.addAction(f"{z:g}×", lambda z=z: self.set_zoom(z))
            act.setCheckable(True)
            act.setChecked(abs(z - self.zoom) < 1e-9)
            self.zoom_group.addAction(act)
        help_menu = _menu(w, QT_TRANSLATE_NOOP("Menus", "&Help"))
        help_menu.addAction(translate("Menus", "&Keyboard shortcuts"), self.show_shortcuts)

    # ------------------------------------------------------------ teacher actions
    def toggle_play(self) -> None:
        if self.window.bar.play.isEnabled():   # disabled while the engine compiles
            self.window.bar.play.toggle()

    def step(self) -> None:
        self.window.bar.step.click()

    def reset(self) -> None:
        """The R key (Run → Reset weights): a run that has trained asks first, since a stray R
        would throw its weights away."""
        frame = self.window.controller.latest()
        step = int(getattr(getattr(frame, "snapshot", None), "step", 0) or 0)
        if step > 0 and not self.reset_confirmed(step):
            return
        self.window.bar.reset.click()

    def reset_confirmed(self, step: int) -> bool:
        """Ask whether to reset a run that has trained ``step`` steps (No is the default)."""
        box = QMessageBox(QMessageBox.Question, translate("Classroom", "Reset weights"),
                          translate("Classroom", "Reset the run? Its weights after {0} steps are "
                                    "lost; training starts again from the seed.").format(step),
                          QMessageBox.Yes | QMessageBox.No, self.window)
        box.setObjectName("resetQuestion")
        box.setDefaultButton(QMessageBox.No)
        return box.exec() == QMessageBox.Yes

    def _toggle(self, types: tuple[str, ...]) -> bool | None:
        """Flip ``enabled`` of every layer of ``types`` in the document (all to one value)."""
        doc = self.window.doc
        hits = [i for i, cfg in enumerate(doc.layers) if cfg.get("type") in types]
        if not hits:
            self.window.statusBar().showMessage(f"no {types[0].replace('_', ' ')} layers", 3000)
            return None
        value = not any(doc.layers[i].get("enabled", True) for i in hits)
        name = "BN" if types == ("batch_norm",) else "dropout"
        doc.set_layer_options([(i, "enabled", value) for i in hits],  # one undo step, one marker
                              f"{name} {'on' if value else 'off'}")
        return value

    def toggle_batch_norm(self) -> bool | None:
        return self._toggle(("batch_norm",))

    def toggle_dropout(self) -> bool | None:
        return self._toggle(DROPOUT_TYPES)

    # ------------------------------------------------------------ presentation
    @property
    def presenting(self) -> bool:
        return is_presenting(self.window)

    def set_presentation(self, on: bool) -> None:
        self.window.presentation_zoom = self.zoom
        setter = getattr(self.window, "set_presentation", None)
        if callable(setter):
            setter(on)
        else:
            apply_presentation(self.window, on, self.zoom)
        self.panel.presentation_zoom = self.zoom if on else None
        act = self.actions["presentation"]
        if act.isChecked() != on:
            act.blockSignals(True)
            act.setChecked(on)
            act.blockSignals(False)

    def set_zoom(self, zoom: float) -> None:
        self.zoom = float(zoom)
        self.window.presentation_zoom = self.zoom
        if self.presenting:
            apply_presentation(self.window, True, self.zoom)
            self.panel.presentation_zoom = self.zoom

    def show_shortcuts(self) -> ShortcutSheet:
        extra = list(FILE_KEYS) + [(a.shortcut().toString(), a.text())
                                   for a in self.lesson_actions if not a.shortcut().isEmpty()]
        sheet = ShortcutSheet(self.window, extra)
        sheet.setAttribute(Qt.WA_DeleteOnClose)
        sheet.show()
        self.sheet = sheet
        return sheet

    # ------------------------------------------------------------ lessons and comparisons
    def open_lesson(self, number: int) -> ComparisonWindow | None:
        """Open lesson ``number`` (Ctrl+1 … Ctrl+9); the Lessons dock stays collapsed while
        presenting."""
        if not self.presenting:
            self.dock.show()
            self.dock.raise_()
        return self.panel.open_number(number)

    def open_design(self, path: str, lesson: Any = None) -> None:
        """Open a one-design lesson in the main window and raise the dashboards it names."""
        if not self.window.files.open_path(path):
            return
        wanted = [DASHBOARD_CLASSES.get(n) for n in getattr(lesson, "dashboards", ())]
        docks = self.window.findChildren(QDockWidget)
        for name in reversed([n for n in wanted if n]):
            for dock in docks:
                if type(dock.widget()).__name__ == name:
                    dock.show()
                    dock.raise_()

    def compare(self, design_b: dict | None = None, label_b: str = "B",
                start: tuple[int, dict] | None = None) -> ComparisonWindow:
        """A/B comparison of the current design (A) and ``design_b`` (a copy by default);
        ``start``: (step, kept state) both runs start from (the loss timeline's "from here")."""
        doc = self.window.doc
        a = copy.deepcopy(doc.design)
        b = copy.deepcopy(design_b) if design_b is not None else copy.deepcopy(a)
        base = os.path.dirname(doc.path) if doc.path else None
        title = f"A/B: {doc.name}" if start is None else QCoreApplication.translate(
            "Classroom", "A/B from step {0}: {1}").format(start[0], doc.name)
        window = ComparisonWindow([("A", a), (label_b, b)], base, factory=self.factory,
                                  title=title, zoom=self.zoom,
                                  start_state=None if start is None else start[1])
        self.comparisons = [c for c in self.comparisons if c.isVisible()]
        self.comparisons.append(window)
        window.show()
        if self.presenting:
            window.set_presentation(True)
        return window

    def compare_dialog(self, start: tuple[int, dict] | None = None) -> ComparisonWindow | None:
        """Compare…: the dialog picks run B's change (``start``: see :meth:`compare`)."""
        dialog = CompareDialog(copy.deepcopy(self.window.doc.design), self.window)
        if dialog.exec() != QDialog.Accepted:
            return None
        design_b, label = dialog.variant()
        return self.compare(design_b, f"B: {label}", start)

    def close_windows(self) -> None:
        """Close every comparison window opened from here or from the lessons panel."""
        for window in self.comparisons + self.panel.windows:
            window.close()
            window.shutdown()
        self.comparisons.clear()
        self.panel.windows.clear()


def install_classroom(main_window: QMainWindow, factory: Any = None,
                      zoom: float = 1.6) -> Classroom:
    """Add the classroom to ``main_window`` (idempotent); returns :class:`Classroom`, also kept
    as ``main_window.classroom``. ``factory`` builds comparison sessions (the engine's by
    default; tests inject one)."""
    existing = getattr(main_window, "classroom", None)
    if isinstance(existing, Classroom):
        return existing
    classroom = Classroom(main_window, factory, zoom)
    main_window.classroom = classroom
    return classroom
