"""Play/Pause follows the user, and the end of a run is an event (issue 11, points 3 and 4)."""
import dataclasses

from PySide6.QtCore import Qt

from tests.helpers.fakes import FakeSession
from tests.helpers.app import MAIN_DESIGN as DESIGN, paced_fake as _fake, step_at_least as _step_at_least


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


END_DESIGN = {**DESIGN, "training": {"batch_size": 32, "epochs": 3, "shuffle": True,
                                     "early_stopping": None}}


def _ended(win):
    f = win.controller.latest()
    return f is not None and f.extra.get("ended") is not None


def _epoch_session(d, b, dev):
    from tests.helpers.fakes import EpochSession
    return EpochSession(d, b, dev, delay=0.001)


def test_the_end_of_a_run_is_a_banner_with_continue_and_no_limit(qtbot, make_window):
    win = make_window(END_DESIGN, factory=_epoch_session)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    banner = win.banner
    assert banner.isHidden()
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    qtbot.waitUntil(lambda: banner.isVisible(), timeout=15_000)
    assert "Finished after 3 epochs" in banner.text.text()
    assert win.bar.play.text() == "Play"
    assert banner.more.text() == "Continue for 10 more epochs"
    qtbot.mouseClick(win.bar.step, Qt.LeftButton)  # Step after the end says why nothing happens
    qtbot.waitUntil(lambda: "continue" in win.statusBar().currentMessage(), timeout=5_000)
    undo = len(win.doc._undo)
    qtbot.mouseClick(banner.more, Qt.LeftButton)
    assert win.doc.section("training")["epochs"] == 13 and len(win.doc._undo) == undo + 1
    qtbot.waitUntil(lambda: win.worker.session.t > 30, timeout=15_000)
    qtbot.waitUntil(lambda: "Finished after 13 epochs" in banner.text.text(), timeout=15_000)
    assert banner.isVisible() and win.worker.session.t == 130
    qtbot.mouseClick(banner.unlimited, Qt.LeftButton)
    training = win.doc.section("training")
    assert training["early_stopping"] is None and training["epochs"] >= 1_000_000
    qtbot.waitUntil(lambda: win.worker.session.t > 200, timeout=15_000)
    assert banner.isHidden() and win.bar.play.text() == "Pause"
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)


def test_early_stopping_is_named_and_can_be_switched_off_on_the_bar(qtbot, make_window):
    design = {**END_DESIGN, "training": {**END_DESIGN["training"], "epochs": 50,
                                         "early_stopping": {"monitor": "val_loss", "patience": 1,
                                                            "restore_best": True}}}
    win = make_window(design, factory=_epoch_session)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    assert win.bar.early_stopping.isChecked()
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.banner.isVisible(), timeout=15_000)
    text = win.banner.text.text()
    assert "Early stopped at epoch 2: validation loss did not improve for 1 epochs" in text
    assert "epoch 1" in text  # the restored best weights
    qtbot.mouseClick(win.bar.early_stopping, Qt.LeftButton)  # off
    assert win.doc.section("training")["early_stopping"] is None
    qtbot.waitUntil(lambda: win.worker.session.status == "running", timeout=15_000)
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Finished after 50 epochs" in win.banner.text.text(), timeout=20_000)
    win.doc.undo()  # early stopping back on, with its settings
    assert win.doc.section("training")["early_stopping"]["patience"] == 1
    assert win.bar.early_stopping.isChecked()
