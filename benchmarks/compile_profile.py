"""Where a cold start's compile time goes: per compiled function and signature.

``python -m benchmarks.compile_profile [DESIGN] [--top N] [--warmup]`` runs, in a fresh process
with an empty ``NUMBA_CACHE_DIR`` (a temporary folder), what a start does up to its first trained
step (``build_session`` on DESIGN, default benchmarks/designs/B.json, then ``session.step()``), or
``engine.warmup.warm_up()`` with ``--warmup``, and prints one row per compiled (function,
signature): its own compile time (numba's ``numba:compile`` events, minus the compiles of callees
that happened inside it) and the inclusive time, largest first, plus the wall time to the first
step. Diagnostics, not a test; the machine's load changes every figure, so compare runs made in
the same time window.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent


def record_compiles(fn: Callable[[], object]) -> list[dict]:
    """Run ``fn()`` and return one row per numba compile it caused: ``name``, ``sig``, ``own_s``
    (process CPU seconds, less the compiles of callees nested in it), ``llvm_s`` (the part of
    ``own_s`` under numba's LLVM lock) and ``total_s`` (inclusive)."""
    from numba.core import event

    rows: list = []
    stack: list = []  # per open compile: [cpu at start, cpu of nested compiles, own LLVM cpu]
    clock = time.process_time

    class Compiles(event.Listener):
        def on_start(self, ev):
            stack.append([clock(), 0.0, 0.0])

        def on_end(self, ev):
            t0, inner, llvm = stack.pop()
            total = clock() - t0
            if stack:
                stack[-1][1] += total
            func = ev.data["dispatcher"].py_func
            rows.append({"name": f"{func.__module__}.{func.__qualname__}",
                         "sig": str(ev.data["args"]), "own_s": total - inner, "llvm_s": llvm,
                         "total_s": total})

    class Llvm(event.Listener):
        def on_start(self, ev):
            self.t0 = clock()

        def on_end(self, ev):
            if stack:
                stack[-1][2] += clock() - self.t0

    listeners = (("numba:compile", Compiles()), ("numba:llvm_lock", Llvm()))
    for kind, listener in listeners:
        event.register(kind, listener)
    try:
        fn()
    finally:
        for kind, listener in listeners:
            event.unregister(kind, listener)
    return rows


def _first_step(design: str, warmup: bool) -> None:
    if warmup:
        from engine.warmup import warm_up
        warm_up()
        return
    from engine.build import build_session
    from engine.design import load_design
    session = build_session(load_design(design), base_dir=Path(design).resolve().parent)
    session.step()


def _child(design: str, warmup: bool) -> None:
    t0 = time.perf_counter()
    rows = record_compiles(lambda: _first_step(design, warmup))
    print(json.dumps({"wall_s": time.perf_counter() - t0, "cpu_s": time.process_time(),
                      "rows": rows}), flush=True)


def profile(design: str, warmup: bool = False) -> dict:
    """Run the start in a fresh process with an empty numba cache; its rows and wall time."""
    with tempfile.TemporaryDirectory(prefix="np-compile-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        cmd = [sys.executable, "-m", "benchmarks.compile_profile", "--child", design]
        if warmup:
            cmd.append("--warmup")
        out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("design", nargs="?", default=str(ROOT / "benchmarks" / "designs" / "B.json"))
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--warmup", action="store_true", help="profile engine.warmup.warm_up()")
    p.add_argument("--json", help="also write every row to this file")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        _child(args.design, args.warmup)
        return
    load = os.getloadavg()[0]
    res = profile(args.design, args.warmup)
    rows = sorted(res["rows"], key=lambda r: -r["own_s"])
    if args.json:
        Path(args.json).write_text(json.dumps(dict(res, load_average=load, rows=rows), indent=1))
    own = sum(r["own_s"] for r in rows)
    llvm = sum(r["llvm_s"] for r in rows)
    print(f"wall {res['wall_s']:.1f} s to the first step, CPU {res['cpu_s']:.1f} s, {len(rows)} "
          f"compiles, {own:.1f} CPU-s compiling ({llvm:.1f} in LLVM); load average {load:.2f}")
    print("   own   LLVM  incl.  (CPU s)  function  signature")
    for r in rows[:args.top]:
        print(f"{r['own_s']:6.2f} {r['llvm_s']:6.2f} {r['total_s']:6.2f}  {r['name']}  "
              f"{r['sig'][:70]}")


if __name__ == "__main__":
    main()
