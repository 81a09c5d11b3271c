"""A form for design keys outside the layer stack (loss, training, early stopping, data extras).

Each edit is validated as the whole design, by the loader's own checks
(``engine.design.format.Design.from_dict``), before it reaches the document: a refused value stays
in its editor, marked, with the engine's message under the form (the inspector's pattern). After
each accepted edit a line under the form says what it did to the run: applied live, or rebuilt
(and whether the trained weights were kept), by the rule the window follows (playground.sync).
"""
from __future__ import annotations

import contextlib
import copy
import json
import os
import weakref
from typing import Any, Iterator

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QAbstractSpinBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QWidget)

from engine.design.format import Design
from engine.errors import BadInput
from playground import sync
from playground.document import DesignDocument
from playground.widgets.combos import roomy
from playground.widgets.numbers import guard_wheel

Change = tuple[str, str, Any]  # (section, key, value); section "" for top-level keys


def effect_text(old: dict, new: dict) -> str:
    """One sentence: what an edit from ``old`` to ``new`` does to the running session."""
    cmds = sync.commands_for(old, new)
    if not cmds:
        return QCoreApplication.translate("KeyForm",
                                          "Saved with the design; the run is not changed.")
    if any(name == "build" for name, _ in cmds):
        if sync.keeps_weights(old, new):
            return QCoreApplication.translate(
                "KeyForm", "Rebuilt the run; layers of unchanged size keep their trained weights.")
        return QCoreApplication.translate(
            "KeyForm", "Rebuilt the run with new initial weights (another seed).")
    return QCoreApplication.translate("KeyForm", "Applied live at the next step; the run goes on.")


def key_effect(section: str, key: str) -> str:
    """"live" or "rebuilds" for a key (a short label beside its control), "" when the key
    does not touch the run (the design's name)."""
    if section == "" and key == "name":
        return ""
    live = section == "training" and key in sync.LIVE_TRAINING_KEYS + ("batch_size",)
    live = live or section == "training.early_stopping"
    if live:
        return QCoreApplication.translate("KeyForm", "live")
    return QCoreApplication.translate("KeyForm", "rebuilds")


_NORMALISED: "weakref.WeakKeyDictionary[DesignDocument, tuple]" = weakref.WeakKeyDictionary()


def normalised(doc: DesignDocument) -> dict:
    """The document's design with every key filled (as saved), or as it is when invalid; read
    it, never change it. Validated once per revision of the document (every form refreshes on
    every edit, and each read it several times)."""
    key = (doc._revision, doc.path)
    seen = _NORMALISED.get(doc)
    if seen is not None and seen[0] == key:
        return seen[1]
    try:
        value = Design.from_dict(copy.deepcopy(doc.design), base_dir=base_dir(doc)).to_dict()
    except BadInput:
        value = copy.deepcopy(doc.design)
    _NORMALISED[doc] = (key, value)
    return value


@contextlib.contextmanager
def quiet(*widgets: QWidget) -> Iterator[None]:
    """The widgets emit no signals inside (a form shows the document's values)."""
    blocked = [w.blockSignals(True) for w in widgets]
    try:
        yield
    finally:
        for w, was in zip(widgets, blocked):
            w.blockSignals(was)


def base_dir(doc: DesignDocument) -> str | None:
    """The folder a design's relative data paths are read from."""
    return os.path.dirname(doc.path) if doc.path else None


