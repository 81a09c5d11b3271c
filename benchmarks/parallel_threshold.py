"""``python -m benchmarks.parallel_threshold``: from how much work a prediction pays to run in
parallel over row chunks (engine.program.parallel), on this machine.

For the benchmark designs (A, B, C) and growing row counts, times ``predict_rows`` serial
(``threads=1``) and parallel (numba's threads) in one process, best of ``--repeats`` after a
warm-up, alternating the two. Prints per-call times, the speed-up and the work (rows x
multiply-adds per row), and the smallest work from which every larger one was at least
``--gain`` times faster in parallel: the figure for ``PARALLEL_MIN_WORK`` (docs/PERF_NOTES.md
"Parallel"). Run it on a quiet machine; note ``uptime`` with the figures.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numba
import numpy as np

from benchmarks.data import ensure_design_data
from benchmarks.workloads import Workload

ROWS = (256, 512, 1024, 2048, 4096, 8192, 16384, 32768)


def _session(name: str):
    from engine.build import build_session
    from engine.design import Design

    w = Workload(name)
    design = w.design_dict()
    ensure_design_data(design, w.path.parent)
    return build_session(Design.from_dict(design), base_dir=w.path.parent)


def _best(fn, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(name: str, rows: tuple[int, ...], repeats: int) -> list[dict]:
    """One dict per row count: serial and parallel seconds per call, work, speed-up."""
    from engine.program.parallel import predict_rows, row_work

    s = _session(name)
    m = s.model
    per_row, _ = row_work(m.ip)
    rng = np.random.default_rng(0)
    out_rows = []
    for n in rows:
        x = np.ascontiguousarray(rng.standard_normal((n, m.input_dim)), m.dtype)
        out = np.zeros((n, m.output_dim), m.dtype)
        args = (m.ip, m.fp, m.lay, m.params, m.state, m.work, x, out, False, 0, 0)
        threads = numba.get_num_threads()
        serial = lambda: predict_rows(*args, threads=1)  # noqa: E731
        par = lambda: predict_rows(*args, threads=threads)  # noqa: E731
        serial(), par()  # warm-up (compiles or loads the cache)
        t_s, t_p = float("inf"), float("inf")
        for _ in range(3):  # alternate, so that a load change hits both
            t_s = min(t_s, _best(serial, repeats))
            t_p = min(t_p, _best(par, repeats))
        out_rows.append({"design": name, "rows": n, "work": n * per_row, "serial_s": t_s,
                         "parallel_s": t_p, "speedup": t_s / t_p})
    return out_rows


def threshold(results: list[dict], gain: float) -> int | None:
    """The smallest work from which every larger measured work had a speed-up >= ``gain``."""
    ordered = sorted(results, key=lambda r: r["work"])
    for i, r in enumerate(ordered):
        if all(q["speedup"] >= gain for q in ordered[i:]):
            return int(r["work"])
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.parallel_threshold",
                                description=__doc__.splitlines()[0])
    p.add_argument("--designs", default="ABC")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--gain", type=float, default=1.2, help="speed-up that counts as paying")
    p.add_argument("--rows", default=",".join(map(str, ROWS)))
    args = p.parse_args(argv)
    rows = tuple(int(r) for r in args.rows.split(","))
    print(f"numba {numba.__version__}, threads {numba.get_num_threads()}, layer "
          f"{numba.config.THREADING_LAYER}, load average {os.getloadavg()[0]:.2f}")
    results = []
    for name in args.designs:
        for r in measure(name, rows, args.repeats):
            results.append(r)
            print(f"{r['design']} rows {r['rows']:>6} work {r['work']:>11,}: serial "
                  f"{r['serial_s'] * 1e3:8.3f} ms, parallel {r['parallel_s'] * 1e3:8.3f} ms, "
                  f"x{r['speedup']:.2f}", flush=True)
    try:
        print(f"threading layer used: {numba.threading_layer()}")
    except ValueError:
        pass
    t = threshold(results, args.gain)
    print(f"load average {os.getloadavg()[0]:.2f}; parallel pays (>= x{args.gain}) from "
          f"{'never' if t is None else f'{t:,} multiply-adds'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
