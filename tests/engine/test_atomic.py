"""engine.atomic: every write leaves the old file or the new one, complete (kill -9 included)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from engine.atomic import TEMP_SUFFIX, atomic_open, atomic_write, clean_stale_temps
from engine.errors import BadInput

ROOT = Path(__file__).resolve().parents[2]


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((TEMP_SUFFIX, ".tmp")))


def test_atomic_write_creates_and_replaces(tmp_path):
    target = tmp_path / "a.json"
    atomic_write(target, "one")
    atomic_write(target, b"two")
    assert target.read_text() == "two"
    assert _temps(tmp_path) == []


def test_a_failing_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_open(target, "w") as fh:
            fh.write("half of the new")
            raise RuntimeError("crash in the middle")
    assert target.read_text() == "old"
    assert _temps(tmp_path) == []


def test_a_lone_surrogate_is_bad_input_before_any_file(tmp_path):
    target = tmp_path / "d.json"
    with pytest.raises(BadInput, match="cannot be written") as err:
        atomic_write(target, "name \udc80 here")
    assert "\n" not in str(err.value)
    assert not target.exists() and _temps(tmp_path) == []


def test_refuses_to_replace_a_folder_or_a_device(tmp_path):
    with pytest.raises(BadInput, match="folder"):
        atomic_write(tmp_path, "x")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(BadInput, match="not a regular file"):
        atomic_write(fifo, "x")


def test_stale_temps_of_dead_writers_are_removed(tmp_path):
    target = tmp_path / "w.npz"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".w.npz.{dead.pid}.abcd{TEMP_SUFFIX}"
    alive = tmp_path / f".w.npz.{os.getppid()}.abcd{TEMP_SUFFIX}"  # a live process's: kept
    legacy = tmp_path / "w.npz.tmp"
    other = tmp_path / f".other.npz.{dead.pid}.abcd{TEMP_SUFFIX}"  # another target's: kept
    for p in (stale, alive, legacy, other):
        p.write_text("left over")
    atomic_write(target, b"new")
    assert not stale.exists() and not legacy.exists()
    assert alive.exists() and other.exists()
    assert clean_stale_temps(tmp_path / "missing-folder" / "x") == 0


WRITER = r"""
import sys, json
import numpy as np
sys.path.insert(0, sys.argv[1])
from engine.atomic import atomic_write
from engine.checkpoint import write_npz
from engine.design import Design, save_design
folder = sys.argv[2]
big = [np.full(300_000, k, np.float32) for k in (1, 2)]
designs = [Design.from_dict({"format": "network-playground/design", "version": 1, "name": "A" * 150, "data": {"dataset": "circle"},
                             "model": {"input_dim": 2, "layers": [{"type": "dense", "units": u}]},
                             "loss": {"type": "mse"}}) for u in (1, 3)]
texts = [("first line\n" * 50_000), ("second\n" * 90_000)]
print("ready", flush=True)
k = 0
while True:
    k ^= 1
    atomic_write(folder + "/text.txt", texts[k])
    write_npz(folder + "/weights.npz", {"layers.0.kernel": big[k], "n": np.array(k)})
    save_design(designs[k], folder + "/design.json")
"""


def _check_complete(folder: Path) -> None:
    from engine.checkpoint import read_npz
    from engine.design import load_design
    text = folder / "text.txt"
    if text.exists():
        assert text.read_text() in ("first line\n" * 50_000, "second\n" * 90_000)
    weights = folder / "weights.npz"
    if weights.exists():
        arrays = read_npz(weights)
        k = int(arrays["n"])
        assert np.array_equal(arrays["layers.0.kernel"], np.full(300_000, (1, 2)[k], np.float32))
    design = folder / "design.json"
    if design.exists():
        assert load_design(design).layers[0]["units"] in (1, 3)


def test_killing_a_writer_at_random_points_leaves_old_or_new(tmp_path):
    rng = random.Random(7)
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(ROOT), str(tmp_path)],
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.05, 0.6))
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stdout.close()
        _check_complete(tmp_path)
    assert (tmp_path / "design.json").exists()
    from engine.checkpoint import write_npz
    from engine.design import load_design, save_design
    atomic_write(tmp_path / "text.txt", "after")  # the killed writers' temps are cleaned
    write_npz(tmp_path / "weights.npz", {"n": np.array(0)})
    save_design(load_design(tmp_path / "design.json"), tmp_path / "design.json")
    assert _temps(tmp_path) == []


def test_error_reports_and_the_error_log(tmp_path):
    from engine.errors import Diverged, append_error_log, error_report
    assert error_report(BadInput("bad\nvalue", "a.b")) == ("a.b: bad value", "")
    assert error_report(Diverged(3, 1, "d1"))[0].startswith("diverged at step 3")
    try:
        {}["missing"]
    except KeyError as err:
        line, details = error_report(err)
        log = tmp_path / "logs" / "errors.log"
        append_error_log(log, err, context="worker command apply_model")
        append_error_log(log, BadInput("x"))
    assert line.startswith("internal error (KeyError)") and "\n" not in line
    assert "Traceback" in details and "test_atomic.py" in details
    text = log.read_text()
    assert text.count("] ") == 2 and "while: worker command apply_model" in text
    append_error_log(log, BadInput("y"), max_bytes=10)  # rotates: one old file kept
    assert (tmp_path / "logs" / "errors.log.1").exists() and "y" in log.read_text()
    append_error_log(tmp_path / "no\x00name", BadInput("z"))  # never raises
