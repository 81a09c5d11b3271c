"""The first start shows the window at once and says that, and how far, the engine compiles
(issue 13): Play stays disabled until the warm-up is done, then the indicator goes away."""
import threading

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QProgressBar

from playground import engine_bridge, main_window


def test_window_shows_compile_progress_until_the_engine_is_ready(qtbot, tmp_path):
    release, compiled = threading.Event(), threading.Event()

    def warm_up_that_compiles() -> float:
        """Like the engine's warm-up: numba compiles (a new function, so never cached)."""
        from numba import njit

        from playground.compiled_cache import install_counter
        install_counter()

        @njit
        def plus_one(x):
            return x + 1

        plus_one(1)
        compiled.set()
        release.wait(30)
        return 1.0

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    win = main_window.MainWindow(engine_bridge.default_design(), settings=settings,
                                 warm_up=warm_up_that_compiles)
    try:
        win.resize(1280, 720)
        win.show()
        qtbot.waitExposed(win)
        progress = win.compile_progress
        assert progress.isVisible() and not win.bar.play.isEnabled()
        assert "compiling the engine" in win.statusBar().currentMessage()
        assert progress.findChild(QProgressBar).maximum() == 0  # busy
        assert compiled.wait(60)
        qtbot.waitUntil(lambda: "1 function compiled" in progress.label.text(), timeout=5_000)
        assert not win.bar.play.isEnabled() and win.controller.latest() is None
        label = progress.label
        assert win.statusBar().childAt(label.mapTo(win.statusBar(), label.rect().center())) \
            is label  # on screen, not covered
        release.set()
        qtbot.waitUntil(lambda: win.bar.play.isEnabled(), timeout=10_000)
        assert not progress.isVisible() and not progress.timer.isActive()
    finally:
        release.set()
        win.shutdown()
        win.close()
