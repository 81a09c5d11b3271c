"""Refusals in place and one message window (issue 10, the app half): a model edit that does not
fit the data is shown in the stack and above it, training pauses and Play trains the model the
session still has; repeated errors update one message; an unexpected error in the worker is a
short message with details, pauses training, leaves the app usable and is logged."""
import json
from pathlib import Path

from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.helpers.app import MAIN_DESIGN, drop as _drop, step_at_least
from tests.helpers.fakes import FakeSession

ROOT = Path(__file__).resolve().parents[2]
SINE = json.loads((ROOT / "resources/designs/sine_regression.json").read_text())


def _message_windows():
    return [w for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible()]


def _real_messages(win):
    """Undo the fixture's stand-in: messages go to the window's real message box."""
    win.notify = win._show_message


def test_dragging_a_wide_layer_to_the_end_is_refused_in_place_and_play_trains_the_old_model(
        qtbot, make_window):
    win = make_window(SINE)
    _real_messages(win)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=120_000)
    win.controller.post("step", n=10)
    qtbot.waitUntil(lambda: step_at_least(win, 10), timeout=60_000)
    ids = [layer["id"] for layer in win.doc.layers]
    session = win.worker.session
    # drag the hidden 32-unit dense layer d1 to the end of the stack (real drag events)
    last = win.stack.cards[-1].geometry()
    _drop(win.stack, win.stack.cards[0].move_mime(),
          QPointF(last.center().x(), last.bottom() - 1), Qt.MoveAction)
    assert [layer["id"] for layer in win.doc.layers] == ids[1:] + ids[:1]
    qtbot.waitUntil(lambda: win.refusal_bar.isVisible(), timeout=30_000)
    text = win.refusal_bar.text
    assert "model.layers[4]" in text and "32 outputs" in text and "1 column" in text
    assert "Traceback" not in text and "Play trains the model as it was" in text
    assert win.stack.cards[4].property("refused")
    qtbot.waitUntil(lambda: win.stack.cards[4].badge.isVisible(), timeout=5_000)  # drawn
    assert "32 outputs" in win.stack.cards[4].badge.toolTip()
    assert not win.bar.play.isChecked() and not win.worker.playing
    assert not _message_windows() and win.refusals == 1
    # the session still runs the previous model: Play trains it
    assert win.worker.session is session
    assert [ls.id for ls in session.snapshot().layers] == ids
    step = win.controller.latest().snapshot.step
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    qtbot.waitUntil(lambda: step_at_least(win, step + 30), timeout=60_000)
    win.run.pause()
    frame = win.controller.latest()
    assert [ls.id for ls in frame.snapshot.layers] == ids and frame.snapshot.loss < 1.0
    assert win.refusal_bar.isVisible() and not _message_windows()
    # the bar's Undo takes the edit back; the message and the mark go
    qtbot.mouseClick(win.refusal_bar.undo, Qt.LeftButton)
    assert [layer["id"] for layer in win.doc.layers] == ids
    assert not win.refusal_bar.isVisible() and not win.stack.cards[4].property("refused")
    # a later edit that fits is applied to the model that kept training
    win.doc.set_layer_option(0, "units", 16)
    qtbot.waitUntil(lambda: bool(win.controller.latest().markers)
                    and win.controller.latest().markers[-1][1] == "d1: units=16",
                    timeout=30_000)
    assert not win.refusal_bar.isVisible() and win.worker.session is session


def test_a_refused_loss_change_keeps_the_running_session(qtbot, make_window):
    win = make_window(SINE)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=120_000)
    session = win.worker.session
    win.doc.set_section("loss", {"type": "sparse_categorical_crossentropy"})  # on sine targets
    qtbot.waitUntil(lambda: win.refusal_bar.isVisible(), timeout=60_000)
    assert "loss" in win.refusal_bar.text and "Traceback" not in win.refusal_bar.text
    assert win.worker.session is session and win.bar.play.isEnabled()
    win.controller.post("step", n=3)
    qtbot.waitUntil(lambda: step_at_least(win, 3), timeout=60_000)


class Raising(FakeSession):
    """Raises an unexpected error (a bug) at the 30th step, once."""

    raised = False

    def run(self, n):
        if self.t + n >= 30 and not Raising.raised:
            Raising.raised = True
            raise RuntimeError("a bug in the engine")
        return super().run(n)


def test_an_unexpected_worker_error_is_short_with_details_pauses_and_is_logged(
        qtbot, make_window, tmp_path):
    import os
    Raising.raised = False
    win = make_window(MAIN_DESIGN, factory=lambda d, b, dev: Raising(d, b, dev, delay=0.002))
    _real_messages(win)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    win.run.play()
    qtbot.waitUntil(lambda: bool(_message_windows()), timeout=30_000)
    (box,) = _message_windows()
    assert "a bug in the engine" in box.text() and "RuntimeError" in box.text()
    assert "Traceback" not in box.text() and "error log" in box.text()
    assert "Traceback" in box.detailedText() and "run" in box.detailedText()
    assert not win.worker.playing
    qtbot.waitUntil(lambda: not win.bar.play.isChecked(), timeout=5_000)
    log = Path(os.environ["NETWORK_PLAYGROUND_HOME"]) / "log" / "errors.log"
    assert "internal error (RuntimeError): a bug in the engine" in log.read_text()
    step = win.controller.latest().snapshot.step
    qtbot.mouseClick(win.bar.step, Qt.LeftButton)  # the app is still usable
    qtbot.waitUntil(lambda: step_at_least(win, step + 1), timeout=15_000)


def test_repeated_errors_update_one_message(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    _real_messages(win)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    for _ in range(40):
        win.controller.post("no_such_command")  # an unexpected error each time
        win.controller.post("restore_checkpoint", path="/nowhere.npz")  # ... and a refusal
    for k in range(10):
        win.worker.diverged.emit({"step": k, "layer_index": 0, "layer_id": "d1"})
    for k in range(5):
        win.notify("Cannot open design", f"bad file {k}")
    qtbot.waitUntil(lambda: win.message_window.repeats >= 1, timeout=15_000)
    qtbot.wait(500)
    boxes = _message_windows()
    # one message window and one diverged question, never a pile
    assert len([b for b in boxes if b.objectName() == "messageWindow"]) == 1
    assert len([b for b in boxes if b.windowTitle() == "Diverged"]) == 1
    assert len(boxes) == 2
    assert "step 9" in win.diverged_box.text()
    assert win.refusal_bar.isVisible() and "nowhere.npz" in win.refusal_bar.text
    assert win.refusals == 40
    win.message_window.box.button(QMessageBox.Ok).click()  # read and closed
    qtbot.waitUntil(lambda: len(_message_windows()) == 1, timeout=5_000)
    for _ in range(20):
        win.controller.post("no_such_command")
    qtbot.waitUntil(lambda: win.message_window.repeats == 20, timeout=15_000)
    assert "this happened 20 times" in win.message_window.box.text()
    assert len(_message_windows()) == 2
