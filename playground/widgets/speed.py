"""The speed choice shared by the training bar and the comparison windows."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

#: (label, setting): an int is steps per frame (0 auto, -1 max); "watch:N" is N steps a second,
#: slow enough to see each batch's statistics jump (batch norm at tiny batches, lesson 12)
SPEEDS = ((QT_TRANSLATE_NOOP("SpeedBox", "watch: 2 steps/s"), "watch:2"), (QT_TRANSLATE_NOOP("SpeedBox", "watch: 5 steps/s"), "watch:5"),
          (QT_TRANSLATE_NOOP("SpeedBox", "watch: 10 steps/s"), "watch:10"), (QT_TRANSLATE_NOOP("SpeedBox", "auto"), 0), (QT_TRANSLATE_NOOP("SpeedBox", "1 step/frame"), 1),
          (QT_TRANSLATE_NOOP("SpeedBox", "3 steps/frame"), 3), (QT_TRANSLATE_NOOP("SpeedBox", "10 steps/frame"), 10), (QT_TRANSLATE_NOOP("SpeedBox", "30 steps/frame"), 30),
          (QT_TRANSLATE_NOOP("SpeedBox", "100 steps/frame"), 100), (QT_TRANSLATE_NOOP("SpeedBox", "1000 steps/frame"), 1000), (QT_TRANSLATE_NOOP("SpeedBox", "max"), -1))
TIP = QT_TRANSLATE_NOOP("SpeedBox", "Training speed. watch: a few steps a second, each batch drawn (batch statistics jump "
       "visibly); auto: paced so that the curves and the decision boundary evolve visibly "
       "(about 20 epochs a second); n steps/frame: n optimiser steps per redraw; max: as fast "
       "as the machine can.")


class SpeedBox(QComboBox):
    """The speed choices. ``value()`` is the steps setting (0 auto, -1 max, n per frame; 1 for
    the watch speeds), ``per_second()`` the watch rate (None otherwise), ``command()`` both as
    the worker's ``speed`` command arguments.

    ``valueChanged(int)`` is emitted when the choice changes; ``setValue`` accepts any n >= -1
    (a value not in the list is added to it)."""

    valueChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        for label, setting in SPEEDS:
            self.addItem(self.tr(label), setting)
        self.setCurrentIndex(self.findData(0))
        self.setToolTip(self.tr(TIP))
        self.currentIndexChanged.connect(lambda _i: self.valueChanged.emit(self.value()))

    def __repr__(self) -> str:
        return f"SpeedBox({self.currentText()!r})"

    def value(self) -> int:
        data = self.currentData()
        if isinstance(data, str):
            return 1
        return int(data) if data is not None else 0

    def per_second(self) -> float | None:
        """Steps per second of a watch speed, else None."""
        data = self.currentData()
        return float(data.split(":")[1]) if isinstance(data, str) else None

    def command(self) -> dict:
        """Keyword arguments of the worker's ``speed`` command."""
        return {"steps": self.value(), "per_second": self.per_second()}

    def setValue(self, steps: int) -> None:  # noqa: N802 - the QSpinBox name it replaces
        index = self.findData(int(steps))
        if index < 0:
            self.addItem(self.tr("{0} steps/frame").format(int(steps)), int(steps))
            index = self.count() - 1
        self.setCurrentIndex(index)

    def set_per_second(self, rate: float) -> None:
        """Choose the watch speed of ``rate`` steps a second (added when not in the list)."""
        key = f"watch:{rate:g}"
        index = self.findData(key)
        if index < 0:
            self.insertItem(0, self.tr("watch: {0:g} steps/s").format(rate), key)
            index = 0
        self.setCurrentIndex(index)
