"""Time plots keep their information (issue 11, point 8): a rebuild starts a new segment
instead of wiping the curves, marker labels are whole and never pile up, a switched-off layer
leaves a gap, an all-zero gradient still shows on a log plot."""
import copy
import re
from dataclasses import replace

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt

from playground.dashboards.base import TimePlot
from playground.history import History
from tests.helpers.fakes import FakeSession, StructSession
from tests.helpers.app import drop as _drop
from tests.helpers.app import MAIN_DESIGN as DESIGN


def _struct(d, b, dev):
    return StructSession(d, b, dev, delay=0.002)


def _frame(win):
    return win.controller.latest()


def _steps(win, n, chunks=3):
    for _ in range(chunks):
        win.controller.post("step", n=n)


def _grad(win):
    return next(d for d in win.dashboards if d.title == "Gradients")


def test_inserting_a_layer_keeps_every_gradient_curve_and_marks_the_change(qtbot, make_window):
    win = make_window(DESIGN, factory=_struct)
    win.draw_all = True
    qtbot.waitUntil(lambda: _frame(win) is not None, timeout=15_000)
    _steps(win, 10)
    qtbot.waitUntil(lambda: _frame(win).snapshot.step == 30, timeout=15_000)
    target = win.stack.cards[1].geometry()
    _drop(win.stack, win.palette.card("dense").mime_data(),
          QPointF(target.center().x(), target.top() + 1))
    qtbot.waitUntil(lambda: len(win.worker.session.layers) == 4, timeout=15_000)
    _steps(win, 10)
    qtbot.waitUntil(lambda: _frame(win).snapshot.step == 60, timeout=15_000)
    plot = _grad(win).grad_plot
    qtbot.waitUntil(lambda: "d2" in plot.curves, timeout=10_000)
    old = plot.curves["d1"].xData
    assert old[0] == 0 and old[-1] == 60  # the "before" is still there
    new = plot.curves["d2"].xData[np.isfinite(plot.curves["d2"].yData)]
    assert new[0] >= 30 and new[-1] == 60
    assert plot.markers.labels == ["+dense"]
    assert plot.labels["d1"] == "0 dense" and plot.labels["d2"] == "1 dense"


def test_a_rebuild_after_an_edit_is_a_new_segment_new_and_open_start_empty(qtbot, make_window):
    win = make_window(DESIGN, factory=_struct)
    win.draw_all = True
    qtbot.waitUntil(lambda: _frame(win) is not None, timeout=15_000)
    _steps(win, 10)
    qtbot.waitUntil(lambda: _frame(win).snapshot.step == 30, timeout=15_000)
    win.doc.set_value("data", "noise", 0.3)  # a new session: data are generated again
    qtbot.waitUntil(lambda: _frame(win).snapshot is not None and _frame(win).snapshot.step == 0
                    and win.worker.session.t == 0, timeout=15_000)
    _steps(win, 10)
    qtbot.waitUntil(lambda: _frame(win).snapshot.step == 30, timeout=15_000)
    loss = win.dashboards[0].loss_plot
    qtbot.waitUntil(lambda: loss.curves["train (batch)"].xData[-1] == 61, timeout=10_000)
    xs = loss.curves["train (batch)"].xData
    assert xs[0] <= 10 and 30 in xs  # the first run's curve stays
    assert loss.markers.labels == ["data noise"]
    assert _frame(win).markers[0][0] == 31  # where the new segment starts
    other = copy.deepcopy(DESIGN)
    other["model"]["layers"] = [{"id": "x1", "type": "dense", "units": 1},
                                {"id": "x2", "type": "activation", "function": "sigmoid"}]
    win.doc.replace(other, None)  # Open: another design, nothing of the old run
    qtbot.waitUntil(lambda: not _frame(win).markers and _frame(win).snapshot is not None
                    and _frame(win).history["layer_ids"] == ("x1", "x2"), timeout=15_000)
    qtbot.waitUntil(lambda: set(_grad(win).grad_plot.curves) <= {"x1"}, timeout=10_000)
    qtbot.waitUntil(lambda: loss.markers.labels == [], timeout=10_000)


def test_a_switched_off_layer_leaves_a_gap_not_a_line():
    session = StructSession(DESIGN)
    hist = History()
    for t in range(30):
        if t == 10:
            session.layers[0]["enabled"] = False
        if t == 20:
            session.layers[0]["enabled"] = True
        hist.add(session.run(1))
    h = hist.arrays()
    g = h["grad_norm"][:, h["layer_ids"].index("d1")]
    assert np.isnan(g[10:19]).all() and np.isfinite(g[:9]).all() and np.isfinite(g[21:]).all()
    plot = TimePlot("g", log_y=True)
    plot.set_series("d1", h["layer_steps"], g, "#56B4E9")
    item = plot.curves["d1"]
    assert item.opts["connect"] == "finite" and np.isnan(item.yData).sum() >= 8
    plot.close()


def test_an_all_zero_gradient_shows_on_a_log_plot_at_a_zero_line(qtbot):
    plot = TimePlot("gradient norm", log_y=True)
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    x = np.arange(50, dtype=float)
    plot.set_series("dead layer", x, np.zeros(50), "#56B4E9")
    plot.set_series("live layer", x, np.linspace(0.1, 0.01, 50), "#E69F00")
    plot.fit()
    zero = plot.curves["dead layer"]
    assert np.isfinite(zero.yData).all() and len(zero.yData) == 50
    ticks = plot.getAxis("left")._tickLevels[0]
    assert (np.log10(zero.yData[0]), "0") in ticks
    assert "dead layer: 0" in plot.describe(20.0)
    alone = TimePlot("only zeros", log_y=True)
    qtbot.addWidget(alone)
    alone.set_series("a", x, np.zeros(50), "#56B4E9")
    alone.fit()
    assert np.isfinite(alone.curves["a"].yData).all()


