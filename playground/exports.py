"""Everything that leaves the window: a plot's PNG, SVG and CSV (its right-click menu), every
dashboard as images into a folder, and File → Export / Open checkpoint.

Plots are written with pyqtgraph's exporters (ImageExporter, SVGExporter, CSVExporter) as they
are drawn: the app's theme and, while presenting, its larger text and lines. Files the session
holds (checkpoint, weights, metrics CSV, PyTorch script) are written by the worker thread, which
owns the session (playground/worker_exports.py); every file goes through engine.atomic.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 - pg.exporters
from PySide6.QtCore import QBuffer, QIODevice, QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import (QApplication, QFileDialog, QMenu, QProgressDialog, QWidget)

from engine.atomic import atomic_write

if TYPE_CHECKING:
    from playground.main_window import MainWindow

PNG_SCALE = 2  # pixels per screen pixel: sharp on slides and hand-ins
#: File → Export entries done by the worker: (what, menu text, file filter, default suffix)
WORKER_EXPORTS = (
    ("metrics", "Run &metrics (CSV)…", "CSV (*.csv)", ".csv"),
    ("pytorch", "&PyTorch script…", "Python (*.py)", ".py"),
    ("weights", "&Weights…", "Weights (*.npz)", ".weights.npz"),
    ("checkpoint", "&Checkpoint…", "Checkpoints (*.npz)", ".ckpt.npz"),
)
DONE_TEXT = {"metrics": "Metrics written", "pytorch": "PyTorch script written",
             "weights": "Weights written", "checkpoint": "Checkpoint written",
             "open_checkpoint": "Continuing from the checkpoint"}


# ---------------------------------------------------------------------- plots
def plots_of(widget: QWidget) -> list[pg.PlotWidget]:
    """The plots a dashboard shows (hidden ones, such as accuracy for a regression, left out)."""
    return [p for p in widget.findChildren(pg.PlotWidget) if p.isVisibleTo(widget)]


def plot_at(widget: QWidget, pos: QPoint) -> pg.PlotWidget | None:
    """The plot under ``pos`` (``widget``'s coordinates), or None."""
    child = widget.childAt(pos)
    while child is not None and not isinstance(child, pg.PlotWidget):
        child = child.parentWidget()
    return child


def _png_bytes(plot: pg.PlotWidget) -> bytes:
    exporter = pg.exporters.ImageExporter(plot.plotItem)
    width = max(1, int(plot.plotItem.sceneBoundingRect().width() * PNG_SCALE))
    exporter.parameters()["width"] = width
    image = exporter.export(toBytes=True)
    buf = QBuffer()
    buf.open(QIODevice.WriteOnly)
    if not image.save(buf, "PNG"):
        raise OSError("the image could not be encoded as PNG")
    return bytes(buf.data())


def _csv_bytes(plot: pg.PlotWidget) -> bytes:
    """The data of the plot's curves and points (CSVExporter writes to a file name: a temporary
    one, then the bytes go to the target atomically)."""
    with tempfile.TemporaryDirectory(prefix="playground-csv-") as folder:
        tmp = os.path.join(folder, "plot.csv")
        pg.exporters.CSVExporter(plot.plotItem).export(tmp)
        return Path(tmp).read_bytes()


def _svg_bytes(plot: pg.PlotWidget) -> bytes:
    """SVGExporter's text. pyqtgraph 0.14's path parser fails on the closed paths Qt writes
    (the plot area's clip rectangle ends with "Z": pyqtgraph issue #3495), so while it runs the
    "Z" is taken off each path and put back after the coordinates are transformed."""
    import sys
    module = sys.modules[pg.exporters.SVGExporter.__module__]
    original = module.correctCoordinates

    def closed_paths_kept(node: Any, defs: Any, item: Any, options: Any) -> Any:
        closed = []
        for path in node.getElementsByTagName("path"):
            d = path.getAttribute("d")
            if "Z" in d.split():
                closed.append(path)
                path.setAttribute("d", " ".join(t for t in d.split() if t != "Z"))
        out = original(node, defs, item, options)
        for path in closed:
            path.setAttribute("d", path.getAttribute("d").rstrip() + " Z")
        return out

    module.correctCoordinates = closed_paths_kept
    try:
        return pg.exporters.SVGExporter(plot.plotItem).export(toBytes=True)
    finally:
        module.correctCoordinates = original


def has_series(plot: pg.PlotWidget) -> bool:
    """True when the plot has curves or points to write as CSV (not only an image or bars)."""
    return any(hasattr(item, "implements") and item.implements("plotData")
               and item.getData()[0] is not None and len(item.getData()[0])
               for item in plot.plotItem.items)


def save_plot(plot: pg.PlotWidget, path: str | os.PathLike[str], kind: str) -> Path:
    """Write ``plot`` as ``kind`` ("png", "svg" or "csv") to ``path`` atomically."""
    if kind == "png":
        data = _png_bytes(plot)
    elif kind == "svg":
        data = _svg_bytes(plot)
    elif kind == "csv":
        data = _csv_bytes(plot)
    else:
        raise ValueError(f"unknown plot format {kind!r}")
    return atomic_write(path, data)


def _plot_title(plot: pg.PlotWidget, fallback: str) -> str:
    text = getattr(plot.plotItem.titleLabel, "text", "") or fallback
    return re.sub(r"<[^>]+>", "", text).strip() or fallback


def slug(text: str) -> str:
    """A file-name part: lower-case words joined by '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "plot"


def plot_menu(dashboard: QWidget, pos: QPoint) -> QMenu | None:
    """The right-click menu of the plot under ``pos``: save it as PNG, SVG or CSV."""
    plot = plot_at(dashboard, pos)
    if plot is None:
        return None
    name = slug(_plot_title(plot, getattr(dashboard, "title", "plot")))
    menu = QMenu(dashboard)
    menu.setObjectName("plotExportMenu")
    menu.setAttribute(Qt.WA_DeleteOnClose)
    for kind, text in (("png", "Save image (PNG)…"), ("svg", "Save vector image (SVG)…"),
                       ("csv", "Save data (CSV)…")):
        act = menu.addAction(text)
        act.setObjectName(f"export_{kind}")
        act.triggered.connect(lambda _=False, k=kind: _ask_and_save(dashboard, plot, name, k))
        if kind == "csv" and not has_series(plot):
            act.setEnabled(False)
            act.setToolTip("This plot shows an image or bars: no data series to write.")
    return menu


def _ask_and_save(parent: QWidget, plot: pg.PlotWidget, name: str, kind: str) -> None:
    filters = {"png": "PNG image (*.png)", "svg": "SVG image (*.svg)", "csv": "CSV (*.csv)"}
    path, _ = QFileDialog.getSaveFileName(parent, f"Save the plot as {kind.upper()}",
                                          f"{name}.{kind}", filters[kind])
    if not path:
        return
    if not path.lower().endswith("." + kind):
        path += "." + kind
    try:
        save_plot(plot, path, kind)
    except Exception as err:  # noqa: BLE001 - a sentence for the user, never a traceback
        _tell(parent, "Cannot save the plot", f"{path}: {_reason(err)}")
        return
    _status(parent, f"Saved {path}")


def _reason(err: BaseException) -> str:
    from engine.errors import BadInput, error_report
    if isinstance(err, OSError):
        return err.strerror or str(err)
    return str(err) if isinstance(err, BadInput) else error_report(err)[0]


def _tell(widget: QWidget, title: str, text: str) -> None:
    win = widget.window()
    notify = getattr(win, "notify", None)
    if callable(notify):
        notify(title, text)
    else:
        from playground.widgets.messages import message_box
        message_box(win, title, text).show()


def _status(widget: QWidget, text: str) -> None:
    bar = getattr(widget.window(), "statusBar", None)
    if callable(bar):
        bar().showMessage(text, 8000)


# ---------------------------------------------------------------------- all dashboards
def export_dashboards(win: "MainWindow", folder: str | os.PathLike[str],
                      step: Callable[[int, int], bool] | None = None,
                      size: tuple[int, int] | None = None) -> list[Path]:
    """Every dashboard as PNG and SVG (one pair per plot; a dashboard without plots as a PNG of
    the panel) into ``folder``, drawn with the newest frame. Each dock is brought forward while it
    is written and the tabs the user had in front come back afterwards; with ``size`` (w, h)
    each dock floats at that size while it is written (slides from the command line).
    ``step(i, n)`` reports progress and returns False to stop."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    in_front = [d for d in win.docks.values() if d.isVisible() and not d.visibleRegion().isEmpty()]
    frame = win.controller.latest()
    written: list[Path] = []
    try:
        for i, dash in enumerate(win.dashboards):
            if step is not None and not step(i, len(win.dashboards)):
                break
            written += _export_dashboard(win, dash, folder, i + 1, frame, size)
    finally:
        for dock in in_front:
            dock.raise_()
    return written


def _export_dashboard(win: "MainWindow", dash: Any, folder: Path, number: int,
                      frame: Any, size: tuple[int, int] | None) -> list[Path]:
    dock = win.docks.get(dash.title)
    floated = dock is not None and size is not None and not dock.isFloating()
    if dock is not None:
        dock.show()
        dock.raise_()
        if floated:
            dock.setFloating(True)
            dock.resize(*size)
    QApplication.processEvents()  # laid out at its size
    if frame is not None:
        dash.update_frame(frame)
    QApplication.processEvents()
    try:
        return _write_dashboard(dash, folder, number)
    finally:
        if floated:
            dock.setFloating(False)


def _write_dashboard(dash: Any, folder: Path, number: int) -> list[Path]:
    base = f"{number:02d}-{slug(dash.title)}"
    plots = plots_of(dash)
    out: list[Path] = []
    for k, plot in enumerate(plots):
        name = base if len(plots) == 1 else f"{base}-{k + 1}"
        for kind in ("png", "svg"):
            out.append(save_plot(plot, folder / f"{name}.{kind}", kind))
    if not plots:
        buf = QBuffer()
        buf.open(QIODevice.WriteOnly)
        dash.grab().save(buf, "PNG")
        out.append(atomic_write(folder / f"{base}.png", bytes(buf.data())))
    return out


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
        win.open_checkpoint_action = files.addAction("Open chec&kpoint…", self.open_checkpoint)
        win.open_checkpoint_action.setToolTip(
            "Continue training from a checkpoint written for this design (by the app or by "
            "playground-train --checkpoint), bit for bit.")
        menu = files.addMenu("&Export")
        menu.setObjectName("exportMenu")
        win.export_menu = menu
        win.export_actions = {}
        for what, text, file_filter, suffix in WORKER_EXPORTS:
            act = menu.addAction(text)
            act.triggered.connect(lambda _=False, w=what, f=file_filter, s=suffix:
                                  self.ask_export(w, f, s))
            win.export_actions[what] = act
        act = menu.addAction("All &dashboards as images…", self.ask_dashboards)
        win.export_actions["dashboards"] = act

    def fill_run_menu(self, run: QMenu) -> None:
        win = self.win
        win.find_lr_action = run.addAction("Find &learning rate…", self.find_learning_rate)
        win.find_lr_action.setToolTip(
            "The learning-rate range test on a copy of the run: loss against learning rate, "
            "with a suggested rate to use.")

    # ------------------------------------------------------------------ worker exports
    def _default_name(self, suffix: str) -> str:
        doc = self.win.doc
        stem = os.path.basename(doc.path).split(".")[0] if doc.path else slug(doc.name)
        folder = os.path.dirname(doc.path) if doc.path else ""
        return os.path.join(folder, stem + suffix)

    def _has_run(self) -> bool:
        frame = self.win.controller.latest()
        if self.win.worker.session is None or frame is None or frame.snapshot is None:
            self.win.notify("Nothing to export yet",
                            "There is no model yet: fix the design problem reported before.")
            return False
        return True

    def ask_export(self, what: str, file_filter: str, suffix: str) -> None:
        """Ask for a file name, then let the worker write ``what`` there."""
        if not self._has_run():
            return
        path, _ = QFileDialog.getSaveFileName(self.win, "Export", self._default_name(suffix),
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
        self._start_busy(f"Writing {os.path.basename(path)}…")
        self.win.controller.post("export", what=what, path=os.path.abspath(path))

    def open_checkpoint(self) -> None:
        if not self._has_run():
            return
        path, _ = QFileDialog.getOpenFileName(self.win, "Open checkpoint", self._default_name(""),
                                              "Checkpoints (*.npz);;All files (*)")
        if path:
            self.open_checkpoint_path(path)

    def open_checkpoint_path(self, path: str) -> None:
        self.win.run.pause()
        self.done.pop("open_checkpoint", None)
        self._start_busy(f"Reading {os.path.basename(path)}…")
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
            title = "Cannot open the checkpoint" if what == "open_checkpoint" else "Cannot export"
            self.win.notify(title, problem)
        else:
            self.win.statusBar().showMessage(f"{DONE_TEXT.get(what, 'Done')}: {path}", 8000)

    # ------------------------------------------------------------------ dashboards
    def ask_dashboards(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.win, "Export all dashboards into",
                                                  self._default_name(""))
        if folder:
            self.dashboards_to(folder)

    def dashboards_to(self, folder: str, size: tuple[int, int] | None = None) -> list[Path]:
        """Every dashboard as PNG and SVG into ``folder``, with a progress dialog (Cancel stops
        after the dashboard being written)."""
        box = QProgressDialog("Writing the dashboards…", "Cancel", 0, len(self.win.dashboards),
                              self.win)
        box.setWindowModality(Qt.WindowModal)
        box.setMinimumDuration(300)

        def step(i: int, n: int) -> bool:
            box.setValue(i)
            box.setLabelText(f"Writing {self.win.dashboards[i].title} ({i + 1} of {n})…")
            return not box.wasCanceled()

        try:
            written = export_dashboards(self.win, folder, step, size)
        except Exception as err:  # noqa: BLE001 - a sentence for the user, never a traceback
            self.win.notify("Cannot export the dashboards", f"{folder}: {_reason(err)}")
            written = []
        else:
            self.win.statusBar().showMessage(f"{len(written)} files written to {folder}", 8000)
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
        if act.menu() is not None and act.text().replace("&", "") == "Run":
            run = act.menu()
    win.exports.fill_run_menu(run if run is not None else win.menuBar().addMenu("&Run"))
