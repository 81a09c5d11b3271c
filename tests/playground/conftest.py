"""Qt test setup: offscreen platform and a main-window fixture that always closes its windows."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import gc  # noqa: E402

import pytest  # noqa: E402
from pytestqt.qtbot import QtBot  # noqa: E402

_wait_until = QtBot.waitUntil


def _wait_until_not_yet_drawn(self, callback, *, timeout=5000):
    """``qtbot.waitUntil`` that also keeps waiting while what it looks at is not there yet.

    pytest-qt retries only on AssertionError; a probe such as ``curve.xData[-1] == 61`` raises
    TypeError while the curve has no data and ended the wait at once on a loaded machine. Such
    errors count as "not yet" here; on timeout the last one is raised with the TimeoutError.
    """
    __tracebackhide__ = True

    def probe():
        try:
            return callback()
        except (LookupError, TypeError, AttributeError) as exc:
            raise AssertionError(f"not there yet: {exc!r}") from exc

    return _wait_until(self, probe, timeout=timeout)


QtBot.waitUntil = QtBot.wait_until = _wait_until_not_yet_drawn


@pytest.fixture(autouse=True)
def _gui_thread_gc(qapp):
    """As in the app: Python's collector runs on a GUI-thread timer, never in a worker thread;
    whatever a test left behind is collected here, in the GUI thread, before the next test."""
    from playground import gui_gc
    gui_gc.install()
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def _own_app_folders(tmp_path_factory, monkeypatch):
    """Settings, recent files, autosaves and logs (playground/paths.py) go to a fresh folder,
    never the user's own."""
    monkeypatch.setenv("NETWORK_PLAYGROUND_HOME", str(tmp_path_factory.mktemp("app-home")))


@pytest.fixture
def make_window(qtbot, tmp_path):
    """Build MainWindows (isolated QSettings, no modal prompts) and close them afterwards."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from playground.main_window import MainWindow

    made = []

    def build(design=None, path=None, factory=None):
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
        win = MainWindow(design, path, factory=factory, settings=settings)
        win.messages = []
        win.notify = lambda title, text: win.messages.append((title, text))
        win.files.ask = lambda: "discard"
        made.append(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    yield build
    _close_all(made, main_window=True)
    QApplication.processEvents()


@pytest.fixture
def make_compare(qtbot):
    """Build ComparisonWindows and close them (and their worker threads) afterwards."""
    from playground.classroom import ComparisonWindow
    made = []

    def build(designs, base_dir=None, **kw):
        win = ComparisonWindow(designs, base_dir, **kw)
        made.append(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    yield build
    _close_all(made)


def _close_all(windows, main_window=False):
    """Close each window and stop its worker thread; a main window also stops its frame timer
    and hides."""
    for win in windows:
        win.close()
        win.shutdown()
        assert not win.controller.thread.isRunning()
        if main_window:
            assert not win.isVisible() and not win.timer.isActive()
        win.deleteLater()


@pytest.fixture
def classroom(qtbot, make_window):
    """A main window with the classroom installed on fake sessions, active: (window, room)."""
    from playground.classroom import install_classroom
    from tests.helpers.app import COMPARE_DESIGN, activate, fake
    win = make_window(COMPARE_DESIGN, factory=fake)
    room = install_classroom(win, factory=fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=30000)
    activate(qtbot, win)
    yield win, room
    room.close_windows()
    if room.presenting:
        room.set_presentation(False)


@pytest.fixture
def german(qapp):
    """German texts loaded (as at a start with LANG=de_DE.UTF-8); English again afterwards."""
    from playground import i18n
    assert i18n.install_translators(qapp, "de") == "de", "resources/i18n/playground_de.qm " \
        "is missing: make install builds it"
    yield
    i18n.remove_translators(qapp)
