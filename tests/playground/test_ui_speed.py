"""The window never the bottleneck (issue 16, items 1 and 3): the time plots get every step the
engine recorded, dashboards make no graphics items per frame, unchanged curves are not handed to
pyqtgraph again, long curves keep their spikes. No timing here (benchmarks/ measures)."""
import numpy as np

from playground import engine_bridge
from playground.dashboards.base import MAX_POINTS, TimePlot, peak_decimate
from playground.history import History
from tests.helpers.app import MAIN_DESIGN, paced_fake

REAL = {
    "format": "network-playground/design", "version": 1, "name": "tiny relu", "seed": 3,
    "data": {"dataset": "circle", "samples": 120, "noise": 0.1, "train_fraction": 1.0},
    "model": {"input_dim": 2, "layers": [
        {"id": "d1", "type": "dense", "units": 6},
        {"id": "a1", "type": "activation", "function": "relu"},
        {"id": "d2", "type": "dense", "units": 1},
        {"id": "a2", "type": "activation", "function": "sigmoid"}]},
    "loss": {"type": "binary_crossentropy"},
    "optimizer": {"type": "sgd", "learning_rate": 0.1},
    "training": {"batch_size": 8, "epochs": 1000}}


def _col(h, key, lid):
    return h[key][:, list(h["layer_ids"]).index(lid)]


def test_history_holds_the_gradient_figures_of_every_step_of_a_run_call():
    session = engine_bridge.make_session(REAL, None)
    session.set_monitor_pass_every(1)
    h = History()
    h.add(session.snapshot())
    snaps = [session.run(37), session.run(20)]
    for snap in snaps:
        h.add(snap)
    a = h.arrays()
    assert list(a["layer_steps"]) == list(range(58))  # step 0, then each of the 57 steps
    for snap in snaps:
        s = snap.series
        assert s is not None and s.steps[-1] == snap.step
        rows = np.searchsorted(a["layer_steps"], s.steps)
        for i, lid in ((0, "d1"), (2, "d2")):
            np.testing.assert_array_equal(_col(a, "grad_norm", lid)[rows], s.grad_norm[:, i])
            np.testing.assert_array_equal(_col(a, "update_ratio", lid)[rows],
                                          s.update_ratio[:, i])
        prow = np.searchsorted(a["layer_steps"], s.pass_steps)
        assert a["measured"][prow].all()
        np.testing.assert_array_equal(_col(a, "dead_fraction", "a1")[prow], s.dead_fraction[:, 1])
    # a figure the loop measured at one step, not the last of a chunk, reaches the history
    assert np.isfinite(_col(a, "grad_norm", "d1")[1:]).all()


def test_without_in_loop_passes_the_dead_plot_uses_the_measured_rows_only():
    session = engine_bridge.make_session(REAL, None)
    h = History()
    h.add(session.snapshot())
    for _ in range(3):
        h.add(session.run(10))
    a = h.arrays()
    assert len(a["layer_steps"]) == 31
    assert list(a["layer_steps"][a["measured"]]) == [0, 10, 20, 30]  # one pass per run call
    assert np.isfinite(_col(a, "dead_fraction", "a1")[a["measured"]][1:]).all()


def test_app_gradient_and_dead_unit_plots_show_every_step(qtbot, make_window):
    win = make_window(REAL)
    win.draw_all = True
    qtbot.waitUntil(lambda: (f := win.controller.latest()) is not None
                    and f.snapshot is not None, timeout=120_000)
    for _ in range(4):
        win.controller.post("step", n=25)
    qtbot.waitUntil(lambda: win.controller.latest().snapshot.step == 100, timeout=60_000)
    grad = next(d for d in win.dashboards if d.title == "Gradients")
    qtbot.waitUntil(lambda: "d1" in grad.grad_plot.curves
                    and len(grad.grad_plot.curves["d1"].xData) == 101, timeout=10_000)
    assert list(grad.grad_plot.curves["d1"].xData) == list(range(101))
    assert np.isfinite(grad.grad_plot.curves["d1"].yData[1:]).all()


