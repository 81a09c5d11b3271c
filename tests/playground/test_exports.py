"""Exports from the window, on the real engine: a plot's right-click menu (PNG, SVG, CSV), File →
Export (the run's metrics CSV exactly as ``playground-train --metrics`` writes it, weights, the
PyTorch script, every dashboard), checkpoints that resume bit for bit between the app and the
command line, and the offscreen ``--export-plots`` / ``--export-run`` flags."""
import ast
import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu

from playground import cli_train

ROOT = Path(__file__).resolve().parents[2]
DESIGN = {
    "format": "network-playground/design", "version": 1, "name": "tiny spiral", "seed": 4,
    "data": {"dataset": "spiral", "samples": 160, "noise": 0.1, "train_fraction": 0.75},
    "model": {"input_dim": 2, "layers": [
        {"id": "d1", "type": "dense", "units": 8},
        {"id": "bn1", "type": "batch_norm", "momentum": 0.9},
        {"id": "a1", "type": "activation", "function": "relu"},
        {"id": "do1", "type": "dropout", "rate": 0.2},
        {"id": "d2", "type": "dense", "units": 1},
        {"id": "a2", "type": "activation", "function": "sigmoid"}]},
    "loss": {"type": "binary_crossentropy"},
    "optimizer": {"type": "adam", "learning_rate": 0.01},
    "training": {"batch_size": 16, "epochs": 1000}}


def _window(qtbot, make_window, tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(DESIGN), encoding="utf-8")
    win = make_window(json.loads(path.read_text()), str(path))
    qtbot.waitUntil(lambda: win.bar.ready and _step(win) is not None, timeout=300_000)
    return win, path


def _step(win):
    f = win.controller.latest()
    return None if f is None or f.snapshot is None else f.snapshot.step


def _click(qtbot, button):
    qtbot.mouseClick(button, Qt.LeftButton)


def _epochs(qtbot, win, n):
    """Click Epoch ``n`` times, each after the last one's frame arrived."""
    for _ in range(n):
        before = _step(win)
        _click(qtbot, win.bar.epoch)
        qtbot.waitUntil(lambda: _step(win) > before, timeout=60_000)


def _save_as(monkeypatch, path):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def _worker_done(qtbot, win, what):
    qtbot.waitUntil(lambda: what in win.exports.done, timeout=60_000)
    path, problem = win.exports.done[what]
    assert problem == "", problem
    return path


def _right_click_menu(qtbot, win, plot):
    """Right-click the middle of ``plot`` on the widget under the cursor; the menu shown."""
    pos = plot.mapTo(win, plot.rect().center())
    under = win.childAt(pos)
    assert under is not None and (under is plot or plot.isAncestorOf(under))
    # through the window, as a real click: Qt finds the widget and sends the context menu event
    # the pointer comes back from the last menu first (a move through the window)
    qtbot.mouseMove(win.windowHandle(), pos)
    # (QTest's event clock: a delay past the double-click time makes it a new click)
    qtbot.mouseClick(win.windowHandle(), Qt.RightButton, Qt.NoModifier, pos,
                     QApplication.doubleClickInterval() + 100)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    menu = QApplication.activePopupWidget()
    assert menu.objectName() == "plotExportMenu"
    return menu


def _choose(qtbot, menu, name):
    """Click the menu's entry ``name`` as a person does."""
    act = next(a for a in menu.actions() if a.objectName() == name)
    assert act.isEnabled()
    qtbot.mouseClick(menu.windowHandle(), Qt.LeftButton, Qt.NoModifier,
                     menu.actionGeometry(act).center(), QApplication.doubleClickInterval() + 100)
    qtbot.waitUntil(lambda: not shiboken6.isValid(menu), timeout=5000)  # closed and gone


