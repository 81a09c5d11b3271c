"""The loss, training and early-stopping settings: every key of those sections of the design
(and its name and seed) as a control, in the Optimizer tab; the loss card opens them.

Choices come from the engine (the loss registry, the early-stopping monitors, the format's
limits), values are checked by the design loader (playground.widgets.key_form).
"""
from __future__ import annotations

import copy
import json
import secrets
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QCheckBox, QComboBox, QLabel, QLineEdit, QPushButton, QSpinBox,
                               QWidget)

from engine.design import sections as sec
from engine.errors import BadInput
from engine.losses import LOSSES
from playground.document import DesignDocument
from playground.run_end import DEFAULT_EARLY_STOPPING, UNLIMITED_EPOCHS
from playground.widgets.key_form import (KeyForm, base_dir, normalised, pairs_text, parse_pairs,
                                         quiet)
from playground.widgets.numbers import NumberBox, commit_on_finish

WEIGHT_MODES = ("none", "balanced", "custom")
NEW_SEED_BOUND = 2**31  # "New seed" draws below this: short enough to read out in class


def parse_class_weights(text: str) -> dict[str, float]:
    """``{"0": 1, "1": 19}`` or ``0: 1, 1: 19`` as typed -> ``{"0": 1.0, "1": 19.0}``."""
    return parse_pairs(text, "loss.class_weight", "0: 1, 1: 19")


_DATA_SEEN: dict[str, Any] = {}  # the last data's targets, by what decides them


def _training_data(doc: DesignDocument, design: dict) -> tuple[Any, int | None] | None:
    """(the training targets, the number of classes or None for regression) of the design's
    data (None when the loader refuses it here). Read again only when the data, the loss type,
    the seed or the folder changed: class weights typed one after another are fitted on the
    same targets; only the targets are kept."""
    loss_type = (design.get("loss") or {}).get("type")
    key = json.dumps([design.get("data"), loss_type, design.get("seed"), base_dir(doc)],
                     sort_keys=True, default=str)
    if key not in _DATA_SEEN:
        _DATA_SEEN.clear()
        try:
            from engine.build import load_design_data
            from engine.design.format import Design
            data = load_design_data(Design.from_dict(copy.deepcopy(design),
                                                     base_dir=base_dir(doc)), base_dir(doc))
            seen = (data.y_train, data.n_classes if data.is_classification else None)
        except Exception:  # noqa: BLE001 - a design the loader refuses shows no weights
            seen = None
        _DATA_SEEN[key] = seen
    return _DATA_SEEN[key]


def resulting_weights(doc: DesignDocument) -> list[float] | None:
    """The per-class weights the loss will use on the design's training data (None when off,
    or when the data cannot be read here)."""
    design = normalised(doc)
    loss = design.get("loss") or {}
    if loss.get("class_weight") is None:
        return None
    data = _training_data(doc, design)
    if data is None:
        return None
    try:
        table = LOSSES.from_config(dict(loss)).fit_class_weights(data[0])
    except Exception:  # noqa: BLE001 - a loss the loader refuses shows no weights
        return None
    return None if table is None else [float(w) for w in table]


def data_classes(doc: DesignDocument) -> int | None:
    """How many classes the design's data have (None: regression, or data not readable)."""
    data = _training_data(doc, normalised(doc))
    return None if data is None else data[1]


def unknown_class(weights: Any, n_classes: int | None) -> BadInput | None:
    """The refusal of custom ``weights`` that name a class the data lack (Keras refuses
    class_weight keys outside 0..n-1), None when each names one of ``n_classes`` classes."""
    if not isinstance(weights, dict) or not n_classes:
        return None
    extra = sorted((k for k in weights if not str(k).isdigit() or int(k) >= n_classes),
                   key=lambda k: (len(str(k)), str(k)))
    if not extra:
        return None
    classes = ", ".join(str(c) for c in range(n_classes)) if n_classes <= 12 \
        else f"0 … {n_classes - 1}"
    return BadInput(QCoreApplication.translate(
        "LossForm", "class {0} is not a class of the data (classes: {1})").format(
        extra[0], classes), "loss.class_weight")