def _items(dash):
    import pyqtgraph as pg
    views = [dash] if isinstance(dash, pg.GraphicsView) else []
    views += dash.findChildren(pg.GraphicsView)
    return sum(len(v.scene().items()) for v in views)


def test_dashboards_make_no_graphics_items_per_frame(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=paced_fake)
    win.draw_all = True
    win.on_screen_only = False
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    for _ in range(5):
        win.controller.post("step", n=2)
    qtbot.waitUntil(lambda: win.controller.latest().snapshot.step >= 10, timeout=15_000)
    qtbot.waitUntil(lambda: all(d.frames_drawn > 0 for d in win.dashboards
                                if d.title in ("Loss and accuracy", "Gradients", "Activations",
                                               "Dead and saturated units", "Weights")),
                    timeout=10_000)
    before = {d.title: _items(d) for d in win.dashboards}
    grad = next(d for d in win.dashboards if d.title == "Gradients")
    drawn = sum(d.frames_drawn for d in win.dashboards)
    for k in range(10):  # ten more frames, each drawn
        seen = grad.frames_drawn
        win.controller.post("step", n=2)
        qtbot.waitUntil(lambda: win.controller.latest().snapshot.step >= 12 + 2 * k
                        and grad.frames_drawn > seen, timeout=15_000)
    after = {d.title: _items(d) for d in win.dashboards}
    assert after == before
    for title, layers in (("Activations", 2), ("Weights", 1)):  # one outline, one base item
        grid = next(d for d in win.dashboards if d.title == title).grid
        assert len(grid.items) >= layers and len(grid.getPlotItem().listDataItems()) == 2
    assert sum(d.frames_drawn for d in win.dashboards) >= drawn + 40


def test_set_series_hands_unchanged_data_to_pyqtgraph_only_once(qtbot):
    plot = TimePlot("gradient", log_y=True)
    qtbot.addWidget(plot)
    x = np.arange(50)
    y = np.r_[np.zeros(5), np.logspace(0, -3, 45)]  # zeros: drawn on the floor by fit()
    plot.set_series("a", x, y, "w")
    plot.fit()
    calls = []
    item = plot.curves["a"]
    real = item.setData
    item.setData = lambda *a, **k: (calls.append(1), real(*a, **k))
    for _ in range(5):
        plot.set_series("a", x.copy(), y.copy(), "w")
        plot.fit()
    assert calls == []
    y2 = y.copy()
    y2[-1] = 7.0
    plot.set_series("a", x, y2, "w")
    plot.fit()
    assert calls and plot.curves["a"].yData[-1] == 7.0
    plot.set_series("none", x, np.full(50, np.nan), "w")  # a validation curve without data
    item = plot.curves["none"]
    item.setData = lambda *a, **k: calls.append(2)
    plot.set_series("none", np.arange(60), np.full(60, np.nan), "w")
    assert 2 not in calls


def test_long_curves_are_decimated_to_their_peaks():
    x = np.arange(20_001, dtype=np.float64)
    y = np.sin(x / 300.0)
    y[12_345] = 40.0  # one step's spike
    y[3_000:3_500] = np.nan  # a layer switched off: a gap
    xs, ys = peak_decimate(x, y, MAX_POINTS)
    assert len(xs) <= MAX_POINTS and xs[-1] == x[-1] and ys[-1] == y[-1]
    assert np.nanmax(ys) == 40.0 and np.isnan(ys).any()
    assert np.all(np.diff(xs) >= 0)
    assert np.nanmin(ys) == np.nanmin(y)


def test_a_long_run_keeps_its_rows_evenly_spread_over_the_steps():
    session = engine_bridge.make_session(REAL, None)
    h = History(capacity=64)
    h.add(session.snapshot())
    for _ in range(6):
        h.add(session.run(500))
    a = h.arrays()
    steps = a["layer_steps"]
    assert len(steps) <= 64 and steps[0] == 0 and steps[-1] == 3000
    gaps = np.diff(steps)
    assert gaps.max() <= 4 * np.median(gaps)  # not dense at the end and sparse at the start
    assert a["measured"][-1] and np.isfinite(_col(a, "grad_norm", "d1")[1:]).all()
