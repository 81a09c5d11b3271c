"""The training worker: a QThread-owned object that owns the main window's TrainingSession.

The loop, pacing, error reports and the shared commands are :class:`CommandLoop`'s; this module
adds the session's build, the engine's warm-up at start-up, the time plots' history and markers
and the frame the main window draws. Its run commands (``epoch``, reset) are in
:mod:`playground.worker_run`, the live edits in :mod:`playground.worker_edits`.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal

from playground.i18n import translate
from playground.boundary import boundary_for, confusion_for
from playground.command_loop import CommandLoop, diverged_info
from playground.dashboards.uncertainty import uncertainty_for
from playground.history import Frame, History
from playground.run_end import end_info, ended_text
from playground.session_api import Session, SessionFactory
from playground.threads import ThreadController
from playground.worker_autosave import AutosaveCommands
from playground.worker_edits import LiveEdits
from playground.worker_exports import FileCommands
from playground.worker_graph import GraphCommands
from playground.worker_rewind import RewindCommands
from playground.worker_run import RunCommands

WarmUp = Callable[[], Any]
__all__ = ["SessionFactory", "TrainingController", "TrainingWorker", "WarmUp"]



def _run_end_tr(text: str) -> str:
    """How a run ended, in the app's language (QCoreApplication.translate is thread-safe)."""
    return translate("RunEnd", text)

class TrainingWorker(RunCommands, LiveEdits, FileCommands, GraphCommands, AutosaveCommands,
                     RewindCommands, CommandLoop):
    """Runs in its own thread; talk to it only through :meth:`post` and :meth:`latest`."""

    built = Signal(dict)
    warmed = Signal(float)

    def __init__(self, factory: SessionFactory, boundary_every_s: float = 0.25,
                 warm_up: WarmUp | None = None):
        super().__init__(boundary_every_s)
        self._factory = factory
        self._warm_up = warm_up
        self.ready = warm_up is None  # True once the engine is compiled (or loaded from cache)
        self.session: Session | None = None
        self.history = History()
        self.markers: list[tuple[int, str]] = []
        self._boundary = None
        self._confusion = None
        self._uncertainty = None
        self._epochs_seen = 0

    def __repr__(self) -> str:
        return f"TrainingWorker(playing={self.playing}, pacing={self.pacing!r})"

    def _before_loop(self) -> None:
        """Compile the engine (or load it from numba's cache) before anything else."""
        if self._warm_up is None:
            self.ready = True
            self.warmed.emit(0.0)
            return
        t0 = time.perf_counter()
        self.status.emit(translate("Worker", "compiling the engine…"))
        try:
            self._warm_up()
        except Exception as err:  # noqa: BLE001 - reported; building compiles on demand
            self._report(err, "warm_up")
        self.ready = True
        self.warmed.emit(time.perf_counter() - t0)

    # ------------------------------------------------------------ the loop's hooks
    def _has_work(self) -> bool:
        return self.session is not None

    def _why_not_trainable(self) -> str | None:
        if self.session is None:
            return translate("Worker", "nothing to train: fix the design problem first")
        if self.session.finished:
            return ended_text(end_info(self._last_snap, self.session), _run_end_tr) \
                + translate("Worker", ": continue for more epochs, or Reset")
        return None

    def _run_chunk(self, n: int) -> Any:
        return self.session.run(n)

    def _steps_per_epoch(self) -> int | None:
        return getattr(self._last_snap, "steps_per_epoch", None)

    @staticmethod
    def _step_of(snap: Any) -> int:
        return int(snap.step)

    def _record(self, snap: Any) -> None:
        """The chunk's epochs and its snapshot join the history; a diverged or ended run stops."""
        self.record_epoch_end(snap)
        self._add_epoch_records(int(snap.step))
        self.history.add(snap)
        self.keep_rewind_point()
        if snap.status == "diverged":
            self.playing = False
            self.diverged.emit(diverged_info(snap))
        elif self.playing and self.session.finished:
            self.playing = False
            self.status.emit(ended_text(end_info(snap, self.session), _run_end_tr))

    def _add_epoch_records(self, step: int) -> None:
        """Epochs that ended inside the last chunk (the session's per-epoch history) become
        history points too, so that a long chunk still leaves a whole epoch curve."""
        records = self.session.history
        if len(records) < self._epochs_seen:
            self._epochs_seen = 0  # a reset
        for rec in records[self._epochs_seen:]:
            if int(rec.get("step", step)) < step:
                self.history.add_epoch(rec)
        self._epochs_seen = len(records)

    def _compute_views(self) -> None:
        self._boundary = boundary_for(self.session)
        self._confusion = confusion_for(self.session)
        self._uncertainty = uncertainty_for(self.session) if self.want_uncertainty else None
        self._update_graph(force=True)  # the views' cadence is the graph's too

    def _frame(self, serial: int) -> Frame:
        snap = self._last_snap
        extra = self._extra()
        if self._uncertainty is not None:
            extra["uncertainty"] = self._uncertainty
        self._graph_extras(extra)
        self.rewind_extras(extra)
        ended = end_info(snap, self.session) if snap is not None else None
        if ended is not None:
            extra["ended"] = ended
        return Frame(snapshot=snap, history=self.history.arrays(), markers=tuple(self.markers),
                     boundary=self._boundary, confusion=self._confusion, serial=serial,
                     extra=extra)

    # ------------------------------------------------------------ build
    def _cmd_build(self, design: dict, base_dir: str | None = None, device: str = "cpu",
                   keep_history: bool = False, label: str = "",
                   keep_weights: bool = False) -> None:
        """A new session from ``design``. With ``keep_history`` (an edit of the same design:
        its data, loss, seed, device) the time plots go on in a new segment after the old
        one, with a marker saying what changed; otherwise (New, Open) they start empty. With
        ``keep_weights`` every layer whose id and shapes survive keeps its trained weights."""
        self.playing = False
        built = None
        if keep_history and self.session is not None:
            # an edit of the running design is built first: a refused one leaves the running
            # session, its history and its device as they were
            self.status.emit(translate("Worker", "building…"))
            built = self._factory(design, base_dir, device)
            if keep_weights:
                built.keep_weights(self.session.weights_by_id())
        self.session = None
        self.device = device
        self._epochs_seen = 0
        if keep_history and len(self.history):
            self.markers.append((self.history.start_segment(), label or "rebuilt"))
        else:
            self.history.clear()
            self.markers.clear()
        self._boundary = self._confusion = self._uncertainty = None
        self._graph = self._uncertainty_map = None
        self._last_snap = None
        self.status.emit(translate("Worker", "building…"))
        try:
            self.session = built if built is not None else self._factory(design, base_dir, device)
        except Exception:
            self.history.clear()  # nothing of the refused design is shown as if it ran
            self.markers.clear()
            self._publish(None)
            raise
        self._update_views(force=True)
        self._publish(self._started())
        self.built.emit({"device": device})
        self.status.emit(translate("Worker", "ready"))

    def _mark(self, label: str) -> None:
        self.markers.append((self.history.x_of(self._current_step()), label))
        self._publish(None)

    def _current_step(self) -> int:
        return int(self._last_snap.step) if self._last_snap is not None else 0


class TrainingController(ThreadController):
    """UI-side owner of the training worker thread."""

    thread_name = "training-worker"

    def __init__(self, factory: SessionFactory, parent: QObject | None = None,
                 warm_up: WarmUp | None = None):
        super().__init__(TrainingWorker(factory, warm_up=warm_up), parent)