def parse_pairs(text: str, path: str, example: str) -> dict[str, float]:
    """Per-class numbers as typed, ``1: 0.05, 0: 0.5`` (or a JSON object) -> ``{"1": 0.05,
    "0": 0.5}``; BadInput at ``path`` showing ``example`` for text of another shape (the
    engine checks the numbers themselves)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if isinstance(value, dict):
        return value
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, colon, number = part.partition(":")
        try:
            out[key.strip()] = float(number)
        except ValueError:
            colon = ""
        if not colon or not key.strip():
            raise BadInput(f"write class: number pairs, like {example} (got {text!r})", path)
    if not out:
        raise BadInput(f"write class: number pairs, like {example}", path)
    return out


def pairs_text(value: dict | None) -> str:
    """``0: 1, 1: 19`` for a per-class object ("" for None)."""
    return ", ".join(f"{k}: {float(v):g}" for k, v in (value or {}).items())


class KeyForm(QGroupBox):
    """Rows of editors for design keys, each row with "live"/"rebuilds" beside it; ``commit``
    validates and applies an edit, ``refuse`` marks a refused one."""

    def __init__(self, title: str, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.doc = doc
        self.committing = False
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.WrapAllRows)  # a narrow column: label above
        self.editors: dict[str, QWidget] = {}  # "training.epochs" -> its editor
        self._inputs: dict[str, list[QWidget]] = {}  # the row's inputs, framed when refused
        self.error = QLabel("")
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        self.note = QLabel("")
        self.note.setObjectName("effectNote")
        self.note.setWordWrap(True)
        self.note.setToolTip(self.tr("What the last change did to the running training."))

    def finish(self) -> None:
        """Add the message and the effect line under the rows (after the last ``add_row``)."""
        self.form.addRow(self.error)
        self.form.addRow(self.note)

    def add_row(self, path: str, label: str, tip: str, *widgets: QWidget) -> None:
        """A row ``label · live|rebuilds`` over ``widgets``; the first widget edits ``path``."""
        section, _, key = path.rpartition(".")
        host = QWidget()
        lay = QHBoxLayout(host)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        for w in widgets:
            w.setToolTip(tip)
            if isinstance(w, QComboBox):  # long names must not widen the column
                roomy(w)  # but show whole where the row has room
                guard_wheel(w)  # scrolling the form must not change the choice under the cursor
            lay.addWidget(w)
        lay.addStretch(1)
        effect = key_effect(section, key)
        text = QLabel(f"{label} · <i>{effect}</i>" if effect else label)
        text.setWordWrap(True)  # long (German) labels wrap instead of widening the panel
        legend = self.tr("live: at the next step. rebuilds: a new run, weights kept.")
        text.setToolTip(f"{tip}\n{legend}" if effect else tip)
        self.form.addRow(text, host)
        self.editors[path] = widgets[0]
        self._inputs[path] = [w for w in widgets
                              if isinstance(w, (QLineEdit, QAbstractSpinBox, QComboBox))]

    def commit(self, path: str, changes: list[Change], label: str) -> bool:
        """Validate the design with ``changes`` and apply them as one undo step; False (the
        message shown, the editor marked) when the engine refuses them."""
        old = copy.deepcopy(self.doc.design)
        new = copy.deepcopy(old)
        for section, key, value in changes:
            target = new if not section else new.setdefault(section, {})
            target[key] = copy.deepcopy(value)
        try:
            Design.from_dict(new, base_dir=base_dir(self.doc))
        except BadInput as err:
            self.refuse(path, err)
            return False
        except Exception as err:  # noqa: BLE001 - an engine bug must not kill the form
            self.refuse(path, BadInput(str(err), path))
            return False
        self._mark(path, False)
        self.error.hide()
        self.committing = True
        try:
            self.doc.set_values(changes, label)
        finally:
            self.committing = False
        self.note.setText(effect_text(old, self.doc.design))
        return True

    def commit_if_changed(self, path: str, value: Any, label: str) -> bool:
        """Commit ``value`` at ``path`` (``section.key``) when it differs from the document's,
        then show the document again (``refresh``); True when committed."""
        section, _, key = path.rpartition(".")
        d = normalised(self.doc)
        current = d.get(key) if not section else (d.get(section) or {}).get(key)
        if value != current and self.commit(path, [(section, key, value)], label):
            self.refresh()
            return True
        return False

    def refresh(self) -> None:
        """Show the document's values without emitting edits (each form's own)."""

    def refuse(self, path: str, err: BadInput) -> None:
        """Mark the editor of ``path`` and say why under the form."""
        self._mark(path, True)
        self.error.setText(f"⚠ {err}")
        self.error.show()

    def _mark(self, path: str, invalid: bool) -> None:
        """Frame the row's inputs (the custom class-weights field too, not only its list)."""
        for editor in self._inputs.get(path) or [self.editors.get(path)]:
            if editor is not None:
                editor.setProperty("invalid", invalid)
                editor.style().polish(editor)

    def clear_marks(self) -> None:
        """The document changed from elsewhere: no editor is marked any more."""
        for path in self.editors:
            self._mark(path, False)
        self.error.hide()
