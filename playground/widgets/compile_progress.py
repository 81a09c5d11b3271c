"""The status-bar indicator shown while the engine warms up (compiles, or loads numba's cache):
a busy bar, the count of functions compiled so far and the seconds elapsed."""
from __future__ import annotations

import time
from typing import Any, Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from playground.compiled_cache import compiled_count

REFRESH_MS = 250


class WarmUpCount:
    """How many functions numba compiled since the warm-up began (``count`` is the process's
    running total; the warm-up runs in the worker thread, maybe before the window's widgets
    exist)."""

    def __init__(self, count: Callable[[], int] = compiled_count):
        self._count = count
        self._base: int | None = None

    def wrap(self, warm_up: Callable[[], Any]) -> Callable[[], Any]:
        """``warm_up`` that first notes where the count stands."""
        def counted() -> Any:
            self._base = self._count()
            return warm_up()
        return counted

    def compiled(self) -> int:
        return 0 if self._base is None else self._count() - self._base


class CompileProgress(QWidget):
    """The indicator; :meth:`finish` hides it for good."""

    def __init__(self, counter: WarmUpCount, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("compileProgress")
        self.counter = counter
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
        self.setToolTip(self.tr("The first start compiles the numerical engine for this "
                                "processor; later starts load it from the cache in a few seconds."))
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    def refresh(self) -> None:
        n = self.counter.compiled()
        seconds = time.perf_counter() - self._t0
        if n:
            text = self.tr("compiling the engine: {0} function compiled ({1:.0f} s)") if n == 1 \
                else self.tr("compiling the engine: {0} functions compiled ({1:.0f} s)")
            self.label.setText(text.format(n, seconds))
        else:
            self.label.setText(self.tr("preparing the engine… ({0:.0f} s)").format(seconds))

    def finish(self) -> None:
        self.timer.stop()
        self.hide()