class LossForm(KeyForm):
    """``loss.type`` and ``loss.class_weight`` (none, balanced, custom), with the weights the
    loss will use shown as numbers."""

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(QCoreApplication.translate("LossForm", "Loss"), doc, parent)
        self.setObjectName("lossForm")
        self.type = QComboBox()
        self.type.addItems(list(LOSSES))
        self.type.textActivated.connect(
            lambda t: self.commit("loss.type", [("loss", "type", t)], f"loss {t}"))
        self.add_row("loss.type", self.tr("type"), self.tr(
            "What training minimises; cross-entropies for classes, mse/mae for numbers."),
            self.type)
        self.mode = QComboBox()
        self.mode.addItems(list(WEIGHT_MODES))
        self.mode.textActivated.connect(self._mode_chosen)
        self.custom = QLineEdit()
        self.custom.setPlaceholderText("0: 1, 1: 19")
        self.custom.editingFinished.connect(self._custom_typed)
        self.add_row("loss.class_weight", self.tr("class weights"), self.tr(
            "Weigh each class's samples in the loss: balanced = inverse to class frequency, "
            "mean 1 over the samples; custom = one weight per class (0: 1, 1: 19)."),
            self.mode, self.custom)
        self.shown = QLabel("")
        self.shown.setObjectName("classWeights")
        self.shown.setWordWrap(True)
        self.shown.setToolTip(self.tr("The weight of each class on this design's training data."))
        self.form.addRow(self.shown)
        self.finish()
        self.refresh()

    def refresh(self) -> None:
        """Show the document's loss (no signals) and the resulting weights."""
        loss = normalised(self.doc).get("loss") or {}
        cw = loss.get("class_weight")
        mode = "none" if cw is None else "balanced" if cw == "balanced" else "custom"
        with quiet(self.type, self.mode, self.custom):
            self.type.setCurrentText(str(loss.get("type")))
            self.mode.setCurrentText(mode)
            if isinstance(cw, dict):
                self.custom.setText(pairs_text(cw))
            self.custom.setVisible(mode == "custom")
        self._show_weights()
        self._warn_unknown(cw)

    def clear_marks(self) -> None:
        """As every form's, but a design opened with weights for classes its data lack stays
        marked, with the reason."""
        super().clear_marks()
        self._warn_unknown((normalised(self.doc).get("loss") or {}).get("class_weight"))

    def _warn_unknown(self, weights: Any) -> None:
        """Mark the custom weights (a file's, or after the data changed) when they name a class
        the data lack; the engine weighs no sample with it. The data are read only for
        custom weights."""
        if not isinstance(weights, dict):
            return
        err = unknown_class(weights, data_classes(self.doc))
        if err is not None:
            self.refuse("loss.class_weight", err)

    def _show_weights(self) -> None:
        table = resulting_weights(self.doc)
        if table is None:
            off = (normalised(self.doc).get("loss") or {}).get("class_weight") is None
            self.shown.setText(self.tr("Every sample weighs 1.") if off else
                               self.tr("Weights shown once the data can be read."))
            return
        n_classes = data_classes(self.doc)  # a weight for a class the data lack weighs nothing
        parts = [f"{c}: {w:.3g}" for c, w in enumerate(table[:n_classes or len(table)])]
        self.shown.setText(self.tr("Class weights used: ") + ", ".join(parts))

    def _mode_chosen(self, mode: str) -> None:
        value: Any = None if mode == "none" else "balanced" if mode == "balanced" else None
        if mode == "custom":
            try:
                value = parse_class_weights(self.custom.text()) if self.custom.text() else \
                    {"0": 1.0, "1": 1.0}
            except BadInput:
                value = {"0": 1.0, "1": 1.0}
            refused = unknown_class(value, data_classes(self.doc))
            if refused is not None:
                self.custom.setVisible(True)
                self.refuse("loss.class_weight", refused)
                return
        self.custom.setVisible(mode == "custom")
        if self.commit("loss.class_weight", [("loss", "class_weight", value)],
                       f"class weights {mode}"):
            self.refresh()

    def _custom_typed(self) -> None:
        if self.mode.currentText() != "custom":
            return
        try:
            value = parse_class_weights(self.custom.text())
        except BadInput as err:
            self.refuse("loss.class_weight", err)
            return
        refused = unknown_class(value, data_classes(self.doc))
        if refused is not None:
            self.refuse("loss.class_weight", refused)
            return
        if value != (normalised(self.doc).get("loss") or {}).get("class_weight"):
            if self.commit("loss.class_weight", [("loss", "class_weight", value)],
                           "class weights"):
                self._show_weights()


