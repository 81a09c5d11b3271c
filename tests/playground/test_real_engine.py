"""The app on the real engine: training feeds every dashboard, live BN/dropout toggles, structural
edits keep the other layers' weights, and the automation flags (--screenshot, --measure-ui)."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPointF

from tests.helpers.app import drop as _drop

ROOT = Path(__file__).resolve().parents[2]
DESIGN = {
    "format": "network-playground/design", "version": 1, "name": "tiny spiral", "seed": 1,
    "data": {"dataset": "spiral", "samples": 200, "noise": 0.1, "train_fraction": 0.8},
    "model": {"input_dim": 2, "layers": [
        {"id": "d1", "type": "dense", "units": 8},
        {"id": "bn1", "type": "batch_norm", "momentum": 0.9},
        {"id": "a1", "type": "activation", "function": "relu"},
        {"id": "do1", "type": "dropout", "rate": 0.3},
        {"id": "d2", "type": "dense", "units": 1},
        {"id": "a2", "type": "activation", "function": "sigmoid"}]},
    "loss": {"type": "binary_crossentropy"},
    "optimizer": {"type": "adam", "learning_rate": 0.01},
    "training": {"batch_size": 16, "epochs": 1_000_000}}


def _frame(win):
    return win.controller.latest()


def _at_step(win, n):
    f = _frame(win)
    return f is not None and f.snapshot is not None and f.snapshot.step >= n


def _layer(frame, layer_id):
    return next(ls for ls in frame.snapshot.layers if ls.id == layer_id)


def test_real_training_feeds_every_dashboard_and_toggles_live(qtbot, make_window):
    win = make_window(DESIGN)
    win.draw_all = True
    qtbot.waitUntil(lambda: _frame(win) is not None, timeout=120_000)
    ticks = []
    win.timer.timeout.connect(lambda: ticks.append(_frame(win).serial))
    win.controller.post("play")
    qtbot.waitUntil(lambda: _at_step(win, 60), timeout=60_000)
    # every dashboard but the MC-dropout band, which needs 1-D regression data (test_uncertainty),
    # and the network graph, computed only while it shows (test_network_graph)
    qtbot.waitUntil(lambda: all(d.frames_drawn > 0 for d in win.dashboards
                                if d.title not in ("Uncertainty", "Network graph")),
                    timeout=10_000)
    # the UI timer keeps firing while the worker trains, and sees new frames
    qtbot.waitUntil(lambda: len(set(ticks)) >= 5, timeout=20_000)
    assert win.worker.playing
    win.stack.select(1)
    win.inspector.editors["enabled"].setChecked(False)  # BN off mid-training
    win.stack.select(3)
    win.inspector.editors["enabled"].setChecked(False)  # dropout off mid-training
    qtbot.waitUntil(lambda: len(_frame(win).markers) == 2, timeout=10_000)
    step_marked = _frame(win).markers[-1][0]
    qtbot.waitUntil(lambda: _at_step(win, step_marked + 20), timeout=60_000)
    first = _frame(win)
    qtbot.waitUntil(lambda: _at_step(win, first.snapshot.step + 10), timeout=60_000)
    win.controller.post("pause")
    last = _frame(win)
    assert [m[1] for m in last.markers] == ["bn1: enabled=off", "do1: enabled=off"]
    bn_a, bn_b = _layer(first, "bn1"), _layer(last, "bn1")
    assert bn_a.enabled is False and _layer(last, "do1").enabled is False
    # a disabled BN layer is the identity and keeps its state: moving statistics frozen
    np.testing.assert_array_equal(bn_a.bn["moving_mean"], bn_b.bn["moving_mean"])
    qtbot.waitUntil(lambda: win.dashboards[0].loss_plot.markers.labels
                    == ["bn1: enabled=off", "do1: enabled=off"], timeout=15_000)
    assert win.dashboards[2].grad_plot.markers.labels[-1] == "do1: enabled=off"


def test_real_structural_edit_keeps_other_weights(qtbot, make_window):
    win = make_window(DESIGN)
    qtbot.waitUntil(lambda: _frame(win) is not None, timeout=120_000)
    win.controller.post("step", n=20)
    qtbot.waitUntil(lambda: _at_step(win, 20), timeout=60_000)
    before = win.worker.session.get_weights()["layers.0.kernel"].copy()
    target = win.stack.cards[4].geometry()
    _drop(win.stack, win.palette.card("dense").mime_data(),
          QPointF(target.center().x(), target.top() + 1))
    qtbot.waitUntil(lambda: len(_frame(win).markers) == 1, timeout=30_000)
    assert _frame(win).markers[0][1] == "+dense"
    after = win.worker.session.get_weights()
    np.testing.assert_array_equal(after["layers.0.kernel"], before)
    assert len(_frame(win).snapshot.layers) == 7
    win.controller.post("step", n=5)
    qtbot.waitUntil(lambda: _at_step(win, 25), timeout=60_000)


def test_real_switch_to_digits_builds_and_shows_a_confusion_matrix(qtbot, make_window):
    win = make_window(DESIGN)
    qtbot.waitUntil(lambda: _frame(win) is not None, timeout=120_000)
    win.data_panel.dataset.setCurrentText("digits")
    qtbot.waitUntil(lambda: _frame(win) is not None and _frame(win).confusion is not None
                    and _frame(win).confusion.shape == (10, 10), timeout=120_000)
    assert _frame(win).boundary is None and not win.messages
    win.controller.post("step", n=5)
    qtbot.waitUntil(lambda: _at_step(win, 5), timeout=60_000)


def _run_app(args, timeout=300):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-m", "playground.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_screenshot_flag_writes_a_png(tmp_path):
    out = tmp_path / "shot.png"
    design = ROOT / "resources" / "designs" / "spiral_relu_batchnorm.json"
    proc = _run_app([str(design), "--train-steps", "30", "--screenshot", str(out)])
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_screenshot_of_a_run_that_ends_before_the_steps_asked_for(tmp_path):
    """Training stops at its last epoch (5 x 4 steps): the screenshot is taken then, with a note,
    instead of waiting for steps that never come."""
    design = dict(DESIGN, training={"batch_size": 40, "epochs": 5})
    path = tmp_path / "short.json"
    path.write_text(json.dumps(design))
    out = tmp_path / "shot.png"
    proc = _run_app([str(path), "--train-steps", "500", "--screenshot", str(out)], timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "training finished at step 20, before the 500 steps" in proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_measure_ui_prints_the_contract_line(tmp_path):
    proc = _run_app(["--measure-ui", "1.5"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    last = proc.stdout.strip().splitlines()[-1]
    m = re.fullmatch(r"measure-ui: fps=([\d.]+) steps_per_s=([\d.]+) headless_steps_per_s=([\d.]+)",
                     last)
    assert m, last
    assert float(m.group(1)) > 0 and float(m.group(2)) > 0 and float(m.group(3)) > 0
    # issue 16: the draw time of each dashboard, one line each, before the contract line
    per = dict(re.findall(r'^measure-ui dashboard "([^"]+)": (mean_ms=[\d.]+ p95_ms=[\d.]+ '
                          r'cpu_ms=[\d.]+ frames=\d+)$', proc.stdout, re.M))
    assert {"Loss and accuracy", "Gradients", "Activations", "Dead and saturated units",
            "Weights", "Decision boundary", "Batch norm", "Confusion matrix"} <= set(per), \
        proc.stdout
    assert any(float(re.search(r"mean_ms=([\d.]+)", v).group(1)) > 0 for v in per.values())


def test_bad_design_on_the_command_line_exits_2(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "network-playground/design", "version": 1, "model": 3}')
    proc = _run_app([str(bad), "--screenshot", str(tmp_path / "x.png")])
    assert proc.returncode == 2 and "model" in proc.stderr
    assert not (tmp_path / "x.png").exists()