def test_right_click_on_a_plot_saves_png_svg_and_csv(qtbot, make_window, tmp_path, monkeypatch):
    win, _ = _window(qtbot, make_window, tmp_path)
    _epochs(qtbot, win, 2)
    win.docks["Loss and accuracy"].raise_()
    loss = win.dashboards[0]
    qtbot.waitUntil(lambda: loss.frames_drawn > 0 and bool(loss.loss_plot.curves), timeout=10_000)
    for kind in ("png", "svg", "csv"):
        out = tmp_path / f"loss.{kind}"
        _save_as(monkeypatch, out)
        _choose(qtbot, _right_click_menu(qtbot, win, loss.loss_plot), f"export_{kind}")
        assert out.is_file(), kind
    image = QImage(str(tmp_path / "loss.png"))
    assert not image.isNull() and image.width() >= loss.loss_plot.width()
    assert ET.parse(tmp_path / "loss.svg").getroot().tag.endswith("svg")
    rows = list(csv.reader((tmp_path / "loss.csv").open()))
    assert any(h.startswith("train") for h in rows[0]) and len(rows) > 2  # the curves' points


def test_file_export_writes_the_clis_metrics_weights_script_and_dashboards(
        qtbot, make_window, tmp_path, monkeypatch):
    win, design_path = _window(qtbot, make_window, tmp_path)
    _epochs(qtbot, win, 3)
    for what, name in (("metrics", "app.csv"), ("weights", "w.npz"), ("pytorch", "model.py")):
        _save_as(monkeypatch, tmp_path / name)
        win.export_actions[what].trigger()
        assert _worker_done(qtbot, win, what) == str(tmp_path / name)
    # exactly what the command line writes for the same three epochs, every column and row
    assert cli_train.main([str(design_path), "--epochs", "3", "--metrics",
                           str(tmp_path / "cli.csv"), "--quiet"]) == 0
    app_rows = list(csv.reader((tmp_path / "app.csv").open()))
    assert app_rows == list(csv.reader((tmp_path / "cli.csv").open()))
    assert len(app_rows) == 4 and "grad_norm.0" in app_rows[0]
    weights = np.load(tmp_path / "w.npz")
    assert "layers.0.kernel" in weights.files and weights["layers.0.kernel"].shape == (2, 8)
    ast.parse((tmp_path / "model.py").read_text(encoding="utf-8"))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path / "all"))
    win.export_actions["dashboards"].trigger()
    files = sorted(os.listdir(tmp_path / "all"))
    for number, dash in enumerate(win.dashboards, 1):
        pngs = [f for f in files if f.startswith(f"{number:02d}-") and f.endswith(".png")]
        assert pngs, dash.title
        assert all(not QImage(str(tmp_path / "all" / f)).isNull() for f in pngs)
    svgs = [f for f in files if f.endswith(".svg")]
    assert len(svgs) >= len(win.dashboards)
    for f in svgs:
        ET.parse(tmp_path / "all" / f)


def _cli(design, resume, steps, out):
    code = cli_train.main([str(design), "--resume", str(resume), "--steps", str(steps),
                           "--checkpoint", str(out), "--quiet"])
    assert code == 0


def _same_state(a, b):
    """Two checkpoints of the same run: every weight and optimiser slot and the losses equal."""
    a, b = np.load(a), np.load(b)
    assert sorted(a.files) == sorted(b.files)
    for key in a.files:
        if key != "meta.json":
            assert np.array_equal(a[key], b[key]), key
    ma, mb = json.loads(str(a["meta.json"])), json.loads(str(b["meta.json"]))
    assert ma["step"] == mb["step"] and ma["last"] == mb["last"]  # last loss, accuracy, ...
    assert ma["history"] == mb["history"]  # every epoch's loss, exactly


