"""One worker thread driving every run of a comparison in lockstep.

Each chunk runs *every* live session by the same ``k`` steps, so the runs are always at the same
step (a run that stopped early — finished, early-stopped or diverged — simply stays where it is).
All runs are built from their designs with the same factory as the main window; run 0's initial
weights are copied into the others where the layers match (see :mod:`.weights`). The loop, its
pacing, error and divergence reports and the run commands are the training worker's
(:class:`playground.command_loop.CommandLoop`); the UI reads the newest :class:`CompareFrame`
on its timer. The runs of a chunk (and their boundaries) run in parallel on a
:class:`engine.lockstep.Lockstep` pool (CPU sessions; a CUDA comparison steps them in turn); their
outcomes are handled here, in run order, as a sequential loop would.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject

from engine.errors import Diverged
from engine.lockstep import Lockstep
from playground.boundary import boundary_for, confusion_for
from playground.classroom.weights import share_initial_weights
from playground.command_loop import CommandLoop, diverged_info
from playground.dashboards.uncertainty import uncertainty_for
from playground.history import Frame, History
from playground.session_api import Session, SessionFactory
from playground.threads import ThreadController

CHUNK_TARGET_S = 0.04  # one chunk runs every run: a little longer than the main window's
TOGGLE_LABELS = {"batch_norm": "BN", "dropout": "dropout"}
SEQUENTIAL = Lockstep(1)  # device sessions (CUDA) are stepped in turn


@dataclass(frozen=True)
class CompareFrame:
    """What one redraw of a comparison needs: one :class:`Frame` per run, in run order."""

    runs: tuple[Frame, ...]
    labels: tuple[str, ...]
    stopped: tuple[str | None, ...]
    serial: int = 0
    extra: dict = field(default_factory=dict)


class CompareWorker(CommandLoop):
    """Owns the sessions of a comparison; talk to it only through :meth:`post`/:meth:`latest`.
    Its ``diverged`` info also names the run (``run``, ``label``)."""

    def __init__(self, factory: SessionFactory, boundary_every_s: float = 0.3):
        super().__init__(boundary_every_s, CHUNK_TARGET_S)
        self._factory = factory
        self.sessions: list[Session] = []
        self.designs: list[dict] = []
        self.labels: list[str] = []
        self.base_dirs: list[str | None] = []
        self.histories: list[History] = []
        self.markers: list[list[tuple[int, str]]] = []
        self.stopped: list[str | None] = []
        self.steps: list[int] = []
        self.shared: list[list[str]] = []
        self.share_weights = True
        self.want_confusion = False
        self._views: list[tuple[Any, Any, Any]] = []  # (boundary, confusion, band) per run
        self.start: dict | None = None  # the kept state every run starts from (None: step 0)
        self._last_snap: list[Any] = []
        self.lockstep = Lockstep()

    def __repr__(self) -> str:
        return f"CompareWorker(runs={len(self.sessions)}, playing={self.playing})"

    def _map(self, fn: Any, sessions: list[Session]) -> list[Any]:
        """``fn`` of every session (result or exception), in parallel on CPU."""
        return (self.lockstep if self.device == "cpu" else SEQUENTIAL).map(fn, sessions)

    # ------------------------------------------------------------ the loop's hooks
    def _has_work(self) -> bool:
        return bool(self.sessions)

    def _why_not_trainable(self) -> str | None:
        if not self.sessions:
            return "nothing to train: fix the design problem first"
        if all(s is not None for s in self.stopped):
            return "every run has stopped: Reset to train again"
        return None

    def _run_chunk(self, n: int) -> list[Any]:
        """Every live session ``n`` steps; a run that stopped keeps its last snapshot."""
        snaps = list(self._last_snap)
        live = [r for r in range(len(self.sessions)) if self.stopped[r] is None]
        outcomes = self._map(lambda s: s.run(n), [self.sessions[r] for r in live])
        errors = [out for out in outcomes
                  if isinstance(out, BaseException) and not isinstance(out, Diverged)]
        for r, out in zip(live, outcomes):
            if isinstance(out, Diverged):
                self._stop_run(r, "diverged", out.step, diverged_info(out))
                continue
            if isinstance(out, BaseException):
                continue
            snaps[r] = out
            self.histories[r].add(snaps[r])
            self.steps[r] = int(snaps[r].step)
            status = snaps[r].status
            if status == "diverged":
                self._stop_run(r, status, snaps[r].step, diverged_info(snaps[r]))
            elif status != "running" or self.sessions[r].finished:
                self._stop_run(r, status if status != "running" else "finished", snaps[r].step)
        if errors:  # after the other runs' outcomes are recorded, as the loop reports it
            raise errors[0]
        return snaps

    def _record(self, snaps: list[Any]) -> None:
        if all(s is not None for s in self.stopped):
            self.playing = False

    def _steps_per_epoch(self) -> int | None:
        """Run 0's (the reference run's): auto speed paces to its epochs."""
        return getattr(self._last_snap[0], "steps_per_epoch", None) if self._last_snap else None

    def _step_of(self, snaps: list[Any]) -> int:
        return max(self.steps, default=0)

    def _reset(self, seed: int | None) -> None:
        """Every run back to its start: step 0, or the kept state the comparison started from."""
        for s in self.sessions:
            s.reset(seed=seed)
        if self.start is not None:
            self._start_from(self.start)
        self._fresh_start()

    def _compute_views(self) -> None:
        confusion, uncertainty = self.want_confusion, self.want_uncertainty
        views = self._map(lambda s: (boundary_for(s), confusion_for(s) if confusion else None,
                                     uncertainty_for(s) if uncertainty else None), self.sessions)
        for v in views:
            if isinstance(v, BaseException):
                raise v
        self._views = views

    def _frame(self, serial: int) -> CompareFrame:
        frames = []
        for r, snap in enumerate(self._last_snap):
            bnd, cm, band = self._views[r] if r < len(self._views) else (None, None, None)
            frames.append(Frame(snapshot=snap, history=self.histories[r].arrays(),
                                markers=tuple(self.markers[r]), boundary=bnd, confusion=cm,
                                extra={"uncertainty": band} if band is not None else {}))
        extra = self._extra()
        extra["shared"] = tuple(tuple(s) for s in self.shared)
        return CompareFrame(runs=tuple(frames), labels=tuple(self.labels),
                            stopped=tuple(self.stopped), serial=serial, extra=extra)

    def _stop_run(self, r: int, why: str, step: int, diverged: dict | None = None) -> None:
        self.stopped[r] = why
        self.markers[r].append((int(step), why))
        self.status.emit(f"{self.labels[r]}: {why} at step {int(step)}")
        if diverged is not None:
            self.diverged.emit({**diverged, "run": r, "label": self.labels[r]})

    # ------------------------------------------------------------ commands
    def _cmd_build(self, designs: list[dict], labels: list[str], base_dirs: list[str | None],
                   device: str = "cpu", share_weights: bool = True,
                   start: dict | None = None) -> None:
        """Build every run; ``start`` (a kept state of the main window's run, ``state_dict``
        form): every run starts from it, each with its own design's settings."""
        self.playing = False
        self.sessions = []
        self.designs = [copy.deepcopy(d) for d in designs]
        self.labels, self.base_dirs = list(labels), list(base_dirs)
        self.device, self.share_weights = device, share_weights
        self.status.emit(f"building {len(designs)} runs…")
        self.sessions = [self._factory(copy.deepcopy(d), b, device)
                         for d, b in zip(self.designs, self.base_dirs)]
        self.start = start
        if start is not None:
            self.share_weights = False  # every run has the kept point's weights already
            self._start_from(start)
        self._fresh_start()
        self.status.emit("ready")

    def _start_from(self, state: dict) -> None:
        """Every session from ``state`` with its own settings; BadInput naming the run that
        cannot (its layers or optimiser differ), after which every run starts from step 0."""
        from engine.errors import BadInput
        from engine.rewind import with_settings_of
        for label, session in zip(self.labels, self.sessions):
            try:
                session.load_state_dict(with_settings_of(session, state))
            except BadInput as err:
                self.start = None
                for s in self.sessions:
                    s.reset()
                self._fresh_start()
                raise BadInput(QCoreApplication.translate(
                    "CompareWorker", "{0} cannot start from this point ({1}); every run starts "
                    "from step 0").format(label, err), "A/B") from err

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
        snaps = [s.snapshot() for s in self.sessions]
        self.steps = [int(s.step) for s in snaps]
        for hist, snap in zip(self.histories, snaps):
            hist.add(snap)
        self._update_views(force=True)
        self._publish(snaps)

    def _cmd_confusion(self, on: bool) -> None:
        """Also compute each run's confusion matrix (with the boundaries)."""
        self.want_confusion = bool(on)
        self._cmd_refresh()

    def _cmd_toggle(self, layer_type: str, key: str = "enabled") -> None:
        """Flip ``key`` of every layer of ``layer_type`` in every run (all to the same value:
        off when any is on)."""
        found = [(r, cfg) for r, d in enumerate(self.designs)
                 for cfg in d["model"]["layers"] if cfg.get("type") == layer_type]
        if not found:
            self.status.emit(f"no {layer_type} layers to toggle")
            return
        value = not any(cfg.get(key, True) for _, cfg in found)
        for r, cfg in found:
            self.sessions[r].set_layer_option(cfg["id"], **{key: value})
            cfg[key] = value
        label = f"{TOGGLE_LABELS.get(layer_type, layer_type)} {'on' if value else 'off'}"
        for r in sorted({r for r, _ in found}):
            self.markers[r].append((self.steps[r], label))
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
        if self.start is not None:
            self._start_from(self.start)
        self._fresh_start()


class CompareController(ThreadController):
    """UI-side owner of the comparison's worker thread."""

    thread_name = "compare-worker"

    def __init__(self, factory: SessionFactory, parent: QObject | None = None):
        super().__init__(CompareWorker(factory), parent)

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop the worker's loop and thread, then its lockstep pool's threads."""
        ended = super().shutdown(timeout_ms)
        if ended:
            self.worker.lockstep.close()
        return ended
