"""The data panel: data set, noise, samples, split, feature crosses, files, and a scatter preview."""
from __future__ import annotations

import copy
import os
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QGridLayout, QPushButton, QSpinBox, QVBoxLayout, QWidget)
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground import catalog
from playground.document import DesignDocument, DocEvent
from playground.history import Boundary
from playground.widgets.data_extras import DataExtrasForm
from playground.widgets.key_form import effect_text
from playground.paths import dialog_folder
from playground.widgets.numbers import commit_on_finish, guard_wheel

GENERATORS_2D = ("circle", "xor", "gaussian", "spiral", "moons", "plane", "multi_gaussian")
GENERATED = GENERATORS_2D + ("sine_1d",)  # the data sets that noise and samples apply to
FILE_ITEM = "__file__"
NOISE_TIP = QT_TRANSLATE_NOOP("DataPanel", "Noise added by the generator.")
SAMPLES_TIP = QT_TRANSLATE_NOOP("DataPanel", "How many samples the generator draws.")


REGRESSION = (1, "linear", "mse")
OUTPUT_HEADS = {name: (1, "sigmoid", "binary_crossentropy")
                for name in ("circle", "xor", "gaussian", "spiral", "moons")}
OUTPUT_HEADS.update({"plane": REGRESSION, "multi_gaussian": REGRESSION, "sine_1d": REGRESSION,
                     "digits": (10, "softmax", "sparse_categorical_crossentropy")})


def head_changes(design: dict, head: tuple[int, str, str]) -> list[tuple]:
    """Document changes that give ``design`` the output layer and loss ``head`` (units, output
    activation, loss) a data set needs (engine.design.adapt.with_output_head): none when it has
    them already or when the model does not end in dense (+ activation / dropout / noise)."""
    from engine.design.adapt import with_output_head
    new = with_output_head(design, *head)
    changes: list[tuple] = []
    layers = new.get("model", {}).get("layers")
    if layers != design.get("model", {}).get("layers"):
        changes.append(("model", "layers", layers))
    if new.get("loss") != design.get("loss"):
        changes.append(("", "loss", new.get("loss")))
    return changes


def feature_count(data: dict, base_dir: str | None) -> int | None:
    """The number of model inputs a ``data`` section gives (engine's count when available)."""
    try:
        from pathlib import Path

        from engine.data import from_config
        from engine.data.load import n_features
        return n_features(from_config(dict(data)), Path(base_dir) if base_dir else None)
    except Exception:  # noqa: BLE001 - engine missing or config incomplete
        feats = data.get("features")
        if feats:
            return len(feats)
        ds = data.get("dataset")
        return {"digits": 64, "sine_1d": 1}.get(ds, 2) if isinstance(ds, str) else None


