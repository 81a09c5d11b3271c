"""File → Export (metrics CSV, PyTorch script, weights, checkpoint, all dashboards), File → Open
checkpoint and Run → Find learning rate of the main window.

Files the session holds are written by the worker thread, which owns the session
(playground/worker_exports.py); plots and dashboards by playground/plot_export.py. Every file
goes through engine.atomic.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMenu, QProgressDialog
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.i18n import translate
from playground.paths import dialog_folder
from playground.plot_export import export_dashboards, reason, slug

if TYPE_CHECKING:
    from playground.main_window import MainWindow

#: File → Export entries done by the worker: (what, menu text, file filter, default suffix)
WORKER_EXPORTS = (
    ("metrics", QT_TRANSLATE_NOOP("Menus", "Run &metrics (CSV)…"), "CSV (*.csv)", ".csv"),
    ("pytorch", QT_TRANSLATE_NOOP("Menus", "&PyTorch script…"), "Python (*.py)", ".py"),
    ("weights", QT_TRANSLATE_NOOP("Menus", "&Weights…"), "Weights (*.npz)", ".weights.npz"),
    ("checkpoint", QT_TRANSLATE_NOOP("Menus", "&Checkpoint…"), "Checkpoints (*.npz)", ".ckpt.npz"),
)
DONE_TEXT = {"metrics": QT_TRANSLATE_NOOP("WindowExports", "Metrics written"), "pytorch": QT_TRANSLATE_NOOP("WindowExports", "PyTorch script written"),
             "weights": QT_TRANSLATE_NOOP("WindowExports", "Weights written"), "checkpoint": QT_TRANSLATE_NOOP("WindowExports", "Checkpoint written"),
             "open_checkpoint": QT_TRANSLATE_NOOP("WindowExports", "Continuing from the checkpoint")}


# ---------------------------------------------------------------------- File → Export
class WindowExports(QObject):
    """File → Open checkpoint, File → Export (metrics, PyTorch, weights, checkpoint, all
    dashboards) and Run → Find learning rate for a :class:`MainWindow`. The worker's answers
    arrive at :meth:`file_done` (a bound method of this GUI-thread object)."""

    def __init__(self, win: "MainWindow"):
        super().__init__(win)
        self.win = win
        self.done: dict[str, tuple[str, str]] = {}  # what -> (path, problem) of the last answer
        self.busy: QProgressDialog | None = None
        win.worker.file_done.connect(self.file_done)

    def __repr__(self) -> str:
        return f"WindowExports(done={sorted(self.done)})"

    def fill_file_menu(self, files: QMenu) -> None:
        """Open checkpoint… and the Export submenu."""
        win = self.win
        win.open_checkpoint_action = files.addAction(translate("Menus", "Open chec&kpoint…"), self.open_checkpoint)
        win.open_checkpoint_action.setToolTip(
            translate("Menus", "Continue training from a checkpoint written for this design (by "
                      "the app or by playground-train --checkpoint), bit for bit."))
        menu = files.addMenu(translate("Menus", "&Export"))
        menu.setObjectName("exportMenu")
        win.export_menu = menu
        win.export_actions = {}
        for what, text, file_filter, suffix in WORKER_EXPORTS:
            act = menu.addAction(translate("Menus", text))
            act.triggered.connect(lambda _=False, w=what, f=file_filter, s=suffix:
                                  self.ask_export(w, f, s))
            win.export_actions[what] = act
        act = menu.addAction(translate("Menus", "All &dashboards as images…"), self.ask_dashboards)
        win.export_actions["dashboards"] = act

    def fill_run_menu(self, run: QMenu) -> None:
        win = self.win
        win.find_lr_action = run.addAction(translate("Menus", "Find &learning rate…"), self.find_learning_rate)
        win.find_lr_action.setToolTip(
            translate("Menus", "The learning-rate range test on a copy of the run: loss against "
                      "learning rate, with a suggested rate to use."))

    # ------------------------------------------------------------------ worker exports
    def _default_name(self, suffix: str) -> str:
        doc = self.win.doc
        stem = os.path.basename(doc.path).split(".")[0] if doc.path else slug(doc.name)
        folder = dialog_folder(doc.path)
        return os.path.join(folder, stem + suffix)

    def _has_run(self) -> bool:
        frame = self.win.controller.latest()
        if self.win.worker.session is None or frame is None or frame.snapshot is None:
            self.win.notify(translate("WindowExports", "Nothing to export yet"),
                            translate("WindowExports", "There is no model yet: fix the design problem reported "
                                                         "before."))
            return False
        return True

    def ask_export(self, what: str, file_filter: str, suffix: str) -> None:
        """Ask for a file name, then let the worker write ``what`` there."""
        if not self._has_run():
            return
        path, _ = QFileDialog.getSaveFileName(self.win, translate("WindowExports", "Export"), self._default_name(suffix),
                                              file_filter)
        if path:
            if not path.lower().endswith(suffix.rsplit(".", 1)[-1]):
                path += suffix
            self.export(what, path)

    def export(self, what: str, path: str) -> None:
        """Let the worker write ``what`` to ``path`` (training pauses; a busy dialog shows
        while it takes long)."""
        self.win.run.pause()
        self.done.pop(what, None)
        self._start_busy(translate("WindowExports", "Writing {0}…").format(os.path.basename(path)))
        self.win.controller.post("export", what=what, path=os.path.abspath(path))

    def open_checkpoint(self) -> None:
        if not self._has_run():
            return
        path, _ = QFileDialog.getOpenFileName(self.win, translate("WindowExports", "Open checkpoint"), self._default_name(""),
                                              translate("WindowExports", "Checkpoints (*.npz);;All files (*)"))
        if path:
            self.open_checkpoint_path(path)

    def open_checkpoint_path(self, path: str) -> None:
        self.win.run.pause()
        self.done.pop("open_checkpoint", None)
        self._start_busy(translate("WindowExports", "Reading {0}…").format(os.path.basename(path)))
        self.win.controller.post("open_checkpoint", path=os.path.abspath(path))

    def _start_busy(self, text: str) -> None:
        self._end_busy()
        box = QProgressDialog(text, "", 0, 0, self.win)
        box.setCancelButton(None)
        box.setWindowModality(Qt.WindowModal)
        box.setMinimumDuration(0)
        box.reset()  # shown only when the worker takes long (below)
        self.busy = box
        QTimer.singleShot(400, lambda: box.show() if self.busy is box else None)

    def _end_busy(self) -> None:
        if self.busy is not None:
            self.busy.close()
            self.busy.deleteLater()
            self.busy = None

    def file_done(self, what: str, path: str, problem: str) -> None:
        """The worker's answer: a status line when it worked, a message when not."""
        self._end_busy()
        self.done[what] = (path, problem)
        if problem:
            title = translate("WindowExports", "Cannot open the checkpoint") if what == "open_checkpoint" \
                else translate("WindowExports", "Cannot export")
            self.win.notify(title, problem)
        else:
            self.win.statusBar().showMessage("{0}: {1}".format(translate("WindowExports", DONE_TEXT.get(what, "Done")), path), 8000)

    # ------------------------------------------------------------------ dashboards
    def ask_dashboards(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.win, translate("WindowExports", "Export all dashboards into"),
                                                  self._default_name(""))
        if folder:
            self.dashboards_to(folder)

    def dashboards_to(self, folder: str, size: tuple[int, int] | None = None) -> list[Path]:
        """Every dashboard as PNG and SVG into ``folder``, with a progress dialog (Cancel stops
        after the dashboard being written)."""
        box = QProgressDialog(translate("WindowExports", "Writing the dashboards…"), translate("WindowExports", "Cancel"), 0, len(self.win.dashboards),
                              self.win)
        box.setWindowModality(Qt.WindowModal)
        box.setMinimumDuration(300)

        def step(i: int, n: int) -> bool:
            box.setValue(i)
            box.setLabelText(translate("WindowExports", "Writing {0} ({1} of {2})…").format(
                translate("Docks", self.win.dashboards[i].title), i + 1, n))
            return not box.wasCanceled()

        try:
            written = export_dashboards(self.win, folder, step, size)
        except Exception as err:  # noqa: BLE001 - a sentence for the user, never a traceback
            self.win.notify(translate("WindowExports", "Cannot export the dashboards"), f"{folder}: {reason(err)}")
            written = []
        else:
            self.win.statusBar().showMessage(translate("WindowExports", "{0} files written to {1}").format(len(written), folder), 8000)
        finally:
            box.close()
            box.deleteLater()
        return written

    # ------------------------------------------------------------------ learning rate
    def find_learning_rate(self) -> None:
        """Run → Find learning rate…: the range test's dialog (playground.widgets.lr_finder)."""
        if not self._has_run():
            return
        from playground.widgets.lr_finder import LRFinderDialog
        self.win.run.pause()
        old = getattr(self.win, "lr_finder", None)
        if old is not None:
            old.close()  # cancels a test still running for it
        dialog = LRFinderDialog(self.win)
        self.win.lr_finder = dialog
        dialog.show()
        dialog.start()


def install_exports(win: "MainWindow", files: QMenu) -> WindowExports:
    """Add the export and checkpoint entries to the File menu (the plots' right-click menus
    come from Dashboard itself)."""
    exports = WindowExports(win)
    win.exports = exports
    exports.fill_file_menu(files)
    return exports


def install_run_menu(win: "MainWindow") -> None:
    """Run → Find learning rate… (the Run menu is made when the window has none)."""
    run = None
    for act in win.menuBar().actions():
        if act.menu() is not None and act.text().replace("&", "") == translate("Menus", "&Run").replace("&", ""):
            run = act.menu()
    win.exports.fill_run_menu(run if run is not None else win.menuBar().addMenu(translate("Menus", "&Run")))
