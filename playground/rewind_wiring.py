"""The main window's rewind: the loss dashboard's timeline asks, the training worker rewinds.

A click on a kept point pauses training (as the Pause button does) and posts ``rewind``; "Open as
A/B comparison from here" asks the worker for that point's state (``state_at``) and opens the
classroom's comparison window with both runs starting from it. Worker signals reach the bound
methods of :class:`RewindLink`, a GUI-thread QObject (docs/ARCHITECTURE.md "App threading").
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot

from playground.dashboards.training import LossDashboard


class RewindLink(QObject):
    """Connects the timeline of ``win``'s loss dashboard to ``win``'s training worker."""

    def __init__(self, win: Any):
        super().__init__(win)
        self.win = win
        self.timeline = next(d.timeline for d in win.dashboards if isinstance(d, LossDashboard))
        self.timeline.rewind_requested.connect(self.rewind)
        self.timeline.compare_requested.connect(self.ask_state)
        win.worker.state_ready.connect(self.open_comparison)
        self.opened: list[Any] = []  # the comparison windows opened from a kept point

    @Slot(int)
    def rewind(self, step: int) -> None:
        """Pause and go back to kept point ``step`` (Play continues from there)."""
        self.win.run.pause()
        self.win.controller.post("rewind", step=int(step))

    @Slot(int)
    def ask_state(self, step: int) -> None:
        """Ask the worker for the state of kept point ``step`` (answered by state_ready)."""
        self.win.run.pause()
        self.win.controller.post("state_at", step=int(step))

    @Slot(int, object)
    def open_comparison(self, step: int, state: dict) -> None:
        """An A/B comparison (the classroom's Compare… dialog picks B's change) whose runs both
        start from kept point ``step``."""
        from playground.classroom.install import install_classroom
        window = install_classroom(self.win).compare_dialog(start=(step, state))
        if window is not None:
            self.opened.append(window)
