"""Several training sessions stepped in lockstep, in parallel on worker threads (Qt-free).

A comparison (2-6 runs) or benchmark workload G trains independent sessions by the same number of
steps per chunk. Each CPU session's ``run(n)`` spends nearly all its time in the compiled
``train_run`` (``nogil=True``), so plain threads run the sessions on all cores at once. Every
session owns its arrays, so a run's numbers do not depend on what runs beside it: parallel
lockstep gives bit-identical losses and weights to stepping the sessions one after another
(tests/engine/test_lockstep.py). Measured against one compiled call stepping all runs with
``prange`` over runs (which would need every run's ~20 arrays in one typed container and a second,
``parallel=True`` copy of the whole training loop to compile): see docs/PERF_NOTES.md "Parallel".
"""
from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Sequence

#: Threads of a lockstep pool at most; ``NETWORK_PLAYGROUND_LOCKSTEP_THREADS`` overrides it
#: (1: the sessions run one after another on the calling thread).
ENV_THREADS = "NETWORK_PLAYGROUND_LOCKSTEP_THREADS"


def default_threads() -> int:
    """The pool size: the environment's override, else the cores this process may use."""
    raw = os.environ.get(ENV_THREADS, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class Lockstep:
    """Runs one call per session, in parallel when it pays (more than one session and thread).

    ``map(fn, sessions)`` returns, in session order, ``fn(session)``'s result or the exception it
    raised (never raises itself), so the caller handles each run's outcome on its own thread in
    run order, exactly as a sequential loop would. One pool, created on first use and reused;
    ``close()`` ends its threads.
    """

    def __init__(self, threads: int | None = None):
        self.threads = int(threads) if threads else default_threads()
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Lockstep(threads={self.threads})"

    def map(self, fn: Callable[[Any], Any], sessions: Sequence[Any]) -> list[Any]:
        """[fn(s) or the exception it raised, for s in sessions]."""
        if self.threads <= 1 or len(sessions) <= 1:
            return [_call(fn, s) for s in sessions]
        pool = self._ensure_pool()
        futures = [pool.submit(_call, fn, s) for s in sessions]
        return [f.result() for f in futures]

    def run(self, sessions: Sequence[Any], n: int) -> list[Any]:
        """Every session ``run(n)``: the snapshots (or exceptions), in session order."""
        return self.map(lambda s: s.run(n), sessions)

    def _ensure_pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="lockstep",
                                                initializer=_one_numba_thread)
            return self._pool

    def close(self) -> None:
        """End the pool's threads (a later ``map`` starts a new pool)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


def _one_numba_thread() -> None:
    """A pool thread's numba thread count is 1 (thread-local): the runs already take the cores,
    so what they compute (boundaries, engine.program.parallel) runs serially inside them."""
    import numba

    numba.set_num_threads(1)


def _call(fn: Callable[[Any], Any], session: Any) -> Any:
    try:
        return fn(session)
    except Exception as err:  # noqa: BLE001 - handed back to the caller, who reports it per run
        return err
