"""Side-by-side comparison (A/B, or a race of several runs) of designs trained in lockstep."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QDockWidget, QLabel, QMainWindow, QMessageBox, QPushButton,
                               QSplitter, QTextBrowser, QToolBar, QWidget)

from playground.classroom.compare_worker import CompareController, CompareFrame, SessionFactory
from playground.classroom.details import RunDetails, detail_names
from playground.classroom.overlay import DEFAULT_PLOTS, BoundaryRow, OverlayPlots, as_dict
from playground.classroom.presentation import apply_presentation, set_side_docks_visible
from playground.classroom.shortcuts import ShortcutSheet, make_actions
from playground.widgets.speed import SpeedBox

FRAME_MS = 33


@dataclass(frozen=True)
class RunView:
    """What a test (or a caller) can read of one run from the newest frame."""

    label: str
    step: int
    history: dict
    stopped: str | None
    snapshot: Any


class ComparisonWindow(QMainWindow):
    """Runs ``designs`` side by side on one worker thread, in lockstep.

    Parameters
    ----------
    designs : ``[(label, Design | dict), ...]``, two or more (one works too).
    base_dir : folder that relative data paths are resolved against (a lesson's folder), or a
        list with one folder per design.
    factory : builds a session from ``(design_dict, base_dir, device)`` (the engine's by default).
    lesson_text : markdown shown in a collapsible "Lesson" dock; ``watch``: bullet points under it.
    plots : which overlay plots to show (keys of :data:`overlay.PLOTS`).
    details : per-run dashboards in tabs beside the curves (``activations``, ``dead``,
        ``bn``, ``weights``, ``confusion``; a lesson's ``dashboards`` list may be passed as is).
    share_weights : copy run 0's initial weights into the others where the layers match.
    start_state : a kept state of a run (``state_dict`` form): every run starts from it.
    open_lesson : called with N for Ctrl+N (1 … 9), as in the main window (None: no such keys).
    """

    def __init__(self, designs: Sequence[tuple[str, Any]], base_dir: Any = None,
                 factory: SessionFactory | None = None, title: str = "Comparison",
                 lesson_text: str | None = None, watch: Sequence[str] = (),
                 plots: Sequence[str] = DEFAULT_PLOTS, details: Sequence[str] = (),
                 share_weights: bool = True, start_state: dict | None = None,
                 zoom: float = 1.6, open_lesson: Callable[[int], Any] | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        if not designs:
            raise ValueError("a comparison needs at least one design")
        from playground import engine_bridge
        self.setWindowTitle(f"{title} — Network Playground")
        self.setAttribute(Qt.WA_DeleteOnClose, False)
        self.labels = [str(label) for label, _ in designs]
        self.designs = [as_dict(d) for _, d in designs]
        dirs = base_dir if isinstance(base_dir, (list, tuple)) else [base_dir] * len(designs)
        self.base_dirs = [None if b is None else os.fspath(b) for b in dirs]
        self.zoom = zoom
        self.controller = CompareController(factory or engine_bridge.make_session, self)
        self.worker = self.controller.worker
        self.worker.ui_sync = True  # one frame drawn per chunk: the UI never waits for the GIL
        self.seq = 0  # the newest run request (the worker echoes it as play_seq)
        self.messages: list[str] = []
        self.diverged: list[dict] = []
        self.frames = 0
        self._last_serial = -1
        self._build_ui(tuple(plots), lesson_text, list(watch))
        self._build_details(tuple(details))
        self._build_menus()
        self._lesson_keys(open_lesson)
        self.worker.error.connect(self._on_error)
        self.worker.diverged.connect(self._on_diverged)
        self.statusBar()  # made here, in the UI thread
        self.worker.status.connect(self._on_status)  # a bound slot: queued to the UI thread
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.on_timer)
        self.timer.start()
        self.setFocusPolicy(Qt.StrongFocus)
        self.resize(1280, 720)
        self.controller.post("confusion", on="confusion" in self.details.names)
        self.controller.post("uncertainty", on="uncertainty" in self.details.names)
        self.controller.post("build", designs=self.designs, labels=self.labels,
                             base_dirs=self.base_dirs, share_weights=share_weights,
                             start=start_state)

    def __repr__(self) -> str:
        return f"ComparisonWindow(labels={self.labels})"

    # ------------------------------------------------------------ construction
    def _build_ui(self, plots: tuple[str, ...], text: str | None, watch: list[str]) -> None:
        bar = QToolBar(self.tr("Comparison"))
        bar.setObjectName("compareToolbar")
        bar.setMovable(False)
        self.play_button = QPushButton(self.tr("Play ▶"))
        self.play_button.setCheckable(True)
        self.play_button.setToolTip(self.tr("Train every run, in lockstep (Space)."))
        self.play_button.toggled.connect(self._play_toggled)
        self.step_button = QPushButton(self.tr("Step"))
        self.step_button.setToolTip(self.tr("One step for every run (→)."))
        self.step_button.clicked.connect(lambda: self.step(1))
        self.reset_button = QPushButton(self.tr("⟲ Reset"))
        self.reset_button.setToolTip(self.tr("Every run back to its initial weights (R)."))
        self.reset_button.clicked.connect(self.reset)
        self.speed = SpeedBox()
        self.speed.setObjectName("speed")
        self.speed.valueChanged.connect(
            lambda _n: self.controller.post("speed", **self.speed.command()))
        self.counter = QLabel(self.tr("step 0"))
        self.counter.setObjectName("counter")
        for w in (self.play_button, self.step_button, self.reset_button, self.speed):
            bar.addWidget(w)
            # keep the keyboard focus off widgets that would eat Space and the arrow keys
            w.setFocusPolicy(Qt.NoFocus if w is not self.speed else Qt.ClickFocus)
        bar.addSeparator()
        bar.addWidget(self.counter)
        self.addToolBar(Qt.TopToolBarArea, bar)
        self.plots = OverlayPlots(plots)
        self.boundaries = BoundaryRow()
        self.split = QSplitter(Qt.Horizontal)
        self.split.addWidget(self.boundaries)
        self.split.setStretchFactor(0, 2)
        self.setCentralWidget(self.split)
        self.lesson_view = QTextBrowser()
        self.lesson_view.setOpenExternalLinks(True)
        self.lesson_view.setFocusPolicy(Qt.NoFocus)
        self.lesson_dock = QDockWidget(self.tr("Lesson"), self)
        self.lesson_dock.setObjectName("dock_lesson")
        self.lesson_dock.setWidget(self.lesson_view)
        self.lesson_view.setMinimumWidth(240)
        self.addDockWidget(Qt.LeftDockWidgetArea, self.lesson_dock)
        self.set_lesson_text(text, watch)

    def _build_details(self, names: tuple[str, ...]) -> None:
        """Tabs beside the curves: the per-run dashboards the lesson names (activations, batch
        norm, weights by default)."""
        self.details = RunDetails(tuple(names) if detail_names(names)
                                  else ("activations", "bn", "weights"))
        self.details.insertTab(0, self.plots, self.tr("Curves"))
        self.details.setCurrentIndex(0)
        first = detail_names(names[:1])
        if first:  # the lesson names a per-run dashboard first: that is what to watch
            self.details.setCurrentWidget(self.details.page(first[0]))
        self.split.insertWidget(0, self.details)
        self.split.setStretchFactor(0, 3)
        self.split.setSizes([560, 400])

    def set_lesson_text(self, text: str | None, watch: list[str] | None = None) -> None:
        """Show ``text`` (markdown) and the ``watch`` list in the Lesson dock (hidden if none)."""
        if not text:
            self.lesson_dock.hide()
            return
        extra = "\n\n**Watch:**\n\n" + "\n".join(f"- {w}" for w in watch) if watch else ""
        self.lesson_view.setMarkdown(text + extra)
        self.lesson_dock.show()
        self.resizeDocks([self.lesson_dock], [320], Qt.Horizontal)

    def _build_menus(self) -> None:
        self.actions = make_actions(self, {
            "play": self.toggle_play, "step": lambda: self.step(1), "reset": self.reset,
            "bn": self.toggle_batch_norm, "dropout": self.toggle_dropout,
            "presentation": self.set_presentation,
            "side_docks": lambda: set_side_docks_visible(self)})
        run = self.menuBar().addMenu(self.tr("&Run"))
        for name in ("play", "step", "reset", "bn", "dropout"):
            run.addAction(self.actions[name])
        view = self.menuBar().addMenu(self.tr("&View"))
        view.addAction(self.lesson_dock.toggleViewAction())
        view.addAction(self.actions["side_docks"])
        view.addAction(self.actions["presentation"])
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("Keyboard shortcuts"), self.show_shortcuts)

    def _lesson_keys(self, open_lesson: Callable[[int], Any] | None) -> None:
        if open_lesson is None:
            return
        for n in range(1, 20):
            act = QAction(f"Lesson {n}", self)
            act.setShortcut(QKeySequence(f"Ctrl+{n}" if n < 10 else f"Alt+{n - 10}"))
            act.triggered.connect(lambda _=False, n=n: open_lesson(n))
            self.addAction(act)

    # ------------------------------------------------------------ controls
    def _post_run(self, name: str, **kwargs: Any) -> None:
        """A run command with the next request number (frames older than it are not followed)."""
        self.seq += 1
        self.controller.post(name, seq=self.seq, **kwargs)

    def _play_toggled(self, on: bool) -> None:
        self.play_button.setText(self.tr("Pause ❚❚") if on else self.tr("Play ▶"))
        self._post_run("play" if on else "pause")

    def play(self) -> None:
        self.play_button.setChecked(True)

    def pause(self) -> None:
        self.play_button.setChecked(False)

    def toggle_play(self) -> None:
        self.play_button.toggle()

    @property
    def playing(self) -> bool:
        return self.play_button.isChecked()

    def step(self, n: int = 1) -> None:
        """Every run ``n`` steps (pauses first)."""
        self.pause()
        self._post_run("step", n=int(n))

    def reset(self) -> None:
        self.pause()
        self._post_run("reset")

    def toggle_batch_norm(self) -> None:
        self.controller.post("toggle", layer_type="batch_norm")

    def toggle_dropout(self) -> None:
        self.controller.post("toggle", layer_type="dropout")

    def set_presentation(self, on: bool) -> None:
        apply_presentation(self, on, self.zoom)
        if self.actions["presentation"].isChecked() != on:
            self.actions["presentation"].setChecked(on)

    def show_shortcuts(self) -> ShortcutSheet:
        sheet = ShortcutSheet(self)
        sheet.setAttribute(Qt.WA_DeleteOnClose)
        sheet.show()
        return sheet

    # ------------------------------------------------------------ reading
    def latest(self) -> CompareFrame | None:
        """The newest frame the worker published."""
        return self.controller.latest()

    def runs(self) -> list[RunView]:
        """Each run's label, step counter and history (from the newest frame)."""
        frame = self.latest()
        if frame is None:
            return []
        out = []
        for r, run in enumerate(frame.runs):
            steps = run.history.get("steps", ())
            step = int(run.snapshot.step) if run.snapshot is not None else \
                (int(steps[-1]) if len(steps) else 0)
            out.append(RunView(frame.labels[r], step, run.history, frame.stopped[r],
                               run.snapshot))
        return out

    # ------------------------------------------------------------ frames
    def on_timer(self) -> None:
        """~30 Hz: draw the newest frame once."""
        frame = self.latest()
        if frame is None or frame.serial == self._last_serial:
            return
        self._last_serial = frame.serial
        self.frames += 1
        try:
            self.plots.draw(frame)
            self.boundaries.draw(frame)
            self.details.draw(frame)
            steps = [r.snapshot.step for r in frame.runs if r.snapshot is not None]
            rate = frame.extra.get("steps_per_s", 0.0)
            self.counter.setText(self.tr("step {0} · {1} runs · {2:,.0f} steps/s").format(
                max(steps) if steps else 0, len(frame.runs), rate))
            self._follow(frame)
        finally:
            self.worker.frame_taken.set()

    def _follow(self, frame: CompareFrame) -> None:
        """The Play button shows the worker's state once the frame has seen the newest
        request (a run that stopped by itself, or every run finished)."""
        if int(frame.extra.get("play_seq", 0)) < self.seq:
            return
        playing = bool(frame.extra.get("playing"))
        if self.play_button.isChecked() != playing:
            self.play_button.blockSignals(True)
            self.play_button.setChecked(playing)
            self.play_button.setText(self.tr("Pause ❚❚") if playing else self.tr("Play ▶"))
            self.play_button.blockSignals(False)

    def _on_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 5000)

    def _on_diverged(self, info: dict) -> None:
        """One run diverged: it stops where it is, the others go on (its marker and the
        status line say so)."""
        self.diverged.append(info)
        self.statusBar().showMessage(
            f"{info.get('label', 'a run')} diverged at step {info.get('step')}", 10000)

    def _on_error(self, text: str) -> None:
        self.pause()
        self.messages.append(text)
        self.statusBar().showMessage(text.splitlines()[0], 10000)
        box = QMessageBox(QMessageBox.Warning, self.tr("Comparison"), text, QMessageBox.Ok, self)
        box.setModal(False)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.show()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.setFocus()
        QTimer.singleShot(0, self, self._share_width)

    def _share_width(self) -> None:
        """The curves and per-run tabs get about three fifths of the width left by the lesson
        text, the boundaries the rest (a boundary squeezed into a strip shows nothing)."""
        width = max(self.split.width(), 400)
        self.split.setSizes([int(width * 0.58), width - int(width * 0.58)])

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop the timer and the worker thread (idempotent)."""
        self.timer.stop()
        self.controller.shutdown()
