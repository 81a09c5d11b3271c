"""Typed numbers are applied once: on Enter, on focus-out or after a pause (issue 11, point 2).

Typing goes through ``qtbot.keyClicks`` one character at a time, as a person types."""
from PySide6.QtCore import QLocale, Qt

from playground.widgets.numbers import NumberBox, commit_on_finish
from tests.helpers.app import MAIN_DESIGN as DESIGN, type_number as _type
from tests.helpers.fakes import FakeSession


def _built(qtbot, win):
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    return win.worker.session


def _markers(win):
    return [label for _, label in win.controller.latest().markers]


def test_typing_units_rebuilds_the_layer_once_with_one_undo_step_and_one_marker(qtbot,
                                                                               make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    session = _built(qtbot, win)
    win.stack.select(0)
    box = win.inspector.editors["units"]
    undo_before = len(win.doc._undo)
    _type(qtbot, box, "4096")
    assert win.doc.layers[0]["units"] == 4096
    assert len(win.doc._undo) == undo_before + 1
    qtbot.waitUntil(lambda: any(c[0] == "apply_model" for c in session.calls), timeout=15_000)
    qtbot.wait(300)  # anything else queued would have arrived by now
    assert sum(c[0] == "apply_model" for c in session.calls) == 1
    assert len(_markers(win)) == 1


def test_typing_a_batch_size_leaves_one_marker(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    _built(qtbot, win)
    win.worker.session.set_batch_size = lambda v: None
    _type(qtbot, win.bar.batch, "16")
    qtbot.waitUntil(lambda: bool(_markers(win)), timeout=15_000)
    qtbot.wait(300)
    assert _markers(win) == ["batch=16"]
    assert win.doc.section("training")["batch_size"] == 16


def test_learning_rate_commits_on_focus_out_and_keeps_small_values(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    session = _built(qtbot, win)
    _type(qtbot, win.bar.lr, "0.00003", finish=None)
    assert win.doc.section("optimizer")["learning_rate"] == 0.5  # not yet: still typing
    win.bar.batch.setFocus()  # focus moves on: the number is entered
    qtbot.waitUntil(lambda: win.doc.section("optimizer")["learning_rate"] == 3e-5, timeout=5_000)
    qtbot.waitUntil(lambda: session.lr == 3e-5, timeout=15_000)
    assert [c for c in session.calls if c[0] == "lr"] == [("lr", 3e-5)]
    assert win.bar.lr.text() == "3e-05"


def test_a_pause_in_typing_commits_the_number(qtbot):
    box = commit_on_finish(__import__("PySide6.QtWidgets", fromlist=["QSpinBox"]).QSpinBox(),
                           pause_ms=200)
    qtbot.addWidget(box)
    box.setRange(0, 10_000)
    box.show()
    seen = []
    box.valueChanged.connect(seen.append)
    _type(qtbot, box, "512", finish=None)
    assert seen == []
    qtbot.waitUntil(lambda: seen == [512], timeout=3_000)


def test_number_box_shows_tiny_and_large_values_and_steps_on_a_1_2_5_ladder(qtbot):
    box = NumberBox(1e-8, 1e6, log_steps=True)
    qtbot.addWidget(box)
    box.setValue(1e-7)
    assert box.text() == "1e-07"
    box.setValue(1000.0)
    assert box.text() == "1000" and box.value() == 1000.0
    box.setValue(0.01)
    box.stepBy(1)
    assert box.value() == 0.02
    box.stepBy(-2)
    assert box.value() == 0.005


def test_a_typed_value_out_of_range_gets_a_sentence_and_the_field_shows_the_layer_again(
        qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    win.resize(1280, 720)
    _built(qtbot, win)
    win.stack.select(0)
    box = win.inspector.editors["units"]
    before = win.doc.layers[0]["units"]
    _type(qtbot, box, "0")
    error = win.inspector.error

    def under_the_field():  # in sight, right under the field (not below a scrolled form's end)
        below = (error.mapTo(win, error.rect().topLeft()).y()
                 - box.mapTo(win, box.rect().bottomLeft()).y())
        return error.isVisible() and not error.visibleRegion().isEmpty() and 0 <= below < 30

    qtbot.waitUntil(under_the_field, timeout=5_000)
    assert "units" in error.text() and "[1, 4096]" in error.text() and "\n" not in error.text()
    assert win.doc.layers[0]["units"] == before
    qtbot.keyClick(box.lineEdit(), Qt.Key_Tab)  # focus-out: the field shows the layer's value
    qtbot.waitUntil(lambda: not box.hasFocus(), timeout=5_000)
    assert box.lineEdit().text() == str(before) and box.value() == before
    assert win.doc.layers[0]["units"] == before


def test_a_decimal_comma_is_a_decimal_point(qtbot):
    """German users type 0,1: the comma must not be dropped (0,1 became 1, ten times the rate)."""
    box = NumberBox(1e-8, 1e6, log_steps=True)
    box.setLocale(QLocale(QLocale.German, QLocale.Germany))  # LANG=de_DE.UTF-8
    qtbot.addWidget(box)
    box.show()
    box.setValue(0.03)
    _type(qtbot, box, "0,1")
    assert box.value() == 0.1 and box.text() == "0.1"
