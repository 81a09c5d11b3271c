"""The main window driven with a stand-in session: dashboards, markers, timer, structural edits."""
from PySide6.QtCore import QPointF, Qt

from tests.helpers.app import MAIN_DESIGN as DESIGN, drop as _drop, paced_fake as _fake
from tests.helpers.app import step_at_least as _step_at_least


def test_play_feeds_every_dashboard_and_the_timer_keeps_firing(qtbot, make_window):
    win = make_window(DESIGN, factory=_fake)
    win.draw_all = True
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    frames0 = win.frames
    qtbot.waitUntil(lambda: _step_at_least(win, 100), timeout=10000)
    qtbot.waitUntil(lambda: win.frames >= frames0 + 5, timeout=15_000)  # the UI timer keeps drawing
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    assert not win.bar.play.isChecked()
    drawn = {type(d).__name__: d.frames_drawn for d in win.dashboards}
    # no BN layer and no 1-D regression data here: nothing for those two to draw; the network
    # graph is computed only while its tab is in front (tests/playground/test_network_graph.py)
    missing = [name for name, n in drawn.items()
               if n == 0 and name not in ("BatchNormDashboard", "UncertaintyDashboard",
                                          "NetworkGraphDashboard")]
    assert not missing, drawn
    assert "step" in win.bar.counter.text()


def test_toggle_dropout_mid_training_marks_every_time_plot(qtbot, make_window):
    win = make_window(DESIGN, factory=_fake)
    win.draw_all = True
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    win.controller.post("play")
    qtbot.waitUntil(lambda: _step_at_least(win, 20), timeout=15_000)
    win.stack.select(1)
    win.inspector.editors["enabled"].setChecked(False)
    qtbot.waitUntil(lambda: len(win.controller.latest().markers) == 1, timeout=15_000)
    qtbot.waitUntil(lambda: win.dashboards[0].loss_plot.markers.labels == ["do1: enabled=off"],
                    timeout=15_000)
    win.controller.post("pause")
    session = win.worker.session
    assert ("layer_option", "do1", {"enabled": False}) in session.calls
    assert session.dropout_enabled is False
    for dash in win.dashboards:
        for plot in getattr(dash, "plots", ()):
            if hasattr(plot, "markers"):
                assert plot.markers.labels == ["do1: enabled=off"]
    assert win.dashboards[2].grad_plot.markers.labels == ["do1: enabled=off"]


def test_structural_drop_applies_model_without_rebuild(qtbot, make_window):
    win = make_window(DESIGN, factory=_fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    session = win.worker.session
    target = win.stack.cards[1].geometry()
    _drop(win.stack, win.palette.card("batch_norm").mime_data(),
          QPointF(target.center().x(), target.top() + 1))
    qtbot.waitUntil(lambda: any(c[0] == "apply_model" for c in session.calls), timeout=15_000)
    assert win.worker.session is session
    ids = next(c[1] for c in session.calls if c[0] == "apply_model")
    assert ids[0] == "d1" and ids[2] == "do1" and len(ids) == 4
    assert win.windowTitle().startswith("fake *")
    win.undo_action.trigger()
    qtbot.waitUntil(lambda: sum(c[0] == "apply_model" for c in session.calls) == 2, timeout=15_000)


def test_reset_clears_curves_and_markers(qtbot, make_window):
    win = make_window(DESIGN, factory=_fake)
    win.draw_all = True
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    win.controller.post("play")
    qtbot.waitUntil(lambda: _step_at_least(win, 30), timeout=15_000)
    win.controller.post("lr", value=0.2)
    qtbot.waitUntil(lambda: win.dashboards[0].loss_plot.markers.labels == ["lr=0.2"], timeout=15_000)
    grad = win.dashboards[2].grad_plot
    qtbot.waitUntil(lambda: "d1" in grad.curves and grad.curves["d1"].xData is not None
                    and len(grad.curves["d1"].xData) > 0, timeout=15_000)
    assert grad.labels["d1"] == "0 dense"
    qtbot.mouseClick(win.bar.reset, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.dashboards[0].loss_plot.markers.labels == [], timeout=15_000)
    qtbot.waitUntil(lambda: "d1" not in grad.curves or grad.curves["d1"].xData is None
                    or list(grad.curves["d1"].xData) in ([], [0]), timeout=15_000)  # untrained
    assert win.worker.session.t == 0 and not win.bar.play.isChecked()


def test_only_dashboards_on_screen_are_redrawn(qtbot, make_window):
    """Unselected tabs stay 'visible' to Qt (moved out of view): they are not redrawn every frame,
    only once their tab is brought forward."""
    win = make_window(DESIGN, factory=_fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    dead = next(d for d in win.dashboards if type(d).__name__ == "DeadUnitsDashboard")
    grad = next(d for d in win.dashboards if type(d).__name__ == "GradientDashboard")
    win.docks[grad.title].raise_()
    qtbot.waitUntil(lambda: dead.visibleRegion().isEmpty(), timeout=5_000)
    assert dead.isVisible()  # Qt's view: still visible
    win.controller.post("play")
    qtbot.waitUntil(lambda: _step_at_least(win, 100) and grad.frames_drawn >= 3, timeout=15_000)
    win.controller.post("pause")
    assert dead.frames_drawn == 0
    win.docks[dead.title].raise_()
    qtbot.waitUntil(lambda: dead.frames_drawn > 0, timeout=5_000)
    win.docks[grad.title].raise_()
    qtbot.waitUntil(lambda: dead.visibleRegion().isEmpty(), timeout=5_000)
    unseen = _with_serial(win.controller.latest(), -1)
    assert dead not in win.stale_dashboards(unseen) and grad in win.stale_dashboards(unseen)
    win.on_screen_only = False  # --measure-ui: every tab counts
    assert dead in win.stale_dashboards(unseen)


def _with_serial(frame, serial):
    import dataclasses
    return dataclasses.replace(frame, serial=serial)
