"""Optimiser and schedule settings: forms generated from the registries' full configs.

Each edit is validated by the registry's ``from_config`` before it reaches the document (a
refused value stays in its editor, marked, with the message below the form); accepted edits go
to the running session through the document (set_optimizer / set_schedule, with a marker).
"""
from __future__ import annotations

import copy
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QPoint
from PySide6.QtWidgets import (QDockWidget, QFormLayout, QGroupBox, QLabel, QScrollArea,
                               QVBoxLayout, QWidget)

from engine.errors import BadInput
from playground.i18n import translate
from playground import catalog
from playground.document import DesignDocument, DocEvent
from playground.widgets.inspector import edit_json_option, make_editor, set_editor_value
from playground.widgets.run_settings import EarlyStoppingForm, LossForm, TrainingForm

TIPS = {"learning_rate": QT_TRANSLATE_NOOP("SettingsPanel", "Step size of the optimiser (applied at the next step)."),
        "beta_1": QT_TRANSLATE_NOOP("SettingsPanel", "Decay of the running mean of gradients (momentum)."),
        "beta_2": QT_TRANSLATE_NOOP("SettingsPanel", "Decay of the running mean of squared gradients."),
        "momentum": QT_TRANSLATE_NOOP("SettingsPanel", "Fraction of the previous update kept."),
        "nesterov": QT_TRANSLATE_NOOP("SettingsPanel", "Look-ahead (Nesterov) momentum."),
        "clipnorm": QT_TRANSLATE_NOOP("SettingsPanel", "Rescale each parameter's gradient to at most this norm (unchecked: off)."),
        "clipvalue": QT_TRANSLATE_NOOP("SettingsPanel", "Clip each gradient component to ±this value (unchecked: off)."),
        "global_clipnorm": QT_TRANSLATE_NOOP("SettingsPanel", "Rescale all gradients together to at most this norm (unchecked: off)."),
        "weight_decay": QT_TRANSLATE_NOOP("SettingsPanel", "Decoupled weight decay (AdamW) (unchecked: off)."),
        "s": QT_TRANSLATE_NOOP("SettingsPanel", "Steps over which the schedule decays."), "c": QT_TRANSLATE_NOOP("SettingsPanel", "Power of the decay."),
        "t_max": QT_TRANSLATE_NOOP("SettingsPanel", "Step at which the linear schedule reaches its low rate."),
        "boundaries": QT_TRANSLATE_NOOP("SettingsPanel", "Steps where the rate changes (JSON list)."),
        "values": QT_TRANSLATE_NOOP("SettingsPanel", "Rates between the boundaries (JSON list, one more than boundaries).")}


def _registry_validator(module: str) -> Callable[[dict], dict]:
    def validate(cfg: dict) -> dict:
        try:
            mod = __import__(f"engine.{module}", fromlist=["from_config"])
        except ImportError:
            return copy.deepcopy(cfg)
        return mod.from_config(copy.deepcopy(cfg)).get_config()
    return validate


SECTION_TITLES = {"optimizer": QT_TRANSLATE_NOOP("SettingsPanel", "Optimizer"),
                  "schedule": QT_TRANSLATE_NOOP("SettingsPanel", "Schedule")}


