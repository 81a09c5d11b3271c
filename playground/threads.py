"""A QThread-owned worker object and its UI-side owner: ``post`` commands, read the newest frame,
``shutdown`` to join (the training worker and the comparison worker share it)."""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QThread


class ThreadController(QObject):
    """UI-side owner of a worker object running in its own QThread: ``post`` commands to it, read
    its ``latest`` frame, ``shutdown`` to join it. Subclasses name the thread and build the worker.

    Creating one moves Python's garbage collection onto the GUI thread (:mod:`playground.gui_gc`):
    the worker allocates constantly, and a collection it triggered would destroy leftover Qt
    objects from the wrong thread."""

    thread_name = "worker"

    def __init__(self, worker: QObject, parent: QObject | None = None):
        super().__init__(parent)
        from playground import gui_gc
        gui_gc.install()
        self.thread = QThread()
        self.thread.setObjectName(self.thread_name)
        self.worker = worker
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker.loop)
        self.thread.start()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.worker!r})"

    def post(self, name: str, **kwargs: Any) -> None:
        self.worker.post(name, **kwargs)

    def latest(self):
        return self.worker.latest()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop the loop and join the thread (idempotent); True when it has ended. A thread still
        busy after ``timeout_ms`` (a long compiled call) is kept referenced until it ends, since
        destroying a running QThread aborts the process."""
        if self.thread.isRunning():
            self.worker.request_stop()
            self.thread.quit()
            if not self.thread.wait(timeout_ms):
                _STILL_RUNNING.append((self.thread, self.worker))
                return False
        return True


_STILL_RUNNING: list = []


def finish_process(code: int, timeout_ms: int = 30_000) -> int:
    """The end of the process, after every window has shut down: wait up to ``timeout_ms`` for
    worker threads still busy in a long compiled call (a compile, a big epoch). One that is
    still running then would abort the process when Python destroys its QThread at exit, so
    the process ends here with ``code`` (output flushed); otherwise returns ``code``."""
    import os
    import sys
    for thread, _worker in list(_STILL_RUNNING):
        if thread.wait(max(1, timeout_ms)):
            _STILL_RUNNING.remove((thread, _worker))
    if not any(thread.isRunning() for thread, _ in _STILL_RUNNING):
        _STILL_RUNNING.clear()
        return code
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
