"""Quit means quit (issue 10, the app half): closing the main window asks once about unsaved
work, closes the lesson and comparison windows and every message, stops every worker thread and
ends the process (the subprocess side: test_autosave's recovery run quits the same way)."""
import threading

import shiboken6

from PySide6.QtWidgets import QApplication

from tests.helpers.app import COMPARE_DESIGN, fake


def _visible_windows():
    return [w for w in QApplication.topLevelWidgets() if w.isVisible()]


def test_closing_the_main_window_closes_everything_it_opened_and_stops_every_worker(
        qtbot, classroom):
    win, room = classroom
    win.notify = win._show_message
    comparison = room.compare()
    lesson = next(n.number for n in room.panel.lessons if len(n.designs) > 1)
    lesson_window = room.open_lesson(lesson)
    sheet = room.show_shortcuts()
    win.notify("Cannot open design", "a message left open")
    win.worker.diverged.emit({"step": 3, "layer_index": 0, "layer_id": "d1"})
    win.doc.set_layer_option(0, "units", 3)  # unsaved work
    workers = [win.controller, comparison.controller, lesson_window.controller]
    assert all(c.thread.isRunning() for c in workers)
    assert len(_visible_windows()) >= 6
    closed, asked = [], []
    win.closed.connect(lambda: closed.append(True))
    win.files.ask = lambda: asked.append(1) or "cancel"
    win.close()  # cancelled: nothing closes
    assert asked == [1] and win.isVisible() and comparison.isVisible() and not closed
    win.files.ask = lambda: asked.append(1) or "discard"
    win.close()
    assert asked == [1, 1] and closed == [True]  # asked once more, for the one design
    QApplication.processEvents()
    assert _visible_windows() == []
    assert not any(c.thread.isRunning() for c in workers)
    assert not shiboken6.isValid(sheet) or not sheet.isVisible()  # closed (deleted on close)
    assert not win.timer.isActive()
    assert [t for t in threading.enumerate() if t.name.startswith("loading")] == []


def test_the_app_quits_when_its_main_window_closes_though_a_comparison_is_open(
        qtbot, make_window):
    """main() connects ``closed`` to QApplication.quit: no other window keeps it running."""
    from PySide6.QtCore import QEventLoop, QTimer

    from playground.classroom import install_classroom
    win = make_window(COMPARE_DESIGN, factory=fake)
    room = install_classroom(win, factory=fake)
    room.compare()
    loop = QEventLoop()
    win.closed.connect(loop.quit)
    QTimer.singleShot(0, win.close)
    QTimer.singleShot(20_000, lambda: loop.exit(1))
    assert loop.exec() == 0
    assert _visible_windows() == []
