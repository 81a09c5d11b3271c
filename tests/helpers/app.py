"""App-test helpers: the small designs the window and comparison tests run, stand-in session
factories, and a drag-and-drop of MIME data delivered as the real drag events."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent

from tests.helpers.fakes import FakeSession

MAIN_DESIGN = {"format": "network-playground/design", "version": 1, "name": "fake", "seed": 0,
               "data": {"dataset": "gaussian", "samples": 200, "noise": 0.1, "train_fraction": 0.8},
               "model": {"input_dim": 2, "layers": [
                   {"id": "d1", "type": "dense", "units": 1},
                   {"id": "do1", "type": "dropout", "rate": 0.2, "enabled": True},
                   {"id": "a1", "type": "activation", "function": "sigmoid"}]},
               "loss": {"type": "binary_crossentropy"},
               "optimizer": {"type": "sgd", "learning_rate": 0.5},
               "schedule": {"type": "constant"}, "training": {"batch_size": 32, "epochs": 10}}

COMPARE_DESIGN = {"format": "network-playground/design", "version": 1, "name": "fake", "seed": 0,
                  "data": {"dataset": "gaussian", "samples": 200, "noise": 0.1, "train_fraction": 0.8},
                  "model": {"input_dim": 2, "layers": [
                      {"id": "d1", "type": "dense", "units": 1},
                      {"id": "bn1", "type": "batch_norm", "enabled": True},
                      {"id": "do1", "type": "dropout", "rate": 0.2, "enabled": True},
                      {"id": "a1", "type": "activation", "function": "sigmoid"}]},
                  "loss": {"type": "binary_crossentropy"},
                  "optimizer": {"type": "sgd", "learning_rate": 0.5},
                  "schedule": {"type": "constant"}, "training": {"batch_size": 32, "epochs": 10}}


def paced_fake(d, b, dev):
    """A FakeSession that takes 2 ms per step (the main window's tests)."""
    return FakeSession(d, b, dev, delay=0.002)


def fake(d, b, dev):
    """A FakeSession (the comparison window's tests)."""
    return FakeSession(d, b, dev)


def drop(widget, mime, pos, action=Qt.CopyAction):
    """Drag-enter, drag-move and drop ``mime`` on ``widget`` at ``pos``; returns the drop event."""
    point = pos.toPoint()
    enter = QDragEnterEvent(point, action, mime, Qt.LeftButton, Qt.NoModifier)
    widget.dragEnterEvent(enter)
    assert enter.isAccepted()
    move = QDragMoveEvent(point, action, mime, Qt.LeftButton, Qt.NoModifier)
    widget.dragMoveEvent(move)
    assert move.isAccepted()
    drop = QDropEvent(pos, action, mime, Qt.LeftButton, Qt.NoModifier)
    widget.dropEvent(drop)
    return drop


def step_at_least(win, n):
    """True once the window's newest frame has reached step ``n``."""
    f = win.controller.latest()
    return f is not None and f.snapshot is not None and f.snapshot.step >= n


def type_number(qtbot, box, text, finish=Qt.Key_Enter):
    """Select a number box's text and type ``text`` one key at a time, then ``finish``."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    if finish is not None:
        qtbot.keyClick(box.lineEdit(), finish)


def palette_and_stack(qtbot):
    """A design document with a palette and a stack on screen: (doc, palette, stack)."""
    from playground.document import DesignDocument
    from playground.widgets.palette import LayerPalette
    from playground.widgets.stack import LayerStack
    doc = DesignDocument()
    palette, stack = LayerPalette(), LayerStack(doc)
    for w in (palette, stack):
        qtbot.addWidget(w)
        w.resize(400, 700)
        w.show()
    qtbot.waitExposed(stack)
    return doc, palette, stack


def activate(qtbot, win):
    """Make ``win`` the active window (window shortcuts only reach the active one)."""
    from PySide6.QtWidgets import QApplication
    win.raise_()
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=30000)


def open_user_guide(qtbot, win):
    """Show ``win`` and press F1 there, as a person opens Help → User guide; returns the guide."""
    win.show()
    qtbot.waitExposed(win)
    activate(qtbot, win)
    qtbot.keyClick(win, Qt.Key_F1)
    qtbot.waitUntil(lambda: getattr(win, "user_guide", None) is not None
                    and win.user_guide.isVisible())
    return win.user_guide


def loaded(qtbot, loader, timeout=30_000):
    """Wait until a file loader (File → Open, a data file) has delivered its result."""
    qtbot.waitUntil(lambda: loader is None or loader.finished, timeout=timeout)


def open_design(qtbot, win, path, confirm=True):
    """File → Open ``path`` (read off the GUI thread) and wait for it; True when it started."""
    started = win.files.open_path(str(path), confirm=confirm)
    if started:
        loaded(qtbot, win.files.loader)
    return started
