"""Issue 15 item 1: the network graph dashboard. Units and links for every shipped design, per-unit
maps equal a direct inference of each unit on the grid, a link edited by a click (typed value)
changes exactly that weight in the session and undo restores it, a click on a unit shows its map
large, dead units greyed after the dying-ReLU lesson's run."""
import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.build import build_session
from playground.boundary import boundary_for
from playground.dashboards.graph_items import DEAD, SATURATED
from playground.dashboards.network_graph import MAX_SHOWN, NetworkGraphDashboard
from playground.graph_data import MAP_GRID, graph_for, plane_grid
from playground.history import Frame
from tests.helpers.graph import graph_design

ROOT = Path(__file__).resolve().parents[2]
DESIGNS = sorted((ROOT / "resources" / "designs").glob("*.json"))
LESSON5 = ROOT / "resources" / "lessons" / "05_dying_relus"



def _session(path: Path, steps: int = 0):
    session = build_session(json.loads(path.read_text()), str(path.parent))
    if steps:
        session.run(steps)
    return session


def _drawn(qtbot, session):
    dash = NetworkGraphDashboard()
    qtbot.addWidget(dash)
    dash.resize(900, 500)
    dash.show()
    graph = graph_for(session, boundary_for(session))
    dash.update_frame(Frame(snapshot=None, history={}, extra={"graph": graph}))
    return dash, graph


@pytest.mark.parametrize("path", DESIGNS, ids=[p.stem for p in DESIGNS])
def test_units_links_and_bands_of_each_shipped_design(qtbot, path):
    design = json.loads(path.read_text())
    layers = design["model"]["layers"]
    dense = [layer["units"] for layer in layers if layer["type"] == "dense"]
    widths = [design["model"]["input_dim"]] + dense
    first = next(i for i, layer in enumerate(layers) if layer["type"] == "dense")
    dash, graph = _drawn(qtbot, _session(path))
    assert [len(col) for col in dash.units] == [min(w, MAX_SHOWN) for w in widths]
    assert len(dash.links) == sum(min(a, MAX_SHOWN) * min(b, MAX_SHOWN)
                                  for a, b in zip(widths, widths[1:]))
    assert [m.text() for m in dash.more] == [f"+{w - MAX_SHOWN} more" for w in widths
                                             if w > MAX_SHOWN]
    assert [b.kind for b in dash.bands] == [layer["type"] for layer in layers[first:]
                                            if layer["type"] != "dense"]
    # links: colour by sign, width by magnitude, the weight the session holds
    col = graph.columns[0]
    weights = col.kernel[:MAX_SHOWN, :MAX_SHOWN]
    big = np.unravel_index(np.argmax(np.abs(weights)), weights.shape)
    small = np.unravel_index(np.argmin(np.abs(weights)), weights.shape)
    link_big = dash.links[(col.layer_id, *map(int, big))]
    link_small = dash.links[(col.layer_id, *map(int, small))]
    assert link_big.weight == pytest.approx(weights[big])
    assert link_big.pen().widthF() > link_small.pen().widthF()
    signs = {dash.links[(col.layer_id, r, c)].pen().color().name()
             for r, c in np.ndindex(weights.shape) if weights[r, c] > 0}
    assert signs <= {"#56b4e9"}


def _numpy_units(session, x):
    """tf_playground_default's units by hand: tanh(d1), tanh(d2), sigmoid(d3)."""
    w = session.get_weights()
    h, out = x, []
    for i, act in ((0, np.tanh), (2, np.tanh), (4, lambda z: 1 / (1 + np.exp(-z)))):
        h = act(h @ w[f"layers.{i}.kernel"].astype(float) + w[f"layers.{i}.bias"])
        out.append(h)
    return out


def test_per_unit_maps_equal_a_direct_inference_on_the_grid(qtbot):
    session = _session(ROOT / "resources/designs/tf_playground_default.json", steps=150)
    dash, graph = _drawn(qtbot, session)
    xs, ys, xy = plane_grid(boundary_for(session), MAP_GRID)
    np.testing.assert_allclose(graph.xs, xs)
    feats = session.data.transform(xy)
    for col, want in zip(graph.columns, _numpy_units(session, feats)):
        assert col.maps.shape == (col.units, MAP_GRID, MAP_GRID)
        for j in range(col.units):
            np.testing.assert_allclose(col.maps[j], want[:, j].reshape(MAP_GRID, MAP_GRID),
                                       rtol=1e-4, atol=1e-5)
    last = graph.columns[-1].maps[0].ravel()
    np.testing.assert_allclose(last, session.predict(feats)[0][:, 0], rtol=1e-6)
    # what each unit shows is its own map
    for c, col in enumerate(graph.columns, start=1):
        for j, item in enumerate(dash.units[c]):
            np.testing.assert_array_equal(item.values, col.maps[j])
    np.testing.assert_allclose(dash.units[0][1].values, feats[:, 1].reshape(MAP_GRID, MAP_GRID))
    assert "mean output" in dash.units[1][0].toolTip()


