"""What a new user sees (issue 4): a run that ends inside one chunk is drawn in full, auto speed
is paced so that learning can be watched, Play waits for the engine warm-up, sane glyphs/axes."""
import dataclasses
import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from playground import main_window, window_frames
from playground.boundary import boundary_for
from playground.dashboards.base import TimePlot
from playground.worker import TrainingController
from tests.helpers.app import MAIN_DESIGN as DESIGN
from tests.helpers.fakes import FakeSession


class FinishingSession(FakeSession):
    """A FakeSession that stops after ``limit`` steps, like a session at its last epoch."""

    limit = 300

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.history: list[dict] = []

    def _snap(self, loss: float):
        last = self.history[-1]["loss"] if getattr(self, "history", None) else None
        return dataclasses.replace(super()._snap(loss), epoch_loss=last)

    def run(self, n: int):
        snap = None
        for _ in range(min(n, self.limit - self.t)):  # one epoch record per 10 steps
            snap = super().run(1)
            if self.t % 10 == 0:
                self.history.append({"epoch": self.t // 10, "step": self.t, "loss": snap.loss,
                                     "val_loss": snap.val_loss, "accuracy": 0.9,
                                     "val_accuracy": 0.8, "lr": self.lr})
        self.status = "finished" if self.t >= self.limit else "running"
        return snap if snap is not None else super().run(0)


def _finishing(d, b, dev):
    return FinishingSession(d, b, dev)


@pytest.mark.parametrize("speed", [1000, 40])
def test_finished_run_is_drawn_in_full(qtbot, make_window, monkeypatch, speed):
    """1000 steps per frame: the whole run in one chunk; 40: a few chunks."""
    monkeypatch.setattr(window_frames, "FRAME_BUDGET_S", 0.0)  # one dashboard per tick at most
    win = make_window(DESIGN, factory=_finishing)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    win.bar.speed.setValue(speed)
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    session = win.worker.session
    qtbot.waitUntil(lambda: session.finished and not win.worker.playing, timeout=15_000)
    frame = win.controller.latest()
    assert frame.snapshot.step == FinishingSession.limit and not frame.extra["playing"]
    shown = [d for d in win.dashboards if d.isVisible()]
    assert len(shown) >= 3
    final = boundary_for(session)  # the boundary shows the trained weights, not the initial ones
    assert np.allclose(frame.boundary.z, final.z)

    def everything_drawn() -> None:
        curves = win.dashboards[0].loss_plot.curves
        assert "train (batch)" in curves and "validation" in win.dashboards[0].acc_plot.curves
        x, _ = curves["train (batch)"].getData()
        assert x[-1] == FinishingSession.limit and len(x) >= min(300 // speed, 5)
        x, _ = curves["train (epoch)"].getData()  # every epoch, also those inside one chunk
        assert len(x) >= 30 and x[-1] == FinishingSession.limit
        acc, _ = win.dashboards[0].acc_plot.curves["validation"].getData()
        assert len(acc) >= 30
        drawn = win.dashboards[1].image.image  # None until the boundary dashboard's turn comes
        assert drawn is not None and np.allclose(drawn, final.z.T)
        assert not win.stale_dashboards(frame)

    def gradients_drawn() -> None:
        grads = win.dashboards[2].grad_plot.curves
        assert grads and all(c.getData()[0][-1] == FinishingSession.limit
                             for c in grads.values())

    qtbot.waitUntil(everything_drawn, timeout=15_000)  # a loaded 2-core machine
    win.docks["Gradients"].raise_()  # a tab behind the loss on this small screen: drawn when shown
    qtbot.waitUntil(gradients_drawn, timeout=5_000)
    assert not win.bar.play.isChecked()
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)  # Play on a finished run: nothing to do
    qtbot.waitUntil(lambda: not win.bar.play.isChecked(), timeout=5_000)
    assert "finished" in win.statusBar().currentMessage()
    assert "step 300" in win.bar.counter.text()


def test_epoch_records_fill_the_history_and_are_downsampled_not_dropped():
    from playground.history import History
    from tests.helpers.fakes import step_snapshot
    hist = History(capacity=20)
    for chunk in range(1, 11):  # chunks of 100 steps, ten epochs each
        for e in range(1, 10):
            hist.add_epoch({"step": (chunk - 1) * 100 + 10 * e, "loss": 1.0 / (chunk + e),
                            "val_loss": 2.0, "accuracy": 0.5, "val_accuracy": None, "lr": 0.1})
        hist.add(step_snapshot(chunk * 100, chunk * 10, 0.5, 0.1))
    h = hist.arrays()
    assert 10 <= len(h["steps"]) <= 20 and h["steps"][0] == 10 and h["steps"][-1] == 1000
    assert np.all(np.diff(h["steps"]) > 0)
    assert np.isfinite(h["epoch_loss"]).sum() >= 8 and np.isnan(h["val_accuracy"]).all()


def _steps_in(qtbot, speed: int, seconds: float) -> int:
    ctl = TrainingController(lambda d, b, dev: FakeSession(d, b, dev))
    try:
        ctl.post("build", design={})
        qtbot.waitUntil(lambda: ctl.latest() is not None, timeout=15_000)
        ctl.post("speed", steps=speed)
        ctl.post("play")
        qtbot.wait(int(seconds * 1000))
        ctl.post("pause")
        qtbot.waitUntil(lambda: not ctl.worker.playing, timeout=5_000)
        return int(ctl.worker.session.t)
    finally:
        ctl.shutdown()


