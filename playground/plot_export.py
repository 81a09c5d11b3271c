"""A plot's PNG, SVG and CSV (its right-click menu) and every dashboard as images into a folder.

Plots are written with pyqtgraph's exporters (ImageExporter, SVGExporter, CSVExporter) as they
are drawn: the app's theme and, while presenting, its larger text and lines; every file goes
through engine.atomic.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 - pg.exporters
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QWidget

from engine.atomic import atomic_write
from playground.image_files import png_bytes
from playground.paths import dialog_folder

if TYPE_CHECKING:
    from playground.main_window import MainWindow

PNG_SCALE = 2  # pixels per screen pixel: sharp on slides and hand-ins


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
    return png_bytes(exporter.export(toBytes=True))


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
    doc = getattr(parent.window(), "doc", None)  # the main window's design, if any
    start = os.path.join(dialog_folder(getattr(doc, "path", None)), f"{name}.{kind}")
    path, _ = QFileDialog.getSaveFileName(parent, f"Save the plot as {kind.upper()}", start,
                                          filters[kind])
    if not path:
        return
    if not path.lower().endswith("." + kind):
        path += "." + kind
    try:
        save_plot(plot, path, kind)
    except Exception as err:  # noqa: BLE001 - a sentence for the user, never a traceback
        _tell(parent, "Cannot save the plot", f"{path}: {reason(err)}")
        return
    _status(parent, f"Saved {path}")


def reason(err: BaseException) -> str:
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
        out.append(atomic_write(folder / f"{base}.png", png_bytes(dash.grab())))
    return out