class SectionForm(QGroupBox):
    """Editors for every key of one design section (``optimizer`` or ``schedule``)."""

    def __init__(self, doc: DesignDocument, section: str, validate: Callable[[dict], dict],
                 parent: QWidget | None = None):
        super().__init__(translate("SettingsPanel", SECTION_TITLES[section]), parent)
        self.doc, self.section, self.validate = doc, section, validate
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.WrapLongRows)
        self.error = QLabel("")
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.editors: dict[str, QWidget] = {}
        self._keys: tuple = ()
        self.committing = False
        self.refresh()

    def _full(self) -> dict:
        cfg = copy.deepcopy(self.doc.section(self.section))
        try:
            return self.validate(cfg)
        except BadInput:
            return cfg

    def refresh(self) -> None:
        """Rebuild the form when the keys changed (another type), else show the values."""
        cfg = self._full()
        keys = tuple(k for k in cfg if k != "type")
        if keys != self._keys:
            self._keys = keys
            while self.form.rowCount():
                self.form.removeRow(0)
            self.editors = {}
            self.error = QLabel("")
            self.error.setObjectName("errorText")
            self.error.setWordWrap(True)
            self.form.addRow(QLabel(f"<b>{cfg.get('type', '?')}</b>"))
            for key in keys:
                spec = catalog.option_spec(key, cfg[key])
                spec = catalog.OptionSpec(spec.key, spec.kind, spec.choices, spec.minimum,
                                          spec.maximum, translate("SettingsPanel", TIPS[key]) if key in TIPS
                                          else translate("Catalog", spec.tip))
                editor = make_editor(spec, cfg[key], self.edit, self._edit_json)
                self.editors[key] = editor
                self.form.addRow(key, editor)
            self.form.addRow(self.error)
        else:
            for key, w in self.editors.items():
                set_editor_value(w, cfg.get(key))
        self.error.hide()

    def _edit_json(self, key: str, text: str) -> None:
        edit_json_option(key, text, self.edit, self._refuse)

    def edit(self, key: str, value: Any) -> bool:
        """Validate and commit ``section[key] = value``; False (message shown) when refused."""
        cfg = self._full()
        cfg[key] = value
        try:
            full = self.validate(cfg)
        except BadInput as err:
            self._refuse(key, err)
            return False
        editor = self.editors.get(key)
        if editor is not None:
            editor.setProperty("invalid", False)
            editor.style().polish(editor)
        self.error.hide()
        self.committing = True
        try:
            self.doc.set_section(self.section, full)
        finally:
            self.committing = False
        return True

    def _refuse(self, key: str, err: BadInput) -> None:
        editor = self.editors.get(key)
        if editor is not None:
            editor.setProperty("invalid", True)
            editor.style().polish(editor)
        self.error.setText(f"⚠ {self.section}.{err}")
        self.error.show()


class SettingsPanel(QWidget):
    """The optimiser, schedule, loss, training and early-stopping forms; follows the document
    (undo, open, the training bar)."""

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        lay = QVBoxLayout(self)
        self.optimizer = SectionForm(doc, "optimizer", _registry_validator("optimizers"))
        self.schedule = SectionForm(doc, "schedule", _registry_validator("schedules"))
        self.loss = LossForm(doc)
        self.training = TrainingForm(doc)
        self.early_stopping = EarlyStoppingForm(doc)
        for form in self.forms:
            lay.addWidget(form)
        lay.addStretch(1)
        self._handle = doc.subscribe(self._on_doc)

    @property
    def forms(self) -> tuple:
        """Every form of the panel, top to bottom."""
        return (self.optimizer, self.schedule, self.loss, self.training, self.early_stopping)

    def _on_doc(self, event: DocEvent) -> None:
        if event.kind in ("section", "reset", "undo", "redo", "option", "insert", "remove"):
            for form in self.forms:
                if not form.committing:
                    form.refresh()
            for form in self.forms[2:]:
                if not form.committing:
                    form.clear_marks()

    def reveal_loss(self) -> None:
        """Bring the loss settings into view (the loss card was clicked): the dock in front,
        scrolled to the form, the focus on the loss type."""
        widget: QWidget | None = self
        while widget is not None and not isinstance(widget, QDockWidget):
            widget = widget.parentWidget()
        if widget is not None:
            widget.show()
            widget.raise_()
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None and area.widget() is not None:  # scrolled down only, never sideways
            area.widget().layout().activate()
            area.verticalScrollBar().setValue(self.loss.mapTo(area.widget(), QPoint(0, 0)).y())
        self.loss.type.setFocus()