class DataPanel(QWidget):
    """Edits the document's ``data`` section; ``preview`` draws the training points."""

    message = Signal(str)
    load_requested = Signal(str)  # a data file to read (the window reads it off the GUI thread)

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        form = QFormLayout()
        self.dataset = guard_wheel(QComboBox())
        self.dataset.addItems(catalog.DATASETS)
        self.dataset.setToolTip(self.tr("Generated 2-D problems (TF Playground), 1-D sine, or digits."))
        self.noise = commit_on_finish(QDoubleSpinBox())
        self.noise.setRange(0.0, 5.0)
        self.noise.setSingleStep(0.05)
        self.noise.setToolTip(self.tr(NOISE_TIP))
        self.samples = commit_on_finish(QSpinBox())
        self.samples.setRange(10, 100_000)
        self.samples.setSingleStep(100)
        self.samples.setToolTip(self.tr(SAMPLES_TIP))
        self.fraction = commit_on_finish(QDoubleSpinBox())
        self.fraction.setRange(0.05, 1.0)
        self.fraction.setSingleStep(0.05)
        self.fraction.setToolTip(self.tr("Fraction used for training; the rest validates (1: none)."))
        form.setRowWrapPolicy(QFormLayout.WrapLongRows)  # a narrow panel: the field below
        form.addRow(self.tr("data set"), self.dataset)
        form.addRow(self.tr("noise"), self.noise)
        form.addRow(self.tr("samples"), self.samples)
        form.addRow(self.tr("train fraction"), self.fraction)
        lay.addLayout(form)
        grid = QGridLayout()
        self.features: dict[str, QCheckBox] = {}
        for k, name in enumerate(catalog.FEATURES):
            box = QCheckBox(name)
            box.setToolTip(self.tr("Feed {0} to the network (TF Playground's feature crosses).").format(name))
            box.toggled.connect(self._features_changed)
            self.features[name] = box
            grid.addWidget(box, k // 3, k % 3)
        lay.addLayout(grid)
        self.load_button = QPushButton(self.tr("Load CSV / NPZ…"))
        self.load_button.setToolTip(self.tr("Use your own data: a CSV with a label column or an NPZ."))
        self.load_button.clicked.connect(self.choose_file)
        lay.addWidget(self.load_button)
        self.extras = DataExtrasForm(doc)
        lay.addWidget(self.extras)
        self.preview = pg.PlotWidget()
        self.preview.setMinimumHeight(90)
        self.preview.setTitle(self.tr("training data"), size="9pt")
        self.scatter = pg.ScatterPlotItem(size=4, pen=None)
        self.preview.addItem(self.scatter)
        lay.addWidget(self.preview, 1)
        self._shown: int | None = -1
        self.dataset.currentTextChanged.connect(self._dataset_changed)
        self.noise.valueChanged.connect(lambda v: self._set("noise", float(v)))
        self.samples.valueChanged.connect(lambda v: self._set("samples", int(v)))
        self.fraction.valueChanged.connect(lambda v: self._set("train_fraction", float(v)))
        self._handle = doc.subscribe(self._on_doc)
        self.refresh()

    def set_document(self, doc: DesignDocument) -> None:
        self._handle.remove()
        self.doc = self.extras.doc = doc
        self._handle = doc.subscribe(self._on_doc)
        self.refresh()

    def _on_doc(self, event: DocEvent) -> None:
        if event.kind in ("reset", "undo", "redo", "section"):
            self.refresh()
            if not self.extras.committing:
                self.extras.refresh()
                self.extras.clear_marks()

    def refresh(self) -> None:
        """Show the document's values without emitting edits."""
        data = self.doc.section("data")
        widgets = [self.dataset, self.noise, self.samples, self.fraction, *self.features.values()]
        for w in widgets:
            w.blockSignals(True)
        try:
            ds = data.get("dataset", "circle")
            self._show_dataset(ds)
            self.noise.setValue(float(data.get("noise", 0.0) or 0.0))
            self.samples.setValue(int(data.get("samples", 500) or 500))
            self.fraction.setValue(float(data.get("train_fraction", 0.5) or 0.5))
            generated = isinstance(ds, str) and ds in GENERATED
            why = "" if generated else self.tr(" — not for {0}: fixed data").format(
                ds if isinstance(ds, str) else self.tr("data from a file"))
            for box, tip in ((self.noise, NOISE_TIP), (self.samples, SAMPLES_TIP)):
                box.setEnabled(generated)
                box.setToolTip(self.tr(tip) + why)
            crossable = isinstance(ds, str) and ds in GENERATORS_2D
            feats = data.get("features") or (["x1", "x2"] if crossable else [])
            for name, box in self.features.items():
                box.setChecked(name in feats)
                box.setEnabled(crossable)
        finally:
            for w in widgets:
                w.blockSignals(False)

    def _show_dataset(self, ds: Any) -> None:
        """Select the data set's name, or a "file: name.csv" entry for data from a file."""
        file_row = self.dataset.findData(FILE_ITEM)
        if isinstance(ds, str):
            if file_row >= 0:
                self.dataset.removeItem(file_row)
            self.dataset.setCurrentText(ds)
            return
        path = ds.get("path") if isinstance(ds, dict) else None
        text = self.tr("file: {0}").format(os.path.basename(str(path))) if path else \
            self.tr("data in the design")
        if file_row < 0:
            self.dataset.addItem(text, FILE_ITEM)
            file_row = self.dataset.count() - 1
        self.dataset.setItemText(file_row, text)
        self.dataset.setCurrentIndex(file_row)

    def _set(self, key: str, value: Any) -> None:
        old = copy.deepcopy(self.doc.design)
        self.doc.set_value("data", key, value)
        self._say_effect(old)

    def _say_effect(self, old: dict) -> None:
        """Under the data forms: what the last data edit did to the run (rebuilt, weights kept)."""
        self.extras.note.setText(effect_text(old, self.doc.design))

    def _apply_data(self, data: dict, label: str, head: tuple | None = None) -> None:
        n = feature_count(data, os.path.dirname(self.doc.path) if self.doc.path else None)
        changes = [("data", k, v) for k, v in data.items() if self.doc.section("data").get(k) != v]
        if n is not None and n != self.doc.input_dim:
            changes.append(("model", "input_dim", n))
        if head is not None:
            changes += head_changes(self.doc.design, head)
        if changes:
            old = copy.deepcopy(self.doc.design)
            self.doc.set_values(changes, label)
            self._say_effect(old)

    def _dataset_changed(self, name: str) -> None:
        if self.dataset.currentData() == FILE_ITEM:
            return
        data = dict(self.doc.section("data"))
        old = data.get("dataset")
        data["dataset"] = name
        kept = data.get("features") if isinstance(old, str) and old in GENERATORS_2D else None
        # another 2-D generator keeps the chosen feature crosses
        data["features"] = (list(kept or ["x1", "x2"]) if name in GENERATORS_2D else None)
        self._apply_data(data, f"data set {name}", OUTPUT_HEADS.get(name))

    def _features_changed(self) -> None:
        feats = [n for n, b in self.features.items() if b.isChecked()]
        if not feats:
            self.refresh()
            return
        data = dict(self.doc.section("data"))
        data["features"] = feats
        self._apply_data(data, "features " + ", ".join(feats))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load data"), dialog_folder(self.doc.path),
                                              self.tr("Data (*.csv *.npz)"))
        if path:
            self.load_file(path)

    def load_file(self, path: str) -> None:
        """Ask for a CSV/NPZ file to become the data set: the window reads and checks it off
        the GUI thread and changes the design only if it fits (playground/data_files.py)."""
        self.load_requested.emit(path)

    def show_points(self, boundary: Boundary | None) -> None:
        """Scatter the training points of the newest frame (only when they changed)."""
        if boundary is None:
            if self._shown is not None:
                self._shown = None
                self.scatter.setData([], [])
                self.preview.setTitle(self.tr("training data (no 2-D view of these features)"), size="9pt")
            return
        if id(boundary.points["x_train"]) == self._shown:
            return
        self.preview.setTitle(self.tr("training data"), size="9pt")
        self._shown = id(boundary.points["x_train"])
        x = np.asarray(boundary.points["x_train"], dtype=np.float64)
        y = np.asarray(boundary.points["y_train"], dtype=np.float64)
        if x.shape[1] == 1:
            self.scatter.setData(x=x[:, 0], y=y, brush="#e0e0e0")
            return
        from playground.dashboards.inspect_plots import CLASS_COLORS
        if boundary.kind == "regression":
            lo, hi = float(y.min()), float(y.max()) + 1e-9
            cmap = pg.colormap.get("CET-D1A")
            brushes = [pg.mkBrush(cmap.map((v - lo) / (hi - lo), mode="qcolor")) for v in y]
        else:
            from playground.dashboards.base import brush  # shared: one symbol per class
            brushes = [brush(CLASS_COLORS[int(v) % len(CLASS_COLORS)]) for v in y]
        self.scatter.setData(x=x[:, 0], y=x[:, 1], brush=brushes)
