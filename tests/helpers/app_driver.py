"""Drives the real app (``playground.main.main``) in a subprocess for the crash-recovery and
quit tests: ``python -m tests.helpers.app_driver edit`` trains, makes an edit, waits for the
autosave (design and run) and prints READY, then keeps running until it is killed;
``... recover`` answers the recovery offer (printing it), prints what was recovered, opens a
comparison and a lesson window and quits through the main window's close (printing the threads
and windows left). Lines are ``KEY {json}``."""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from typing import Any, Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def say(key: str, value: Any) -> None:
    print(f"{key} {json.dumps(value)}", flush=True)


def _window() -> Any:
    from PySide6.QtWidgets import QApplication

    from playground.main_window import MainWindow
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)


def _steps(win: Any) -> int:
    frame = win.controller.latest()
    return int(frame.snapshot.step) if frame is not None and frame.snapshot is not None else -1


def when(condition: Callable[[], bool], then: Callable[[], None], timeout_s: float = 240) -> None:
    """Call ``then`` in the GUI thread once ``condition()`` holds (polled every 50 ms)."""
    from PySide6.QtCore import QTimer
    t_end = time.monotonic() + timeout_s

    def poll() -> None:
        if condition():
            then()
        elif time.monotonic() > t_end:
            say("TIMEOUT", then.__name__)
            os._exit(5)
        else:
            QTimer.singleShot(50, poll)
    QTimer.singleShot(50, poll)


def edit() -> None:
    def start() -> None:
        win = _window()
        win.controller.post("step", n=40)
        when(lambda: _steps(win) >= 40, lambda: make_edit(win))

    def make_edit(win: Any) -> None:
        win.doc.insert_layer(1, {"type": "dropout", "rate": 0.25})
        when(lambda: win.tracker.idle and win.tracker.confirmed == win.doc.design,
             lambda: save_run(win))

    def save_run(win: Any) -> None:
        win.autosave.timer.timeout.emit()  # the 30-second autosave, now
        ckpt = win.autosave.folder / "checkpoint.npz"
        when(ckpt.is_file, lambda: say("READY", {"folder": str(win.autosave.folder),
                                                 "step": _steps(win)}))
    when(lambda: _window() is not None and _steps(_window()) >= 0, start)


def recover() -> None:
    import playground.main as main_module

    def offer(parent: Any, entry: Any) -> str:
        say("OFFER", {"question": entry.question(), "details": entry.details()})
        return "recover"
    main_module.recovery_dialog = offer

    def check() -> None:
        win = _window()
        when(lambda: _steps(win) >= 40, lambda: report(win))

    def report(win: Any) -> None:
        say("RECOVERED", {"name": win.doc.name, "dirty": win.doc.dirty, "step": _steps(win),
                          "layers": [layer.get("type") for layer in win.doc.layers],
                          "undo": win.doc.undo_label})
        room = win.classroom
        room.compare()
        lesson = next(n.number for n in room.panel.lessons if len(n.designs) > 1)
        room.open_lesson(lesson)
        win.files.ask = lambda: (say("ASKED", "unsaved"), "discard")[1]
        from PySide6.QtCore import QTimer
        QTimer.singleShot(1500, win.close)
    when(lambda: _window() is not None and _steps(_window()) >= 0, check)


def main() -> int:
    from playground.main import main as app_main
    from playground.main import make_app
    make_app()
    {"edit": edit, "recover": recover}[sys.argv[1]]()
    code = app_main([])
    from PySide6.QtWidgets import QApplication
    say("EXIT", {"code": code,
                 "windows": [type(w).__name__ for w in QApplication.topLevelWidgets()
                             if w.isVisible()],
                 "threads": sorted(t.name for t in threading.enumerate()
                                   if t is not threading.main_thread() and not t.daemon)})
    return code


if __name__ == "__main__":
    sys.exit(main())
