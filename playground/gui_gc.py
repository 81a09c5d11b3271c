"""Python's cyclic garbage collector runs only in the GUI thread.

The collector runs in whichever thread happens to allocate when a generation's threshold trips. In
the app that is usually the training thread (it allocates snapshots and frames all the time), and
what it collects includes Qt objects left in reference cycles: the windows, timers and plots of a
design that was closed or replaced. Destroying those from the training thread makes Qt touch GUI
state from the wrong thread: it crashes, or it waits for a lock the GUI thread holds while the GUI
thread waits for the GIL, and the app hangs. pyqtgraph ships the same remedy: switch automatic
collection off and collect, generation by generation with the same thresholds, on a GUI-thread timer.
"""
from __future__ import annotations

import gc
import threading

INTERVAL_MS = 500
_timer = None


def _collect() -> None:
    t0, t1, t2 = gc.get_threshold()
    c0, c1, c2 = gc.get_count()
    if c0 > t0:
        gc.collect(0)
        if c1 > t1:
            gc.collect(1)
            if c2 > t2:
                gc.collect(2)


def install(interval_ms: int = INTERVAL_MS):
    """Move collection onto a timer in the GUI thread (idempotent). Returns the timer, or None when
    there is no QApplication yet or this is not the main thread (nothing changes then)."""
    global _timer
    from PySide6.QtCore import QCoreApplication, QTimer
    app = QCoreApplication.instance()
    if app is None or threading.current_thread() is not threading.main_thread():
        return None
    if _timer is not None:
        try:
            if _timer.isActive():
                return _timer
        except RuntimeError:  # the C++ timer went away with an earlier QApplication
            pass
    timer = QTimer(app)
    timer.setObjectName("gui-thread-garbage-collector")
    timer.timeout.connect(_collect)
    gc.disable()
    timer.start(interval_ms)
    _timer = timer
    return timer


def installed() -> bool:
    """True while automatic collection is off and the GUI-thread timer runs."""
    try:
        return _timer is not None and _timer.isActive() and not gc.isenabled()
    except RuntimeError:
        return False


def uninstall() -> None:
    """Stop the timer and switch automatic collection back on (tests)."""
    global _timer
    if _timer is not None:
        try:
            _timer.stop()
            _timer.deleteLater()
        except RuntimeError:
            pass
        _timer = None
    gc.enable()