def test_dead_units_are_greyed_after_the_dying_relu_lessons_run(qtbot):
    session = _session(LESSON5 / "relu_lr05.json", steps=120)
    dash, graph = _drawn(qtbot, session)
    snap = session.snapshot()
    by_act = {ls.index: ls.dead_units for ls in snap.layers if ls.dead_units is not None}
    dead = [int(col.dead.sum()) for col in graph.columns[:-1]]
    assert dead == [by_act[col.index + 1] for col in graph.columns[:-1]]
    assert sum(dead) > 0
    for c, col in enumerate(graph.columns, start=1):
        for j, item in enumerate(dash.units[c]):
            assert item.dead == bool(col.dead[j])
            assert (item.pen().color().name() == DEAD) == bool(col.dead[j])


def _click(qtbot, win, widget, pos):
    """Click at ``pos`` of ``widget`` on the widget actually under that point."""
    at = widget.mapTo(win, pos)
    target = win.childAt(at)
    assert target is widget, f"{target} is under the cursor, not {widget}"
    qtbot.mouseClick(target, Qt.LeftButton, pos=target.mapFrom(win, at))


def _graph_dashboard(qtbot, win):
    dash = next(d for d in win.dashboards if isinstance(d, NetworkGraphDashboard))
    dock = win.docks[dash.title]
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=120_000)

    def front() -> bool:  # its tab brought to the front (an unselected tab is out of view)
        if dash.visibleRegion().isEmpty():
            dock.show()
            dock.raise_()
        return not dash.visibleRegion().isEmpty() and dash.shown is not None
    qtbot.waitUntil(front, timeout=60_000)
    return dash


def _kernel(win, layer_id):
    frame = win.controller.latest()
    return next(c for c in frame.extra["graph"].columns if c.layer_id == layer_id).kernel


def test_clicking_a_link_edits_exactly_that_weight_and_undo_restores_it(qtbot, make_window):
    win = make_window(graph_design())
    win.resize(1280, 720)
    dash = _graph_dashboard(qtbot, win)
    before = win.worker.session.get_weights()
    old = float(before["layers.0.kernel"][1, 3])
    _click(qtbot, win, dash.view.viewport(), dash.link_at(("d1", 1, 3)))
    assert dash.editor.isVisible() and float(dash.editor.text()) == pytest.approx(old, rel=1e-5)
    qtbot.keyClicks(dash.editor, "1.375")  # the old value is selected: typing replaces it
    qtbot.keyClick(dash.editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: _kernel(win, "d1")[1, 3] == 1.375, timeout=20_000)
    after = win.worker.session.get_weights()
    changed = {k for k in before if not np.array_equal(before[k], after[k])}
    assert changed == {"layers.0.kernel"}
    diff = np.argwhere(before["layers.0.kernel"] != after["layers.0.kernel"])
    assert diff.tolist() == [[1, 3]] and after["layers.0.kernel"][1, 3] == 1.375
    assert win.controller.latest().markers[-1][1] == "weight d1[1, 3] = 1.375"
    _click(qtbot, win, dash.undo_button, dash.undo_button.rect().center())
    qtbot.waitUntil(lambda: _kernel(win, "d1")[1, 3] == np.float32(old), timeout=20_000)
    restored = win.worker.session.get_weights()
    assert all(np.array_equal(before[k], restored[k]) for k in before)
    # a typo changes nothing and says so
    _click(qtbot, win, dash.view.viewport(), dash.link_at(("d2", 0, 0)))
    qtbot.keyClicks(dash.editor, "1.2.3")
    qtbot.keyClick(dash.editor, Qt.Key_Return)
    assert "not a finite number" in dash.note.text()
    assert dash.undo_stack.count() == 1 and not dash.undo_stack.canUndo()


def test_clicking_a_unit_shows_its_map_large(qtbot, make_window):
    win = make_window(graph_design())
    win.resize(1280, 720)
    dash = _graph_dashboard(qtbot, win)
    _click(qtbot, win, dash.view.viewport(), dash.unit_at(1, 2))
    dialog = dash.map_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "d1 unit 2"
    want = _graph_maps(win, 0)[2]
    np.testing.assert_array_equal(dialog.image.image, want.T)
    assert "mean output" in dialog.info.text()
    dialog.close()


def _graph_maps(win, c):
    return win.controller.latest().extra["graph"].columns[c].maps


def test_saturated_units_are_marked(qtbot):
    session = _session(ROOT / "resources/designs/tf_playground_default.json")
    w = session.get_weights()
    w["layers.0.kernel"][:, 0] *= 60.0  # the first tanh unit saturates on most samples
    session.set_weights({"layers.0.kernel": w["layers.0.kernel"]})
    dash, graph = _drawn(qtbot, session)
    sat = graph.columns[0].saturated
    assert sat[0] >= 0.5 and dash.units[1][0].saturated
    assert dash.units[1][0].pen().color().name() == SATURATED.lower()
    assert dash.units[1][0].pen().style() == Qt.DashLine
    for j in range(1, 4):
        assert dash.units[1][j].saturated == (sat[j] >= 0.5)
    assert "saturated on" in dash.units[1][0].toolTip()
