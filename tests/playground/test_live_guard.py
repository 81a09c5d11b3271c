"""The live rebuild's guard in the app, on the real engine (issue 10, the app half): resizing the
output layer or removing it is refused with a sentence in place (never a traceback, never a
message window) and Play trains the model the session still has; removing the output activation
is treated as building the same design from a file treats it; a CSV with another number of
classes adapts the head and the loss and the rebuilt session trains; early stopping's best
weights survive no edit that changes their shapes."""
import copy
import json
import os
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QScrollArea

from tests.helpers.app import loaded, step_at_least, type_number

ROOT = Path(__file__).resolve().parents[2]
DESIGNS = ROOT / "resources" / "designs"


def _design(name):
    return json.loads((DESIGNS / name).read_text())


def _started(qtbot, win, steps=5):
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=120_000)
    win.controller.post("step", n=steps)
    qtbot.waitUntil(lambda: step_at_least(win, steps), timeout=60_000)
    return win.worker.session


def _message_windows():
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def _no_traceback_anywhere(win):
    assert not _message_windows() and not win.messages
    shown = [win.refusal_bar.text, win.statusBar().currentMessage()]
    assert not any("Traceback" in text or "Error:" in text for text in shown), shown
    log = Path(os.environ["NETWORK_PLAYGROUND_HOME"]) / "log" / "errors.log"
    assert not log.exists(), log.read_text()


