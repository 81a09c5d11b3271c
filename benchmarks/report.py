"""Ratios against the issue's targets, and the printed table."""
from __future__ import annotations

from typing import Iterable


def find(results: list[dict], workload: str, impl: str, optimizer: str = "sgd") -> dict | None:
    """The result row for (workload, impl, optimizer) when it was measured without error."""
    for row in results:
        if (row["workload"], row["impl"], row["optimizer"]) == (workload, impl, optimizer) \
                and row.get("steps_per_s"):
            return row
    return None


def _ratio(a: dict | None, b: dict | None, key: str = "steps_per_s") -> float | None:
    return a[key] / b[key] if a and b and b.get(key) else None


def _target(name: str, value: float | None, op: str, bound: float, unit: str = "x") -> dict:
    met = None if value is None else (value >= bound if op == ">=" else value <= bound)
    return {"name": name, "value": None if value is None else round(value, 4),
            "target": f"{op} {bound}{unit}", "met": met}


def speed_targets(results: list[dict], machine: dict) -> list[dict]:
    """The speed goals (issue 16's where it sets one, the earlier ones elsewhere) with measured
    ratios; value None when a side is missing."""
    out = []
    for w, torch_x, numpy_x in (("A", 150, 5), ("B", 100, 5), ("C", 8, None)):
        eng = find(results, w, "engine")
        out.append(_target(f"{w}: engine / pytorch", _ratio(eng, find(results, w, "pytorch")), ">=", torch_x))
        if numpy_x:
            out.append(_target(f"{w}: engine / numpy", _ratio(eng, find(results, w, "numpy_reference")),
                               ">=", numpy_x))
    for w in ("D", "E"):
        for opt in ("sgd", "adam"):
            eng = find(results, w, "engine", opt)
            out.append(_target(f"{w} {opt}: engine / pytorch", _ratio(eng, find(results, w, "pytorch", opt)),
                               ">=", 1.3 if w == "D" else 1.2))
    for opt in ("sgd", "adam"):
        eng = find(results, "D", "engine", opt)
        frac = eng["gflops"] / machine["matmul_gflops"] if eng and machine.get("matmul_gflops") else None
        out.append(_target(f"D {opt}: engine GFLOP/s / matmul GFLOP/s", frac, ">=", 0.9, ""))
    f_row, b_row = find(results, "F", "engine"), find(results, "B", "engine")
    cost = 1 - _ratio(f_row, b_row) if f_row and b_row else None
    out.append(_target("F: monitor cost vs B (1 - F/B)", cost, "<=", 0.15, ""))
    b_mon = find(results, "B", "engine+monitors")
    cost = 1 - _ratio(b_mon, b_row) if b_mon and b_row else None
    out.append(_target("B: monitor_every=1 inside run(n) cost vs B (not the F target)", cost, "<=", 0.15, ""))
    out.append(_target("G: 4 runs of B in lockstep, total steps/s / B alone",
                       _ratio(find(results, "G", "engine"), b_row), ">=", 1.6))
    return out


def process_targets(startup: dict | None, ui: dict | None) -> list[dict]:
    """Start-up (cold and warm, to the first step) and app (fps, UI vs headless) targets."""
    out = []
    if (startup or {}).get("cache") == "fresh folder":  # a cold first start only with an empty cache
        first = startup.get("first") or {}
        out.append(_target("cold start, empty numba cache, to first step (wall s)", first.get("wall_s"),
                           "<=", 30.0, " s"))
    second = (startup or {}).get("second") or {}
    out.append(_target("second process start to first step (wall s)", second.get("wall_s"), "<=", 1.0, " s"))
    ui = ui or {}
    out.append(_target("app on B: fps", ui.get("fps"), ">=", 30, ""))
    out.append(_target("app on B: UI steps/s / headless steps/s", ui.get("ui_vs_headless"), ">=", 0.8, ""))
    return out


def _fmt(v: float | None, digits: int = 1) -> str:
    if v is None:
        return "-"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def table(results: list[dict]) -> str:
    """Markdown table: one row per measurement, with ratios to pytorch and numpy on the same workload."""
    lines = ["| workload | optimizer | impl | steps/s | GFLOP/s | compile s | vs pytorch | vs numpy "
             "| steps/CPU-s |", "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for row in results:
        if row.get("error"):
            lines.append(f"| {row['workload']} | {row['optimizer']} | {row['impl']} | error: "
                         f"{row['error'][:60]} | | | | | |")
            continue
        ref = "B" if row["workload"] in ("F", "G") else row["workload"]
        vs_t = _ratio(row, find(results, ref, "pytorch", row["optimizer"]))
        vs_n = _ratio(row, find(results, ref, "numpy_reference", row["optimizer"]))
        lines.append(f"| {row['workload']} | {row['optimizer']} | {row['impl']} | "
                     f"{_fmt(row['steps_per_s'])} | "
                     f"{_fmt(row['gflops'], 2)} | {_fmt(row.get('compile_s'), 2)} | "
                     f"{_fmt(vs_t, 2) + 'x' if vs_t else '-'} | {_fmt(vs_n, 2) + 'x' if vs_n else '-'} | "
                     f"{_fmt(row.get('steps_per_cpu_s'))} |")
    return "\n".join(lines)


def target_table(targets: Iterable[dict]) -> str:
    """Markdown table of targets: measured value, target, met / missed / not measured."""
    lines = ["| target | measured | goal | status |", "|---|---:|---|---|"]
    for t in targets:
        status = "not measured" if t["met"] is None else ("met" if t["met"] else "MISSED")
        lines.append(f"| {t['name']} | {_fmt(t['value'], 3)} | {t['target']} | {status} |")
    return "\n".join(lines)
