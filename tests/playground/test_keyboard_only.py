"""The app from the keyboard alone: key events to the focused widget, no mouse event at all."""
import copy
import json

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from playground.widgets.palette import PaletteCard
from tests.helpers.app import MAIN_DESIGN, activate, fake, step_at_least

EMPTY = copy.deepcopy(MAIN_DESIGN)
EMPTY["model"]["layers"] = []


def _key(qtbot, key, modifier=Qt.NoModifier):
    """One key press to whatever has the keyboard focus (as a person's keyboard does)."""
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, modifier)


def _tab_to_card(qtbot, win, title):
    """Tab through the palette until the card ``title`` has the focus."""
    for _ in range(len(win.palette.cards) + 1):
        focus = QApplication.focusWidget()
        if isinstance(focus, PaletteCard) and focus is win.palette.card(title):
            return
        _key(qtbot, Qt.Key_Tab)
    raise AssertionError(f"Tab never reached the {title} card")


def _types(win):
    return [c.get("function") or c["type"] for c in win.doc.layers]


def test_build_a_three_layer_network_train_and_save_without_the_mouse(qtbot, make_window,
                                                                       tmp_path):
    win = make_window(EMPTY, factory=fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=30_000)
    activate(qtbot, win)
    _key(qtbot, Qt.Key_P, Qt.ControlModifier | Qt.ShiftModifier)  # View → Go to layer palette
    assert QApplication.focusWidget() is win.palette.cards[0]
    _tab_to_card(qtbot, win, "dense")
    _key(qtbot, Qt.Key_Return)
    _tab_to_card(qtbot, win, "relu")
    _key(qtbot, Qt.Key_Return)
    for _ in range(len(win.palette.cards)):  # back to the dense card with Shift+Tab
        if QApplication.focusWidget() is win.palette.card("dense"):
            break
        _key(qtbot, Qt.Key_Backtab, Qt.ShiftModifier)
    _key(qtbot, Qt.Key_Enter)
    assert _types(win) == ["dense", "relu", "dense"]  # each after the one selected before
    _key(qtbot, Qt.Key_L, Qt.ControlModifier | Qt.ShiftModifier)  # View → Go to layer stack
    assert QApplication.focusWidget() is win.stack and win.stack.current == 2
    _key(qtbot, Qt.Key_Up)
    _key(qtbot, Qt.Key_Up, Qt.ControlModifier)  # relu to the top, one undo step
    assert _types(win) == ["relu", "dense", "dense"] and win.stack.current == 0
    _key(qtbot, Qt.Key_Down, Qt.ControlModifier)
    assert _types(win) == ["dense", "relu", "dense"] and win.stack.current == 1
    _key(qtbot, Qt.Key_Z, Qt.ControlModifier)
    assert _types(win) == ["relu", "dense", "dense"]
    _key(qtbot, Qt.Key_Y, Qt.ControlModifier)
    assert _types(win) == ["dense", "relu", "dense"]
    qtbot.waitUntil(lambda: win.bar.play.isEnabled(), timeout=30_000)
    _key(qtbot, Qt.Key_Space)  # train
    qtbot.waitUntil(lambda: step_at_least(win, 20), timeout=30_000)
    _key(qtbot, Qt.Key_Space)
    qtbot.waitUntil(lambda: not win.bar.play.isChecked(), timeout=10_000)
    target = tmp_path / "keyboard.json"
    typed = []

    def type_file_name():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog) or not dialog.isActiveWindow():
            QTimer.singleShot(50, type_file_name)
            return
        field = QApplication.focusWidget()  # the file name field has the focus
        assert isinstance(field, QLineEdit), field
        qtbot.keyClicks(field, str(target))
        qtbot.keyClick(field, Qt.Key_Return)
        typed.append(str(target))

    QTimer.singleShot(50, type_file_name)
    _key(qtbot, Qt.Key_S, Qt.ControlModifier)  # no file yet: Save asks for one
    qtbot.waitUntil(lambda: target.exists(), timeout=15_000)
    assert typed
    saved = json.loads(target.read_text(encoding="utf-8"))
    layers = saved["model"]["layers"]
    assert [l.get("function") or l["type"] for l in layers] == ["dense", "relu", "dense"]
    assert not win.doc.dirty