def _click(qtbot, widget):
    """A left click on whatever is under the centre of ``widget`` (as a person clicks)."""
    window = widget.window()
    centre = widget.mapTo(window, QPoint(widget.width() // 2, widget.height() // 2))
    target = window.childAt(centre) or widget
    qtbot.mouseClick(target, Qt.LeftButton, pos=target.mapFrom(window, centre))


def _plays_the_old_model(qtbot, win, session, ids):
    assert not win.bar.play.isChecked() and not win.worker.playing
    assert win.worker.session is session
    step = win.controller.latest().snapshot.step
    _click(qtbot, win.bar.play)
    qtbot.waitUntil(lambda: step_at_least(win, step + 20), timeout=60_000)
    win.run.pause()
    assert [ls.id for ls in win.controller.latest().snapshot.layers] == ids


def test_typing_a_new_size_for_the_output_layer_is_refused_in_place(qtbot, make_window):
    win = make_window(_design("digits_mlp_dropout.json"))
    session = _started(qtbot, win)
    ids = [layer["id"] for layer in win.doc.layers]
    out = ids.index("d3")
    _click(qtbot, win.stack.cards[out])
    assert win.stack.current == out
    type_number(qtbot, win.inspector.editors["units"], "4")
    assert win.doc.layers[out]["units"] == 4
    qtbot.waitUntil(lambda: win.refusal_bar.isVisible(), timeout=60_000)
    text = win.refusal_bar.text
    assert f"model.layers[{out}]" in text and "'d3'" in text
    assert "4 outputs" in text and "class index 9 (10 classes)" in text
    assert "or change the data.<br>Training is paused" in text  # two sentences
    card = win.stack.cards[out]
    assert card.property("refused")
    # the bar above the stack pushes the cards down: the marked one is scrolled into view
    qtbot.waitUntil(lambda: card.visibleRegion().boundingRect().height() == card.height(),
                    timeout=5_000)
    _no_traceback_anywhere(win)
    _plays_the_old_model(qtbot, win, session, ids)
    assert win.controller.latest().confusion.shape == (10, 10)  # the readout of the old head
    _no_traceback_anywhere(win)


def test_deleting_the_output_layer_is_refused_in_place(qtbot, make_window):
    win = make_window(_design("sine_regression.json"))
    session = _started(qtbot, win)
    ids = [layer["id"] for layer in win.doc.layers]
    _click(qtbot, win.stack.cards[-1].buttons["delete"])
    assert [layer["id"] for layer in win.doc.layers] == ids[:-1]
    qtbot.waitUntil(lambda: win.refusal_bar.isVisible(), timeout=60_000)
    text = win.refusal_bar.text
    assert "model.layers[2] (dense 'd2')" in text and "32 outputs" in text and "1 column" in text
    assert win.stack.cards[2].property("refused")
    _no_traceback_anywhere(win)
    _plays_the_old_model(qtbot, win, session, ids)
    _click(qtbot, win.refusal_bar.undo)  # the layer comes back; the refusal goes
    assert [layer["id"] for layer in win.doc.layers] == ids
    assert not win.refusal_bar.isVisible()


def test_deleting_the_output_activation_is_treated_as_the_same_design_from_a_file(
        qtbot, make_window):
    from engine.build import build_session
    from engine.design import Design
    from engine.errors import BadInput
    win = make_window(_design("spiral_relu_batchnorm.json"))
    session = _started(qtbot, win)
    delete = win.stack.cards[-1].buttons["delete"]  # the sigmoid's, at the foot of the stack
    win.findChild(QScrollArea, "stackScroll").ensureWidgetVisible(delete)  # scrolled to, as a person does
    _click(qtbot, delete)
    assert win.doc.layers[-1]["id"] == "d3"
    try:
        build_session(Design.from_dict(copy.deepcopy(win.doc.design)), base_dir=DESIGNS)
        from_file = None
    except BadInput as err:
        from_file = str(err)
    qtbot.waitUntil(lambda: win.refusal_bar.isVisible() or (
        win.tracker.idle and win.tracker.confirmed == win.doc.design), timeout=60_000)
    if from_file is None:  # built from a file it trains: live too, on the same session
        assert not win.refusal_bar.isVisible() and win.worker.session is session
        step = win.controller.latest().snapshot.step
        _click(qtbot, win.bar.play)
        qtbot.waitUntil(lambda: step_at_least(win, step + 20), timeout=60_000)
        win.run.pause()
        assert [ls.id for ls in win.controller.latest().snapshot.layers][-1] == "d3"
    else:  # refused from a file: refused live, in the same words
        assert from_file.split(":")[0] in win.refusal_bar.text
    _no_traceback_anywhere(win)


def _csv(path, classes, n=90):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 2))
    label = np.arange(n) % classes
    rows = ["x,y,label"] + [f"{a:.3f},{b:.3f},{c}" for (a, b), c in zip(x + label[:, None], label)]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_csv_with_other_classes_adapts_the_head_and_the_rebuilt_session_trains(
        qtbot, make_window, tmp_path):
    win = make_window(_design("digits_mlp_dropout.json"))
    _started(qtbot, win)
    assert win.controller.latest().confusion.shape == (10, 10)
    win.data_panel.load_file(str(_csv(tmp_path / "two.csv", 2)))
    loaded(qtbot, win.data_files.loader)
    assert win.doc.section("loss")["type"] == "binary_crossentropy"
    qtbot.waitUntil(lambda: win.tracker.idle and win.tracker.confirmed == win.doc.design,
                    timeout=120_000)
    assert win.worker.session is not None and win.worker.session.model.input_dim == 2
    win.controller.post("step", n=5)
    qtbot.waitUntil(lambda: win.controller.latest().confusion is not None
                    and win.controller.latest().confusion.shape == (2, 2), timeout=60_000)
    win.data_panel.load_file(str(_csv(tmp_path / "three.csv", 3)))  # and on to three classes
    loaded(qtbot, win.data_files.loader)
    assert win.doc.section("loss")["type"] == "sparse_categorical_crossentropy"
    qtbot.waitUntil(lambda: win.tracker.idle and win.tracker.confirmed == win.doc.design,
                    timeout=120_000)
    win.controller.post("step", n=5)
    qtbot.waitUntil(lambda: win.controller.latest().confusion is not None
                    and win.controller.latest().confusion.shape == (3, 3), timeout=60_000)
    assert not win.refusal_bar.isVisible()
    _no_traceback_anywhere(win)


def test_early_stopping_after_a_resize_restores_weights_of_the_new_shape(qtbot, make_window):
    design = _design("spiral_relu_batchnorm.json")
    design["training"].update(epochs=80, early_stopping={
        "monitor": "val_loss", "patience": 2, "restore_best": True, "min_delta": 0.0})
    win = make_window(design)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=120_000)
    # two epochs: patience 2 cannot have stopped the run yet (the third epoch could)
    session = _started(qtbot, win, steps=2 * win.worker.session.steps_per_epoch)
    assert session._best is not None  # best weights of the 16-unit model are held
    # one unit: the new model's validation loss stays above the old best, so early stopping
    # comes two epochs later and restores the best weights it has seen of the new shape
    win.doc.set_layer_option(0, "units", 1)
    qtbot.waitUntil(lambda: win.tracker.idle and win.tracker.confirmed == win.doc.design,
                    timeout=60_000)
    assert win.worker.session is session and not win.refusal_bar.isVisible()
    _click(qtbot, win.bar.play)
    qtbot.waitUntil(lambda: session.status != "running", timeout=120_000)
    assert session.status in ("early_stopped", "finished")
    assert session.model.layers[0].units == 1
    _no_traceback_anywhere(win)
