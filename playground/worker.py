"""The training worker: a QThread-owned object that owns the TrainingSession.

The UI posts commands (``controller.post("play")``) into a thread-safe queue; the worker applies
them between chunks of ``session.run(k)`` and publishes the newest :class:`Frame` into a slot the
UI reads on its timer (``controller.latest()``); older frames are simply overwritten. Errors are
reported through the ``error`` signal and pause training; they never end the thread.
"""
from __future__ import annotations

import queue
import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, Slot

from playground.boundary import boundary_for, confusion_for
from playground.dashboards.uncertainty import uncertainty_for
from playground.history import Frame, History
from playground.problems import describe, problem_title  # noqa: F401 - re-exported
from playground.run_end import end_info, ended_text
from playground.threads import ThreadController
from playground.worker_autosave import AutosaveCommands
from playground.worker_edits import LiveEdits
from playground.worker_run import RunCommands

SessionFactory = Callable[[dict, "str | None", str], Any]
WarmUp = Callable[[], Any]
CHUNK_TARGET_S = 0.025
PUBLISH_EVERY_S = 0.03
SPEED_AUTO, SPEED_MAX = 0, -1
FRAME_S = 1 / 30  # the pace of "steps per frame": one chunk per UI frame
AUTO_EPOCHS_PER_S = 20.0  # auto: the default 100-epoch run takes about five seconds to watch
AUTO_MIN_STEPS_PER_S = 30.0
NO_SESSION_COMMANDS = ("build", "noop", "speed", "pause", "play", "refresh", "step", "epoch",
                       "reset", "uncertainty", "checkpoint")