def test_checkpoints_resume_bit_for_bit_between_app_and_command_line(
        qtbot, make_window, tmp_path, monkeypatch):
    win, design_path = _window(qtbot, make_window, tmp_path)
    _epochs(qtbot, win, 1)
    for _ in range(3):
        before = _step(win)
        _click(qtbot, win.bar.step)
        qtbot.waitUntil(lambda: _step(win) > before, timeout=30_000)
    start = _step(win)
    _save_as(monkeypatch, tmp_path / "app0.npz")
    win.export_actions["checkpoint"].trigger()
    _worker_done(qtbot, win, "checkpoint")
    # the app goes on two epochs; the command line resumes the app's checkpoint as far
    _epochs(qtbot, win, 2)
    steps = _step(win) - start
    _save_as(monkeypatch, tmp_path / "app1.npz")
    win.exports.done.clear()
    win.export_actions["checkpoint"].trigger()
    _worker_done(qtbot, win, "checkpoint")
    _cli(design_path, tmp_path / "app0.npz", steps, tmp_path / "cli1.npz")
    _same_state(tmp_path / "app1.npz", tmp_path / "cli1.npz")
    # and back: the app opens the command line's checkpoint and continues as the CLI does
    _cli(design_path, tmp_path / "cli1.npz", 25, tmp_path / "cli2.npz")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(tmp_path / "cli1.npz"), ""))
    win.exports.done.clear()
    win.open_checkpoint_action.trigger()
    _worker_done(qtbot, win, "open_checkpoint")
    qtbot.waitUntil(lambda: _step(win) == start + steps, timeout=30_000)
    for _ in range(25):
        before = _step(win)
        _click(qtbot, win.bar.step)
        qtbot.waitUntil(lambda: _step(win) > before, timeout=30_000)
    _save_as(monkeypatch, tmp_path / "app2.npz")
    win.exports.done.clear()
    win.export_actions["checkpoint"].trigger()
    _worker_done(qtbot, win, "checkpoint")
    _same_state(tmp_path / "app2.npz", tmp_path / "cli2.npz")


def test_a_refused_checkpoint_is_a_sentence_and_changes_nothing(
        qtbot, make_window, tmp_path, monkeypatch):
    win, _ = _window(qtbot, make_window, tmp_path)
    _epochs(qtbot, win, 1)
    step = _step(win)
    (tmp_path / "bad.npz").write_bytes(b"not a checkpoint")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (str(tmp_path / "bad.npz"), ""))
    win.open_checkpoint_action.trigger()
    qtbot.waitUntil(lambda: "open_checkpoint" in win.exports.done, timeout=30_000)
    title, text = win.messages[-1]
    assert title == "Cannot open the checkpoint" and "bad.npz" in text
    assert "Traceback" not in text and len(text.splitlines()) == 1
    assert _step(win) == step
    _save_as(monkeypatch, tmp_path / "missing" / "w.npz")  # a folder that does not exist
    win.export_actions["weights"].trigger()
    qtbot.waitUntil(lambda: "weights" in win.exports.done, timeout=30_000)
    assert "does not exist" in win.exports.done["weights"][1]
    assert win.messages[-1][0] == "Cannot export"


def test_export_plots_and_run_from_the_command_line_offscreen(tmp_path):
    design = tmp_path / "tiny.json"
    design.write_text(json.dumps(DESIGN), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("DISPLAY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "playground.main", "--design", str(design), "--train-steps", "40",
         "--export-plots", str(tmp_path / "plots"), "--export-run", str(tmp_path / "run.csv")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    files = os.listdir(tmp_path / "plots")
    for number in range(1, 10):  # the nine dashboards
        assert any(f.startswith(f"{number:02d}-") and f.endswith(".png") for f in files), number
    assert sum(f.endswith(".svg") for f in files) >= 8
    rows = list(csv.reader((tmp_path / "run.csv").open()))
    assert rows[0][:7] == list(cli_train.BASE_COLUMNS) and rows[-1][1] == "40"


def test_epoch_snapshots_kept_for_the_metrics_csv_hold_only_the_csv_figures():
    """The soak grew 14 % in 10 minutes: each kept epoch-end snapshot held its chunk's per-step
    monitor series (~1 MB for 3,000 steps), up to 4,096 of them; without the series it still
    grew ~3 MB a minute (histograms and batch-norm statistics of every kept snapshot)."""
    from engine.build import build_session
    from engine.design import load_design
    from playground.worker_exports import FileCommands
    session = build_session(load_design(ROOT / "resources/designs/spiral_relu_batchnorm.json"))
    snap = session.run(3 * session.steps_per_epoch)
    assert snap.series is not None and snap.batch_in_epoch == 0
    keeper = FileCommands()
    keeper.record_epoch_end(snap)
    kept = keeper._epoch_snapshots()[int(snap.step)]
    assert not hasattr(kept, "series") and (kept.epoch, kept.epoch_loss) == (snap.epoch,
                                                                            snap.epoch_loss)
    for light, full in zip(kept.layers, snap.layers, strict=True):
        assert light._asdict() == {"index": full.index, **{f: getattr(full, f)
                                                          for f in cli_train.LAYER_FIELDS}}
        assert not hasattr(light, "act_hist_counts") and not hasattr(light, "__dict__")
