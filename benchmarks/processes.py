"""Measurements that need fresh processes: start-up to the first trained step, and the app's fps.

Start-up: ``python -m benchmarks.processes DESIGN`` builds the session from the design file and trains
one step, printing a JSON line; the parent times the process from spawn to that line. Run twice with
one numba cache folder: the first start compiles (when the folder is fresh), the second loads the cache.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _child(design_path: str) -> None:
    t0 = time.perf_counter()
    from engine.build import build_session
    from engine.design import load_design

    t1 = time.perf_counter()
    session = build_session(load_design(design_path), base_dir=Path(design_path).resolve().parent)
    t2 = time.perf_counter()
    snap = session.step()
    t3 = time.perf_counter()
    print(json.dumps({"import_s": t1 - t0, "build_s": t2 - t1, "first_step_s": t3 - t2,
                      "loss": float(snap.loss)}), flush=True)


def _spawn(design: Path, env: dict, timeout: float) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "benchmarks.processes", str(design)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        wall = time.perf_counter() - t0
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"error": f"timed out after {timeout:.0f} s"}
    if proc.returncode != 0 or not line.strip():
        return {"error": (err.strip().splitlines() or ["no output"])[-1]}
    out = json.loads(line)
    out["wall_s"] = wall
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}


def startup(design: Path, cold: bool = True, timeout: float = 600.0) -> dict:
    """Two process starts on ``design``: ``{"first": {...}, "second": {...}, "cache": ...}``.

    ``cold``: use a fresh numba cache folder so the first start compiles everything (the second then
    shows the cached start); otherwise both use the project's normal cache.
    """
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="np-bench-cache-") as cache:
        if cold:
            env["NUMBA_CACHE_DIR"] = cache
        first = _spawn(design, env, timeout)
        second = _spawn(design, env, timeout)
    return {"cache": "fresh folder" if cold else "project cache", "first": first, "second": second}


UI_LINE = re.compile(r"measure-ui:\s*fps=([\d.eE+-]+)\s+steps_per_s=([\d.eE+-]+)\s+"
                     r"headless_steps_per_s=([\d.eE+-]+)")


def measure_ui(design: Path, seconds: float, timeout: float = 300.0) -> dict:
    """Run ``playground --measure-ui SECONDS --design FILE`` offscreen and parse its last line."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, "-m", "playground.main", "--measure-ui", str(seconds), "--design", str(design)]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("measure-ui:")]
    match = UI_LINE.search(lines[-1]) if lines else None
    if proc.returncode != 0 or match is None:
        tail = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()[-1]
        return {"error": f"exit {proc.returncode}: {tail}"}
    fps, sps, headless = (float(g) for g in match.groups())
    return {"fps": fps, "steps_per_s": sps, "headless_steps_per_s": headless,
            "ui_vs_headless": sps / headless if headless > 0 else None}


if __name__ == "__main__":
    _child(sys.argv[1])
