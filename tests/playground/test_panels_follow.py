"""Panels show what exists now (issue 11, point 9): after New, Open, a data-set change or
Reset, no legend, histogram or batch-norm layer of the old design is left; layers are named by
what they are now (softmax, not the sigmoid they were); so is the inspector's title."""
import copy

from tests.helpers.fakes import StructSession
from tests.helpers.app import MAIN_DESIGN as DESIGN

BN_DESIGN = copy.deepcopy(DESIGN)
BN_DESIGN["model"]["layers"] = [
    {"id": "d1", "type": "dense", "units": 4},
    {"id": "bn1", "type": "batch_norm", "enabled": True},
    {"id": "a1", "type": "activation", "function": "relu"},
    {"id": "d2", "type": "dense", "units": 1},
    {"id": "a2", "type": "activation", "function": "sigmoid"}]


def _struct(d, b, dev):
    return StructSession(d, b, dev, delay=0.002)


def _dash(win, title):
    return next(d for d in win.dashboards if d.title == title)


def _trained(qtbot, win, steps=20):
    win.controller.post("step", n=steps)
    qtbot.waitUntil(lambda: win.controller.latest().snapshot is not None
                    and win.controller.latest().snapshot.step >= steps, timeout=15_000)


def test_open_new_and_reset_leave_nothing_of_the_old_layers(qtbot, make_window):
    win = make_window(BN_DESIGN, factory=_struct)
    win.draw_all = True
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    _trained(qtbot, win)
    bn, act, grad = _dash(win, "Batch norm"), _dash(win, "Activations"), _dash(win, "Gradients")
    qtbot.waitUntil(lambda: bn.layer_box.count() == 1 and len(act.grid.items) == 5, timeout=10_000)
    assert len(bn.items["batch_mean"].xData) == 2
    win.doc.replace(copy.deepcopy(DESIGN), None)  # Open a design without batch norm
    qtbot.waitUntil(lambda: bn.layer_box.count() == 0, timeout=10_000)
    assert bn.items["batch_mean"].xData is None or len(bn.items["batch_mean"].xData) == 0
    qtbot.waitUntil(lambda: sorted(act.grid.signature) == [(0, "d1", "0 dense"),
                                                           (1, "do1", "1 dropout"),
                                                           (2, "a1", "2 sigmoid")],
                    timeout=10_000)
    assert [act.layer_box.itemText(i) for i in range(act.layer_box.count())] == \
        ["0 dense", "1 dropout", "2 sigmoid"]
    _trained(qtbot, win)
    qtbot.waitUntil(lambda: set(grad.grad_plot.labels.values()) == {"0 dense"}, timeout=10_000)
    assert [name for name, _ in grad.grad_plot.legend.entries] == ["0 dense"]
    win.bar.reset.click()
    qtbot.waitUntil(lambda: win.controller.latest().snapshot.step == 0, timeout=10_000)
    qtbot.waitUntil(lambda: len(grad.grad_plot.curves["d1"].xData) <= 1, timeout=10_000)


def test_a_changed_activation_is_named_as_it_is_now(qtbot, make_window):
    win = make_window(BN_DESIGN, factory=_struct)
    win.draw_all = True
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    _trained(qtbot, win)
    act = _dash(win, "Activations")
    win.stack.select(4)
    assert "sigmoid" in win.inspector.title.text()
    win.data_panel.dataset.setCurrentText("digits")  # ten classes: the head becomes softmax
    assert win.doc.layers[4]["function"] == "softmax"
    assert "softmax" in win.inspector.title.text() and "sigmoid" not in win.inspector.title.text()
    qtbot.waitUntil(lambda: (4, "a2", "4 softmax") in act.grid.signature, timeout=10_000)
    labels = [t.toPlainText() for t in act.grid.labels.values()]
    assert "4 softmax" in labels and not any("sigmoid" in t for t in labels)
    assert act.layer_box.itemText(4) == "4 softmax"
