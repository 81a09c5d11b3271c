"""Lesson 13's "uncertainty" dashboard: MC-dropout mean and ±2 std band on sine_1d, computed in
the worker, drawn per run in the comparison window."""
import json
from pathlib import Path

import numpy as np
import pytest

from playground.history import Frame

ROOT = Path(__file__).resolve().parents[2]
LESSON = ROOT / "resources" / "lessons" / "13_selu_mc_dropout"


def sine_design(epochs: int = 1000) -> dict:
    """The lesson's MC-dropout sine design, with a smaller model for speed."""
    design = json.loads((LESSON / "mc_dropout.json").read_text())
    for layer in design["model"]["layers"]:
        if layer["type"] == "dense" and layer["units"] > 1:
            layer["units"] = 32
    design["training"]["epochs"] = epochs
    return design


@pytest.fixture(scope="module")
def trained():
    """A sine_1d session with dropout after 300 steps."""
    from playground.engine_bridge import make_session
    session = make_session(sine_design(), str(LESSON))
    session.run(300)
    return session


def test_worker_side_band_over_a_grid_wider_than_the_data(trained):
    from playground.dashboards.uncertainty import uncertainty_for
    unc = uncertainty_for(trained, grid=60, passes=40)
    assert unc is not None and unc.xs.shape == unc.mean.shape == unc.std.shape == (60,)
    assert unc.xs[0] < unc.data_lo < unc.data_hi < unc.xs[-1]
    assert unc.x_train.shape == unc.y_train.shape == (100,)
    assert np.all(unc.std >= 0) and np.any(unc.std > 0)
    # the mean follows the data: it correlates with sin(3x) over the training inputs
    inside = (unc.xs > unc.data_lo) & (unc.xs < unc.data_hi)
    assert np.corrcoef(unc.mean[inside], np.sin(3 * unc.xs[inside]))[0, 1] > 0.8
    # deterministic prediction: no std
    mean, std = trained.predict(trained.data.transform(unc.xs[:, None]))
    assert std is None and mean.shape == (60, 1)


def test_dashboard_draws_mean_band_and_points_wider_away_from_the_data(qtbot, trained):
    from playground.dashboards.uncertainty import UncertaintyDashboard, uncertainty_for
    dash = UncertaintyDashboard()
    qtbot.addWidget(dash)
    dash.show()
    assert not dash.draw(Frame(snapshot=None, history={}))  # nothing to show yet
    unc = uncertainty_for(trained)
    frame = Frame(snapshot=None, history={}, extra={"uncertainty": unc})
    dash.update_frame(frame)
    dash.update_frame(frame)  # the same band again: not redrawn
    assert dash.frames_drawn == 1
    x_mean, y_mean = dash.mean.getData()
    np.testing.assert_allclose(x_mean, unc.xs)
    np.testing.assert_allclose(y_mean, unc.mean)
    _, up = dash.upper.getData()
    _, low = dash.lower.getData()
    np.testing.assert_allclose(up - low, 4 * unc.std)
    assert dash.band.curves is not None
    px, py = dash.points.getData()
    assert len(px) == len(unc.x_train) and np.allclose(py, unc.y_train)
    lo, hi = unc.data_lo, unc.data_hi
    span = hi - lo
    near = dash.band_width(lo + 0.25 * span, hi - 0.25 * span)
    far = 0.5 * (dash.band_width(unc.xs[0], lo - 0.3 * span) +
                 dash.band_width(hi + 0.3 * span, unc.xs[-1]))
    assert far > 1.3 * near > 0
    dash.clear()
    assert dash.shown is None and len(dash.mean.getData()[0] if dash.mean.getData()[0] is not None else []) == 0

def test_non_1d_data_gives_no_band():
    from playground.dashboards.uncertainty import uncertainty_for

    class Data:
        raw_x_train = np.zeros((5, 2))
        y_train = np.zeros((5, 1))

        def transform(self, x):
            return x

    class Session:
        data = Data()

    assert uncertainty_for(Session()) is None
    assert uncertainty_for(None) is None


def test_lesson_dashboard_is_registered_and_fed_per_run(qtbot):
    from playground.classroom import ComparisonWindow
    from playground.classroom.install import DASHBOARD_CLASSES
    assert DASHBOARD_CLASSES["uncertainty"] == "UncertaintyDashboard"
    win = ComparisonWindow([("A", sine_design()), ("B", sine_design())], str(LESSON),
                           details=("loss", "uncertainty"))
    try:
        win.show()
        qtbot.waitExposed(win)
        assert "Uncertainty" in [win.details.tabText(i) for i in range(win.details.count())]
        win.details.draw_all = True
        win.step(20)
        dashes = lambda: win.details.dashboards["uncertainty"]  # noqa: E731
        qtbot.waitUntil(lambda: len(dashes()) == 2 and
                        all(d.frames_drawn > 0 and d.shown is not None for d in dashes()),
                        timeout=60000)
        for dash in dashes():
            xs, mean = dash.mean.getData()
            assert len(xs) == len(dash.shown.xs) and np.all(np.isfinite(mean))
            assert len(dash.points.getData()[0]) == 100
    finally:
        win.close()
        win.shutdown()
        assert not win.controller.thread.isRunning()
        win.deleteLater()


def _shows(dock):
    """A dock is on screen (Qt moves the docks of unselected tabs out of view, still 'visible')."""
    return not dock.visibleRegion().isEmpty()


def test_main_window_shows_the_band_for_1d_regression_with_dropout(qtbot, make_window):
    win = make_window(sine_design())
    unc_dock, unc_dash = win.docks["Uncertainty"], win.dashboards[-1]
    assert unc_dash.title == "Uncertainty"
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=120_000)
    # 1-D regression with dropout: the Uncertainty tab comes forward and the worker computes it
    qtbot.waitUntil(lambda: _shows(unc_dock) and win.worker.want_uncertainty, timeout=10_000)
    win.controller.post("step", n=200)
    qtbot.waitUntil(lambda: win.controller.latest().snapshot is not None
                    and win.controller.latest().snapshot.step >= 200, timeout=60_000)
    qtbot.waitUntil(lambda: unc_dash.shown is not None and unc_dash.frames_drawn > 0,
                    timeout=10_000)
    assert np.any(unc_dash.shown.std > 0) and len(unc_dash.points.getData()[0]) == 100
    # hidden behind another tab: the worker stops computing it and frames no longer carry it
    win.docks["Decision boundary"].raise_()
    qtbot.waitUntil(lambda: not win.worker.want_uncertainty, timeout=10_000)
    win.controller.post("refresh")
    qtbot.waitUntil(lambda: "uncertainty" not in win.controller.latest().extra, timeout=10_000)
    assert not _shows(unc_dock) and _shows(win.docks["Decision boundary"])


def test_main_window_keeps_the_boundary_forward_without_dropout(qtbot, make_window):
    design = sine_design()
    design["model"]["layers"] = [dict(l, rate=0.0) if l["type"] == "dropout" else l
                                 for l in design["model"]["layers"]]
    win = make_window(design)
    qtbot.waitUntil(lambda: win.controller.latest() is not None
                    and win.controller.latest().boundary is not None, timeout=120_000)
    qtbot.waitUntil(lambda: win._tab_checked, timeout=10_000)
    assert _shows(win.docks["Decision boundary"]) and not _shows(win.docks["Uncertainty"])
    assert not win.worker.want_uncertainty
    assert "uncertainty" not in win.controller.latest().extra
