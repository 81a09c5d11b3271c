"""The training worker's own run commands: ``epoch`` and what ``reset`` does to its session and
time plots (a mixin of :class:`playground.worker.TrainingWorker`; play, pause, step and reset
themselves are the shared :class:`playground.command_loop.CommandLoop` commands)."""
from __future__ import annotations

import time
from typing import Any


class RunCommands:
    """``_cmd_epoch``, ``_reset`` and ``_started``; the worker provides ``session``, ``history``,
    ``markers``, ``playing``, ``_seen``, ``_cannot_run``, ``_after_chunk``, ``_publish``,
    ``_update_views`` and ``_clear_frame``."""

    session: Any

    def _cmd_epoch(self, seq: int | None = None) -> None:
        """Train to the end of the current epoch."""
        self._seen(seq)
        self.playing = False
        if self._cannot_run():
            return
        t0 = time.perf_counter()
        snap = self.session.run_epoch()
        self._after_chunk(snap, t0)

    def _reset(self, seed: int | None) -> None:
        """The session back to its initial weights; the time plots start again."""
        self.session.reset(seed=seed)
        self.history.clear()
        self._epochs_seen = 0
        self.markers.clear()
        self._last_snap = None
        self._clear_frame()
        self._update_views(force=True)
        self._publish(self._started())

    def _show_restored_run(self) -> None:
        """After a checkpoint was restored into the session: the time plots start again from
        the restored run (its epochs so far, then its current state)."""
        self.history.clear()
        self.markers.clear()
        for rec in self.session.history:  # the resumed run's epochs so far
            if "event" not in rec:
                self.history.add_epoch(rec)
        self._epochs_seen = len(self.session.history)
        self._update_views(force=True)
        self._publish(self._started())

    def _started(self) -> Any:
        """The untrained state: the first point of the time plots (its layers' columns too)."""
        snap = self.session.snapshot()
        self.history.add(snap)
        self.restart_rewind()  # a new run: rewind points of the old one would not fit
        return snap