class TrainingForm(KeyForm):
    """The design's name and seed (with "New seed"), epochs (or unlimited), batch size (or the
    full set), shuffle and the validation split (1 − ``data.train_fraction``)."""

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(QCoreApplication.translate("TrainingForm", "Training"), doc, parent)
        self.setObjectName("trainingForm")
        self.name = QLineEdit()
        self.name.editingFinished.connect(
            lambda: self.commit_if_changed("name", self.name.text(), "rename"))
        self.add_row("name", self.tr("name"), self.tr("The design's title."), self.name)
        self.seed = QLineEdit()
        self.seed.editingFinished.connect(self._seed_typed)
        self.new_seed = QPushButton(self.tr("New seed"))
        self.new_seed.clicked.connect(self._new_seed)
        self.add_row("seed", self.tr("seed"), self.tr(
            "Seeds the data, the shuffling and every layer's initial weights; New seed draws "
            "another one."), self.seed, self.new_seed)
        self.epochs = self._spin(10_000_000)
        self.unlimited = QCheckBox(self.tr("unlimited"))
        self.epochs.valueChanged.connect(lambda v: self.commit_if_changed(
            "training.epochs", int(v), f"epochs {int(v)}"))
        self.unlimited.toggled.connect(self._unlimited)
        self.add_row("training.epochs", self.tr("epochs"), self.tr(
            "How many passes over the training data; unlimited: until you pause."),
            self.epochs, self.unlimited)
        self.batch = self._spin(10_000_000)
        self.full = QCheckBox(self.tr("full"))
        self.batch.valueChanged.connect(lambda v: self.commit_if_changed(
            "training.batch_size", int(v), f"batch {int(v)}"))
        self.full.toggled.connect(self._full)
        self.add_row("training.batch_size", self.tr("batch size"), self.tr(
            "Samples per optimiser step; full: the whole training set (batch gradient "
            "descent)."), self.batch, self.full)
        self.shuffle = QCheckBox()
        self.shuffle.toggled.connect(lambda on: self.commit_if_changed(
            "training.shuffle", bool(on), "shuffle " + ("on" if on else "off")))
        self.add_row("training.shuffle", self.tr("shuffle"), self.tr(
            "Draw the batches in a new random order every epoch."), self.shuffle)
        self.split = NumberBox(-1e6, 1e6)
        self.split.setSingleStep(0.05)
        self.split.valueChanged.connect(self._split)
        self.add_row("data.train_fraction", self.tr("validation split"), self.tr(
            "Fraction of the data held out to validate (0: none); the rest trains "
            "(data.train_fraction)."), self.split)
        self.finish()
        self.refresh()

    @staticmethod
    def _spin(maximum: int) -> QSpinBox:
        box = commit_on_finish(QSpinBox())
        box.setRange(0, maximum)  # 0 and such reach the engine, which says what is allowed
        return box

    def refresh(self) -> None:
        """Show the document's values without emitting edits."""
        d = normalised(self.doc)
        tr = d.get("training") or {}
        with quiet(self.name, self.seed, self.epochs, self.unlimited, self.batch, self.full,
                   self.shuffle, self.split):
            self.name.setText(str(d.get("name", "")))
            self.seed.setText(str(d.get("seed", 0)))
            epochs = int(tr.get("epochs", 1))
            self.epochs.setValue(epochs)
            self.unlimited.setChecked(epochs >= UNLIMITED_EPOCHS)
            self.epochs.setEnabled(epochs < UNLIMITED_EPOCHS)
            bs = tr.get("batch_size", 32)
            self.full.setChecked(bs == "full")
            self.batch.setEnabled(bs != "full")
            if bs != "full":
                self.batch.setValue(int(bs))
            self.shuffle.setChecked(bool(tr.get("shuffle", True)))
            fraction = float((d.get("data") or {}).get("train_fraction", 1.0))
            self.split.setValue(round(1.0 - fraction, 12))

    def _seed_typed(self) -> None:
        text = self.seed.text().strip()
        try:
            value = int(text)
        except ValueError:
            self.refuse("seed", BadInput(f"must be a whole number, got {text!r}", "seed"))
            return
        self.commit_if_changed("seed", value, f"seed {value}")

    def _new_seed(self) -> None:
        current = normalised(self.doc).get("seed")
        value = secrets.randbelow(NEW_SEED_BOUND)
        while value == current:
            value = secrets.randbelow(NEW_SEED_BOUND)
        self.commit_if_changed("seed", value, f"seed {value}")

    def _unlimited(self, on: bool) -> None:
        epochs = UNLIMITED_EPOCHS if on else int(sec.TRAINING_DEFAULTS["epochs"])
        self.commit_if_changed("training.epochs", epochs,
                                "epochs unlimited" if on else f"epochs {epochs}")

    def _full(self, on: bool) -> None:
        value: Any = "full" if on else int(self.batch.value() or 32)
        self.commit_if_changed("training.batch_size", value, f"batch {value}")

    def _split(self, value: float) -> None:
        fraction = round(1.0 - float(value), 12)
        self.commit_if_changed("data.train_fraction", fraction,
                                f"validation split {float(value):g}")


