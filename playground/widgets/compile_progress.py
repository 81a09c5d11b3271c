"""The status-bar indicator shown while the engine warms up (compiles, or loads numba's cache):
a busy bar, the count of functions compiled so far and the seconds elapsed."""
from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from playground.compiled_cache import compiled_count

REFRESH_MS = 250


class CompileProgress(QWidget):
    """Counts what numba compiles from its creation on (``count`` returns a running total);
    :meth:`finish` hides it for good."""

    def __init__(self, count: Callable[[], int] = compiled_count, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("compileProgress")
        self._count = count
        self._base = count()
        self._t0 = time.perf_counter()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy: how many functions are left is not known in advance
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(120)
        lay.addWidget(self.label)
        lay.addWidget(self.bar)
        self.setToolTip("The first start compiles the numerical engine for this processor; "
                        "later starts load it from the cache in a few seconds.")
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def compiled(self) -> int:
        """Functions compiled since this indicator appeared."""
        return self._count() - self._base

    def refresh(self) -> None:
        n = self.compiled()
        seconds = time.perf_counter() - self._t0
        if n:
            self.label.setText(f"compiling the engine: {n} function{'s' * (n != 1)} "
                               f"compiled ({seconds:.0f} s)")
        else:
            self.label.setText(f"preparing the engine… ({seconds:.0f} s)")

    def finish(self) -> None:
        self.timer.stop()
        self.hide()
