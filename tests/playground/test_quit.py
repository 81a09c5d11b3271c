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


STUCK_WORKER = """
import sys, time
from PySide6.QtCore import QCoreApplication, QObject, Slot
from playground.threads import ThreadController, finish_process

class Compiling(QObject):  # a worker inside a long compiled call: it cannot stop at once
    @Slot()
    def loop(self):
        time.sleep(4)

    def request_stop(self):
        pass

app = QCoreApplication([])
controller = ThreadController(Compiling())
time.sleep(0.2)
assert not controller.shutdown(timeout_ms=100)  # still busy when the window has closed
print("closed", flush=True)
code = finish_process(3, timeout_ms=int(sys.argv[1]))
print("returned", flush=True)
sys.exit(code)
"""


def test_a_worker_stuck_in_a_long_call_at_quit_does_not_abort_the_process(tmp_path):
    """A QThread destroyed while it runs aborts the process (SIGABRT, a core dump): the end of
    main() waits for such a worker a while, then ends the process with the app's exit code."""
    import subprocess
    import sys
    from pathlib import Path
    script = tmp_path / "stuck.py"
    script.write_text(STUCK_WORKER)
    root = Path(__file__).resolve().parents[2]
    env = dict(__import__("os").environ, PYTHONPATH=str(root))
    for wait_ms, says in ((100, "closed\n"), (10_000, "closed\nreturned\n")):
        proc = subprocess.run([sys.executable, str(script), str(wait_ms)], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 3, proc.stderr[-1500:]
        assert proc.stdout == says and "QThread: Destroyed" not in proc.stderr
