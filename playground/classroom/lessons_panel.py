"""The lessons panel: the catalogue (title and summary), one click opens a lesson — its text in
the panel, its design in the main window (one design) or a comparison window (two or more)."""
from __future__ import annotations

import os
from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QLabel, QListWidget, QListWidgetItem, QPushButton, QSplitter,
                               QTextBrowser, QToolBar, QVBoxLayout, QWidget)

from engine.errors import BadInput
from playground.i18n import current_language
from playground.classroom.compare_window import ComparisonWindow
from playground.classroom.overlay import DEFAULT_PLOTS
from playground.classroom.presentation import apply_presentation, is_presenting

OpenDesign = Callable[[str, Any], None]
#: lessons whose point is per-batch noise open at a watch speed (steps a second), slow enough to
#: see each batch's statistics jump
WATCH_SPEEDS: dict[str, float] = {"batch_renorm": 5.0}


def lesson_shortcut(lesson: Any) -> str | None:
    """The lesson's key: its file's ``Ctrl+1`` … ``Ctrl+9``; lessons 10 … 19 get ``Alt+0`` …
    ``Alt+9`` (the lesson format allows only Ctrl+digit)."""
    if getattr(lesson, "shortcut", None):
        return lesson.shortcut
    number = int(getattr(lesson, "number", 0))
    return f"Alt+{number - 10}" if 10 <= number <= 19 else None


def lesson_plots(lesson: Any) -> tuple[str, ...]:
    """Overlay plots for a lesson's comparison: the defaults, plus ``lr`` when it names it."""
    names = tuple(getattr(lesson, "dashboards", ()))
    return DEFAULT_PLOTS + (("lr",) if "lr" in names else ())


