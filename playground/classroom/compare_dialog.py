"""Compare…: pick the one change run B makes to the current design (A)."""
from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                               QWidget)

from engine.errors import BadInput
from playground.classroom.variants import TITLES, VARIANTS, make_variant


class CompareDialog(QDialog):
    """Choose a variant kind and value; :meth:`variant` returns ``(design_b, label_b)``."""

    def __init__(self, design: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare A/B"))
        self.design = design
        self.kind = QComboBox()
        for kind in VARIANTS:
            self.kind.addItem(self.tr(TITLES[kind]), kind)
        self.value = QComboBox()
        self.kind.currentIndexChanged.connect(self._fill_values)
        self.value.currentIndexChanged.connect(lambda _=0: self._check())
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.Ok)
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("Run A is the current design. Run B changes:")))
        form.addRow(self.tr("what"), self.kind)
        form.addRow(self.tr("to"), self.value)
        form.addRow(self.problem)
        form.addRow(buttons)
        self._fill_values()

    def __repr__(self) -> str:
        return f"CompareDialog(kind={self.kind.currentData()!r})"

    def _fill_values(self) -> None:
        self.value.clear()
        for v in VARIANTS[self.kind.currentData()]:
            text = "—" if v is None else (f"× {v:g}" if self.kind.currentData() ==
                                          "learning_rate" else str(v))
            self.value.addItem(text, v)
        self.value.setEnabled(self.value.count() > 1)
        self._check()

    def _check(self) -> None:
        try:
            make_variant(self.design, self.kind.currentData(), self.value.currentData())
            self.problem.setText("")
            self.ok.setEnabled(True)
        except BadInput as err:
            self.problem.setText(err.message)
            self.ok.setEnabled(False)

    def select(self, kind: str, value: Any) -> None:
        """Pick ``kind`` and ``value`` (tests and scripts)."""
        self.kind.setCurrentIndex(self.kind.findData(kind))
        self.value.setCurrentIndex(self.value.findData(value))
        self._check()

    def variant(self) -> tuple[dict, str]:
        return make_variant(self.design, self.kind.currentData(), self.value.currentData())
