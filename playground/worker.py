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
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from playground.boundary import boundary_for, confusion_for
from playground.history import Frame, History

SessionFactory = Callable[[dict, "str | None", str], Any]
CHUNK_TARGET_S = 0.025
PUBLISH_EVERY_S = 0.03
NO_SESSION_COMMANDS = ("build", "noop", "speed", "pause", "play", "refresh", "step", "epoch",
                       "reset")
LAYER_OPTION_KEYS = ("enabled", "renorm", "rate", "trainable", "l1", "l2", "max_norm", "momentum",
                     "epsilon", "renorm_momentum", "rmax", "dmax", "stddev", "alpha", "lower",
                     "upper")


class TrainingWorker(QObject):
    """Runs in its own thread; talk to it only through :meth:`post` and :meth:`latest`."""

    error = Signal(str)
    diverged = Signal(dict)
    built = Signal(dict)
    status = Signal(str)

    def __init__(self, factory: SessionFactory, boundary_every_s: float = 0.25):
        super().__init__()
        self._factory = factory
        self._commands: "queue.Queue[tuple[str, dict]]" = queue.Queue()
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._serial = 0
        self._stop = False
        self.session: Any = None
        self.playing = False
        self.steps_per_chunk = 0  # 0: auto, chunks sized to take about CHUNK_TARGET_S
        self.auto_chunk = 8
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
        self._rate: list[tuple[float, int]] = []
        self.device = "cpu"
        self._last_snap: Any = None
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
        while not self._stop:
            try:
                self._drain(block=not (self.playing and self.session is not None))
                if self._dirty and not self.playing:
                    self._update_boundary(force=True)
                    self._publish(None)
                if self._stop:
                    break
                if self.playing and self.session is not None:
                    if self.ui_sync:
                        self.frame_taken.wait(0.25)
                    self._train(self.chunk_size())
            except Exception as err:  # noqa: BLE001 - reported, never fatal
                self.playing = False
                self._report(err)

    def _drain(self, block: bool) -> None:
        try:
            name, kw = self._commands.get(timeout=0.05) if block else self._commands.get_nowait()
        except queue.Empty:
            return
        while True:
            try:
                self._apply(name, kw)
            except Exception as err:  # noqa: BLE001
                self.playing = False
                self._report(err)
            try:
                name, kw = self._commands.get_nowait()
            except queue.Empty:
                return

    def _report(self, err: BaseException) -> None:
        from engine.errors import BadInput, Diverged
        if isinstance(err, Diverged):
            self.diverged.emit({"step": err.step, "layer_index": err.layer_index,
                                "layer_id": err.layer_id, "what": err.what})
            return
        if isinstance(err, BadInput):
            self.error.emit(str(err))
        else:
            self.error.emit(f"{type(err).__name__}: {err}\n\n{traceback.format_exc(limit=6)}")

    def _apply(self, name: str, kw: dict) -> None:
        handler = getattr(self, f"_cmd_{name}", None)
        if handler is None:
            raise ValueError(f"unknown worker command {name!r}")
        if self.session is None and name not in NO_SESSION_COMMANDS:
            from engine.errors import BadInput
            raise BadInput("there is no trained model yet: fix the design problem reported "
                           f"before ({name} ignored)")
        handler(**kw)

    def _mark(self, label: str) -> None:
        step = self._current_step()
        self.markers.append((step, label))
        self._publish(None)

    def _current_step(self) -> int:
        return int(self._last_snap.step) if self._last_snap is not None else 0

    # ------------------------------------------------------------ commands
    def _cmd_noop(self) -> None:
        pass

    def _cmd_build(self, design: dict, base_dir: str | None = None, device: str = "cpu") -> None:
        self.playing = False
        self.session = None
        self.device = device
        self.history.clear()
        self.markers.clear()
        self._boundary = self._confusion = None
        self._last_snap = None
        with self._lock:
            self._frame = None
        self.status.emit("building…")
        self.session = self._factory(design, base_dir, device)
        self._update_boundary(force=True)
        self._publish(self._initial_snapshot())
        self.built.emit({"device": device})
        self.status.emit("ready")

    def _cmd_refresh(self) -> None:
        """Recompute the boundary and confusion matrix now and republish."""
        if self.session is not None:
            self._update_boundary(force=True)
            self._publish(None)

    def _initial_snapshot(self) -> Any:
        """The session's current snapshot without training (None if it offers none)."""
        snap_fn = getattr(self.session, "snapshot", None)
        return snap_fn() if callable(snap_fn) else None

    def _cmd_play(self) -> None:
        self.playing = self.session is not None and not self.session.finished

    def _cmd_pause(self) -> None:
        self.playing = False

    def _cmd_step(self, n: int = 1) -> None:
        self.playing = False
        if self.session is not None:
            self._train(n)

    def _cmd_epoch(self) -> None:
        self.playing = False
        if self.session is not None:
            t0 = time.perf_counter()
            snap = self.session.run_epoch()
            self._after_chunk(snap, t0)

    def _cmd_reset(self, seed: int | None = None) -> None:
        self.playing = False
        if self.session is not None:
            self.session.reset(seed=seed)
            self.history.clear()
            self.markers.clear()
            self._last_snap = None
            with self._lock:
                self._frame = None
            self._update_boundary(force=True)
            self._publish(self._initial_snapshot())

    def _cmd_speed(self, steps: int) -> None:
        self.steps_per_chunk = max(0, int(steps))

    def _cmd_layer_option(self, layer_id: str, label: str = "", **options: Any) -> None:
        opts = {k: v for k, v in options.items() if k in LAYER_OPTION_KEYS}
        self.session.set_layer_option(layer_id, **opts)
        text = ", ".join(f"{k}={v}" for k, v in opts.items())
        self._mark(label or f"{layer_id}: {text}")

    def _cmd_lr(self, value: float) -> None:
        self.session.set_learning_rate(float(value))
        self._mark(f"lr={value:g}")

    def _cmd_optimizer(self, config: dict) -> None:
        self.session.set_optimizer(config)
        self._mark(f"optimizer={config.get('type')}")

    def _cmd_schedule(self, config: dict) -> None:
        self.session.set_schedule(config)
        self._mark(f"schedule={config.get('type')}")

    def _cmd_batch_size(self, value: Any) -> None:
        self.session.set_batch_size(value)
        self._mark(f"batch={value}")

    def _cmd_apply_model(self, layers: list, label: str = "model edited") -> None:
        self.session.apply_model(layers)
        self._update_boundary(force=True)
        snap = self._initial_snapshot()
        if snap is not None:
            self.history.add(snap)
        self._publish(snap)
        self._mark(label)

    # ------------------------------------------------------------ training
    def chunk_size(self) -> int:
        """Steps in the next chunk: the user's steps per frame, or the adaptive size (auto)."""
        return self.steps_per_chunk if self.steps_per_chunk > 0 else self.auto_chunk

    def _train(self, n: int) -> None:
        t0 = time.perf_counter()
        snap = self.session.run(int(n))
        dt = time.perf_counter() - t0
        if self.steps_per_chunk == 0 and n == self.auto_chunk and dt > 0:
            want = n * CHUNK_TARGET_S / dt
            self.auto_chunk = int(min(max(0.5 * n + 0.5 * want, 1), 2 * n + 1, 100_000))
        self.chunks_run += 1
        self.steps_run += int(n)
        self._after_chunk(snap, t0)

    def _after_chunk(self, snap: Any, t0: float) -> None:
        now = time.perf_counter()
        self._last_snap = snap
        self._rate.append((now, int(snap.step)))
        self._rate = [(t, s) for t, s in self._rate if now - t < 2.0] or self._rate[-1:]
        self.history.add(snap)
        if getattr(snap, "status", "running") == "diverged":
            self.playing = False
            self.diverged.emit(dict(getattr(snap, "diverged_at", None) or {"step": snap.step}))
        elif self.playing and getattr(self.session, "finished", False):
            self.playing = False
            self.status.emit(f"stopped: {getattr(snap, 'status', 'finished')}")
        if not self.playing or now - self._last_publish >= PUBLISH_EVERY_S:
            self._update_boundary()
            self._publish(snap)
        else:
            self._dirty = True  # published when due, or when training stops
        del t0

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

    def _publish(self, snap: Any) -> None:
        if snap is None:
            snap = self._last_snap
        self._last_snap = snap
        self._dirty = False
        self._last_publish = time.perf_counter()
        self._serial += 1
        frame = Frame(snapshot=snap, history=self.history.arrays(), markers=tuple(self.markers),
                      boundary=self._boundary, confusion=self._confusion, serial=self._serial,
                      extra={"steps_per_s": self.steps_per_second(), "playing": self.playing,
                             "device": self.device})
        with self._lock:
            self._frame = frame
        if self.ui_sync and self.playing:
            self.frame_taken.clear()


class TrainingController(QObject):
    """UI-side owner of the worker thread."""

    def __init__(self, factory: SessionFactory, parent: QObject | None = None):
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("training-worker")
        self.worker = TrainingWorker(factory)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.loop)
        self.thread.start()

    def __repr__(self) -> str:
        return f"TrainingController({self.worker!r})"

    def post(self, name: str, **kwargs: Any) -> None:
        self.worker.post(name, **kwargs)

    def latest(self) -> Frame | None:
        return self.worker.latest()

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Stop the loop and join the thread (idempotent)."""
        if self.thread.isRunning():
            self.worker.request_stop()
            self.thread.quit()
            self.thread.wait(timeout_ms)
