"""The training bar's commands to the worker, the bar's state from the worker's frames, and the
end-of-run banner's ways on.

Every play/pause/step/epoch/reset carries a sequence number that the worker echoes in its frames
(``extra["play_seq"]``). A frame published before the newest request (say, still "playing" while
the Pause click is on its way) no longer flips the Play button back: the button follows the
worker only for frames that have seen the user's latest request.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject

from playground.run_end import DEFAULT_EARLY_STOPPING, UNLIMITED_EPOCHS


class RunControl(QObject):
    """Connects a :class:`TrainingBar` to a training controller (both owned by the window)."""

    def __init__(self, bar: Any, controller: Any, doc: Any, banner: Any,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.bar, self.controller, self.doc, self.banner = bar, controller, doc, banner
        self.seq = 0
        self._early_stopping_config: dict | None = None  # restored when switched on again
        bar.play_toggled.connect(self._play_toggled)
        bar.step_clicked.connect(self.step)
        bar.epoch_clicked.connect(self.epoch)
        bar.reset_clicked.connect(self.reset)
        bar.early_stopping_changed.connect(self.set_early_stopping)
        banner.continue_clicked.connect(self.continue_run)
        banner.unlimited_clicked.connect(self.train_without_limit)
        banner.reset_clicked.connect(self.reset)

    def __repr__(self) -> str:
        return f"RunControl(seq={self.seq}, playing={self.bar.play.isChecked()})"

    def post(self, name: str, **kwargs: Any) -> None:
        """Send a run command with the next sequence number."""
        self.seq += 1
        self.controller.post(name, seq=self.seq, **kwargs)

    def _play_toggled(self, on: bool) -> None:
        self.post("play" if on else "pause")

    def pause(self) -> None:
        """Stop training (the button shows Play at once)."""
        self.bar.set_playing(False)
        self.post("pause")

    def step(self) -> None:
        self.bar.set_playing(False)
        self.post("step", n=1)

    def epoch(self) -> None:
        self.bar.set_playing(False)
        self.post("epoch")

    def reset(self) -> None:
        self.bar.set_playing(False)
        self.post("reset")

    def play(self) -> None:
        """Start training (as a click on Play)."""
        self.bar.set_playing(True)
        self.post("play")

    def continue_run(self, more: int) -> None:
        """Raise the epoch limit ``more`` epochs past the end (one undo step) and play on."""
        info = self.banner.info or {}
        epochs = int(info.get("epoch", 0)) + int(more)
        self.doc.set_values([("training", "epochs", epochs)], f"continue for {more} more epochs")
        self.play()

    def train_without_limit(self) -> None:
        """No epoch limit, no early stopping; play on."""
        self.doc.set_values([("training", "epochs", UNLIMITED_EPOCHS),
                             ("training", "early_stopping", None)], "train without limit")
        self.play()

    def set_early_stopping(self, on: bool) -> None:
        """The training bar's switch: early stopping off, or back on with its settings."""
        current = self.doc.section("training").get("early_stopping")
        if on and not current:
            value = self._early_stopping_config or dict(DEFAULT_EARLY_STOPPING)
        elif not on and current:
            self._early_stopping_config = dict(current)
            value = None
        else:
            return
        self.doc.set_value("training", "early_stopping", value)

    def show_frame(self, frame: Any) -> None:
        """Follow the worker's playing state, unless the frame predates the newest request."""
        if int(frame.extra.get("play_seq", 0)) >= self.seq:
            self.bar.set_playing(bool(frame.extra.get("playing")))