class LessonsPanel(QWidget):
    """Lists the lessons; clicking one opens it.

    Parameters
    ----------
    open_design : called as ``open_design(path, lesson)`` for a one-design lesson (the main
        window opens it); None: such lessons open in a comparison window of one run.
    factory : session factory handed to the comparison windows (tests inject one).
    root : the lessons folder (default: the shipped ``resources/lessons``).
    """

    lesson_opened = Signal(object)

    def __init__(self, open_design: OpenDesign | None = None, factory: Any = None,
                 root: str | os.PathLike[str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.open_design = open_design
        self.factory = factory
        self.root = root
        self.presentation_zoom: float | None = None
        self.windows: list[ComparisonWindow] = []
        self.lessons: list[Any] = []
        self.list = QListWidget()
        self.list.setObjectName("lessonList")
        self.list.setWordWrap(True)
        self.list.setToolTip(self.tr("Click a lesson to open it."))
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._clicked)
        self.text = QTextBrowser()
        self.text.setObjectName("lessonText")
        self.text.setOpenExternalLinks(True)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.hide()
        split = QSplitter(Qt.Vertical)
        split.addWidget(self.list)
        split.addWidget(self.text)
        split.setSizes([260, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.error)
        layout.addWidget(split, 1)
        self.reload()

    def __repr__(self) -> str:
        return f"LessonsPanel(lessons={len(self.lessons)}, windows={len(self.windows)})"

    def reload(self) -> None:
        """Read the catalogue again (a broken lesson shows its error instead of the list)."""
        from engine.design.lessons import list_lessons
        self.list.clear()
        try:
            self.lessons = [lesson.in_language(current_language())
                            for lesson in list_lessons(self.root)]
        except BadInput as err:
            self.lessons = []
            self.error.setText(self.tr("Lessons could not be read: {0}").format(err))
            self.error.show()
            return
        self.error.hide()
        for lesson in self.lessons:
            shortcut = lesson_shortcut(lesson)
            key = f"   [{shortcut}]" if shortcut else ""
            item = QListWidgetItem(f"{lesson.number}. {lesson.title}{key}\n{lesson.summary}")
            item.setData(Qt.UserRole, lesson.number)
            item.setToolTip(lesson.summary)
            self.list.addItem(item)

    def lesson(self, number: int) -> Any:
        """The lesson with ``number`` (KeyError if none)."""
        for lesson in self.lessons:
            if lesson.number == number:
                return lesson
        raise KeyError(number)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.open_lesson(self.lesson(int(item.data(Qt.UserRole))))

    def open_number(self, number: int) -> ComparisonWindow | None:
        """Open lesson ``number`` (Ctrl+1 … Ctrl+9); None when there is no such lesson."""
        try:
            lesson = self.lesson(number)
        except KeyError:
            return None
        return self.open_lesson(lesson)

    def open_lesson(self, lesson: Any) -> ComparisonWindow | None:
        """Show the lesson's text and open its design(s); returns the comparison window, if any."""
        self.text.setMarkdown(lesson.text)
        rows = [self.list.item(i) for i in range(self.list.count())]
        for item in rows:
            if int(item.data(Qt.UserRole)) == lesson.number:
                self.list.blockSignals(True)
                self.list.setCurrentItem(item)
                self.list.blockSignals(False)
        window = None
        if len(lesson.designs) == 1 and self.open_design is not None:
            self.open_design(str(lesson.designs[0].path), lesson)
        else:
            window = self._open_comparison(lesson)
        self.lesson_opened.emit(lesson)
        return window

    def _add_lesson_steps(self, window: ComparisonWindow, lesson: Any) -> None:
        """"◀ Previous lesson" and "Next lesson ▶" on the lesson window's toolbar (disabled at
        the ends of the catalogue), each naming its lesson in its tooltip."""
        bar = window.findChild(QToolBar, "compareToolbar")
        numbers = [x.number for x in self.lessons]
        at = numbers.index(lesson.number)
        bar.addSeparator()
        for name, text, other in (
                ("previousLesson", self.tr("◀ Previous lesson"), at - 1),
                ("nextLesson", self.tr("Next lesson ▶"), at + 1)):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setFocusPolicy(Qt.NoFocus)  # Space and the arrows stay with the window
            if 0 <= other < len(self.lessons):
                target = self.lessons[other]
                button.setToolTip(self.tr("Lesson {0}: {1}").format(target.number, target.title))
                button.clicked.connect(lambda _=False, n=target.number: self.open_number(n))
            else:
                button.setEnabled(False)
            bar.addWidget(button)

    def _open_comparison(self, lesson: Any) -> ComparisonWindow:
        for old in [w for w in self.windows if not w.isVisible()]:
            self.windows.remove(old)  # closed earlier (their threads already stopped)
            old.deleteLater()
        for open_window in self.windows:  # a double click, or the lesson chosen again
            if getattr(open_window, "lesson_number", None) == lesson.number:
                open_window.showNormal() if open_window.isMinimized() else open_window.show()
                open_window.raise_()
                open_window.activateWindow()
                return open_window
        length = (self.tr("{0} epochs").format(lesson.run_epochs) if lesson.run_epochs is not None
                  else self.tr("{0} steps").format(lesson.run_steps))
        window = ComparisonWindow(
            [(d.label, d.design) for d in lesson.designs], lesson.base_dir,
            factory=self.factory, title=self.tr("Lesson {0}: {1}").format(lesson.number, lesson.title),
            lesson_text=lesson.text, watch=list(lesson.watch) + [self.tr("run for about {0}").format(length)],
            plots=lesson_plots(lesson), details=tuple(lesson.dashboards),
            open_lesson=self.open_number)
        window.lesson_number = lesson.number
        self._add_lesson_steps(window, lesson)
        self.windows.append(window)
        if lesson.id in WATCH_SPEEDS:
            window.speed.set_per_second(WATCH_SPEEDS[lesson.id])
        window.show()
        if self.presentation_zoom is not None:
            apply_presentation(window, True, self.presentation_zoom)
            window.actions["presentation"].blockSignals(True)
            window.actions["presentation"].setChecked(True)
            window.actions["presentation"].blockSignals(False)
        return window

    def close_windows(self) -> None:
        """Close every comparison window this panel opened."""
        for window in list(self.windows):
            window.close()
            window.shutdown()
        self.windows.clear()


__all__ = ["LessonsPanel", "lesson_plots", "lesson_shortcut", "is_presenting"]
