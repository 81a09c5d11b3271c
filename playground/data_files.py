"""Data files in the window (Load CSV / NPZ…, a CSV or NPZ dropped on the window): read and
validated completely off the GUI thread (``engine.design.adapt.adapt_design_to_data``) before
anything in the design changes; then one undo step sets the data, the input size and, when the
targets need another one, the output layer and the loss.

A refused file changes nothing (design, dashboards, undo stack, the running session): the
refusal is shown in place and training goes on with the data it had.
"""
from __future__ import annotations

import copy
import os
from typing import TYPE_CHECKING, Any

from engine.errors import BadInput
from playground.loading import Loader

if TYPE_CHECKING:
    from playground.main_window import MainWindow

DATA_SUFFIXES = (".csv", ".npz")


def is_data_file(path: str) -> bool:
    return path.lower().endswith(DATA_SUFFIXES)


def stored_path(path: str, design_path: str | None) -> str:
    """How the design names a data file: relative to the design's folder when inside it (the
    two travel together), else absolute."""
    full = os.path.abspath(path)
    if design_path:
        folder = os.path.dirname(os.path.abspath(design_path))
        try:
            if os.path.commonpath([full, folder]) == folder:
                return os.path.relpath(full, folder)
        except ValueError:  # another drive (Windows)
            pass
    return full


def data_changes(design: dict, adapted: dict) -> list[tuple[str, str, Any]]:
    """The document changes (one undo step) from ``design`` to the ``adapted`` one: the data
    section, ``model.input_dim``, and the layers and loss when the head changed."""
    changes: list[tuple[str, str, Any]] = [("", "data", copy.deepcopy(adapted["data"]))]
    model, new_model = design.get("model") or {}, adapted["model"]
    if model.get("input_dim") != new_model.get("input_dim"):
        changes.append(("model", "input_dim", new_model["input_dim"]))
    return changes


class DataFiles:
    """Loads data files for a :class:`MainWindow` (one at a time: a new one cancels the last)."""

    def __init__(self, window: "MainWindow"):
        self.win = window
        self.loader: Loader | None = None

    def __repr__(self) -> str:
        return f"DataFiles(loading={self.loading})"

    @property
    def loading(self) -> bool:
        return self.loader is not None and not self.loader.finished

    def load(self, path: str) -> Loader:
        """Read ``path`` (CSV or NPZ) off the GUI thread; the design changes only if it fits."""
        if self.loading:
            self.loader.cancel()
        doc = self.win.doc
        design = doc.to_dict()
        section = dict(design.get("data") or {})
        section["dataset"] = {"path": stored_path(path, doc.path), "label_column": None}
        section["features"] = None
        base = os.path.dirname(doc.path) if doc.path else None
        name = os.path.basename(path)

        def work(_cancelled) -> Any:
            from engine.design.adapt import adapt_design_to_data
            return adapt_design_to_data(design, section, base)

        self.loader = Loader(self.win, f"Reading {name}…", work,
                             lambda change: self._done(design, name, change),
                             lambda err: self._failed(name, err))
        return self.loader.start()

    def _done(self, design: dict, name: str, change: Any) -> None:
        doc = self.win.doc
        if doc.design != design:  # edited meanwhile (another window, a script): not applied
            self.win.refusal_bar.show_refusal(
                "Data file not used", f"{name}: the design changed while the file was read; "
                "load it again", can_undo=False)
            return
        changes = data_changes(design, change.design)
        if change.head_changed:
            changes.append(("model", "layers", copy.deepcopy(change.design["model"]["layers"])))
            changes.append(("", "loss", copy.deepcopy(change.design["loss"])))
        doc.set_values(changes, f"data file {name}")
        note = change.summary
        if change.head_changed and change.head:
            units, function, loss = change.head
            note += f"; output layer: {units} {function} unit{'s' * (units != 1)}, loss {loss}"
        self.win.statusBar().showMessage(note, 15000)

    def _failed(self, name: str, err: BaseException) -> None:
        if isinstance(err, BadInput):
            self.win.refusal_bar.show_refusal("Cannot load the data", f"{name}: {err}",
                                              can_undo=False)
            return
        from engine.errors import append_error_log, error_report
        from playground.problems import error_log_path
        append_error_log(error_log_path(), err, f"reading the data file {name}")
        line, details = error_report(err)
        self.win.show_error("Cannot load the data", f"{name}: {line}", details)
