"""The data keys beyond the generator's: standardise, class fractions, label flip, and for data
from a CSV/NPZ file the label column, picked from the file's header under a preview of its
first rows (a form of playground.widgets.key_form under the data panel)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QLineEdit, QTableWidget,
                               QTableWidgetItem, QWidget)

from engine.errors import BadInput
from playground.document import DesignDocument
from playground.widgets.key_form import (KeyForm, base_dir, normalised, pairs_text, parse_pairs,
                                         quiet)
from playground.widgets.numbers import NumberBox

PREVIEW_ROWS = 5
LAST_COLUMN = "(last column)"


def parse_fractions(text: str) -> dict[str, float] | None:
    """``1: 0.05, 0: 0.5`` as typed -> ``{"1": 0.05, "0": 0.5}``; empty -> None (every class
    whole)."""
    return parse_pairs(text, "data.class_fractions", "1: 0.05") if text.strip() else None


_PREVIEWS: dict[tuple, tuple[list[str], list[list[str]]]] = {}  # the last file's, by its stat


def file_preview(path: str) -> tuple[list[str], list[list[str]]]:
    """Column names and the first rows of a CSV or NPZ data file (NPZ: ``x_train`` columns
    and ``y_train``). BadInput naming the file when it cannot be read. The file is read again
    only when it changed (the form refreshes on every edit of the design)."""
    try:
        st = os.stat(path)
        key: tuple | None = (path, st.st_mtime_ns, st.st_size)
    except OSError:
        key = None  # _read_preview says why
    if key is not None and key in _PREVIEWS:
        return _PREVIEWS[key]
    preview = _read_preview(path)
    if key is not None:
        _PREVIEWS.clear()
        _PREVIEWS[key] = preview
    return preview


def _read_preview(path: str) -> tuple[list[str], list[list[str]]]:
    p = Path(path)
    if p.suffix.lower() == ".npz":
        try:
            with np.load(p, allow_pickle=False) as z:
                x = np.asarray(z["x_train"][:PREVIEW_ROWS])
                y = np.asarray(z["y_train"][:PREVIEW_ROWS]).reshape(len(x), -1)
        except Exception as err:  # noqa: BLE001 - any unreadable file is bad input here
            raise BadInput(f"cannot be previewed ({type(err).__name__})", p.name) from None
        header = [f"x{j + 1}" for j in range(x.shape[1])] + ["y_train"] * y.shape[1]
        return header, [[f"{v:g}" for v in row] for row in np.hstack([x, y])]
    from engine.data.files import csv_preview
    return csv_preview(p, p.name, PREVIEW_ROWS)


class DataExtrasForm(KeyForm):
    """``data.standardize``, ``data.class_fractions``, ``data.label_flip`` and
    ``data.dataset.label_column`` with the file's first rows."""

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(QCoreApplication.translate("DataExtrasForm", "Labels and scaling"),
                         doc, parent)
        self.setObjectName("dataExtrasForm")
        self.standardize = QCheckBox()
        self.standardize.toggled.connect(lambda on: self._set("standardize", bool(on)))
        self.add_row("data.standardize", self.tr("standardise"), self.tr(
            "Scale each feature to mean 0, standard deviation 1 (fitted on the training part)."),
            self.standardize)
        self.fractions = QLineEdit()
        self.fractions.setPlaceholderText(self.tr("all of every class"))
        self.fractions.editingFinished.connect(self._fractions_typed)
        self.add_row("data.class_fractions", self.tr("class fractions"), self.tr(
            "Keep only a fraction of a class, like 1: 0.05, to make the data imbalanced "
            "(empty: every class whole)."), self.fractions)
        self.flip = NumberBox(-1e6, 1e6)
        self.flip.setSingleStep(0.05)
        self.flip.valueChanged.connect(lambda v: self._set("label_flip", float(v)))
        self.add_row("data.label_flip", self.tr("label flip"), self.tr(
            "Fraction of labels flipped at random (noisy labels, for overfitting lessons)."),
            self.flip)
        self.column = QComboBox()
        self.column.textActivated.connect(self._column_chosen)
        self.add_row("data.dataset.label_column", self.tr("label column"), self.tr(
            "The CSV column that holds the labels (default: the last); the other columns are "
            "the features. For data from a CSV or NPZ file."), self.column)
        self.preview = QTableWidget()
        self.preview.setObjectName("filePreview")
        self.preview.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.preview.setMaximumHeight(150)
        self.preview.setToolTip(self.tr("The first rows of the data file."))
        self.form.addRow(self.preview)
        self.finish()
        self.refresh()

    def refresh(self) -> None:
        """Show the document's data keys (and the file's columns) without emitting edits."""
        data = normalised(self.doc).get("data") or {}
        with quiet(self.standardize, self.fractions, self.flip, self.column):
            self.standardize.setChecked(bool(data.get("standardize", True)))
            self.fractions.setText(pairs_text(data.get("class_fractions")))
            self.flip.setValue(float(data.get("label_flip", 0.0)))
            self._show_file(data.get("dataset"))

    def _file_path(self, ds: Any) -> str | None:
        if not isinstance(ds, dict) or not ds.get("path"):
            return None
        return os.path.join(base_dir(self.doc) or os.getcwd(), str(ds["path"]))

    def _show_file(self, ds: Any) -> None:
        path = self._file_path(ds)
        self.column.clear()
        self.preview.clear()
        self.preview.setRowCount(0)
        self.preview.setColumnCount(0)
        on = path is not None
        self.column.setEnabled(on)
        self.preview.setVisible(on)
        if not on:
            self.column.addItem(self.tr("(CSV, NPZ)"))
            return
        try:
            header, rows = file_preview(path)
        except BadInput as err:
            self.column.addItem(str(ds.get("label_column") or LAST_COLUMN))
            self.refuse("data.dataset.label_column", err)
            return
        self._fill_preview(header, rows)
        if path.lower().endswith(".npz"):
            self.column.addItem("y_train")
            self.column.setEnabled(False)
            return
        self.column.addItems([LAST_COLUMN, *header])
        self.column.setCurrentText(str(ds.get("label_column") or LAST_COLUMN))

    def _fill_preview(self, header: list[str], rows: list[list[str]]) -> None:
        self.preview.setColumnCount(len(header))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(header)
        for i, row in enumerate(rows):
            for j, text in enumerate(row[: len(header)]):
                self.preview.setItem(i, j, QTableWidgetItem(text))

    def _set(self, key: str, value: Any) -> None:
        self.commit_if_changed(f"data.{key}", value, f"data {key}")

    def _fractions_typed(self) -> None:
        try:
            value = parse_fractions(self.fractions.text())
        except BadInput as err:
            self.refuse("data.class_fractions", err)
            return
        self._set("class_fractions", value)

    def _column_chosen(self, text: str) -> None:
        ds = (normalised(self.doc).get("data") or {}).get("dataset")
        if not isinstance(ds, dict):
            return
        value = None if text == LAST_COLUMN else text
        if ds.get("label_column") != value:
            new = {**ds, "label_column": value}
            if self.commit("data.dataset.label_column", [("data", "dataset", new)],
                           f"label column {text}"):
                self.refresh()
