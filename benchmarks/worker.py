"""Each implementation is timed in its own process.

PyTorch's OpenMP threads spin for a while after every parallel region and numpy's/numba's BLAS
threads do the same; in one process on a 2-core machine they starve each other and every figure is
wrong. A ``Worker`` owns one runner in a spawned process and answers ``calibrate`` and ``time``
requests, so the parent can still time the implementations in turns.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
import traceback
from pathlib import Path

from benchmarks.timing import THREAD_VARS, calibrate

#: Workload F's runners: every monitor at every step inside the compiled loop (``run(n)`` with
#: ``monitor_every=1`` and an in-loop monitor-batch pass every step), and the old way, one
#: ``session.step()`` per step with its snapshot.
ENGINE_IN_LOOP = "engine+monitors/loop"
ENGINE_PER_STEP = "engine+monitors/step"
#: Workload G's runner: ``engine-lockstep<N>``, N sessions stepped in lockstep (engine.lockstep).
ENGINE_LOCKSTEP = "engine-lockstep"


def _make_runner(impl: str, design: dict, base_dir: Path):
    if impl.startswith(ENGINE_LOCKSTEP):
        from benchmarks import engine_bench

        return engine_bench.LockstepRunner(design, base_dir, int(impl[len(ENGINE_LOCKSTEP):]))
    if impl.startswith("engine"):
        from benchmarks import engine_bench

        every = engine_bench.MONITORS_OFF if impl == "engine" else 1
        return engine_bench.EngineRunner(design, base_dir, monitor_every=every,
                                         per_step=impl == ENGINE_PER_STEP,
                                         pass_every=1 if impl == ENGINE_IN_LOOP else 0)
    from benchmarks.references import ReferenceRunner

    return ReferenceRunner(impl, design, base_dir)


def _answer(runner, msg: tuple):
    """``("calibrate", target_s, max_steps)`` -> steps; ``("time", steps)`` -> (wall s, CPU s) from a reset.

    CPU seconds are the process's (all its threads): on a loaded machine they show what the work
    costs when it runs, where wall seconds also count waiting for a core.
    """
    if msg[0] == "calibrate":
        return calibrate(runner, msg[1], msg[2])
    runner.reset()
    c0, t0 = time.process_time(), time.perf_counter()
    runner.run(msg[1])
    return time.perf_counter() - t0, time.process_time() - c0


def _serve(conn, impl: str, design: dict, base_dir: str) -> None:
    try:
        runner = _make_runner(impl, design, Path(base_dir))
    except Exception as err:  # noqa: BLE001 - sent to the parent as this row's error
        conn.send(("error", f"{type(err).__name__}: {err}"))
        return
    conn.send(("ready", runner.compile_s))
    while True:
        msg = conn.recv()
        if msg[0] == "close":
            conn.send(("ok", None))
            return
        try:
            conn.send(("ok", _answer(runner, msg)))
        except Exception as err:  # noqa: BLE001
            conn.send(("error", f"{type(err).__name__}: {err}\n{traceback.format_exc(limit=3)}"))


class InProcessWorker:
    """The same interface as ``Worker`` without a process (``--quick``: checks the path, times nothing)."""

    def __init__(self, impl: str, design: dict, base_dir: Path):
        self.compile_s, self.error, self.runner = None, None, None
        try:
            self.runner = _make_runner(impl, design, Path(base_dir))
            self.compile_s = self.runner.compile_s
        except Exception as err:  # noqa: BLE001
            self.error = f"{type(err).__name__}: {err}"

    def request(self, *msg, timeout: float = 0.0):
        try:
            return _answer(self.runner, msg)
        except Exception as err:  # noqa: BLE001
            raise RuntimeError(f"{type(err).__name__}: {err}") from err

    def close(self) -> None:
        self.runner = None


class Worker:
    """One implementation of one workload in a spawned process; ``compile_s`` and ``error`` from its start."""

    def __init__(self, impl: str, design: dict, base_dir: Path, start_timeout: float = 900.0,
                 threads: int | None = None):
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, impl, design, str(base_dir)), daemon=True)
        saved = dict(os.environ)
        if threads:  # read by OpenBLAS, OpenMP (torch) and numba when the child imports them
            os.environ.update({k: str(threads) for k in THREAD_VARS})
        try:
            self.proc.start()
        finally:
            os.environ.clear()
            os.environ.update(saved)
        child.close()
        self.compile_s, self.error = None, None
        status, value = self._recv(start_timeout)
        if status == "ready":
            self.compile_s = value
        else:
            self.error = value

    def _recv(self, timeout: float):
        if not self.conn.poll(timeout):
            return "error", f"worker gave no answer in {timeout:.0f} s"
        try:
            return self.conn.recv()
        except EOFError:
            return "error", f"worker exited (code {self.proc.exitcode})"

    def request(self, *msg, timeout: float = 900.0):
        """Send a request; returns its value or raises RuntimeError with the worker's error."""
        self.conn.send(msg)
        status, value = self._recv(timeout)
        if status != "ok":
            raise RuntimeError(value)
        return value

    def close(self) -> None:
        if self.proc.is_alive() and self.error is None:
            try:
                self.request("close", timeout=10)
            except (RuntimeError, OSError):
                pass
        self.proc.join(timeout=10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
