"""Issue 11, point 10: the smaller things a student runs into."""
import copy
import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from playground import catalog
from playground.widgets.summary import summary_text
from tests.helpers.fakes import FakeSession, StructSession
from tests.helpers.app import activate
from tests.helpers.app import type_number as _type
from tests.helpers.app import MAIN_DESIGN as DESIGN

SPIRAL = "resources/designs/spiral_relu_batchnorm.json"


def _fake(d, b, dev):
    return FakeSession(d, b, dev)


def _built(qtbot, win):
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)


def test_rate_box_takes_what_the_optimiser_form_takes_and_epsilon_shows_as_typed(qtbot,
                                                                                  make_window):
    win = make_window(DESIGN, factory=_fake)
    _built(qtbot, win)
    _type(qtbot, win.bar.lr, "1000")
    assert win.doc.section("optimizer")["learning_rate"] == 1000.0
    _type(qtbot, win.bar.lr, "1e-7")
    assert win.doc.section("optimizer")["learning_rate"] == 1e-7 and win.bar.lr.text() == "1e-07"
    win.bar.optimizer.setCurrentText("adam")
    eps = win.settings_panel.optimizer.editors["epsilon"]
    assert eps.text() == "1e-07"


def test_off_is_a_check_box_not_null(qtbot, make_window):
    win = make_window(DESIGN, factory=_fake)
    _built(qtbot, win)
    clip = win.settings_panel.optimizer.editors["clipnorm"]
    assert not clip.on.isChecked() and clip.off.text() == "off" and clip.box.isHidden()
    qtbot.mouseClick(clip.on, Qt.LeftButton)
    assert win.doc.section("optimizer")["clipnorm"] == 1.0
    _type(qtbot, clip.box, "2.5")
    assert win.doc.section("optimizer")["clipnorm"] == 2.5
    qtbot.mouseClick(clip.on, Qt.LeftButton)
    assert win.doc.section("optimizer")["clipnorm"] is None
    texts = [w.text() for w in win.settings_panel.findChildren(type(win.bar.lr))]
    assert "null" not in texts


def test_ctrl_y_redoes_and_the_duplicate_button_says_so(qtbot, make_window):
    win = make_window(DESIGN, factory=_fake)
    _built(qtbot, win)
    card = win.stack.cards[0]
    assert card.buttons["duplicate"].text() == "Duplicate"
    n = len(win.doc.layers)
    qtbot.mouseClick(card.buttons["duplicate"], Qt.LeftButton)
    assert len(win.doc.layers) == n + 1
    assert QKeySequence("Ctrl+Y") in win.redo_action.shortcuts()
    activate(qtbot, win)
    win.undo_action.trigger()
    assert len(win.doc.layers) == n
    qtbot.keyClick(win, Qt.Key_Y, Qt.ControlModifier)
    assert len(win.doc.layers) == n + 1


def test_digits_and_files_disable_noise_and_samples_and_the_box_names_the_file(qtbot,
                                                                                make_window,
                                                                                tmp_path):
    win = make_window(DESIGN, factory=_fake)
    _built(qtbot, win)
    panel = win.data_panel
    assert panel.noise.isEnabled() and panel.samples.isEnabled()
    panel.dataset.setCurrentText("digits")
    assert not panel.noise.isEnabled() and not panel.samples.isEnabled()
    assert "digits" in panel.noise.toolTip()
    csv = tmp_path / "points.csv"
    csv.write_text("a,b,label\n0,1,0\n1,0,1\n")
    panel.load_file(str(csv))
    qtbot.waitUntil(lambda: panel.dataset.currentText() == "file: points.csv", timeout=15_000)
    assert not panel.noise.isEnabled()
    panel.dataset.setCurrentText("moons")
    assert win.doc.section("data")["dataset"] == "moons" and panel.noise.isEnabled()
    assert panel.dataset.findText("file: points.csv") < 0


def test_weight_histograms_have_value_axes(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: StructSession(d, b, dev))
    win.draw_all = True
    _built(qtbot, win)
    win.controller.post("step", n=5)
    weights = next(d for d in win.dashboards if d.title == "Weights")
    qtbot.waitUntil(lambda: bool(weights.grid.ticks), timeout=10_000)
    left, _, right = weights.grid.ticks[0]
    lo, hi = (float(t.toPlainText()) for t in (left, right))
    assert lo < hi and left.isVisible() and right.isVisible()


def test_batch_norm_parameters_honour_scale_and_center_and_the_summary_does_not_wrap(qtbot,
                                                                                       make_window):
    from engine.layers import LAYERS
    design = json.load(open(SPIRAL))
    bn = next(cfg for cfg in design["model"]["layers"] if cfg["type"] == "batch_norm")
    assert bn["scale"] is False
    engine_count = LAYERS["batch_norm"].from_config(copy.deepcopy(bn)).count_params(16)
    assert engine_count == 48 == catalog.output_dims(design)[1][1]
    off = dict(bn, scale=False, center=False)
    assert catalog.layer_params(off, 16) == (16, 32, 0)
    text = summary_text(design)
    assert "bn1 (batch_norm)" in text and " 48" in text
    total = sum(p for _, p in catalog.output_dims(design))
    trainable = sum(t for _, _, t in catalog.layer_counts(design))
    assert f"Total params: {total:,}" in text and f"Trainable params: {trainable:,}" in text
    win = make_window(design, factory=_fake)
    assert "48 params" in win.stack.cards[1].options.text()
    assert win.summary.lineWrapMode() == win.summary.LineWrapMode.NoWrap


