"""Run → Find learning rate… on the real engine: the range test runs on a copy of the run in the
worker (the run itself does not move), draws loss against learning rate on a log axis with the
suggestion marked, and "Use this rate" sets it with one click, as one undoable edit."""
import json

import numpy as np
from PySide6.QtCore import Qt

from tests.helpers.app import step_at_least

DESIGN = {
    "format": "network-playground/design", "version": 1, "name": "lr finder", "seed": 2,
    "data": {"dataset": "spiral", "samples": 160, "noise": 0.1, "train_fraction": 0.75},
    "model": {"input_dim": 2, "layers": [
        {"id": "d1", "type": "dense", "units": 12},
        {"id": "a1", "type": "activation", "function": "relu"},
        {"id": "d2", "type": "dense", "units": 1},
        {"id": "a2", "type": "activation", "function": "sigmoid"}]},
    "loss": {"type": "binary_crossentropy"},
    "optimizer": {"type": "sgd", "learning_rate": 0.003, "momentum": 0.9},
    "training": {"batch_size": 16, "epochs": 1000}}


def _open_finder(qtbot, make_window):
    win = make_window(json.loads(json.dumps(DESIGN)))
    qtbot.waitUntil(lambda: win.bar.ready and step_at_least(win, 0), timeout=300_000)
    qtbot.mouseClick(win.bar.epoch, Qt.LeftButton)
    qtbot.waitUntil(lambda: step_at_least(win, 1), timeout=60_000)
    step = win.controller.latest().snapshot.step
    win.find_lr_action.trigger()
    return win, win.lr_finder, step


def test_the_suggested_rate_is_set_with_one_click_and_undone(qtbot, make_window):
    win, dialog, step = _open_finder(qtbot, make_window)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=120_000)
    res = dialog.result
    assert len(res.losses) >= 10 and np.all(np.diff(res.lrs) > 0)
    assert dialog.plot.plotItem.ctrl.logXCheck.isChecked()  # a log learning-rate axis
    assert dialog.mark.isVisible() and dialog.mark.value() == np.log10(dialog.suggested)
    assert dialog.suggested == float(f"{res.suggested_lr:.2g}") and res.lrs[0] < dialog.suggested
    assert dialog.progress.value() == dialog.progress.maximum()
    assert win.controller.latest().snapshot.step == step  # a copy ran; the run did not move
    assert dialog.use_button.isEnabled()
    qtbot.mouseClick(dialog.use_button, Qt.LeftButton)
    assert win.doc.section("optimizer")["learning_rate"] == dialog.suggested
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: win.bar.lr.value() == dialog.suggested, timeout=5000)
    win.undo_action.trigger()
    assert win.doc.section("optimizer")["learning_rate"] == 0.003


def test_cancel_stops_the_test_and_leaves_the_rate(qtbot, make_window):
    win, dialog, step = _open_finder(qtbot, make_window)
    qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    assert dialog.cancel_event.is_set() and not dialog.isVisible()
    # the worker stops after the step it is in and takes commands again
    qtbot.mouseClick(win.bar.step, Qt.LeftButton)
    qtbot.waitUntil(lambda: step_at_least(win, step + 1), timeout=60_000)
    assert dialog.result is None and win.doc.section("optimizer")["learning_rate"] == 0.003


def test_a_finished_run_still_gets_a_whole_range_test(qtbot, make_window):
    """After the last epoch (the walk: the bar filled, the plot stayed empty, an IndexError)."""
    design = json.loads(json.dumps(DESIGN))
    design["training"]["epochs"] = 1
    win = make_window(design)
    qtbot.waitUntil(lambda: win.bar.ready and step_at_least(win, 0), timeout=300_000)
    qtbot.mouseClick(win.bar.epoch, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.worker.session is not None and win.worker.session.finished,
                    timeout=60_000)
    step = win.controller.latest().snapshot.step
    win.find_lr_action.trigger()
    dialog = win.lr_finder
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=120_000)
    assert len(dialog.result.losses) >= 10 and dialog.use_button.isEnabled()
    assert win.worker.session.finished and win.controller.latest().snapshot.step == step