class TrainingWorker(RunCommands, LiveEdits, AutosaveCommands, QObject):
    """Runs in its own thread; talk to it only through :meth:`post` and :meth:`latest`."""

    error = Signal(str)
    problem = Signal(str, str)  # title, text
    failed = Signal(dict)  # playground.problems.describe(): title, text, details, command, tag
    accepted = Signal(int)  # the tag of a command applied without error (the window's sync)
    diverged = Signal(dict)
    built = Signal(dict)
    status = Signal(str)
    warmed = Signal(float)

    def __init__(self, factory: SessionFactory, boundary_every_s: float = 0.25,
                 warm_up: WarmUp | None = None):
        super().__init__()
        self._factory = factory
        self._warm_up = warm_up
        self.ready = warm_up is None  # True once the engine is compiled (or loaded from cache)
        self._commands: "queue.Queue[tuple[str, dict]]" = queue.Queue()
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._serial = 0
        self._stop = False
        self.session: Any = None
        self.playing = False
        self.play_seq = 0  # the newest play/pause request seen (the UI ignores older frames)
        # > 0: steps per frame; SPEED_AUTO: paced to AUTO_EPOCHS_PER_S; SPEED_MAX: no pacing
        self.steps_per_chunk = SPEED_AUTO
        self.per_second: float | None = None  # the watch speeds: steps a second, one at a time
        self.auto_chunk = 8  # the most steps that fit in about CHUNK_TARGET_S (measured)
        self._next_chunk_t = 0.0
        self.chunks_run = 0
        self.steps_run = 0
        # With ui_sync the worker parks after publishing a frame until the UI has drawn it
        # (frame_taken), so UI drawing and training never fight over the GIL.
        self.ui_sync = False
        self.frame_taken = threading.Event()
        self.frame_taken.set()
        self.history = History()
        self.markers: list[tuple[int, str]] = []
        self._boundary_every_s = boundary_every_s
        self._last_boundary_t = 0.0
        self._boundary = None
        self._confusion = None
        # MC-dropout band (1-D regression), computed with the boundary while its dashboard shows
        self.want_uncertainty = False
        self._uncertainty = None
        self._rate: list[tuple[float, int]] = []
        self.device = "cpu"
        self._last_snap: Any = None
        self._epochs_seen = 0
        self._last_publish = 0.0
        self._dirty = False

    def __repr__(self) -> str:
        return f"TrainingWorker(playing={self.playing}, chunk={self.steps_per_chunk})"

    # ------------------------------------------------------------ thread-safe API
    def post(self, name: str, **kwargs: Any) -> None:
        """Queue a command; applied by the worker thread before its next chunk."""
        self._commands.put((name, kwargs))

    def latest(self) -> Frame | None:
        """The newest published frame (or None)."""
        with self._lock:
            return self._frame

    def request_stop(self) -> None:
        self._stop = True
        self._commands.put(("noop", {}))

    # ------------------------------------------------------------ worker thread
    @Slot()
    def loop(self) -> None:
        """The worker thread's main loop (connected to ``QThread.started``)."""
        self._run_warm_up()
        while not self._stop:
            try:
                self._drain(block=not (self.playing and self.session is not None),
                            timeout=self._pace_wait())
                if self._dirty and not self.playing:
                    self._update_boundary(force=True)
                    self._publish(None)
                if self._stop:
                    break
                if self.playing and self.session is not None:
                    if time.perf_counter() < self._next_chunk_t:
                        continue  # paced: the next chunk is not due yet
                    if self.ui_sync:
                        self.frame_taken.wait(0.25)
                    self._train(self.chunk_size(), paced=True)
            except Exception as err:  # noqa: BLE001 - reported, never fatal
                self.playing = False
                self._report(err, "train")

    def _run_warm_up(self) -> None:
        """Compile the engine (or load it from numba's cache) before anything else."""
        if self._warm_up is None:
            self.ready = True
            self.warmed.emit(0.0)
            return
        t0 = time.perf_counter()
        self.status.emit("compiling the engine…")
        try:
            self._warm_up()
        except Exception as err:  # noqa: BLE001 - reported; building compiles on demand
            self._report(err, "warm_up")
        self.ready = True
        self.warmed.emit(time.perf_counter() - t0)

    def _pace_wait(self) -> float:
        """Seconds to wait for commands before the next paced chunk is due."""
        if not (self.playing and self.session is not None):
            return 0.05
        return max(0.0, self._next_chunk_t - time.perf_counter())

    def _drain(self, block: bool, timeout: float = 0.05) -> None:
        try:
            if block or timeout > 0:
                name, kw = self._commands.get(timeout=timeout if not block else 0.05)
            else:
                name, kw = self._commands.get_nowait()
        except queue.Empty:
            return
        while True:
            try:
                self._apply(name, kw)
            except Exception as err:  # noqa: BLE001
                self.playing = False
                self._report(err, name, kw.get("tag"))
            else:
                if isinstance(kw.get("tag"), int):
                    self.accepted.emit(kw["tag"])
            if self._stop:
                return  # quitting: what is still queued is not worth waiting for
            try:
                name, kw = self._commands.get_nowait()
            except queue.Empty:
                return

    def _report(self, err: BaseException, command: str = "", tag: Any = None) -> None:
        """``error(text)``, ``problem(title, text)`` and ``failed(info)``: one clear line
        (never a traceback), titled by what failed; ``tag`` is the failed command's own (the
        window's sync number). Unexpected errors also go to the error log with their details."""
        from engine.errors import Diverged
        if isinstance(err, Diverged):
            self.diverged.emit({"step": err.step, "layer_index": err.layer_index,
                                "layer_id": err.layer_id, "what": err.what})
            return
        info = describe(err, command, tag)
        self.error.emit(info["text"])
        self.problem.emit(info["title"], info["text"])
        self.failed.emit(info)

    def _apply(self, name: str, kw: dict) -> None:
        handler = getattr(self, f"_cmd_{name}", None)
        if handler is None:
            raise ValueError(f"unknown worker command {name!r}")
        if self.session is None and name not in NO_SESSION_COMMANDS:
            from engine.errors import BadInput
            raise BadInput("there is no trained model yet: fix the design problem reported "
                           f"before ({name} ignored)")
        handler(**{k: v for k, v in kw.items() if k != "tag"})

    def _mark(self, label: str) -> None:
        self.markers.append((self.history.x_of(self._current_step()), label))
        self._publish(None)

    def _current_step(self) -> int:
        return int(self._last_snap.step) if self._last_snap is not None else 0

    # ------------------------------------------------------------ commands
    def _cmd_noop(self) -> None:
        pass

    def _cmd_build(self, design: dict, base_dir: str | None = None, device: str = "cpu",
                   keep_history: bool = False, label: str = "") -> None:
        """A new session from ``design``. With ``keep_history`` (an edit of the same design:
        its data, loss, seed, device) the time plots go on in a new segment after the old
        one, with a marker saying what changed; otherwise (New, Open) they start empty."""
        self.playing = False
        built = None
        if keep_history and self.session is not None:
            # an edit of the running design is built first: a refused one leaves the running
            # session, its history and its device as they were
            self.status.emit("building…")
            built = self._factory(design, base_dir, device)
        self.session = None
        self.device = device
        self._epochs_seen = 0
        if keep_history and len(self.history):
            self.markers.append((self.history.start_segment(), label or "rebuilt"))
        else:
            self.history.clear()
            self.markers.clear()
        self._boundary = self._confusion = self._uncertainty = None
        self._last_snap = None
        self.status.emit("building…")
        try:
            self.session = built if built is not None else self._factory(design, base_dir, device)
        except Exception:
            self.history.clear()  # nothing of the refused design is shown as if it ran
            self.markers.clear()
            self._publish(None)
            raise
        self._update_boundary(force=True)
        self._publish(self._started())
        self.built.emit({"device": device})
        self.status.emit("ready")

    def _cmd_uncertainty(self, on: bool) -> None:
        """Compute the MC-dropout band (with the boundary's cadence) while ``on``."""
        self.want_uncertainty = bool(on)
        if not on:
            if self._uncertainty is not None:
                self._uncertainty = None
                self._dirty = True  # the next frame goes without it
        elif self.session is not None:
            self._update_boundary(force=True)
            self._publish(None)

    def _cmd_refresh(self) -> None:
        """Recompute the boundary and confusion matrix now and republish."""
        if self.session is not None:
            self._update_boundary(force=True)
            self._publish(None)

    def _initial_snapshot(self) -> Any:
        """The session's current snapshot without training (None if it offers none)."""
        snap_fn = getattr(self.session, "snapshot", None)
        return snap_fn() if callable(snap_fn) else None

    def _cmd_speed(self, steps: int, per_second: float | None = None) -> None:
        """``steps`` > 0: steps per frame; 0: auto (paced to watch); -1: max (no pacing);
        ``per_second``: one step at a time, that many a second (every batch is drawn)."""
        self.per_second = float(per_second) if per_second else None
        self.steps_per_chunk = 1 if self.per_second else max(SPEED_MAX, int(steps))
        self._next_chunk_t = 0.0

    # ------------------------------------------------------------ training
    def target_rate(self) -> float | None:
        """Paced steps per second (None: as fast as possible). Auto shows about
        AUTO_EPOCHS_PER_S epochs a second; n steps per frame mean n / FRAME_S steps a second."""
        if self.per_second:
            return self.per_second
        if self.steps_per_chunk == SPEED_MAX:
            return None
        if self.steps_per_chunk > 0:
            return self.steps_per_chunk / FRAME_S
        per_epoch = getattr(self._last_snap, "steps_per_epoch", None) or 1
        return max(AUTO_EPOCHS_PER_S * float(per_epoch), AUTO_MIN_STEPS_PER_S)

    def chunk_size(self) -> int:
        """Steps in the next chunk: the user's steps per frame, a frame's worth of the auto pace
        (at most what fits in CHUNK_TARGET_S) or, at max speed, the measured CHUNK_TARGET_S."""
        if self.steps_per_chunk > 0:
            return self.steps_per_chunk
        if self.steps_per_chunk == SPEED_AUTO:
            want = max(1, int(round(self.target_rate() * FRAME_S)))
            return min(want, self.auto_chunk)
        return self.auto_chunk

    def _train(self, n: int, paced: bool = False) -> None:
        t0 = time.perf_counter()
        snap = self.session.run(int(n))
        dt = time.perf_counter() - t0
        if self.steps_per_chunk <= 0 and n >= self.auto_chunk and dt > 0:
            want = n * CHUNK_TARGET_S / dt
            self.auto_chunk = int(min(max(0.5 * n + 0.5 * want, 1), 2 * n + 1, 100_000))
        elif n < self.auto_chunk and dt > 1.5 * CHUNK_TARGET_S:
            self.auto_chunk = max(1, int(n * CHUNK_TARGET_S / dt))
        rate = self.target_rate() if paced else None
        if rate is not None:
            self._next_chunk_t = max(self._next_chunk_t, t0 - FRAME_S) + n / rate
        self.chunks_run += 1
        self.steps_run += int(n)
        self._after_chunk(snap, t0)

    def _after_chunk(self, snap: Any, t0: float) -> None:
        now = time.perf_counter()
        self._last_snap = snap
        self._rate.append((now, int(snap.step)))
        self._rate = [(t, s) for t, s in self._rate if now - t < 2.0] or self._rate[-1:]
        self._add_epoch_records(int(snap.step))
        self.history.add(snap)
        if getattr(snap, "status", "running") == "diverged":
            self.playing = False
            self.diverged.emit(dict(getattr(snap, "diverged_at", None) or {"step": snap.step}))
        elif self.playing and getattr(self.session, "finished", False):
            self.playing = False
            self.status.emit(ended_text(end_info(snap, self.session)))
        if not self.playing and not self._commands.empty():
            self._dirty = True  # more commands (steps) queued: publish after them
        elif not self.playing:
            self._update_boundary(force=True)  # training stopped: show the final state
            self._publish(snap)
        elif now - self._last_publish + 0.5 * (now - t0) >= PUBLISH_EVERY_S:
            # due now, or closer to due than it would be after the next chunk
            self._update_boundary()
            self._publish(snap)
        else:
            self._dirty = True  # published when due, or when training stops

    def _add_epoch_records(self, step: int) -> None:
        """Epochs that ended inside the last chunk (the session's per-epoch history) become
        history points too, so that a long chunk still leaves a whole epoch curve."""
        records = getattr(self.session, "history", None)
        if not isinstance(records, list):
            return
        if len(records) < self._epochs_seen:
            self._epochs_seen = 0  # a reset
        for rec in records[self._epochs_seen:]:
            if isinstance(rec, dict) and int(rec.get("step", step)) < step:
                self.history.add_epoch(rec)
        self._epochs_seen = len(records)

    def steps_per_second(self) -> float:
        rate = self._rate
        if len(rate) < 2 or rate[-1][0] <= rate[0][0]:
            return 0.0
        return (rate[-1][1] - rate[0][1]) / (rate[-1][0] - rate[0][0])

    def _update_boundary(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last_boundary_t < self._boundary_every_s:
            return
        self._last_boundary_t = now
        self._boundary = boundary_for(self.session)
        self._confusion = confusion_for(self.session)
        self._uncertainty = uncertainty_for(self.session) if self.want_uncertainty else None

    def _publish(self, snap: Any) -> None:
        if snap is None:
            snap = self._last_snap
        self._last_snap = snap
        self._dirty = False
        self._last_publish = time.perf_counter()
        self._serial += 1
        extra = {"steps_per_s": self.steps_per_second(), "playing": self.playing,
                 "device": self.device, "play_seq": self.play_seq}
        if self._uncertainty is not None:
            extra["uncertainty"] = self._uncertainty
        ended = end_info(snap, self.session) if snap is not None else None
        if ended is not None:
            extra["ended"] = ended
        frame = Frame(snapshot=snap, history=self.history.arrays(), markers=tuple(self.markers),
                      boundary=self._boundary, confusion=self._confusion, serial=self._serial,
                      extra=extra)
        with self._lock:
            self._frame = frame
        if self.ui_sync and self.playing:
            self.frame_taken.clear()


class TrainingController(ThreadController):
    """UI-side owner of the training worker thread."""

    thread_name = "training-worker"

    def __init__(self, factory: SessionFactory, parent: QObject | None = None,
                 warm_up: WarmUp | None = None):
        super().__init__(TrainingWorker(factory, warm_up=warm_up), parent)
