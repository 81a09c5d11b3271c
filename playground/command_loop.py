"""The command loop shared by the training worker and the comparison worker.

A worker object lives in its own QThread (:class:`playground.threads.ThreadController`). The UI
posts commands (``post("play", seq=3)``) into a thread-safe queue; the loop applies them between
chunks of training, paces the chunks (:class:`playground.pacing.Pacing`) and publishes the newest
frame into a slot the UI reads on its timer (``latest()``); older frames are overwritten. A
refused command or a failed chunk is reported (``error`` and ``problem``; a divergence through
``diverged``) and pauses training; it never ends the thread.

Commands every worker handles the same way: ``noop``, ``speed``, ``play``, ``pause``, ``step``,
``reset``, ``refresh``, ``uncertainty``. ``play``/``pause``/``step``/``reset`` carry the UI's
request number ``seq``, echoed as ``play_seq`` in every frame: a frame older than the newest
request does not flip the UI's Play button back.
"""
from __future__ import annotations

import queue
import threading
import time
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from engine.errors import BadInput, Diverged
from playground.pacing import Pacing
from playground.problems import describe

PUBLISH_EVERY_S = 0.03
UI_WAIT_S = 0.25  # with ui_sync: the longest wait for the UI to take a frame
IDLE_WAIT_S = 0.05
NO_SESSION_COMMANDS = ("build", "noop", "speed", "pause", "play", "refresh", "step", "epoch",
                       "reset", "uncertainty", "confusion", "graph", "uncertainty_map", "checkpoint")



def diverged_info(source: Any) -> dict:
    """Where a run diverged, from a :class:`Diverged` error or a snapshot whose status says so:
    ``step``, ``layer_index``, ``layer_id``, ``what``."""
    if isinstance(source, Diverged):
        return {"step": source.step, "layer_index": source.layer_index,
                "layer_id": source.layer_id, "what": source.what}
    return dict(getattr(source, "diverged_at", None) or {"step": int(source.step)})


