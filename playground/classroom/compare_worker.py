"""One worker thread driving every run of a comparison in lockstep.

Each chunk runs *every* live session by the same ``k`` steps, so the runs are always at the same
step (a run that stopped early — finished, early-stopped or diverged — simply stays where it is).
All runs are built from their designs with the same factory as the main window; run 0's initial
weights are copied into the others where the layers match (see :mod:`.weights`). The UI reads the
newest :class:`CompareFrame` on its timer; older frames are overwritten.
"""
from __future__ import annotations

import copy
import queue
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, Signal, Slot

from playground.boundary import boundary_for, confusion_for
from playground.dashboards.uncertainty import uncertainty_for
from playground.classroom.weights import share_initial_weights
from playground.history import Frame, History
from playground.threads import ThreadController

SessionFactory = Callable[[dict, "str | None", str], Any]
CHUNK_TARGET_S = 0.04
TOGGLE_LABELS = {"batch_norm": "BN", "dropout": "dropout"}


@dataclass(frozen=True)
class CompareFrame:
    """What one redraw of a comparison needs: one :class:`Frame` per run, in run order."""

    runs: tuple[Frame, ...]
    labels: tuple[str, ...]
    stopped: tuple[str | None, ...]
    serial: int = 0
    extra: dict = field(default_factory=dict)


