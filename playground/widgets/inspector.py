"""The inspector: a form generated from the selected layer's full config.

Every edit is validated as you type through the layer class's ``from_config``; a refused value
stays in the editor, marked, with the engine's message right under the field, and is not
committed; when the focus leaves a refused number, the field shows the layer's value again.
"""
from __future__ import annotations

import copy
import json
from typing import Any, Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QAbstractSpinBox, QCheckBox, QComboBox, QDoubleSpinBox,
                               QFormLayout, QLabel, QLineEdit, QScrollArea, QSpinBox, QVBoxLayout,
                               QWidget)

from engine.errors import BadInput
from playground.i18n import translate
from playground import catalog
from playground.document import DesignDocument, DocEvent
from playground.widgets.numbers import NumberBox, commit_on_finish, guard_wheel
from playground.widgets.option_editors import structured_editor

HIDDEN = ("id", "type")
#: options whose arrows walk a 1-2-5 ladder (they span decades)
LOG_KEYS = ("learning_rate", "epsilon", "l1", "l2", "weight_decay", "min_lr", "max_lr",
            "initial_accumulator_value")


def make_editor(spec: catalog.OptionSpec, value: Any, edit: Callable[[str, Any], Any],
                edit_json: Callable[[str, str], Any]) -> QWidget:
    """An editor widget for one option; changes call ``edit(key, value)`` (``edit_json(key,
    text)`` for JSON-valued options such as nested dicts and nulls)."""
    key = spec.key
    structured = structured_editor(spec.kind, key, value)
    if structured is not None:
        structured.changed.connect(lambda v, k=key: edit(k, v))
        structured.setToolTip(translate("Catalog", spec.tip))
        return structured
    if spec.kind == "bool":
        w = QCheckBox()
        w.setChecked(bool(value))
        w.toggled.connect(lambda v, k=key: edit(k, bool(v)))
    elif spec.kind == "choice":
        w = guard_wheel(QComboBox())
        w.addItems(list(spec.choices))
        if value not in spec.choices:
            w.addItem(str(value))
        w.setCurrentText(str(value))
        w.currentTextChanged.connect(lambda v, k=key: edit(k, v))
    elif spec.kind == "int":
        w = commit_on_finish(QSpinBox())
        w.setRange(int(spec.minimum), int(spec.maximum))
        w.setValue(int(value))
        w.valueChanged.connect(lambda v, k=key: edit(k, int(v)))
    elif spec.kind == "float":
        w = NumberBox(-1e6, 1e6, log_steps=key in LOG_KEYS)
        w.setSingleStep(0.01 if abs(value) < 1 else 0.1)
        w.setValue(float(value))
        w.valueChanged.connect(lambda v, k=key: edit(k, float(v)))
    else:
        w = QLineEdit(value if spec.kind == "str" else json.dumps(value))
        if spec.kind == "str":
            w.editingFinished.connect(lambda w=w, k=key: edit(k, w.text()))
        else:
            w.editingFinished.connect(lambda w=w, k=key: edit_json(k, w.text()))
    w.setToolTip(translate("Catalog", spec.tip))
    return w