class EarlyStoppingForm(KeyForm):
    """``training.early_stopping``: off, or monitor, patience, min delta and restore best."""

    PATH = "training.early_stopping"

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(QCoreApplication.translate("EarlyStoppingForm", "Early stopping"),
                         doc, parent)
        self.setObjectName("earlyStoppingForm")
        self.on = QCheckBox(self.tr("stop early"))
        self.on.toggled.connect(self._switched)
        self.add_row(self.PATH, self.tr("early stopping"), self.tr(
            "Stop when the monitored figure has not improved for 'patience' epochs."), self.on)
        self.monitor = QComboBox()
        self.monitor.addItems(list(sec.MONITORS))
        self.monitor.textActivated.connect(lambda t: self._set("monitor", t))
        self.add_row(f"{self.PATH}.monitor", self.tr("monitor"), self.tr(
            "The figure watched at the end of each epoch."), self.monitor)
        self.patience = commit_on_finish(QSpinBox())
        self.patience.setRange(-1_000_000, 10_000_000)
        self.patience.valueChanged.connect(lambda v: self._set("patience", int(v)))
        self.add_row(f"{self.PATH}.patience", self.tr("patience"), self.tr(
            "Epochs without improvement before training stops."), self.patience)
        self.min_delta = NumberBox(-1e6, 1e6, log_steps=True)
        self.min_delta.valueChanged.connect(lambda v: self._set("min_delta", float(v)))
        self.add_row(f"{self.PATH}.min_delta", self.tr("min delta"), self.tr(
            "Smallest change that counts as an improvement."), self.min_delta)
        self.restore = QCheckBox()
        self.restore.toggled.connect(lambda on: self._set("restore_best", bool(on)))
        self.add_row(f"{self.PATH}.restore_best", self.tr("restore best"), self.tr(
            "When it stops, go back to the weights of the best epoch."), self.restore)
        self.finish()
        self.refresh()

    def _current(self) -> dict | None:
        return (normalised(self.doc).get("training") or {}).get("early_stopping")

    def refresh(self) -> None:
        """Show the document's early stopping without emitting edits."""
        es = self._current()
        shown = es or {**sec.EARLY_STOPPING_DEFAULTS, **DEFAULT_EARLY_STOPPING}
        widgets = (self.on, self.monitor, self.patience, self.min_delta, self.restore)
        with quiet(*widgets):
            self.on.setChecked(es is not None)
            self.monitor.setCurrentText(str(shown.get("monitor")))
            self.patience.setValue(int(shown.get("patience", 0)))
            self.min_delta.setValue(float(shown.get("min_delta", 0.0)))
            self.restore.setChecked(bool(shown.get("restore_best")))
            for w in widgets[1:]:
                w.setEnabled(es is not None)

    def _switched(self, on: bool) -> None:
        value = {**sec.EARLY_STOPPING_DEFAULTS, **DEFAULT_EARLY_STOPPING} if on else None
        label = "early stopping " + ("on" if on else "off")
        if self.commit(self.PATH, [("training", "early_stopping", value)], label):
            self.refresh()

    def _set(self, key: str, value: Any) -> None:
        es = self._current()
        if es is None or es.get(key) == value:
            return
        new = {**es, key: value}
        if self.commit(f"{self.PATH}.{key}", [("training", "early_stopping", new)],
                       f"early stopping {key}"):
            self.refresh()
