"""``playground --export-plots DIR --export-run FILE.csv``: train, then write every dashboard as PNG
and SVG and the run's metrics CSV, and exit (works offscreen: teachers script their slides)."""
from __future__ import annotations

import os
import sys
import time
from typing import Any

from playground.automation import _pump, trained

WRITE_TIMEOUT_S = 120.0
SLIDE_SIZE = (960, 600)  # each dashboard's size in --export-plots: a slide's shape


def export_cli(app: Any, win: Any, plots_dir: str | None, run_csv: str | None,
               steps: int) -> int:
    """Train ``steps`` steps, write the plots into ``plots_dir`` and the metrics CSV to
    ``run_csv`` (either may be None); the exit code (0 done, 2 a problem, one line on stderr)."""
    if run_csv and not os.path.isdir(os.path.dirname(os.path.abspath(run_csv))):
        print(f"error: --export-run: the folder of {run_csv} does not exist", file=sys.stderr)
        win.shutdown()
        return 2
    code, errors = trained(app, win, steps)
    if code is not None:
        return code
    win.on_timer()
    try:
        if run_csv:
            _write_run(app, win, run_csv, errors)
        if plots_dir:
            written = win.exports.dashboards_to(plots_dir, SLIDE_SIZE)
            if not written:
                raise OSError(errors[0] if errors else f"nothing was written to {plots_dir}")
            print(f"export-plots: {len(written)} files in {plots_dir}")
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        win.shutdown()
        return 2
    win.shutdown()
    return 0


def _write_run(app: Any, win: Any, path: str, errors: list[str]) -> None:
    """The worker writes the metrics CSV; wait for its answer."""
    win.exports.export("metrics", path)
    t0 = time.perf_counter()
    _pump(app, lambda: "metrics" in win.exports.done or time.perf_counter() - t0 > WRITE_TIMEOUT_S,
          WRITE_TIMEOUT_S + 1.0, [])
    done = win.exports.done.get("metrics")
    if done is None:
        raise OSError(f"{path}: not written in {WRITE_TIMEOUT_S:.0f} s")
    if done[1]:
        raise OSError(done[1])
    print(f"export-run: {os.path.abspath(path)}")
