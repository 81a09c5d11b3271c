"""Issue 11, point 11: what a second walk through the app found."""
import copy

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

from tests.helpers.fakes import FakeSession, StructSession
from tests.helpers.app import type_number as _type
from tests.helpers.app import MAIN_DESIGN as DESIGN
from playground.theme import LINE_COLORS


def _built(qtbot, win):
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)


def test_a_new_data_set_keeps_the_feature_crosses(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    panel = win.data_panel
    panel.features["x1^2"].setChecked(True)
    panel.features["x1*x2"].setChecked(True)
    panel.dataset.setCurrentText("spiral")
    assert win.doc.section("data")["features"] == ["x1", "x2", "x1^2", "x1*x2"]
    assert win.doc.input_dim == 4 and panel.features["x1*x2"].isChecked()


class Refusing(FakeSession):
    def __init__(self, design, base_dir=None, device="cpu"):
        ds = design.get("data", {}).get("dataset")
        from engine.errors import BadInput
        if isinstance(ds, dict):
            raise BadInput("no column 'label' in points.csv", "data.dataset.label_column")
        if design.get("seed") == 13:
            raise BadInput("unknown activation 'relux'", "model.layers[2].function")
        super().__init__(design, base_dir, device)


def test_a_refused_data_file_is_named_and_changes_nothing(qtbot, make_window, tmp_path):
    """Issue 10 made data loading transactional: a refused file is named in place and the
    design, the running session and its plots stay as they were; a refused rebuild keeps the
    running session too."""
    win = make_window(DESIGN, factory=Refusing)
    win.draw_all = True
    _built(qtbot, win)
    win.controller.post("step", n=20)
    loss = win.dashboards[0].loss_plot
    qtbot.waitUntil(lambda: "train (batch)" in loss.curves
                    and len(loss.curves["train (batch)"].xData) > 0, timeout=10_000)
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,label\nx,1,0\n2,1,1\n")
    before = win.doc.to_dict()
    win.data_panel.load_file(str(csv))
    qtbot.waitUntil(lambda: win.refusal_bar.isVisible(), timeout=10_000)
    text = win.refusal_bar.text
    assert "Cannot load the data" in text and "points.csv" in text and "not a number" in text
    assert "Traceback" not in text and not win.messages
    assert win.doc.to_dict() == before and win.bar.play.isEnabled()
    assert len(loss.curves["train (batch)"].xData) > 0
    win.doc.set_value("", "seed", 13)
    qtbot.waitUntil(lambda: "relux" in win.refusal_bar.text, timeout=10_000)
    assert "Cannot apply “seed 13”" in win.refusal_bar.text  # the refused edit, named
    assert win.bar.play.isEnabled() and win.worker.session is not None
    assert all(t != "Training problem" for t, _ in win.messages)


def test_the_unsaved_changes_prompt_names_the_file(qtbot, make_window, tmp_path):
    path = tmp_path / "my_spiral.json"
    win = make_window(DESIGN, path=str(path), factory=lambda d, b, dev: FakeSession(d, b, dev))
    assert "my_spiral.json" in win.files.unsaved_question()
    win.doc.path = None
    assert "fake" in win.files.unsaved_question() and "not been saved" in \
        win.files.unsaved_question()


def test_regularizer_constraint_and_clipping_have_their_own_editors(qtbot, make_window):
    from playground.widgets.option_editors import (ClippingEditor, ConstraintEditor,
                                                   RegularizerEditor)
    design = copy.deepcopy(DESIGN)
    design["model"]["layers"].insert(1, {"id": "bn1", "type": "batch_norm"})
    win = make_window(design, factory=lambda d, b, dev: StructSession(d, b, dev))
    _built(qtbot, win)
    win.stack.select(0)
    reg = win.inspector.editors["kernel_regularizer"]
    assert isinstance(reg, RegularizerEditor) and reg.kind.currentText() == "none"
    reg.kind.setCurrentText("L2")
    assert win.doc.layers[0]["kernel_regularizer"] == {"l1": 0.0, "l2": 0.001}
    _type(qtbot, win.inspector.editors["kernel_regularizer"].l2, "0.05")
    assert win.doc.layers[0]["kernel_regularizer"] == {"l1": 0.0, "l2": 0.05}
    qtbot.waitUntil(lambda: ("layer_option", "d1", {"l2": 0.05}) in win.worker.session.calls,
                    timeout=10_000)
    con = win.inspector.editors["kernel_constraint"]
    assert isinstance(con, ConstraintEditor) and not con.on.isChecked()
    qtbot.waitUntil(con.on.isVisible, timeout=5_000)  # the form's rows show after a moment
    qtbot.mouseClick(con.on, Qt.LeftButton)
    assert win.doc.layers[0]["kernel_constraint"] == {"max_norm": 3.0}
    win.stack.select(1)
    clip = win.inspector.editors["renorm_clipping"]
    assert isinstance(clip, ClippingEditor)
    qtbot.waitUntil(clip.rmax.isVisible, timeout=5_000)
    _type(qtbot, clip.rmax, "2")
    assert win.doc.layers[1]["renorm_clipping"] == {"rmax": 2.0, "dmax": 5.0}
    json_boxes = [w for w in win.inspector.editors.values() if type(w).__name__ == "QLineEdit"]
    assert not json_boxes


def test_the_stack_estimates_the_cost_and_warns_before_a_design_that_would_crawl(qtbot,
                                                                                 make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    _built(qtbot, win)
    assert "parameters" in win.stack.cost.text() and not win.stack.crawls
    big = [{"id": f"w{i}", "type": "dense", "units": 4096} for i in range(2)]
    win.doc.set_value("model", "layers", big + copy.deepcopy(win.doc.layers))
    assert win.stack.crawls and win.stack.cost.text().startswith("⚠")
    assert "16," in win.stack.cost.text() and "crawl" in win.stack.cost.text()
    assert "crawl" in win.statusBar().currentMessage()


def test_layer_curves_have_distinct_colours(qtbot, make_window):
    design = copy.deepcopy(DESIGN)
    design["model"]["layers"] = [{"id": f"d{i}", "type": "dense", "units": 2} for i in range(7)] \
        + [{"id": "a", "type": "activation", "function": "sigmoid"}]
    win = make_window(design, factory=lambda d, b, dev: StructSession(d, b, dev))
    win.draw_all = True
    _built(qtbot, win)
    win.controller.post("step", n=5)
    grad = next(d for d in win.dashboards if d.title == "Gradients").grad_plot
    qtbot.waitUntil(lambda: len(grad.curves) == 7, timeout=10_000)
    colours = [pg.mkPen(c.opts["pen"]).color().name().lower() for c in grad.curves.values()]
    assert len(set(colours)) == 7
    assert set(colours) <= {c.lower() for c in LINE_COLORS}
    assert grad.plotItem.legend is None and len(grad.legend.entries) == 7  # off the curves
    assert grad.legend.isVisible() or not win._shows(grad.parent())


def test_plots_answer_the_mouse_with_a_tooltip(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    win.draw_all = True
    _built(qtbot, win)
    for _ in range(3):
        win.controller.post("step", n=10)
    loss = win.dashboards[0].loss_plot
    qtbot.waitUntil(lambda: "train (batch)" in loss.curves
                    and len(loss.curves["train (batch)"].xData) >= 3, timeout=10_000)
    vb = loss.plotItem.vb
    (_, _), (y0, y1) = vb.viewRange()
    scene_pos = vb.mapViewToScene(QPointF(20.0, 0.5 * (y0 + y1)))
    loss.scene().sigMouseMoved.emit(scene_pos)
    tip = loss.toolTip()
    assert tip.startswith("step 20") and "train (batch):" in tip


def test_the_shortcut_sheet_has_the_file_undo_and_lesson_keys(qtbot, classroom):  # noqa: F811
    win, room = classroom
    sheet = room.show_shortcuts()
    keys = [sheet.table.item(r, 0).text() for r in range(sheet.table.rowCount())]
    for key in ("Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Z", "Ctrl+Y", "Ctrl+Q", "Space", "F11",
                "Alt+0"):
        assert any(key in k for k in keys), key
    sheet.close()
