"""The engine rows: the one training code path (``build_session`` + ``TrainingSession.run``).

Nothing here is a benchmark-only kernel: the session is built from the design file exactly as the app
and ``playground-train`` build it, and timed through ``session.run(n)``.
"""
from __future__ import annotations

import time
from pathlib import Path

#: Monitor cadence used for the plain "engine" rows: never within a timed call.
MONITORS_OFF = 0


def available(probe: Path | None = None) -> tuple[bool, str]:
    """Whether the engine builds a session from the design file ``probe`` (default B) and steps it.

    Returns (ok, why not).
    """
    probe = probe or Path(__file__).resolve().parent / "designs" / "B.json"
    try:
        from engine.build import build_session
        from engine.design import load_design

        build_session(load_design(probe), base_dir=probe.parent).step()
    except Exception as err:  # noqa: BLE001 - any failure means "engine unavailable", with the reason
        return False, f"{type(err).__name__}: {err}"
    return True, ""


class EngineRunner:
    """A ``TrainingSession`` built from a design dict; ``run(n)`` trains n steps.

    ``monitor_every``: the session's monitor cadence (1: gradient figures of every step, and a
    monitor-batch pass at the end of each ``run`` call). ``pass_every``: the session's in-loop
    monitor-batch pass cadence (1 with ``monitor_every=1``: every monitor at every step inside the
    compiled loop, workload F). ``per_step``: drive the session with one ``step()`` per step, so that
    every monitor is computed and delivered in a snapshot at every step (F's old way, row "engine/step").
    ``compile_s``: seconds from building the session to the end of its first step (compiling, or
    loading numba's cache, plus allocation) in this process.
    """

    def __init__(self, design: dict, base_dir: Path, monitor_every: int = MONITORS_OFF,
                 per_step: bool = False, pass_every: int = 0):
        t0 = time.perf_counter()
        self.design, self.base_dir, self.monitor_every = design, Path(base_dir), monitor_every
        self.per_step, self.pass_every = per_step, pass_every
        self.session = self._build()
        self.session.step()
        self.compile_s = time.perf_counter() - t0
        self.last = None

    def _build(self):
        from engine.build import build_session
        from engine.design import Design

        session = build_session(Design.from_dict(self.design), base_dir=self.base_dir)
        session.set_monitor_every(self.monitor_every)
        session.set_monitor_pass_every(self.pass_every)
        return session

    def reset(self) -> None:
        """Back to the initial weights and step 0 (``session.reset()``)."""
        self.session.reset()
        self.session.set_monitor_every(self.monitor_every)
        self.session.set_monitor_pass_every(self.pass_every)

    def run(self, n: int):
        """Train ``n`` steps in one ``session.run`` call; rebuilds nothing."""
        if self.session.finished:
            raise RuntimeError("benchmark session finished; raise training.epochs in the design")
        if self.per_step:
            for _ in range(n):
                self.last = self.session.step()
        else:
            self.last = self.session.run(n)
        if self.last.status == "diverged":
            raise RuntimeError(f"engine diverged at {self.last.diverged_at}")
        return self.last

    def __repr__(self) -> str:
        return f"EngineRunner({self.session!r}, compile_s={self.compile_s:.3f})"


class LockstepRunner:
    """Workload G: ``runs`` sessions of one design trained in lockstep, in parallel on an
    ``engine.lockstep.Lockstep`` pool (what a comparison does); ``run(n)`` steps each run ``n``
    steps (the caller multiplies the rate by ``runs``). ``threads``: the pool's size (default: the
    cores this process may use)."""

    def __init__(self, design: dict, base_dir: Path, runs: int, threads: int | None = None):
        from engine.lockstep import Lockstep

        t0 = time.perf_counter()
        self.runners = [EngineRunner(design, base_dir) for _ in range(int(runs))]
        self.lockstep = Lockstep(threads)
        self.compile_s = time.perf_counter() - t0
        self.last = None

    def reset(self) -> None:
        for r in self.runners:
            r.reset()

    def run(self, n: int):
        """Every run ``n`` steps, in parallel; the last run's snapshot."""
        outs = self.lockstep.map(lambda r: r.run(n), self.runners)
        for out in outs:
            if isinstance(out, BaseException):
                raise out
        self.last = outs[-1]
        return self.last

    def __repr__(self) -> str:
        return f"LockstepRunner(runs={len(self.runners)}, {self.lockstep!r})"