def test_marker_labels_are_whole_never_overlap_and_the_rest_are_in_the_tooltip(qtbot):
    plot = TimePlot("loss")
    qtbot.addWidget(plot)
    plot.resize(420, 260)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_series("loss", np.arange(200.0), np.linspace(1, 0.1, 200), "#56B4E9")
    plot.fit()
    labels = ["bn1: enabled=off", "lr=0.05", "+dropout", "batch=8", "optimizer=sgd",
              "bn1: enabled=on", "−dropout"]
    plot.markers.update(tuple((40 + 4 * i, label) for i, label in enumerate(labels)))
    shown = [t for t in plot.markers.texts if t.isVisible()]
    assert 3 <= len(shown) < len(labels)  # three rows, the rest hidden rather than piled
    assert sorted(t.toPlainText() for t in shown) == sorted(plot.markers.shown_labels)
    assert all(t.toPlainText() in labels for t in shown)  # whole, never cut
    rects = [t.mapRectToScene(t.boundingRect()) for t in shown]
    for i, a in enumerate(rects):
        assert not any(a.intersects(b) for b in rects[i + 1:])
    view = plot.plotItem.vb.sceneBoundingRect()
    assert all(QRectF(view).adjusted(-1, -1, 1, 1).contains(r) for r in rects)
    hidden = [label for label in labels if label not in plot.markers.shown_labels]
    tip = plot.describe(40 + 4 * labels.index(hidden[0]))
    assert hidden[0] in tip


def test_a_lesson_full_of_changes_keeps_every_marker_with_a_bounded_number_of_items(qtbot):
    """An edit every few seconds for a lesson: hundreds of markers. Each stays in the tooltip,
    but the plot draws them with as many items as it shows at once, not one per marker."""
    import pyqtgraph as pg
    plot = TimePlot("loss")
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    qtbot.waitExposed(plot)
    plot.set_series("loss", np.arange(0, 200_000, 100.0), np.linspace(1, 0.1, 2000), "#56B4E9")
    plot.fit()
    markers = tuple((97 * i + 13, f"lr={i}") for i in range(2000))
    for n in (10, 500, 2000):  # arriving over the lesson
        plot.markers.update(markers[:n])
    from playground.dashboards.markers import MAX_LINES
    items = [i for i in plot.scene().items() if isinstance(i, (pg.InfiniteLine, pg.TextItem))]
    lines = [i for i in items if isinstance(i, pg.InfiniteLine)]
    # markers closer than width / MAX_LINES pixels share a line (an hour of edits had made a
    # line per pixel column in every plot), and a few labels
    assert len(lines) <= MAX_LINES + 2 and len(items) <= MAX_LINES + 60
    assert len([i for i in lines if i.isVisible()]) > MAX_LINES // 2
    assert plot.markers.labels == [label for _, label in markers]  # every marker kept
    assert "lr=1999" in plot.describe(97 * 1999 + 13)
    shown = plot.markers.shown_labels
    # each label whole: a marker's, or those sharing a line ("lr=0 (+27 more)", "a; b")
    assert 1 <= len(shown) < 60 and all(
        set(re.sub(r" \(\+\d+ more\)$", "", label).split("; ")) <= set(plot.markers.labels)
        for label in shown)
    assert any(label.endswith("more)") for label in shown)
    plot.plotItem.vb.setXRange(97 * 1000, 97 * 1010)  # zoomed in: those labels, whole
    qtbot.waitUntil(lambda: "lr=1005" in plot.markers.shown_labels, timeout=5_000)


class _EpochAccuracy(FakeSession):
    """Accuracy (train and validation) only at epoch ends, as the engine reports it."""

    def _snap(self, loss):
        snap = super()._snap(loss)
        if self.t == 0 or self.t % self.steps_per_epoch:
            snap = replace(snap, accuracy=None, val_accuracy=None)
        return snap


def _shown(plot):
    """The finite points each curve of ``plot`` shows: {name: xs}."""
    out = {}
    for name, item in plot.curves.items():
        xs, ys = item.getData()
        out[name] = [] if xs is None else list(xs[np.isfinite(ys)])
    return out


def test_reset_clears_the_accuracy_plot_too_and_its_steps_follow_the_new_run(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: _EpochAccuracy(d, b, dev, delay=0.002))
    win.draw_all = True
    qtbot.waitUntil(lambda: _frame(win) is not None, timeout=15_000)
    _steps(win, 100, chunks=3)
    qtbot.waitUntil(lambda: _frame(win).snapshot.step == 300, timeout=15_000)
    dash = win.dashboards[0]
    qtbot.waitUntil(lambda: 300 in _shown(dash.acc_plot).get("train", []), timeout=10_000)
    assert dash.acc_plot.viewRange()[0][1] >= 300
    qtbot.mouseClick(win.bar.reset, Qt.LeftButton)
    qtbot.waitUntil(lambda: _frame(win).snapshot.step == 0
                    and len(_frame(win).history["steps"]) == 1, timeout=15_000)
    qtbot.waitUntil(lambda: _shown(dash.loss_plot).get("train (batch)") == [0], timeout=10_000)
    assert all(xs == [] for xs in _shown(dash.acc_plot).values())  # no old accuracy curve
    _steps(win, 10, chunks=1)
    qtbot.waitUntil(lambda: 10 in _shown(dash.acc_plot).get("train", []), timeout=10_000)
    for plot in dash.plots:  # the step axis follows the new run, not the old 0-300
        assert plot.viewRange()[0][1] < 100, plot
        assert max(max(xs, default=0) for xs in _shown(plot).values()) == 10
