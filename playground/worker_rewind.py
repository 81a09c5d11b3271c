"""The training worker's rewind points: kept states of the run, ``rewind`` to one of them and the
state of one for an A/B comparison (a mixin of :class:`playground.worker.TrainingWorker`).

The worker thread owns the session and the ring (engine.rewind.RewindRing, in memory, within a
byte budget); frames carry the kept points as ``extra["rewind"]`` (their x on the time plots and
their steps) for the timeline under the loss plot.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Signal

from engine.rewind import RewindRing

#: keeping rewind points takes at most about this share of the worker's time (engine.rewind)
KEEP_SHARE = 0.05


class RewindCommands:
    """``_cmd_rewind`` and ``_cmd_state_at``; the worker provides ``session``, ``history``,
    ``markers``, ``playing``, ``_last_snap``, ``_epochs_seen``, ``_update_views`` and
    ``_publish``."""

    session: Any
    #: (step, state dict): the kept state asked for by ``state_at`` (an A/B comparison from it)
    state_ready = Signal(int, object)

    def rewind_ring(self) -> RewindRing:
        """The ring of the current run (made at the first use)."""
        ring = self.__dict__.get("_rewind")
        if ring is None:
            ring = self.__dict__["_rewind"] = RewindRing(max_share=KEEP_SHARE)
        return ring

    def _can_rewind(self) -> bool:
        s = self.session
        return s is not None and hasattr(s, "state_dict") and hasattr(s, "load_state_dict")

    def keep_rewind_point(self) -> None:
        """After a chunk: keep the session's state when the ring says it is due (never a
        diverged one: it could not be continued)."""
        if self._can_rewind() and self.session.status != "diverged":
            self.rewind_ring().observe(self.session)

    def restart_rewind(self) -> None:
        """A new run (a build, reset, restored checkpoint, optimiser, schedule or model edit the
        older points could not be restored into): forget the points, keep the current one."""
        self.rewind_ring().clear()
        self.keep_rewind_point()

    def rewind_extras(self, extra: dict) -> None:
        """``extra["rewind"]``: (x of each kept point on the time plots, its step); the same
        tuples, made again only when the kept points or the plots' offset changed (every frame
        carries them)."""
        ring = self.rewind_ring()
        key = (ring.version, self.history.x_of(0)) if self._can_rewind() else None
        cached = self.__dict__.get("_rewind_extras")
        if cached is None or cached[0] != key:
            steps = ring.steps if key is not None else ()
            cached = self.__dict__["_rewind_extras"] = (
                key, (tuple(self.history.x_of(s) for s in steps), steps))
        extra["rewind"] = cached[1]

    def _cmd_rewind(self, step: int) -> None:
        """Back to the kept point ``step``: training pauses there; the curves after it stay as
        the old branch (greyed); Play continues bit for bit as the first run did, up to the
        first change. The session keeps the settings the window shows (layer options, learning
        rate, batch size); the point gives weights, optimiser state, statistics and counters."""
        self.playing = False
        step = int(step)
        self.rewind_ring().restore(self.session, step, keep_settings=True)  # refused: unchanged
        x = self.history.x_of(step)
        self.history.branch_at(x)
        self._epochs_seen = len(self.session.history)
        snaps = self._epoch_snapshots()
        for later in [s for s in snaps if s > step]:
            del snaps[later]
        self.markers[:] = [m for m in self.markers if m[0] <= x]
        self.markers.append((x, QCoreApplication.translate("TrainingWorker",
                                                           "rewound to step {0}").format(step)))
        snap = self.session.snapshot()
        self.history.add(snap)
        self._update_views(force=True)
        self._publish(snap)

    def _cmd_state_at(self, step: int) -> None:
        """Emit ``state_ready(step, state)``: the kept state of ``step`` (a copy)."""
        self.state_ready.emit(int(step), self.rewind_ring().state(int(step)))
