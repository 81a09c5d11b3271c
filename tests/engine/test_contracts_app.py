"""Contract audit (docs/CLI.md: the app's automation flags), run as subprocesses
of the installed `playground` script, offscreen (this module imports no Qt itself)."""
from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "playground"
DESIGN = ROOT / "tests" / "data" / "design_minimal.json"
MEASURE = re.compile(r"^measure-ui: fps=(\S+) steps_per_s=(\S+) headless_steps_per_s=(\S+)$")


def run_app(*args, cwd):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=240)


def test_train_steps_screenshot_offscreen(tmp_path):
    out = tmp_path / "shot.png"
    res = run_app("--design", DESIGN, "--train-steps", "5", "--screenshot", out, cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert width >= 200 and height >= 200


def test_measure_ui_last_line_format(tmp_path):
    res = run_app(DESIGN, "--measure-ui", "2", cwd=tmp_path)
    assert res.returncode == 0, res.stderr[-2000:]
    last = res.stdout.strip().splitlines()[-1]
    m = MEASURE.match(last)
    assert m, last
    fps, steps, headless = (float(v) for v in m.groups())
    assert fps > 0 and steps > 0 and headless > 0
