"""Random sequences of session operations (tests/engine/session_machine.py): every refusal is a
BadInput that leaves state_dict() unchanged; under numba's bounds checking, no compiled access
ever leaves its array."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.engine.session_machine import run

ROOT = Path(__file__).resolve().parents[2]


def test_refused_calls_leave_the_session_unchanged():
    run(max_examples=40, steps=40)


def test_live_edits_under_bounds_checking(tmp_path):
    """NUMBA_BOUNDSCHECK=1 compiles every kernel with index checks (an out-of-bounds access
    raises IndexError); numba's cache key ignores the flag, so the run gets its own, fresh cache
    folder (and compiles from scratch: a couple of minutes)."""
    env = dict(os.environ, NUMBA_BOUNDSCHECK="1", NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"),
               PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "tests.engine.session_machine", "25", "40"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-6000:]
    assert "IndexError" not in out.stderr
    line = out.stdout.strip().splitlines()[-1]
    done, refused = (int(w) for w in line.replace(",", " ").split() if w.isdigit())
    assert done > 200 and refused > 200, line
    assert any((tmp_path / "numba-cache").rglob("*.nbi")), "the run did not use its own cache"
