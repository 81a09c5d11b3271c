"""Autosave and crash recovery (issue 10, the app half): the design is autosaved on structural
edits and with a checkpoint of the run every ~30 s, atomically, in the user's autosave folder; a
clean quit removes it; after ``kill -9`` the next start offers "Recover the unsaved design from
HH:MM?", showing what it holds, and recovers the design and the run."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.app import MAIN_DESIGN, open_design
from tests.helpers.fakes import FakeSession

ROOT = Path(__file__).resolve().parents[2]


def _fake(d, b, dev):
    return FakeSession(d, b, dev)


def _record(win):
    return json.loads((win.autosave.folder / "autosave.json").read_text())


def test_structural_edits_are_autosaved_at_once_atomically_and_a_clean_quit_removes_them(
        qtbot, make_window):
    from playground import autosave, paths
    win = make_window(MAIN_DESIGN, factory=_fake)
    assert win.autosave.timer.interval() == 30_000 and win.autosave.timer.isActive()
    assert win.autosave.folder.parent == paths.autosave_dir()
    win.doc.insert_layer(1, {"type": "dense", "units": 4})
    record = _record(win)  # written at once, no timer needed
    assert record["design"]["model"]["layers"][1]["units"] == 4 and record["dirty"]
    assert [p.name for p in win.autosave.folder.iterdir()
            if p.name.endswith(".nptmp")] == []  # through engine.atomic: no temporary left
    win.doc.set_value("optimizer", "learning_rate", 0.3)  # not structural: within a second
    qtbot.waitUntil(lambda: _record(win)["design"]["optimizer"]["learning_rate"] == 0.3,
                    timeout=5_000)
    assert autosave.find_recoverable() == []  # this app runs: its autosave is not offered
    folder = win.autosave.folder
    win.close()
    assert not folder.exists()


def test_the_thirty_second_autosave_writes_a_checkpoint_of_the_run(qtbot, make_window):
    from engine.checkpoint import read_checkpoint_meta
    from playground.engine_bridge import load_design_dict
    win = make_window(load_design_dict(str(ROOT / "resources/designs/sine_regression.json")))
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=120_000)
    win.controller.post("step", n=25)
    qtbot.waitUntil(lambda: win.controller.latest().snapshot.step >= 25, timeout=60_000)
    qtbot.waitUntil(lambda: win.tracker.confirmed == win.doc.design, timeout=10_000)
    win.autosave.timer.timeout.emit()
    ckpt = win.autosave.folder / "checkpoint.npz"
    qtbot.waitUntil(ckpt.is_file, timeout=30_000)
    assert read_checkpoint_meta(ckpt)["step"] == 25
    assert _record(win)["step"] == 25 and _record(win)["run_design"] == win.doc.design


def _driver(mode, home, **kw):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NETWORK_PLAYGROUND_HOME=str(home))
    return subprocess.Popen([sys.executable, "-m", "tests.helpers.app_driver", mode], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            **kw)


def _lines(proc, until, timeout=300):
    """``KEY value`` lines of a driver until ``until`` (a key) is seen."""
    import selectors
    import time
    found = {}
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    t_end = time.monotonic() + timeout
    while until not in found and time.monotonic() < t_end:
        if not sel.select(timeout=1.0):
            if proc.poll() is not None:
                break
            continue
        line = proc.stdout.readline()
        if not line:
            break
        key, _, value = line.strip().partition(" ")
        if key.isupper():
            found[key] = json.loads(value)
    return found


def test_kill_9_then_the_next_start_offers_and_recovers_the_design_and_the_run(tmp_path):
    home = tmp_path / "home"
    first = _driver("edit", home)
    try:
        ready = _lines(first, "READY")
        assert "READY" in ready, first.stderr.read() if first.poll() is not None else "no READY"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    folder = Path(ready["READY"]["folder"])
    assert (folder / "autosave.json").is_file() and (folder / "checkpoint.npz").is_file()
    second = _driver("recover", home)
    try:
        out = _lines(second, "EXIT")
        second.wait(60)
    finally:
        if second.poll() is None:
            second.kill()
    assert "OFFER" in out, second.stderr.read()
    question, details = out["OFFER"]["question"], out["OFFER"]["details"]
    assert question.startswith("Recover the unsaved design from ") and question.endswith("?")
    assert question[-6:-1].replace(":", "").isdigit()  # HH:MM
    assert "TF Playground default" in details and "7 layers" in details
    assert "step 40" in details
    got = out["RECOVERED"]
    assert got["layers"][1] == "dropout" and len(got["layers"]) == 7
    assert got["dirty"] and got["step"] >= 40 and got["undo"] == "recover the autosave"
    assert out["ASKED"] == "unsaved"  # Quit asked once about the unsaved design ...
    assert out["EXIT"]["code"] == 0 and second.returncode == 0  # ... and the process ended
    assert out["EXIT"]["windows"] == [] and out["EXIT"]["threads"] == []
    assert not folder.exists()  # recovered: the old autosave is gone
    autosaves = home / "data" / "autosave"
    assert list(autosaves.iterdir()) == []  # a clean quit leaves nothing to recover


def _killed(win):
    """Leave ``win``'s autosave as a killed app leaves it: written, its lock released, its
    folder not removed (no clean close)."""
    auto = win.autosave
    auto.save_run()
    auto.stop()
    auto.lock.unlock()
    auto.lock = None
    win.autosave = None
    return auto.folder


def _offers(make_window):
    """What the next start offers: the questions asked (each answered "later")."""
    from playground.main import offer_recovery
    asked = []
    offer_recovery(make_window(None, factory=_fake),
                   ask=lambda entry: asked.append(entry.details()) or "later")
    return asked


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_a_killed_app_with_nothing_edited_is_not_offered_an_edited_one_is(
        qtbot, make_window, tmp_path, size):
    from tests.helpers.window_input import type_text
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(MAIN_DESIGN))
    win = make_window(None, factory=_fake)
    win.resize(*size)
    assert open_design(qtbot, win, path)
    folder = _killed(win)
    assert (folder / "autosave.json").is_file()
    untitled = make_window(None, factory=_fake)  # a new untitled design, nothing edited
    untitled.resize(*size)
    untitled_folder = _killed(untitled)
    assert _offers(make_window) == []  # nothing that the file or a new design lacks
    assert not folder.exists() and not untitled_folder.exists()
    edited = make_window(None, factory=_fake)
    edited.resize(*size)
    assert open_design(qtbot, edited, path)
    type_text(qtbot, edited.settings_panel.training.epochs, "12")
    assert edited.doc.design["training"]["epochs"] == 12
    folder = _killed(edited)
    offered = _offers(make_window)
    assert len(offered) == 1 and offered[0].startswith("“fake”") and "saved.json" in offered[0]
    assert folder.exists()  # "later": kept for the next start
