"""Structured editors for options that are not a single number: a number that may be off
(``null``), the L1/L2 regulariser, the max-norm constraint and batch renorm's clipping limits.
Each emits ``changed(value)`` with the option's JSON value, and only for a user's edit."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.widgets.numbers import NumberBox, guard_wheel

#: options that may be null: (what null means, the value used when switched on)
OPTIONAL: dict[str, tuple[str, float]] = {
    "clipnorm": (QT_TRANSLATE_NOOP("OptionalNumber", "off"), 1.0), "clipvalue": (QT_TRANSLATE_NOOP("OptionalNumber", "off"), 0.5), "global_clipnorm": (QT_TRANSLATE_NOOP("OptionalNumber", "off"), 1.0),
    "weight_decay": (QT_TRANSLATE_NOOP("OptionalNumber", "off"), 0.004), "max_lr": (QT_TRANSLATE_NOOP("OptionalNumber", "the learning rate"), 0.1),
    "total_steps": (QT_TRANSLATE_NOOP("OptionalNumber", "the whole run"), 1000), "lr_high": (QT_TRANSLATE_NOOP("OptionalNumber", "the learning rate"), 0.1),
    "lr_low": (QT_TRANSLATE_NOOP("OptionalNumber", "lr_high / 10"), 0.001), "max_norm": (QT_TRANSLATE_NOOP("OptionalNumber", "off"), 3.0)}
REGULARIZERS = ("none", "L1", "L2", "L1 + L2")
DEFAULT_FACTOR = 0.001


def _row(parent: QWidget) -> QHBoxLayout:
    lay = QHBoxLayout(parent)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(4)
    return lay


class OptionalNumber(QWidget):
    """A check box ("on") and a number; unchecked the option is ``None`` (shown as what null
    means: "off", "the learning rate")."""

    changed = Signal(object)

    def __init__(self, value: float | int | None, off_text: str, default: float,
                 integer: bool = False, minimum: float = 0.0, parent: QWidget | None = None):
        super().__init__(parent)
        self.integer, self.default = integer, default
        lay = _row(self)
        self.on = QCheckBox()
        self.on.setToolTip(self.tr("Unchecked: {0}.").format(self.tr(off_text)))
        self.box = NumberBox(minimum, 1e9 if integer else 1e6, log_steps=not integer)
        self.off = QLabel(self.tr(off_text))
        self.off.setObjectName("cardDescription")
        lay.addWidget(self.on)
        lay.addWidget(self.box, 1)
        lay.addWidget(self.off, 1)
        self.set_value(value)
        self.on.toggled.connect(self._toggled)
        self.box.valueChanged.connect(lambda _v: self.changed.emit(self.value()))

    def __repr__(self) -> str:
        return f"OptionalNumber({self.value()!r})"

    def value(self) -> float | int | None:
        if not self.on.isChecked():
            return None
        return int(round(self.box.value())) if self.integer else float(self.box.value())

    def set_value(self, value: Any) -> None:
        """Show ``value`` (None: off) without emitting."""
        for w in (self.on, self.box):
            w.blockSignals(True)
        self.on.setChecked(value is not None)
        self.box.setValue(float(value if value is not None else self.default))
        for w in (self.on, self.box):
            w.blockSignals(False)
        self._show_state()

    def _show_state(self) -> None:
        self.box.setVisible(self.on.isChecked())
        self.off.setVisible(not self.on.isChecked())

    def _toggled(self, _on: bool) -> None:
        self._show_state()
        self.changed.emit(self.value())


class RegularizerEditor(QWidget):
    """none / L1 / L2 / L1 + L2 and their factors: ``{"l1": a, "l2": b}``."""

    changed = Signal(object)

    def __init__(self, value: dict | None, parent: QWidget | None = None):
        super().__init__(parent)
        lay = _row(self)
        self.kind = guard_wheel(QComboBox())
        self.kind.addItems(REGULARIZERS)
        self.kind.setToolTip(self.tr("Penalty on this layer's kernel added to the loss: L1 a·Σ|w| "
                             "drives weights to exactly zero, L2 b·Σw² shrinks them all."))
        self.l1 = NumberBox(0.0, 10.0, log_steps=True)
        self.l2 = NumberBox(0.0, 10.0, log_steps=True)
        self.l1.setPrefix("L1 ")
        self.l2.setPrefix("L2 ")
        for w in (self.kind, self.l1, self.l2):
            lay.addWidget(w)
        self.set_value(value)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.l1.valueChanged.connect(lambda _v: self.changed.emit(self.value()))
        self.l2.valueChanged.connect(lambda _v: self.changed.emit(self.value()))

    def __repr__(self) -> str:
        return f"RegularizerEditor({self.value()!r})"

    def value(self) -> dict:
        kind = self.kind.currentText()
        return {"l1": float(self.l1.value()) if "L1" in kind else 0.0,
                "l2": float(self.l2.value()) if "L2" in kind else 0.0}

    def set_value(self, value: Any) -> None:
        """Show ``{"l1": a, "l2": b}`` without emitting."""
        value = value or {}
        l1, l2 = float(value.get("l1") or 0.0), float(value.get("l2") or 0.0)
        kind = {(False, False): 0, (True, False): 1, (False, True): 2, (True, True): 3}[
            (l1 > 0, l2 > 0)]
        for w in (self.kind, self.l1, self.l2):
            w.blockSignals(True)
        self.kind.setCurrentIndex(kind)
        self.l1.setValue(l1 or DEFAULT_FACTOR)
        self.l2.setValue(l2 or DEFAULT_FACTOR)
        for w in (self.kind, self.l1, self.l2):
            w.blockSignals(False)
        self._show_boxes()

    def _show_boxes(self) -> None:
        kind = self.kind.currentText()
        self.l1.setVisible("L1" in kind)
        self.l2.setVisible("L2" in kind)

    def _kind_changed(self, _i: int) -> None:
        self._show_boxes()
        self.changed.emit(self.value())


class ConstraintEditor(OptionalNumber):
    """The max-norm constraint: ``{"max_norm": r}`` or ``{"max_norm": None}`` (off)."""

    def __init__(self, value: dict | None, parent: QWidget | None = None):
        text, default = OPTIONAL["max_norm"]
        super().__init__((value or {}).get("max_norm"), text, default, parent=parent)
        self.on.setToolTip(self.tr("Rescale each unit's incoming weights to at most this norm after "
                           "every update (unchecked: off)."))

    def value(self) -> dict:  # type: ignore[override]
        return {"max_norm": super().value()}

    def set_value(self, value: Any) -> None:
        super().set_value(value.get("max_norm") if isinstance(value, dict) else value)


class ClippingEditor(QWidget):
    """Batch renorm's limits: ``{"rmax": r, "dmax": d}``."""

    changed = Signal(object)

    def __init__(self, value: dict | None, parent: QWidget | None = None):
        super().__init__(parent)
        lay = _row(self)
        self.rmax = NumberBox(1.0, 1e6)
        self.dmax = NumberBox(0.0, 1e6)
        self.rmax.setPrefix("rmax ")
        self.dmax.setPrefix("dmax ")
        self.rmax.setToolTip(self.tr("r is clipped to [1/rmax, rmax] (1: plain batch norm)."))
        self.dmax.setToolTip(self.tr("d is clipped to [-dmax, dmax] (0: plain batch norm)."))
        lay.addWidget(self.rmax)
        lay.addWidget(self.dmax)
        self.set_value(value)
        for box in (self.rmax, self.dmax):
            box.valueChanged.connect(lambda _v: self.changed.emit(self.value()))

    def __repr__(self) -> str:
        return f"ClippingEditor({self.value()!r})"

    def value(self) -> dict:
        return {"rmax": float(self.rmax.value()), "dmax": float(self.dmax.value())}

    def set_value(self, value: Any) -> None:
        value = value or {}
        for box, key, default in ((self.rmax, "rmax", 3.0), (self.dmax, "dmax", 5.0)):
            box.blockSignals(True)
            box.setValue(float(value.get(key, default)))
            box.blockSignals(False)


def structured_editor(kind: str, key: str, value: Any) -> QWidget | None:
    """The editor for ``kind`` (optional, regularizer, constraint, clipping), else None."""
    if kind == "optional":
        text, default = OPTIONAL.get(key, ("off", 1.0))
        return OptionalNumber(value, text, default, integer=key == "total_steps",
                              minimum=1.0 if key == "total_steps" else 0.0)
    if kind == "regularizer":
        return RegularizerEditor(value)
    if kind == "constraint":
        return ConstraintEditor(value)
    if kind == "clipping":
        return ClippingEditor(value)
    return None
