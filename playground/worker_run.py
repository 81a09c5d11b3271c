"""The training worker's run commands: play, pause, step, epoch and reset, each echoing the UI's
request number in the frames it publishes (a mixin of :class:`playground.worker.TrainingWorker`)."""
from __future__ import annotations

import time
from typing import Any

from playground.run_end import end_info, ended_text


class RunCommands:
    """``_cmd_play`` … ``_cmd_reset``; the worker provides ``session``, ``history``,
    ``markers``, ``playing``, ``play_seq``, ``status``, ``_train``, ``_after_chunk``,
    ``_publish``, ``_update_boundary`` and ``_initial_snapshot``."""

    session: Any

    def _seen(self, seq: int | None) -> None:
        """Remember the newest play/pause request of the UI (echoed in every frame)."""
        if seq is not None:
            self.play_seq = max(self.play_seq, int(seq))

    def _cmd_play(self, seq: int | None = None) -> None:
        self._seen(seq)
        self.playing = self.session is not None and not self.session.finished
        self._next_chunk_t = 0.0
        if self.session is None:
            self.status.emit("nothing to train: fix the design problem first")
        elif not self.playing:
            self.status.emit(ended_text(end_info(self._last_snap, self.session)) + ": continue, or Reset")
        if not self.playing:
            self._publish(None)  # the UI shows "not playing" again

    def _cmd_pause(self, seq: int | None = None) -> None:
        self._seen(seq)
        self.playing = False
        if self.session is not None:
            self._publish(None)  # the frame the UI draws next says "paused"

    def _cmd_step(self, n: int = 1, seq: int | None = None) -> None:
        self._seen(seq)
        self.playing = False
        if self._ended_note():
            return
        self._train(n)

    def _cmd_epoch(self, seq: int | None = None) -> None:
        self._seen(seq)
        self.playing = False
        if self._ended_note():
            return
        t0 = time.perf_counter()
        snap = self.session.run_epoch()
        self._after_chunk(snap, t0)

    def _ended_note(self) -> bool:
        """True (and a status line saying why) when there is nothing to step."""
        if self.session is None:
            self.status.emit("nothing to train: fix the design problem first")
            return True
        if getattr(self.session, "finished", False):
            self.status.emit(ended_text(end_info(self._last_snap, self.session))
                             + ": continue for more epochs, or Reset")
            self._publish(None)
            return True
        return False

    def _cmd_reset(self, seed: int | None = None, seq: int | None = None) -> None:
        self._seen(seq)
        self.playing = False
        if self.session is not None:
            self.session.reset(seed=seed)
            self.history.clear()
            self._epochs_seen = 0
            self.markers.clear()
            self._last_snap = None
            with self._lock:
                self._frame = None
            self._update_boundary(force=True)
            self._publish(self._started())

    def _started(self) -> Any:
        """The untrained state: the first point of the time plots (its layers' columns too)."""
        snap = self._initial_snapshot()
        if snap is not None:
            self.history.add(snap)
        return snap
