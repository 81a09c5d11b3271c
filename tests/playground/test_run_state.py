"""Play/Pause follows the user, and the end of a run is an event (issue 11, points 3 and 4)."""
import dataclasses

from PySide6.QtCore import Qt

from tests.playground.fakes import FakeSession
from tests.playground.test_window_fake import DESIGN, _fake, _step_at_least


def test_a_frame_published_before_the_pause_click_does_not_undo_it(qtbot, make_window):
    """The race: the worker published a 'playing' frame just before the Pause click arrived;
    drawing that frame afterwards must not turn the button back into 'Pause'."""
    win = make_window(DESIGN, factory=_fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    qtbot.waitUntil(lambda: _step_at_least(win, 20), timeout=15_000)
    win.timer.stop()  # the test draws the frames itself, in the racy order
    playing_frame = win.controller.latest()
    assert playing_frame.extra["playing"]
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)  # Pause
    assert win.bar.play.text() == "Play"
    stale = dataclasses.replace(playing_frame, serial=playing_frame.serial + 10_000)
    win.controller.latest = lambda: stale
    win.on_timer()
    assert win.bar.play.text() == "Play" and not win.bar.play.isChecked()
    del win.controller.latest
    qtbot.waitUntil(lambda: not win.worker.playing, timeout=5_000)
    # the pause itself is published: the newest frame says "not playing"
    qtbot.waitUntil(lambda: not win.controller.latest().extra["playing"], timeout=5_000)
    win.on_timer()
    assert win.bar.play.text() == "Play"
    step = win.controller.latest().snapshot.step
    win.timer.start()
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)  # the next click plays again
    qtbot.waitUntil(lambda: _step_at_least(win, step + 20), timeout=15_000)
    assert win.bar.play.text() == "Pause"
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)


def test_pause_clicked_many_times_while_training_always_ends_paused(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev, delay=0.001))
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    for _ in range(5):
        qtbot.mouseClick(win.bar.play, Qt.LeftButton)
        qtbot.wait(40)
        qtbot.mouseClick(win.bar.play, Qt.LeftButton)
        qtbot.wait(40)
    qtbot.wait(300)
    assert not win.worker.playing
    assert win.bar.play.text() == "Play" and not win.bar.play.isChecked()