class CompareWorker(QObject):
    """Owns the sessions of a comparison; talk to it only through :meth:`post`/:meth:`latest`."""

    error = Signal(str)
    status = Signal(str)

    def __init__(self, factory: SessionFactory, boundary_every_s: float = 0.3):
        super().__init__()
        self._factory = factory
        self._commands: "queue.Queue[tuple[str, dict]]" = queue.Queue()
        self._lock = threading.Lock()
        self._frame: CompareFrame | None = None
        self._serial = 0
        self._stop = False
        self.sessions: list[Any] = []
        self.designs: list[dict] = []
        self.labels: list[str] = []
        self.base_dirs: list[str | None] = []
        self.histories: list[History] = []
        self.markers: list[list[tuple[int, str]]] = []
        self.stopped: list[str | None] = []
        self.steps: list[int] = []
        self.shared: list[list[str]] = []
        self.share_weights = True
        self.playing = False
        self.steps_per_chunk = 0  # 0: adaptive
        self.per_second: float | None = None  # watch speeds: steps a second
        self._next_t = 0.0
        self.auto_chunk = 4
        self.device = "cpu"
        self._boundaries: list[Any] = []
        self._confusions: list[Any] = []
        self.want_confusion = False
        self._uncertainties: list[Any] = []
        self.want_uncertainty = False
        self._boundary_every_s = boundary_every_s
        self._last_boundary_t = 0.0
        self._boundary_wait = boundary_every_s
        self._rate: list[tuple[float, int]] = []
        self.ui_idle = threading.Event()
        self.ui_idle.set()

    def __repr__(self) -> str:
        return f"CompareWorker(runs={len(self.sessions)}, playing={self.playing})"

    # ------------------------------------------------------------ thread-safe API
    def post(self, name: str, **kwargs: Any) -> None:
        """Queue a command (applied by the worker thread before its next chunk)."""
        self._commands.put((name, kwargs))

    def latest(self) -> CompareFrame | None:
        with self._lock:
            return self._frame

    def request_stop(self) -> None:
        self._stop = True
        self._commands.put(("noop", {}))

    # ------------------------------------------------------------ loop
    @Slot()
    def loop(self) -> None:
        """The worker thread's main loop."""
        while not self._stop:
            try:
                wait = max(0.0, self._next_t - time.perf_counter()) if self.per_second else 0.0
                self._drain(block=not (self.playing and self.sessions), timeout=wait)
                if self.playing and self.sessions and not self._stop:
                    if self.per_second and time.perf_counter() < self._next_t:
                        continue  # a watch speed: the next step is not due yet
                    self.ui_idle.wait(0.1)
                    t0 = time.perf_counter()
                    self._train(self.chunk_size())
                    if self.per_second:
                        self._next_t = max(self._next_t, t0 - 0.1) + 1.0 / self.per_second
            except Exception as err:  # noqa: BLE001 - reported, never fatal
                self.playing = False
                self._report(err)

    def _drain(self, block: bool, timeout: float = 0.0) -> None:
        try:
            item = self._commands.get(timeout=0.05 if block else timeout) \
                if block or timeout > 0 else self._commands.get_nowait()
        except queue.Empty:
            return
        while item is not None and not self._stop:
            name, kw = item
            try:
                getattr(self, f"_cmd_{name}")(**kw)
            except Exception as err:  # noqa: BLE001
                self.playing = False
                self._report(err)
            try:
                item = self._commands.get_nowait()
            except queue.Empty:
                item = None

    def _report(self, err: BaseException) -> None:
        from engine.errors import BadInput
        text = str(err) if isinstance(err, BadInput) else \
            f"{type(err).__name__}: {err}\n\n{traceback.format_exc(limit=6)}"
        self.error.emit(text)

    # ------------------------------------------------------------ commands
    def _cmd_noop(self) -> None:
        pass

    def _cmd_build(self, designs: list[dict], labels: list[str], base_dirs: list[str | None],
                   device: str = "cpu", share_weights: bool = True) -> None:
        self.playing = False
        self.sessions = []
        self.designs = [copy.deepcopy(d) for d in designs]
        self.labels, self.base_dirs = list(labels), list(base_dirs)
        self.device, self.share_weights = device, share_weights
        self.status.emit(f"building {len(designs)} runs…")
        self.sessions = [self._factory(copy.deepcopy(d), b, device)
                         for d, b in zip(self.designs, self.base_dirs)]
        self._fresh_start()
        self.status.emit("ready")

    def _fresh_start(self) -> None:
        """Share initial weights, clear the histories and publish the untrained state."""
        n = len(self.sessions)
        self.shared = [[] for _ in range(n)]
        if self.share_weights:
            for j in range(1, n):
                self.shared[j] = share_initial_weights(self.sessions[0], self.designs[0],
                                                       self.sessions[j], self.designs[j])
        self.histories = [History() for _ in range(n)]
        self.markers = [[] for _ in range(n)]
        self.stopped = [None] * n
        self._rate = []
        snaps = [self._snapshot(s) for s in self.sessions]
        self.steps = [int(getattr(s, "step", 0) or 0) if s is not None else 0 for s in snaps]
        for hist, snap in zip(self.histories, snaps):
            if snap is not None:
                hist.add(snap)
        self._update_boundaries(force=True)
        self._publish(snaps, keep_old=False)

    @staticmethod
    def _snapshot(session: Any) -> Any:
        fn = getattr(session, "snapshot", None)
        return fn() if callable(fn) else None

    def _cmd_play(self) -> None:
        self.playing = bool(self.sessions) and any(s is None for s in self.stopped)

    def _cmd_pause(self) -> None:
        self.playing = False

    def _cmd_step(self, n: int = 1) -> None:
        self.playing = False
        if self.sessions:
            self._train(int(n))

    def _cmd_reset(self) -> None:
        self.playing = False
        for s in self.sessions:
            s.reset()
        self._fresh_start()

    def _cmd_confusion(self, on: bool) -> None:
        """Also compute each run's confusion matrix (with the boundaries)."""
        self.want_confusion = bool(on)

    def _cmd_uncertainty(self, on: bool) -> None:
        """Also compute each run's MC-dropout band (1-D regression; with the boundaries)."""
        self.want_uncertainty = bool(on)

    def _cmd_speed(self, steps: int, per_second: float | None = None) -> None:
        """``steps`` per chunk (0: adaptive, -1 counts as adaptive); ``per_second``: one step
        at a time, that many a second."""
        self.per_second = float(per_second) if per_second else None
        self.steps_per_chunk = 1 if self.per_second else max(0, int(steps))
        self._next_t = 0.0

    def _cmd_toggle(self, layer_type: str, key: str = "enabled") -> None:
        """Flip ``key`` of every layer of ``layer_type`` in every run (all to the same value:
        off when any is on)."""
        found = [(r, i, cfg) for r, d in enumerate(self.designs)
                 for i, cfg in enumerate(d["model"]["layers"]) if cfg.get("type") == layer_type]
        if not found:
            self.status.emit(f"no {layer_type} layers to toggle")
            return
        value = not any(cfg.get(key, True) for _, _, cfg in found)
        for r, _, cfg in found:
            self.sessions[r].set_layer_option(cfg["id"], **{key: value})
            cfg[key] = value
        name = TOGGLE_LABELS.get(layer_type, layer_type)
        label = f"{name} {'on' if value else 'off'}"
        for r in sorted({r for r, _, _ in found}):
            self.markers[r].append((self._step_of(r), label))
        self.status.emit(label)
        self._publish(None)

    def _cmd_replace_run(self, index: int, design: dict, label: str | None = None) -> None:
        """Rebuild run ``index`` from ``design`` and restart every run from step 0."""
        self.playing = False
        self.sessions[index] = self._factory(copy.deepcopy(design), self.base_dirs[index],
                                             self.device)
        self.designs[index] = copy.deepcopy(design)
        if label:
            self.labels[index] = label
        for j, s in enumerate(self.sessions):
            if j != index:
                s.reset()
        self._fresh_start()

    # ------------------------------------------------------------ training
    def chunk_size(self) -> int:
        return self.steps_per_chunk if self.steps_per_chunk > 0 else self.auto_chunk

    def _step_of(self, r: int) -> int:
        return self.steps[r] if r < len(self.steps) else 0

    def _train(self, n: int) -> None:
        """Run every live session ``n`` steps (lockstep), then publish one frame."""
        from engine.errors import Diverged
        t0 = time.perf_counter()
        snaps: list[Any] = [None] * len(self.sessions)
        for r, session in enumerate(self.sessions):
            if self.stopped[r] is not None:
                continue
            try:
                snaps[r] = session.run(n)
            except Diverged as err:
                self._stop_run(r, "diverged", int(getattr(err, "step", 0) or 0))
                continue
            self.histories[r].add(snaps[r])
            self.steps[r] = int(snaps[r].step)
            status = getattr(snaps[r], "status", "running")
            if status != "running" or getattr(session, "finished", False):
                self._stop_run(r, status if status != "running" else "finished",
                               int(snaps[r].step))
        dt = time.perf_counter() - t0
        if self.steps_per_chunk == 0 and n == self.auto_chunk and dt > 0:
            want = n * CHUNK_TARGET_S / dt
            self.auto_chunk = int(min(max(0.5 * n + 0.5 * want, 1), 2 * n + 1, 50_000))
        if all(s is not None for s in self.stopped):
            self.playing = False
        now = time.perf_counter()
        self._rate = [(t, s) for t, s in self._rate if now - t < 2.0] + \
            [(now, max(self._step_of(r) for r in range(len(self.sessions))))]
        self._update_boundaries()
        self._publish(snaps)

    def _stop_run(self, r: int, why: str, step: int) -> None:
        self.stopped[r] = why
        self.markers[r].append((step, why))
        self.status.emit(f"{self.labels[r]}: {why} at step {step}")

    def steps_per_second(self) -> float:
        rate = self._rate
        if len(rate) < 2 or rate[-1][0] <= rate[0][0]:
            return 0.0
        return (rate[-1][1] - rate[0][1]) / (rate[-1][0] - rate[0][0])

    def _update_boundaries(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last_boundary_t < self._boundary_wait:
            return
        self._boundaries = [boundary_for(s) for s in self.sessions]
        self._confusions = [confusion_for(s) if self.want_confusion else None
                            for s in self.sessions]
        self._uncertainties = [uncertainty_for(s) if self.want_uncertainty else None
                               for s in self.sessions]
        done = time.perf_counter()
        # keep the boundaries under about a fifth of the worker's time
        self._boundary_wait = max(self._boundary_every_s, 4.0 * (done - now))
        self._last_boundary_t = done

    def _publish(self, snaps: list[Any] | None, keep_old: bool = True) -> None:
        old = self._frame if keep_old else None
        frames = []
        for r in range(len(self.sessions)):
            snap = snaps[r] if snaps is not None and r < len(snaps) else None
            if snap is None and old is not None and r < len(old.runs):
                snap = old.runs[r].snapshot
            bnd = self._boundaries[r] if r < len(self._boundaries) else None
            cm = self._confusions[r] if r < len(self._confusions) else None
            unc = self._uncertainties[r] if r < len(self._uncertainties) else None
            frames.append(Frame(snapshot=snap, history=self.histories[r].arrays(),
                                markers=tuple(self.markers[r]), boundary=bnd, confusion=cm,
                                extra={"uncertainty": unc} if unc is not None else {}))
        self._serial += 1
        frame = CompareFrame(runs=tuple(frames), labels=tuple(self.labels),
                             stopped=tuple(self.stopped), serial=self._serial,
                             extra={"playing": self.playing,
                                    "steps_per_s": self.steps_per_second(),
                                    "shared": tuple(tuple(s) for s in self.shared)})
        with self._lock:
            self._frame = frame


class CompareController(ThreadController):
    """UI-side owner of the comparison's worker thread."""

    thread_name = "compare-worker"

    def __init__(self, factory: SessionFactory, parent: QObject | None = None):
        super().__init__(CompareWorker(factory), parent)