def edit_json_option(key: str, text: str, edit: Callable[[str, Any], Any],
                     refuse: Callable[[str, BadInput], Any]) -> None:
    """Parse a JSON-valued option typed by the user; refuse it in place when it is not JSON."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        refuse(key, BadInput(f"not valid JSON ({err.msg})", key))
        return
    edit(key, value)


def set_editor_value(w: QWidget, val: Any) -> None:
    """Show ``val`` in an editor made by :func:`make_editor` without emitting."""
    if hasattr(w, "set_value"):  # a structured editor: shows a value without emitting
        w.set_value(val)
        return
    w.blockSignals(True)
    try:
        if isinstance(w, QCheckBox):
            w.setChecked(bool(val))
        elif isinstance(w, QComboBox):
            w.setCurrentText(str(val))
        elif isinstance(w, (QSpinBox, QDoubleSpinBox)):
            w.setValue(val)
        elif isinstance(w, QLineEdit):
            w.setText(val if isinstance(val, str) else json.dumps(val))
        w.setProperty("invalid", False)
        w.style().polish(w)
    finally:
        w.blockSignals(False)


class Inspector(QWidget):
    """Edits the options of layer ``index`` of the document."""

    committed = Signal(int, str, object)  # layer index, key, value

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.index = -1
        self._layer_id: str | None = None
        self._keys: tuple[str, ...] = ()
        self.editors: dict[str, QWidget] = {}
        self._committing = False
        lay = QVBoxLayout(self)
        self.title = QLabel(self.tr("Select a layer"))
        self.title.setObjectName("inspectorTitle")
        lay.addWidget(self.title)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setRowWrapPolicy(QFormLayout.WrapLongRows)  # narrow column: editor below
        lay.addWidget(self.form_host)
        self.error = QLabel("", self.form_host)  # a row under the refused field (_refuse)
        self.error.setObjectName("errorText")
        self.error.setWordWrap(True)
        self.error.hide()
        lay.addStretch(1)
        self._handle = doc.subscribe(self._on_doc)

    def _on_doc(self, event: DocEvent) -> None:
        if self._committing:
            return
        if event.kind in ("option", "undo", "redo", "section") \
                and 0 <= self.index < len(self.doc.layers):
            self.show_layer(self.index, force=True)  # a data set can change the output head

    def _full_config(self, index: int) -> dict:
        cfg = copy.deepcopy(self.doc.layers[index])
        try:
            return catalog.normalize_layer(cfg)
        except BadInput:
            return cfg

    def show_layer(self, index: int, force: bool = False) -> None:
        """Show the options of layer ``index`` (-1: none)."""
        if not 0 <= index < len(self.doc.layers):
            self.index, self._layer_id = -1, None
            self._clear()
            self.title.setText(self.tr("Select a layer"))
            return
        cfg = self._full_config(index)
        keys = tuple(k for k in cfg if k not in HIDDEN)
        same = (index == self.index and cfg.get("id") == self._layer_id and keys == self._keys)
        if same and not force:
            return
        name = cfg.get("function") if cfg.get("type") == "activation" else cfg.get("type")
        self.title.setText(f"<b>{name}</b> · {cfg.get('id')}")  # also after its function changed
        if same:
            self._set_values(cfg)
            return
        self.index, self._layer_id, self._keys = index, cfg.get("id"), keys
        self._clear()
        for key in keys:
            spec = catalog.option_spec(key, cfg[key])
            editor = self._make_editor(spec, cfg[key])
            editor.setToolTip(translate("Catalog", spec.tip))
            label = QLabel(key)
            label.setToolTip(translate("Catalog", spec.tip))
            self.editors[key] = editor
            self.form.addRow(label, editor)

    def _clear(self) -> None:
        self._take_error()
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self.error.hide()

    def _make_editor(self, spec: catalog.OptionSpec, value: Any) -> QWidget:
        editor = make_editor(spec, value, self.edit, self._edit_json)
        if isinstance(editor, QAbstractSpinBox):
            editor.editingFinished.connect(lambda k=spec.key: self._left_refused(k))
        return editor

    def _left_refused(self, key: str) -> None:
        """The focus left a number the engine refused: show the layer's value again (the
        message stays, saying what was refused)."""
        editor = self.editors.get(key)
        if editor is None or editor.hasFocus() or not editor.property("invalid") \
                or not 0 <= self.index < len(self.doc.layers):
            return
        value = self._full_config(self.index).get(key)
        if value is not None:
            set_editor_value(editor, value)

    def _set_values(self, cfg: dict) -> None:
        for key, w in self.editors.items():
            set_editor_value(w, cfg.get(key))
        self.error.hide()

    def _edit_json(self, key: str, text: str) -> None:
        edit_json_option(key, text, self.edit, self._refuse)

    def edit(self, key: str, value: Any) -> bool:
        """Validate ``key = value`` on the selected layer; commit it when the engine accepts it.

        Returns True when committed, False when refused (the message is shown in place).
        """
        if not 0 <= self.index < len(self.doc.layers):
            return False
        cfg = copy.deepcopy(self.doc.layers[self.index])
        cfg[key] = value
        if key == "function":  # another activation has other parameters: start from its defaults
            cfg = {"id": cfg.get("id"), "type": cfg.get("type"), "function": value}
        try:
            catalog.normalize_layer(cfg)
        except BadInput as err:
            self._refuse(key, err)
            return False
        except Exception as err:  # noqa: BLE001 - an engine bug must not kill the editor
            self._refuse(key, BadInput(str(err), key))
            return False
        editor = self.editors.get(key)
        if editor is not None:
            editor.setProperty("invalid", False)
            editor.style().polish(editor)
        self.error.hide()
        self._committing = True
        try:
            if key == "function":
                self.doc.set_layer_config(self.index, cfg)
            else:
                self.doc.set_layer_option(self.index, key, value)
        finally:
            self._committing = False
        self.committed.emit(self.index, key, value)
        # the option set may have changed (another activation): rebuild after this signal returns
        QTimer.singleShot(0, self, self._refresh_current)
        return True

    def _refresh_current(self) -> None:
        self.show_layer(self.index)

    def _take_error(self) -> None:
        """Take the message's row out of the form (the label itself is kept)."""
        row, _role = self.form.getWidgetPosition(self.error)
        if row >= 0:
            self.form.takeRow(row)

    def _refuse(self, key: str, err: BadInput) -> None:
        """Mark the field and show ``err`` in one line right under it (a long form scrolls:
        a message under the whole form was out of sight)."""
        editor = self.editors.get(key)
        self._take_error()
        row = self.form.getWidgetPosition(editor)[0] if editor is not None else -1
        if editor is not None:
            editor.setProperty("invalid", True)
            editor.style().polish(editor)
        self.form.insertRow(row + 1 if row >= 0 else self.form.rowCount(), self.error)
        self.error.setText(f"⚠ {err}")
        self.error.show()
        QTimer.singleShot(0, self, self._scroll_to_error)

    def _scroll_to_error(self) -> None:
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None and self.error.isVisible():
            area.ensureWidgetVisible(self.error)