def test_auto_speed_is_paced_to_watch_and_max_is_not(qtbot):
    auto = _steps_in(qtbot, 0, 1.0)  # FakeSession: 10 steps per epoch -> about 200 steps/s
    fast = _steps_in(qtbot, -1, 1.0)
    assert 20 <= auto <= 320, auto
    assert fast > 3 * auto, (fast, auto)
    per_frame = _steps_in(qtbot, 1, 1.0)  # one step per frame: about 30 steps/s
    assert 3 <= per_frame <= 45, per_frame


def test_speed_box_offers_auto_to_max(qtbot, make_window):
    win = make_window(DESIGN, factory=_finishing)
    labels = [win.bar.speed.itemText(i) for i in range(win.bar.speed.count())]
    assert labels[0].startswith("watch") and labels[-1] == "max"  # slowest to fastest
    assert win.bar.speed.currentText() == "auto"
    win.bar.speed.setCurrentIndex(win.bar.speed.count() - 1)
    qtbot.waitUntil(lambda: win.worker.pacing.steps_per_chunk == -1, timeout=5_000)
    win.bar.speed.setCurrentIndex(labels.index("auto"))
    qtbot.waitUntil(lambda: win.worker.pacing.steps_per_chunk == 0, timeout=5_000)


def test_play_waits_for_the_engine_warm_up(qtbot, tmp_path):
    from PySide6.QtCore import QSettings
    release, started = threading.Event(), threading.Event()

    def slow_warm_up() -> float:
        started.set()
        release.wait(20)
        return 1.0

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.IniFormat)
    win = main_window.MainWindow(DESIGN, factory=_finishing, settings=settings,
                                 warm_up=slow_warm_up)
    try:
        win.show()
        assert started.wait(10)
        qtbot.wait(200)
        assert not win.bar.play.isEnabled() and not win.bar.step.isEnabled()
        assert not win.bar.epoch.isEnabled()
        assert "compiling the engine" in win.statusBar().currentMessage()
        assert win.controller.latest() is None  # nothing built before the warm-up ends
        release.set()
        qtbot.waitUntil(lambda: win.bar.play.isEnabled(), timeout=10_000)
        assert win.bar.step.isEnabled() and win.bar.epoch.isEnabled()
        qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=10_000)
    finally:
        release.set()
        win.shutdown()
        win.close()


def test_buttons_use_standard_icons_not_missing_glyphs(qtbot, make_window):
    win = make_window(DESIGN, factory=_finishing)
    for button in (win.bar.play, win.bar.reset):
        assert button.text().isascii() and not button.icon().isNull()
    play_icon = win.bar.play.icon().cacheKey()
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    win.bar.speed.setValue(1)
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    assert win.bar.play.text() == "Pause" and win.bar.play.icon().cacheKey() != play_icon


def _labels(plot: TimePlot, axis: str) -> list[str]:
    ax = plot.plotItem.getAxis(axis)
    lo, hi = plot.plotItem.viewRange()[0 if axis == "bottom" else 1]
    if ax._tickLevels is not None:  # fixed ticks (log axes)
        return [label for level in ax._tickLevels for v, label in level if lo <= v <= hi]
    out = []
    for spacing, values in ax.tickValues(lo, hi, 300):
        out += ax.tickStrings(values, ax.autoSIPrefixScale, spacing)
    return out


def test_single_point_gives_readable_ticks(qtbot):
    for log in (True, False):
        plot = TimePlot("grad", log_y=log)
        qtbot.addWidget(plot)
        plot.set_series("a", np.array([8]), np.array([0.3]), "w")
        plot.fit()
        (x0, x1), (y0, y1) = plot.plotItem.viewRange()
        assert x1 - x0 >= 1.0 and y1 - y0 >= (1.0 if log else 0.03)
        labels = _labels(plot, "bottom") + _labels(plot, "left")
        assert labels and all(len(s) <= 6 for s in labels), labels
        assert not log or 2 <= len(_labels(plot, "left")) <= 8, labels


def test_log_axis_of_a_short_range_has_few_readable_labels(qtbot):
    plot = TimePlot("loss", log_y=True)
    qtbot.addWidget(plot)
    plot.set_series("a", np.arange(100), np.linspace(0.75, 0.55, 100), "w")
    plot.fit()
    labels = _labels(plot, "left")
    assert 2 <= len(labels) <= 6 and all(len(s) <= 5 for s in labels), labels
    plot.set_series("a", np.arange(100), np.logspace(0, -7, 100), "w")
    plot.fit()
    labels = _labels(plot, "left")
    assert 2 <= len(labels) <= 7 and "1" in labels, labels
    plot.set_log(False)
    assert plot.plotItem.getAxis("left")._tickLevels is None
    time.sleep(0)


def test_unchanged_boundary_is_not_redrawn_and_long_series_are_thinned(qtbot):
    from playground.dashboards.base import MAX_POINTS
    from playground.dashboards.inspect_plots import BoundaryDashboard
    from playground.history import Frame
    session = FakeSession({})
    session.run(5)
    b = boundary_for(session)
    dash = BoundaryDashboard()
    qtbot.addWidget(dash)
    for serial in range(3):
        dash.update_frame(Frame(snapshot=None, history={}, boundary=b, serial=serial))
    assert dash.frames_drawn == 1
    session.run(5)
    dash.update_frame(Frame(snapshot=None, history={}, boundary=boundary_for(session), serial=4))
    assert dash.frames_drawn == 2
    plot = TimePlot("loss")
    qtbot.addWidget(plot)
    x = np.arange(5 * MAX_POINTS + 3)
    plot.set_series("a", x, np.sin(x / 100.0), "w")
    xs = plot.curves["a"].xData  # the data handed over (getData: clipped to the view)
    assert MAX_POINTS // 2 <= len(xs) <= MAX_POINTS and xs[-1] == x[-1]
