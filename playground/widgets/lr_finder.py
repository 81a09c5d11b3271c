"""Run → Find learning rate…: the range test (engine/lr_finder.py) on a copy of the run, in the
worker thread, with progress and Cancel; the loss against the learning rate (log axis)
with the suggested rate marked, and "Use this rate", an undoable edit like any other."""
from __future__ import annotations

import copy
import os
import threading
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QVBoxLayout)

from playground.dashboards.base import color, quiet_plot

if TYPE_CHECKING:
    from playground.main_window import MainWindow

STEPS = 150
LR_START, LR_END = 1e-5, 10.0


def shown_rate(lr: float) -> float:
    """The suggestion as shown and set: two significant digits."""
    return float(f"{lr:.2g}")


class LRFinderDialog(QDialog):
    """The range test's window; :meth:`start` asks the worker to run it. The worker's
    ``lr_progress`` and ``lr_done`` arrive at bound methods of this GUI-thread dialog."""

    def __init__(self, win: "MainWindow"):
        super().__init__(win)
        self.win = win
        self.setObjectName("lrFinder")
        self.setWindowTitle(self.tr("Find learning rate"))
        self.resize(640, 440)
        self.cancel_event = threading.Event()
        self.result: Any = None
        self.suggested: float | None = None
        self.running = False
        box = QVBoxLayout(self)
        self.text = QLabel(self.tr("Training a copy of the model for a few steps while the learning "
                                   "rate grows from 0.00001 to 10; your run is not changed."))
        self.text.setWordWrap(True)
        box.addWidget(self.text)
        self.progress = QProgressBar()
        self.progress.setRange(0, STEPS)
        box.addWidget(self.progress)
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("lrPlot")
        quiet_plot(self.plot.plotItem)
        self.plot.plotItem.setLogMode(x=True)
        self.plot.plotItem.setLabel("bottom", self.tr("learning rate"))
        self.plot.plotItem.setLabel("left", self.tr("loss"))
        self.plot.setTitle(self.tr("loss against learning rate"), size="10pt")
        self.raw = self.plot.plot([], [], pen=pg.mkPen(color(1), width=1), name="loss")
        self.smooth = self.plot.plot([], [], pen=pg.mkPen(color(0), width=2), name="smoothed")
        self.mark = pg.InfiniteLine(angle=90, pen=pg.mkPen(color(2), width=2,
                                                             style=Qt.DashLine), label="")
        self.mark.setVisible(False)
        self.plot.addItem(self.mark)
        box.addWidget(self.plot, 1)
        buttons = QHBoxLayout()
        self.use_button = QPushButton(self.tr("Use this rate"))
        self.use_button.setObjectName("useRate")
        self.use_button.setEnabled(False)
        self.use_button.clicked.connect(self.use_rate)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel)
        buttons.addStretch(1)
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.cancel_button)
        box.addLayout(buttons)
        worker = win.worker
        worker.lr_progress.connect(self.on_progress)
        worker.lr_done.connect(self.on_done)

    def __repr__(self) -> str:
        return f"LRFinderDialog(suggested={self.suggested})"

    def start(self) -> None:
        """Ask the worker for the range test on a copy of the session."""
        win = self.win
        base = os.path.dirname(win.doc.path) if win.doc.path else None
        self.running = True
        win.controller.post("find_lr", design=copy.deepcopy(win.applied), base_dir=base,
                            cancel=self.cancel_event, lr_start=LR_START, lr_end=LR_END,
                            steps=STEPS)

    def on_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)

    def on_done(self, result: Any, problem: str) -> None:
        """The test's result (None: cancelled, or ``problem``)."""
        self.running = False
        self.cancel_button.setText(self.tr("Close"))
        if problem:
            self.text.setText(self.tr("The range test stopped: {0}").format(problem))
            return
        if result is None:
            self.text.setText(self.tr("Cancelled."))
            return
        self.result = result
        self.progress.setValue(self.progress.maximum())
        self.show_result(result)

    def show_result(self, result: Any) -> None:
        """Draw the losses and mark the suggestion."""
        lrs, losses = np.asarray(result.lrs), np.asarray(result.losses)
        ok = np.isfinite(losses)
        self.raw.setData(lrs[ok], losses[ok])
        sm = np.asarray(result.smoothed)
        self.smooth.setData(lrs[np.isfinite(sm)], sm[np.isfinite(sm)])
        self.suggested = shown_rate(result.suggested_lr)
        self.mark.setValue(np.log10(self.suggested))
        self.mark.label.setFormat(f"{self.suggested:g}")
        self.mark.setVisible(True)
        if ok.any():
            low, high = float(losses[ok].min()), float(losses[ok].max())
            if np.isfinite(sm[0]):
                high = min(high, 2.0 * float(sm[0]))  # the blow-up at the end stays in view
            left = min(np.log10(lrs[0]), np.log10(self.suggested))  # the mark always shows
            self.plot.plotItem.setXRange(left, np.log10(lrs[-1]), padding=0.02)
            self.plot.plotItem.setYRange(low, max(high, low + 1e-6), padding=0.05)
        ended = self.tr(" (the loss blew up at the end)") if result.diverged else ""
        self.text.setText(self.tr("Suggested learning rate: {0:g} — a tenth of {1:.2g}, where the "
                                  "smoothed loss was lowest{2}.").format(
            self.suggested, result.lr_at_min, ended))
        self.use_button.setEnabled(True)
        self.use_button.setText(self.tr("Use this rate ({0:g})").format(self.suggested))

    def use_rate(self) -> None:
        """Set the suggested rate (one undo step, as typing it in the training bar)."""
        if self.suggested is None:
            return
        self.win.doc.set_value("optimizer", "learning_rate", self.suggested)
        self.win.statusBar().showMessage(self.tr("learning rate set to {0:g}").format(self.suggested), 6000)
        self.accept()

    def cancel(self) -> None:
        """Stop the test (the worker finishes the step it is in) and close."""
        self.cancel_event.set()
        self.reject()

    def done(self, code: int) -> None:  # noqa: D401 - Qt API
        self.cancel_event.set()
        super().done(code)
