"""Issue 15 item 2: the MC-dropout standard deviation over the input plane, a second layer of the
decision boundary (a check box), computed in the worker: wider away from the data than on it."""
from types import SimpleNamespace

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.build import session_from_configs
from engine.layers import from_config
from playground.dashboards.inspect_plots import BoundaryDashboard
from playground.graph_data import uncertainty_map_for
from playground.history import Boundary, Frame
from tests.helpers.graph import graph_design

LAYERS = [{"type": "dense", "units": 32, "id": "d1"},
          {"type": "activation", "function": "relu", "id": "a1"},
          {"type": "dropout", "rate": 0.3, "id": "do1"},
          {"type": "dense", "units": 32, "id": "d2"},
          {"type": "activation", "function": "relu", "id": "a2"},
          {"type": "dropout", "rate": 0.3, "id": "do2"},
          {"type": "dense", "units": 1, "id": "d3"}]
SPAN = 3.0  # the plane reaches three times as far as the data (|x|, |y| <= 1)


@pytest.fixture(scope="module")
def trained():
    """2-D regression with dropout, trained on the unit square."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (300, 2))
    y = (np.sin(2 * x[:, :1]) + x[:, 1:] ** 2)
    data = SimpleNamespace(x_train=x[:240], y_train=y[:240], x_val=x[240:], y_val=y[240:])
    session = session_from_configs(LAYERS, {"type": "adam", "learning_rate": 0.01}, None,
                                   {"type": "mse"}, data, seed=3, batch_size=32, epochs=100)
    session.run(400)
    return session


def _plane(n=64, session=None):
    xs = np.linspace(-SPAN, SPAN, n)
    points = {} if session is None else {"x_train": session.data.x_train,
                                         "y_train": session.data.y_train[:, 0]}
    return Boundary(xs=xs, ys=xs.copy(), z=np.zeros((n, n)), points=points, kind="regression")


def _near_far(xs, ys, std):
    gx, gy = np.meshgrid(xs, ys)
    r = np.maximum(np.abs(gx), np.abs(gy))
    return float(std[r <= 0.8].mean()), float(std[r >= 2.0].mean())


def test_std_map_is_wider_away_from_the_data(trained):
    unc = uncertainty_map_for(trained, _plane(), grid=30, passes=40)
    assert unc.std.shape == (30, 30) and unc.passes == 40
    assert np.all(unc.std >= 0)
    near, far = _near_far(unc.xs, unc.ys, unc.std)
    assert far > 1.5 * near > 0
    # the same figures as the engine's MC-dropout predictions (the 1-D band's call)
    gx, gy = np.meshgrid(unc.xs, unc.ys)
    _, std = trained.predict(np.column_stack([gx.ravel(), gy.ravel()]), mc_dropout=40)
    np.testing.assert_allclose(unc.std, std[:, 0].reshape(30, 30), rtol=1e-6)


def test_no_map_without_dropout_or_without_a_plane(trained):
    curve = Boundary(xs=np.linspace(0, 1, 5), ys=np.zeros(1), z=np.zeros((1, 5)), points={},
                     kind="curve")
    assert uncertainty_map_for(trained, curve) is None
    assert uncertainty_map_for(trained, None) is None
    plain = SimpleNamespace(model=SimpleNamespace(layers=[from_config(LAYERS[0])]))
    assert uncertainty_map_for(plain, _plane()) is None


def test_boundary_dashboard_shows_the_std_layer_when_ticked(qtbot, trained):
    dash = BoundaryDashboard()
    qtbot.addWidget(dash)
    dash.resize(500, 500)
    dash.std_layer.box.show()  # shown where a worker computes it (the main window)
    dash.show()
    qtbot.waitExposed(dash)
    unc = uncertainty_map_for(trained, _plane(), grid=30)
    dash.update_frame(Frame(snapshot=None, history={}, boundary=_plane(session=trained),
                            extra={"uncertainty_map": unc}))
    assert not dash.std_layer.image.isVisible()  # off until ticked
    box = dash.std_layer.box
    target = dash.childAt(box.geometry().center())
    assert target is box
    with qtbot.waitSignal(dash.std_layer.toggled, timeout=2000) as sig:
        qtbot.mouseClick(target, Qt.LeftButton, pos=target.rect().center())
    assert sig.args == [True] and dash.std_layer.image.isVisible()
    near = dash.std_layer.std_at(0.0, 0.0)
    far = 0.25 * sum(dash.std_layer.std_at(sx * 2.8, sy * 2.8) for sx in (-1, 1) for sy in (-1, 1))
    assert far > 1.5 * near > 0
    np.testing.assert_array_equal(dash.std_layer.image.image, unc.std.T)
    qtbot.mouseClick(target, Qt.LeftButton, pos=target.rect().center())
    assert not dash.std_layer.image.isVisible()


def test_window_computes_the_map_while_ticked(qtbot, make_window):
    win = make_window(graph_design())
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=120_000)
    dash = next(d for d in win.dashboards if isinstance(d, BoundaryDashboard))
    assert dash.std_layer.box.isVisibleTo(dash)
    assert "uncertainty_map" not in win.controller.latest().extra
    dash.std_layer.box.setChecked(True)
    qtbot.waitUntil(lambda: "uncertainty_map" in win.controller.latest().extra, timeout=30_000)
    unc = win.controller.latest().extra["uncertainty_map"]
    assert unc.std.shape == (len(unc.ys), len(unc.xs)) and np.any(unc.std > 0)
    dash.std_layer.box.setChecked(False)
    qtbot.waitUntil(lambda: "uncertainty_map" not in win.controller.latest().extra,
                    timeout=30_000)
