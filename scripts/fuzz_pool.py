"""A crash- and hang-proof worker pool for the fuzz scripts.

Each worker is a separate process (``spawn``) that imports the engine once and runs cases one by
one; the parent sends a case, waits at most ``timeout`` seconds for its outcome, and records a
``crash`` (the worker died: a signal or an exit) or a ``hang`` (no answer in time: the worker is
killed) before starting a fresh worker. Outcomes are ``(kind, detail, seconds)`` tuples.
"""
from __future__ import annotations

import multiprocessing as mp
import time
from multiprocessing.connection import wait
from typing import Any, Callable, Iterable, Iterator

Outcome = tuple[str, str, float]


def _serve(conn: Any, runner: Callable[[Any], tuple[str, str]]) -> None:
    while True:
        try:
            case = conn.recv()
        except EOFError:
            return
        t0 = time.perf_counter()
        kind, detail = runner(case)
        conn.send((kind, detail, time.perf_counter() - t0))


class _Worker:
    def __init__(self, ctx: Any, runner: Callable[[Any], tuple[str, str]]) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, runner), daemon=True)
        self.proc.start()
        child.close()
        self.case: Any = None
        self.index = -1
        self.sent = 0.0

    def stop(self, kill: bool = False) -> None:
        """End the worker: a closed pipe ends its loop; a stuck one is killed."""
        self.conn.close()
        if kill and self.proc.is_alive():
            self.proc.kill()
        self.proc.join(10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)


def run_cases(runner: Callable[[Any], tuple[str, str]], cases: Iterable[Any], workers: int = 2,
              timeout: float = 60.0, start_timeout: float = 600.0) -> Iterator[tuple[int, Any, Outcome]]:
    """Yield ``(index, case, outcome)`` for every case (in completion order).

    ``runner(case) -> (kind, detail)`` runs inside a worker; ``kind`` is free text such as
    ``"refused"`` or ``"trained"``. The pool adds ``"crash"`` and ``"hang"``. The first case of
    a fresh worker may take ``start_timeout`` (imports, numba's cache).
    """
    ctx = mp.get_context("spawn")
    todo = iter(enumerate(cases))
    pool = [_Worker(ctx, runner) for _ in range(max(1, workers))]
    fresh = {id(w) for w in pool}
    busy: list[_Worker] = []

    def feed(w: _Worker) -> bool:
        nxt = next(todo, None)
        if nxt is None:
            return False
        w.index, w.case = nxt
        w.sent = time.monotonic()
        w.conn.send(w.case)
        busy.append(w)
        return True

    for w in pool:
        feed(w)
    try:
        while busy:
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=1.0)
            now = time.monotonic()
            for w in list(busy):
                limit = start_timeout if id(w) in fresh else timeout
                result: Outcome | None = None
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = None
                if result is None and (w.proc.sentinel in ready or not w.proc.is_alive()):
                    w.proc.join(5)
                    result = ("crash", f"worker died (exit code {w.proc.exitcode})", now - w.sent)
                    replace = True
                elif result is None and now - w.sent > limit:
                    result = ("hang", f"no answer in {limit:.0f} s", now - w.sent)
                    replace = True
                elif result is None:
                    continue
                else:
                    replace = False
                busy.remove(w)
                fresh.discard(id(w))
                yield w.index, w.case, result
                if replace:
                    w.stop(kill=True)
                    pool.remove(w)
                    w = _Worker(ctx, runner)
                    pool.append(w)
                    fresh.add(id(w))
                feed(w)
    finally:
        for w in pool:
            w.stop()


def summarise(outcomes: dict[str, int]) -> str:
    """One line: counts per outcome kind, largest first."""
    total = sum(outcomes.values())
    parts = ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items(), key=lambda kv: -kv[1]))
    return f"{total:,} cases: {parts}"


class Tally:
    """Counts per outcome; every outcome not in ``allowed`` is a defect (listed at the end)."""

    def __init__(self, name: str, allowed: tuple[str, ...]) -> None:
        self.name, self.allowed = name, allowed
        self.counts: dict[str, int] = {}
        self.defects: list[str] = []
        self.t0 = time.time()

    def add(self, kind: str, detail: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        if kind not in self.allowed:
            self.defects.append(f"{kind}: {detail}")

    def report(self, extra: list[str] = ()) -> int:
        """Print the counts, ``extra`` lines and the defects; 1 when there is a defect."""
        print(f"{self.name}: {summarise(self.counts)} in {time.time() - self.t0:.0f} s")
        for line in [*extra, *(f"DEFECT {d}" for d in self.defects[:60])]:
            print(line)
        return 1 if self.defects else 0
