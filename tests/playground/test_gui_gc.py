"""Garbage collection happens in the GUI thread only, never in a worker thread (which would
destroy leftover Qt objects from the wrong thread)."""
import gc
import threading

from playground import gui_gc
from playground.worker import TrainingController
from tests.helpers.fakes import FakeSession


class _Cycle:
    collected_in: list = []

    def __init__(self):
        self.me = self

    def __del__(self):
        _Cycle.collected_in.append(threading.current_thread().name)


def _make_garbage_in_thread(n=20_000):
    def work():
        for _ in range(n):
            _Cycle()  # a self-cycle: only the cyclic collector frees it
    t = threading.Thread(target=work, name="allocating-worker")
    t.start()
    t.join()


def test_without_the_policy_a_worker_thread_runs_the_collector(qapp):
    gui_gc.uninstall()
    try:
        gc.collect()
        _Cycle.collected_in.clear()
        _make_garbage_in_thread()
        assert "allocating-worker" in _Cycle.collected_in  # the hazard is real
    finally:
        gui_gc.install()
        gc.collect()


def test_with_the_policy_only_the_gui_thread_collects(qtbot):
    gui_gc.uninstall()
    try:
        assert gui_gc.install() is not None
        assert gui_gc.installed() and not gc.isenabled()
        _Cycle.collected_in.clear()
        _make_garbage_in_thread()
        assert _Cycle.collected_in == []
        qtbot.waitUntil(lambda: len(_Cycle.collected_in) >= 20_000, timeout=5_000)
        assert set(_Cycle.collected_in) == {threading.main_thread().name}
    finally:
        gui_gc.install()


def test_a_worker_controller_switches_the_policy_on(qtbot):
    gui_gc.uninstall()
    assert not gui_gc.installed()
    ctl = TrainingController(lambda d, b, dev: FakeSession(d, b, dev))
    try:
        assert gui_gc.installed()
    finally:
        assert ctl.shutdown()


def test_install_off_the_gui_thread_changes_nothing(qapp):
    gui_gc.uninstall()
    result = []
    t = threading.Thread(target=lambda: result.append(gui_gc.install()))
    t.start()
    t.join()
    try:
        assert result == [None] and gc.isenabled()
    finally:
        gui_gc.install()
