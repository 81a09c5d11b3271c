"""``python -m benchmarks.run``: time the engine against numpy and PyTorch and print every figure.

Writes ``benchmarks/results.json`` (``--out``): ``{"machine": {...}, "results": [{"workload", "impl",
"optimizer", "steps_per_s", "gflops", "compile_s", ...}], "targets": [...], "startup": {...},
"ui": {...}}``. ``--quick`` uses tiny step counts (for the test suite); it is no timing.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from benchmarks import engine_bench, pytorch_reference, report
from benchmarks.data import ensure_design_data
from benchmarks.processes import measure_ui, startup
from benchmarks.timing import Timing, machine_info, settle_steps
from benchmarks.worker import ENGINE_IN_LOOP, ENGINE_LOCKSTEP, ENGINE_PER_STEP, InProcessWorker, Worker
from benchmarks.workloads import WORKLOADS, DESIGN_DIR, Workload, flops_per_step

IMPLS = ("engine", "engine+monitors", "numpy_reference", "pytorch")
#: Steps per timed repeat at most: every repeat restarts from the initial weights, and stays in the
#: early part of training where no implementation meets subnormal floats.
QUICK_STEPS = 4
#: Workload F's rows: the issue's figure (every monitor every step inside the compiled loop) and the
#: old way it replaced, kept for comparison.
F_ROWS = {"engine": "all, every step, inside the compiled loop (run(n), monitor_every=1, "
                    "monitor_pass_every=1)",
          "engine/step": "all, every step, one session.step() per step (the old way)"}
MAX_STEPS = {"A": 200_000, "B": 200_000, "C": 5_000, "D": 2_000, "E": 2_000, "F": 200_000,
             "G": 200_000}


def measure_workload(w: Workload, impls: list[str], target_s: float, repeats: int,
                     max_steps: int, in_process: bool = False, threads: int | None = None) -> list[dict]:
    """One result row per implementation; each runs in its own process, timed in turns (A B C, A B C,
    ...) so that a change in the machine's background load hits all of them alike.

    Every timed repeat starts from the implementation's initial state (reset, not timed), so all are
    timed over the same early stretch of training, never in a late, overconfident phase whose
    subnormal floats would slow whichever had trained furthest. A row has ``error`` when its
    implementation failed.
    """
    design = w.design_dict()
    ensure_design_data(design, w.path.parent)
    rows, workers, timings = {}, {}, {}
    for impl in impls:
        rows[impl] = {"workload": w.name, "impl": "engine" if w.runs > 1 else impl,
                      "optimizer": w.optimizer, "batch": int(design["training"]["batch_size"])}
        name = worker_impl(w, impl)
        worker = InProcessWorker(name, design, w.path.parent) if in_process else \
            Worker(name, design, w.path.parent, threads=threads)
        if worker.error:
            rows[impl]["error"] = worker.error
            worker.close()
        else:
            workers[impl] = worker
    try:
        for impl, worker in list(workers.items()):
            try:
                timings[impl] = Timing(worker.request("calibrate", target_s, max_steps))
            except RuntimeError as err:
                rows[impl]["error"] = str(err).splitlines()[0]
                workers.pop(impl).close()
        for impl, worker in workers.items():  # one untimed probe repeat each, in turns
            wall, _ = worker.request("time", timings[impl].steps)
            timings[impl].steps = settle_steps(timings[impl].steps, wall, target_s, max_steps)
        for _ in range(repeats):
            for impl, worker in workers.items():
                timings[impl].add(*worker.request("time", timings[impl].steps))
    except RuntimeError as err:
        for impl in workers:
            rows[impl]["error"] = str(err).splitlines()[0]
        timings = {}
    finally:
        for worker in workers.values():
            worker.close()
    load = round(os.getloadavg()[0], 2)
    compile_s = {impl: worker.compile_s for impl, worker in workers.items()}
    for impl, t in timings.items():
        rate = t.steps_per_s * w.runs  # G: the total steps of all its runs
        rows[impl].update(load_1min=load, steps_per_s=round(rate, 2),
                          gflops=round(rate * flops_per_step(design) / 1e9, 4),
                          compile_s=None if compile_s[impl] is None else round(compile_s[impl], 4),
                          steps=t.steps, repeats=len(t.rates), spread=round(t.spread, 3),
                          steps_per_cpu_s=round(t.steps_per_cpu_s * w.runs, 2))
        if w.runs > 1:
            rows[impl]["runs"] = f"{w.runs} x {w.base}, in lockstep (total steps/s)"
        if w.monitors_only:
            rows[impl]["monitors"] = F_ROWS[impl]
    return list(rows.values())


def worker_impl(w: Workload, impl: str) -> str:
    """The runner a worker builds for ``impl`` on ``w`` (F: per step; G: a lockstep of runs)."""
    if w.monitors_only:
        return ENGINE_PER_STEP if impl == "engine/step" else ENGINE_IN_LOOP
    return f"{ENGINE_LOCKSTEP}{w.runs}" if w.runs > 1 else impl


def _impls_for(w: Workload, impls: tuple[str, ...]) -> list[str]:
    if w.engine_only:
        if "engine" not in impls and "engine+monitors" not in impls:
            return []
        return list(F_ROWS) if w.monitors_only else ["engine"]
    return [i for i in impls if i != "pytorch" or pytorch_reference.available()]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny step counts, no cold start, no app (for tests)")
    p.add_argument("--workloads", default="ABCDEFG", help="letters to run, e.g. BG (default ABCDEFG)")
    p.add_argument("--impls", default=",".join(IMPLS), help=f"comma-separated subset of {', '.join(IMPLS)}")
    p.add_argument("--repeats", type=int, default=None, help="timed repeats per row (median; default 5)")
    p.add_argument("--seconds", type=float, default=None, help="seconds per timed repeat (default 0.5)")
    p.add_argument("--ui-seconds", type=float, default=None, help="playground --measure-ui time, 0 skips "
                   "(default 10; 0 with --quick)")
    p.add_argument("--in-process", action="store_true", help="time every implementation in this process "
                   "(default with --quick; otherwise each gets its own process)")
    p.add_argument("--threads", type=int, default=None, help="thread pools of every implementation "
                   "(BLAS, OpenMP/torch, numba) set to N; default: each library's own default")
    p.add_argument("--no-startup", action="store_true", help="skip the two-process start-up measurement")
    p.add_argument("--out", default=str(Path(__file__).resolve().parent / "results.json"))
    args = p.parse_args(argv)
    args.repeats = args.repeats or (2 if args.quick else 5)
    args.in_process = args.in_process or args.quick
    args.seconds = args.seconds or (0.005 if args.quick else 0.5)
    if args.ui_seconds is None:
        args.ui_seconds = 0.0 if args.quick else 10.0
    args.impls = tuple(i.strip() for i in args.impls.split(",") if i.strip())
    unknown = set(args.impls) - set(IMPLS)
    if unknown:
        p.error(f"unknown impl(s) {sorted(unknown)} (known: {', '.join(IMPLS)})")
    return args


def run(args: argparse.Namespace, log=print) -> dict:
    """Measure everything asked for; returns the results.json dict."""
    t_start = time.perf_counter()
    machine = machine_info(threads=args.threads)
    log(f"machine: {machine['cpu']}, {machine['cores']} cores, float32 1024^3 matmul "
        f"{machine['matmul_gflops']:.1f} GFLOP/s ({machine['threads']} threads), "
        f"load average {machine['load_average'][0]}")
    ok, why = engine_bench.available()
    if not ok:
        log(f"engine unavailable ({why}): engine rows will show the error")
    if not pytorch_reference.available():
        log("torch not importable: pytorch rows skipped")
    results = []
    for w in WORKLOADS:
        if w.name not in args.workloads:
            continue
        max_steps = QUICK_STEPS if args.quick else MAX_STEPS[w.name]
        for row in measure_workload(w, _impls_for(w, args.impls), args.seconds, args.repeats, max_steps,
                                    in_process=args.in_process, threads=args.threads):
            results.append(row)
            log(f"  {w.name} {w.optimizer:<4} {row['impl']:<16} " +
                (f"error: {row['error']}" if "error" in row else
                 f"{row['steps_per_s']:>12,.1f} steps/s {row['gflops']:>9.3f} GFLOP/s"))
    start = None if args.no_startup or not ok else startup(DESIGN_DIR / "B.json", cold=not args.quick)
    ui = measure_ui(DESIGN_DIR / "B.json", args.ui_seconds) if args.ui_seconds > 0 else None
    targets = report.speed_targets(results, machine) + report.process_targets(start, ui)
    return {"machine": machine, "results": results, "targets": targets, "startup": start, "ui": ui,
            "settings": {"quick": args.quick, "in_process": args.in_process, "threads": args.threads,
                         "repeats": args.repeats, "seconds_per_repeat": args.seconds,
                         "ui_seconds": args.ui_seconds, "total_s": round(time.perf_counter() - t_start, 1)}}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out = run(args)
    Path(args.out).write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print()
    print(report.table(out["results"]))
    print()
    if out["startup"]:
        s = out["startup"]
        for k in ("first", "second"):
            v = s[k]
            print(f"start-up ({s['cache']}), {k} process: " + (f"error: {v['error']}" if "error" in v else
                  f"{v['wall_s']:.2f} s to first step (import {v['import_s']:.2f}, build {v['build_s']:.2f}, "
                  f"first step {v['first_step_s']:.2f})"))
    if out["ui"]:
        print("app --measure-ui on B: " + (f"error: {out['ui']['error']}" if "error" in out["ui"] else
              f"fps {out['ui']['fps']:.1f}, {out['ui']['steps_per_s']:,.0f} steps/s in the app, "
              f"{out['ui']['headless_steps_per_s']:,.0f} headless"))
    print()
    print(report.target_table(out["targets"]))
    if args.quick:
        print("\n--quick: tiny step counts, all implementations in one process: these figures check "
              "that the benchmark runs; they are not timings.")
    print(f"\nwrote {args.out} ({out['settings']['total_s']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