class CommandLoop(QObject):
    """The loop, the queue, the frame slot, pacing and the shared commands of a worker.

    Subclasses provide: ``_has_work()`` (a session to train), ``_why_not_trainable()`` (None, or
    the status line saying why not), ``_run_chunk(n)`` (train, return the snapshot(s)),
    ``_record(snap)`` (histories, ended runs), ``_steps_per_epoch()``, ``_step_of(snap)``,
    ``_reset(seed)``, ``_compute_views()`` (boundaries and the like) and ``_frame(serial)``
    (the frame to publish); ``_cmd_<name>`` methods add commands."""

    error = Signal(str)
    problem = Signal(str, str)  # title, text
    failed = Signal(dict)  # playground.problems.describe(): title, text, details, command, tag
    accepted = Signal(int)  # the tag of a command applied without error (the window's sync)
    diverged = Signal(dict)
    status = Signal(str)

    def __init__(self, boundary_every_s: float, chunk_target_s: float | None = None):
        super().__init__()
        self._commands: "queue.Queue[tuple[str, dict]]" = queue.Queue()
        self._lock = threading.Lock()
        self._latest: Any = None
        self._serial = 0
        self._stop = False
        self.playing = False
        self.play_seq = 0  # the newest play/pause/step/reset request seen
        self.pacing = Pacing() if chunk_target_s is None else Pacing(chunk_target_s)
        self.chunks_run = 0
        self.steps_run = 0
        self.device = "cpu"
        self.want_uncertainty = False  # MC-dropout bands, computed with the boundaries
        # With ui_sync the worker parks after publishing a frame until the UI has drawn it
        # (the UI sets frame_taken), so UI drawing and training never fight over the GIL.
        self.ui_sync = False
        self.frame_taken = threading.Event()
        self.frame_taken.set()
        self._boundary_every_s = boundary_every_s
        self._views_wait = boundary_every_s
        self._last_views_t = 0.0
        self._last_snap: Any = None
        self._rate: list[tuple[float, int]] = []
        self._last_publish = 0.0
        self._dirty = False

    # ------------------------------------------------------------ thread-safe API
    def post(self, name: str, **kwargs: Any) -> None:
        """Queue a command; applied by the worker thread before its next chunk."""
        self._commands.put((name, kwargs))

    def latest(self) -> Any:
        """The newest published frame (or None)."""
        with self._lock:
            return self._latest

    def request_stop(self) -> None:
        self._stop = True
        self._commands.put(("noop", {}))

    # ------------------------------------------------------------ worker thread
    @Slot()
    def loop(self) -> None:
        """The worker thread's main loop (connected to ``QThread.started``)."""
        self._before_loop()
        while not self._stop:
            try:
                trains = self.playing and self._has_work()
                self._drain(self.pacing.wait_s(time.perf_counter()) if trains else IDLE_WAIT_S)
                if self._dirty and not self.playing:
                    self._update_views(force=True)
                    self._publish(None)
                if self._stop or not (self.playing and self._has_work()):
                    continue
                if time.perf_counter() < self.pacing.next_t:
                    continue  # paced: the next chunk is not due yet
                if self.ui_sync:
                    self.frame_taken.wait(UI_WAIT_S)
                self._train(self.chunk_size(), paced=True)
            except Exception as err:  # noqa: BLE001 - reported, never fatal
                self.playing = False
                self._report(err, "train")

    def _before_loop(self) -> None:
        """Runs once in the worker thread before the first command."""

    def _drain(self, timeout: float) -> None:
        """Apply every queued command (waiting up to ``timeout`` seconds for the first)."""
        try:
            item = self._commands.get(timeout=timeout) if timeout > 0 \
                else self._commands.get_nowait()
        except queue.Empty:
            return
        while True:
            name, kw = item
            try:
                self._apply(name, kw)
            except Exception as err:  # noqa: BLE001 - reported, never fatal
                self.playing = False
                self._report(err, name, kw.get("tag"))
            else:
                if isinstance(kw.get("tag"), int):
                    self.accepted.emit(kw["tag"])
            if self._stop:
                return  # quitting: what is still queued is not worth waiting for
            try:
                item = self._commands.get_nowait()
            except queue.Empty:
                return

    def _apply(self, name: str, kw: dict) -> None:
        handler = getattr(self, f"_cmd_{name}", None)
        if handler is None:
            raise ValueError(f"unknown worker command {name!r}")
        if not self._has_work() and name not in NO_SESSION_COMMANDS:
            raise BadInput("there is no trained model yet: fix the design problem reported "
                           f"before ({name} ignored)")
        handler(**{k: v for k, v in kw.items() if k != "tag"})

    def _report(self, err: BaseException, command: str = "", tag: Any = None) -> None:
        """``diverged(info)`` for a divergence; else ``error(line)``, ``problem(title, line)``
        and ``failed(info)`` (playground.problems.describe): one clear line, never a traceback,
        titled by what failed; ``tag`` is the failed command's own (the window's sync number).
        Unexpected errors also go to the error log with their details."""
        if isinstance(err, Diverged):
            self.diverged.emit(diverged_info(err))
            return
        info = describe(err, command, tag)
        self.error.emit(info["text"])
        self.problem.emit(info["title"], info["text"])
        self.failed.emit(info)

    # ------------------------------------------------------------ shared commands
    def _seen(self, seq: int | None) -> None:
        """Remember the newest run request of the UI (echoed in every frame)."""
        if seq is not None:
            self.play_seq = max(self.play_seq, int(seq))

    def _cmd_noop(self) -> None:
        pass

    def _cmd_speed(self, steps: int, per_second: float | None = None) -> None:
        """``steps`` > 0: steps per frame; 0: auto (paced to watch); -1: max (no pacing);
        ``per_second``: one step at a time, that many a second (every batch is drawn)."""
        self.pacing.set_speed(steps, per_second)

    def _cmd_play(self, seq: int | None = None) -> None:
        self._seen(seq)
        self.pacing.restart()
        why = self._why_not_trainable()
        self.playing = why is None
        if why is not None:
            self.status.emit(why)
            self._publish(None)  # the UI shows "not playing" again

    def _cmd_pause(self, seq: int | None = None) -> None:
        self._seen(seq)
        self.playing = False
        if self._has_work():
            self._publish(None)  # the frame the UI draws next says "paused"

    def _cmd_step(self, n: int = 1, seq: int | None = None) -> None:
        self._seen(seq)
        self.playing = False
        if not self._cannot_run():
            self._train(int(n))

    def _cannot_run(self) -> bool:
        """True, with a status line saying why, when there is nothing to train."""
        why = self._why_not_trainable()
        if why is None:
            return False
        self.status.emit(why)
        if self._has_work():
            self._publish(None)
        return True

    def _cmd_reset(self, seed: int | None = None, seq: int | None = None) -> None:
        """Every session back to its initial weights (from ``seed`` when given)."""
        self._seen(seq)
        self.playing = False
        if self._has_work():
            self._reset(seed)

    def _cmd_refresh(self) -> None:
        """Recompute the boundaries (and what goes with them) now and republish."""
        if self._has_work():
            self._update_views(force=True)
            self._publish(None)

    def _cmd_uncertainty(self, on: bool) -> None:
        """Compute the MC-dropout band (with the boundaries) while ``on``."""
        self.want_uncertainty = bool(on)
        self._cmd_refresh()

    # ------------------------------------------------------------ training
    def chunk_size(self) -> int:
        """Steps in the next chunk (:meth:`Pacing.chunk_size`)."""
        return self.pacing.chunk_size(self._steps_per_epoch())

    def _train(self, n: int, paced: bool = False) -> None:
        """Run one chunk of ``n`` steps, measure it, schedule the next one, publish when due."""
        t0 = time.perf_counter()
        snap = self._run_chunk(int(n))
        self.pacing.measured(n, time.perf_counter() - t0)
        if paced:
            self.pacing.ran(t0, n, self._steps_per_epoch())
        self.chunks_run += 1
        self.steps_run += int(n)
        self._after_chunk(snap, t0)

    def _after_chunk(self, snap: Any, t0: float) -> None:
        now = time.perf_counter()
        self._last_snap = snap
        self._rate.append((now, self._step_of(snap)))
        self._rate = [(t, s) for t, s in self._rate if now - t < 2.0] or self._rate[-1:]
        self._record(snap)
        if not self.playing and not self._commands.empty():
            self._dirty = True  # more commands (steps) queued: publish after them
        elif not self.playing:
            self._update_views(force=True)  # training stopped: show the final state
            self._publish(snap)
        elif now - self._last_publish + 0.5 * (now - t0) >= PUBLISH_EVERY_S:
            # due now, or closer to due than it would be after the next chunk
            self._update_views()
            self._publish(snap)
        else:
            self._dirty = True  # published when due, or when training stops

    def steps_per_second(self) -> float:
        """Steps a second over the last two seconds."""
        rate = self._rate
        if len(rate) < 2 or rate[-1][0] <= rate[0][0]:
            return 0.0
        return (rate[-1][1] - rate[0][1]) / (rate[-1][0] - rate[0][0])

    def _update_views(self, force: bool = False) -> None:
        """Recompute the boundaries when due; they take at most about a fifth of the time."""
        now = time.perf_counter()
        if not force and now - self._last_views_t < self._views_wait:
            return
        self._compute_views()
        done = time.perf_counter()
        self._views_wait = max(self._boundary_every_s, 4.0 * (done - now))
        self._last_views_t = done

    def _publish(self, snap: Any) -> None:
        """Publish the frame of ``snap`` (None: of the newest snapshot) in the UI's slot."""
        if snap is not None:
            self._last_snap = snap
        self._dirty = False
        self._last_publish = time.perf_counter()
        self._serial += 1
        frame = self._frame(self._serial)
        if self.ui_sync and self.playing:
            self.frame_taken.clear()  # before the UI can see the frame and set it
        with self._lock:
            self._latest = frame

    def _extra(self) -> dict:
        """What every frame carries besides the snapshots."""
        return {"steps_per_s": self.steps_per_second(), "playing": self.playing,
                "device": self.device, "play_seq": self.play_seq}

    def _clear_frame(self) -> None:
        """No frame until the next publish (a reset)."""
        with self._lock:
            self._latest = None
