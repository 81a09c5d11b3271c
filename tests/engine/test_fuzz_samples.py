"""A sample of each fuzz script (the full runs and their figures: scripts/fuzz_*.py, README):
mutated designs through load + build + 3 steps, damaged checkpoints through
``playground-train --resume``; zero defects (only BadInput refusals, no crash, hang or traceback)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from scripts import fuzz_checkpoints, fuzz_designs

ROOT = Path(__file__).resolve().parents[2]


def test_a_sample_of_mutated_designs(capsys):
    assert fuzz_designs.main(["--cases", "160", "--seed", "11"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "refused" in out and "trained" in out and "DEFECT" not in out


def test_a_sample_of_damaged_checkpoints(capsys):
    assert fuzz_checkpoints.main(["--sample", "150", "--bitflips", "60", "--truncations", "30",
                                  "--seed", "5"]) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert "refused" in out and "resumed" in out and "DEFECT" not in out


@pytest.mark.parametrize("field, value", [("pos", -1), ("pos", 10**6), ("step", -10**9),
                                          ("status", {}), ("learning_rate", -0.5)])
def test_the_reported_checkpoint_fields_exit_2_in_a_real_process(tmp_path, field, value):
    """``pos: -1`` crashed the process with SIGSEGV, a ``pos`` past the rows looped forever,
    the others were accepted silently."""
    design = tmp_path / "d.json"
    design.write_text(json.dumps(fuzz_checkpoints.base_design()))
    ckpt = tmp_path / "c.npz"
    cmd = [sys.executable, "-m", "playground.cli_train", str(design), "--quiet"]
    assert subprocess.run(cmd + ["--steps", "5", "--checkpoint", str(ckpt)], cwd=ROOT,
                          timeout=600).returncode == 0
    with np.load(ckpt, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays["meta.json"]))
    meta[field] = value
    arrays["meta.json"] = np.array(json.dumps(meta))
    np.savez(ckpt, **arrays)
    out = subprocess.run(cmd + ["--resume", str(ckpt), "--steps", "3"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and f"meta.json.{field}" in lines[0], out.stderr


def _misbehave(case: str) -> tuple[str, str]:
    import os
    import signal
    import time
    if case == "segv":
        os.kill(os.getpid(), signal.SIGSEGV)
    if case == "hang":
        time.sleep(600)
    return "fine", case


def test_the_pool_reports_crashes_and_hangs_and_goes_on():
    from scripts.fuzz_pool import run_cases
    cases = ["a", "segv", "b", "hang", "c"]
    got = {case: kind for _, case, (kind, _, _) in run_cases(_misbehave, cases, workers=2,
                                                            timeout=5, start_timeout=30)}
    assert got == {"a": "fine", "segv": "crash", "b": "fine", "hang": "hang", "c": "fine"}
