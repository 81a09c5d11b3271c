"""Loading off the GUI thread: a design or a data file is read and validated in a thread of its
own while the window keeps drawing; a progress dialog with a Cancel button shows after a
moment (fast loads never flash one).

The result comes back to the GUI thread through a timer that polls the thread (no signal from
the loading thread touches a Qt object). Cancel closes the dialog at once and drops the result;
the loading function may stop early by checking the ``threading.Event`` it is given.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

POLL_MS = 30
SHOW_AFTER_MS = 300
#: loading threads not yet finished (each ends on its own; Quit waits briefly for them)
RUNNING: list[threading.Thread] = []


class Loader(QObject):
    """Runs ``work(cancelled)`` in a thread; then, in the GUI thread, ``on_done(result)`` or
    ``on_error(exception)``; nothing after Cancel.

    Parameters
    ----------
    parent : the window the progress dialog belongs to.
    label : what is loading ("Reading spiral.csv…").
    work : the loading function; it receives a ``threading.Event`` set on Cancel.
    on_done, on_error : called in the GUI thread.
    """

    def __init__(self, parent: QWidget, label: str, work: Callable[[threading.Event], Any],
                 on_done: Callable[[Any], None], on_error: Callable[[BaseException], None],
                 show_after_ms: int = SHOW_AFTER_MS):
        super().__init__(parent)
        self.label, self.work = label, work
        self.on_done, self.on_error = on_done, on_error
        self.cancelled = threading.Event()
        self.outcome: tuple[str, Any] | None = None
        self.finished = False
        self.dialog = QProgressDialog(label, "Cancel", 0, 0, parent)
        self.dialog.setObjectName("loadingDialog")
        self.dialog.setWindowTitle("Loading")
        self.dialog.setWindowModality(Qt.WindowModal)  # no edits of the design meanwhile
        self.dialog.setMinimumDuration(show_after_ms)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.cancel)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._poll)
        self.thread = threading.Thread(target=self._run, name=f"loading: {label}", daemon=True)
        self.t0 = 0.0

    def __repr__(self) -> str:
        return f"Loader({self.label!r}, finished={self.finished})"

    def start(self) -> "Loader":
        self.t0 = time.perf_counter()
        RUNNING.append(self.thread)
        self.thread.start()
        self.timer.start()
        self.dialog.setValue(0)  # starts the dialog's show-after timer
        return self

    def _run(self) -> None:
        try:
            self.outcome = ("done", self.work(self.cancelled))
        except BaseException as err:  # noqa: BLE001 - handed to the GUI thread
            self.outcome = ("error", err)
        finally:
            try:
                RUNNING.remove(threading.current_thread())
            except ValueError:
                pass

    def _poll(self) -> None:
        if self.outcome is None:
            return
        kind, value = self.outcome
        self._finish()
        if kind == "done":
            self.on_done(value)
        else:
            self.on_error(value)

    def _finish(self) -> None:
        self.finished = True
        self.timer.stop()
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        self.dialog.deleteLater()
        self.deleteLater()

    def cancel(self) -> None:
        """Stop waiting: the dialog closes, the result (when it comes) is dropped."""
        if self.finished:
            return
        self.cancelled.set()
        self._finish()

    @property
    def visible(self) -> bool:
        return not self.finished and self.dialog.isVisible()


def wait_for_loaders(timeout_s: float = 2.0) -> bool:
    """Wait up to ``timeout_s`` for loading threads still running (Quit); True when none is."""
    t_end = time.monotonic() + timeout_s
    for thread in list(RUNNING):
        thread.join(max(0.0, t_end - time.monotonic()))
    return not any(t.is_alive() for t in RUNNING)