def test_boundaries_are_square_in_the_main_window_and_in_comparisons(qtbot, make_window):
    from playground.classroom.compare_window import ComparisonWindow
    win = make_window(DESIGN, factory=_fake)
    win.draw_all = True
    _built(qtbot, win)
    bound = next(d for d in win.dashboards if d.title == "Decision boundary")
    qtbot.waitUntil(lambda: bound.frames_drawn > 0, timeout=10_000)
    assert bound.plot.getViewBox().state["aspectLocked"] == 1.0
    comp = ComparisonWindow([("A", DESIGN), ("B", DESIGN)], factory=_fake)
    try:
        comp.show()
        qtbot.waitUntil(lambda: len(comp.runs()) == 2, timeout=30_000)
        comp.step(2)
        qtbot.waitUntil(lambda: all(p.frames_drawn for p in comp.boundaries.panels),
                        timeout=30_000)
        assert all(p.plot.getViewBox().state["aspectLocked"] == 1.0
                   for p in comp.boundaries.panels)
    finally:
        comp.close()
        comp.shutdown()


def test_leaky_units_are_not_dead_but_negative_everywhere(qtbot, make_window):
    from playground.history import History, dead_fraction
    design = copy.deepcopy(DESIGN)
    design["model"]["layers"] = [{"id": "d1", "type": "dense", "units": 4},
                                 {"id": "a1", "type": "activation", "function": "leaky_relu"},
                                 {"id": "d2", "type": "dense", "units": 4},
                                 {"id": "a2", "type": "activation", "function": "relu"},
                                 {"id": "d3", "type": "dense", "units": 1},
                                 {"id": "a3", "type": "activation", "function": "sigmoid"}]
    session = StructSession(design)
    snap = session.run(3)
    leaky, relu = snap.layers[1], snap.layers[3]
    assert leaky.dead_fraction == relu.dead_fraction == 0.25  # the engine's figure for both
    assert dead_fraction(leaky) == 0.0 and dead_fraction(relu) == 0.25
    hist = History()
    hist.add(snap)
    h = hist.arrays()
    col = h["layer_ids"].index("a1")
    assert h["dead_fraction"][0, col] == 0.0 and h["negative_fraction"][0, col] == 0.25
    win = make_window(design, factory=lambda d, b, dev: StructSession(d, b, dev))
    win.draw_all = True
    _built(qtbot, win)
    win.controller.post("step", n=3)
    dead = next(d for d in win.dashboards if d.title == "Dead and saturated units")
    qtbot.waitUntil(lambda: dead.frames_drawn > 0 and len(dead.bars[0].opts["height"]) > 0,
                    timeout=10_000)
    dead_bars, negative_bars = dead.bars[0].opts["height"], dead.bars[1].opts["height"]
    assert list(dead_bars) == [0.0, 0.25] and list(negative_bars) == [0.25, 0.0]


def test_one_key_press_is_one_marker_at_one_step(qtbot, classroom):  # noqa: F811
    win, room = classroom
    design = copy.deepcopy(DESIGN)
    design["model"]["layers"][1:1] = [{"id": "bn1", "type": "batch_norm", "enabled": True},
                                      {"id": "bn2", "type": "batch_norm", "enabled": True}]
    win.doc.replace(design, None)
    qtbot.waitUntil(lambda: win.controller.latest() is not None
                    and len(win.worker.session.calls) == 0, timeout=15_000)
    activate(qtbot, win)
    undo = len(win.doc._undo)
    qtbot.keyClick(win, Qt.Key_B)
    assert [cfg.get("enabled") for cfg in win.doc.layers[1:3]] == [False, False]
    assert len(win.doc._undo) == undo + 1
    qtbot.waitUntil(lambda: len(win.controller.latest().markers) == 1, timeout=15_000)
    qtbot.wait(300)
    (step, label), = win.controller.latest().markers
    assert label == "bn1, bn2: enabled=off"


def test_comparison_boundaries_stack_in_a_tall_area_and_sit_side_by_side_in_a_wide_one(qtbot):
    import gc

    from playground.classroom.overlay import BoundaryRow
    row = BoundaryRow()
    qtbot.addWidget(row)
    row.resize(300, 700)
    row.show()
    row.ensure(("A", "B"))
    gc.collect()  # the panels' boxes belong to the row, not to Python names
    row.ensure(("A", "B"))
    assert row._columns == 1  # stacked: each about square
    row.resize(900, 400)
    qtbot.waitUntil(lambda: row._columns == 2, timeout=3_000)
    qtbot.waitUntil(lambda: all(p.isVisible() for p in row.panels), timeout=3_000)
    a, b = (p.mapTo(row, p.rect().topLeft()) for p in row.panels)
    assert a.y() == b.y() and a.x() < b.x()


def test_a_card_name_is_larger_than_its_detail_line():
    import re

    from playground.theme import THEME
    sheet = THEME.read_text(encoding="utf-8")
    size = {name: float(re.search(rf"QLabel#{name} {{[^}}]*font-size: ([0-9.]+)pt", sheet)
                        .group(1)) for name in ("cardTitle", "cardDescription")}
    assert size["cardTitle"] > size["cardDescription"]
