"""Training bar, data panel, device selector and the diverged-run dialog."""
import dataclasses

from PySide6.QtCore import Qt

from playground.widgets.training_bar import cuda_status
from tests.helpers.app import MAIN_DESIGN as DESIGN
from tests.helpers.fakes import FakeSession


class DivergingSession(FakeSession):
    def run(self, n):
        snap = super().run(min(n, 30 - self.t) if self.t < 30 else n)
        if self.t >= 30:
            return dataclasses.replace(snap, loss=float("nan"), status="diverged",
                                       diverged_at={"step": self.t, "layer_index": 0,
                                                    "layer_id": "d1"})
        return snap


def test_bar_edits_reach_document_and_worker(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    session = win.worker.session
    win.bar.lr.setValue(0.03)
    assert win.doc.section("optimizer")["learning_rate"] == 0.03
    qtbot.waitUntil(lambda: session.lr == 0.03, timeout=15_000)
    qtbot.waitUntil(lambda: win.controller.latest().markers[-1][1] == "lr=0.03", timeout=15_000)
    qtbot.mouseClick(win.bar.step, Qt.LeftButton)
    qtbot.waitUntil(lambda: win.controller.latest().snapshot.step == 1, timeout=15_000)
    win.bar.speed.setValue(7)
    qtbot.waitUntil(lambda: win.worker.pacing.steps_per_chunk == 7, timeout=15_000)
    win.undo_action.trigger()
    assert win.bar.lr.value() == 0.5


def test_data_panel_changes_dataset_and_input_size(qtbot, make_window):
    built = []

    def factory(d, b, dev):
        built.append(d)
        return FakeSession(d, b, dev)

    win = make_window(DESIGN, factory=factory)
    qtbot.waitUntil(lambda: len(built) == 1, timeout=15_000)
    win.data_panel.features["x1^2"].setChecked(True)
    assert win.doc.design["data"]["features"] == ["x1", "x2", "x1^2"]
    assert win.doc.input_dim == 3
    qtbot.waitUntil(lambda: len(built) == 2, timeout=15_000)
    assert built[-1]["model"]["input_dim"] == 3
    win.data_panel.dataset.setCurrentText("digits")
    assert win.doc.input_dim == 64 and not win.data_panel.features["x1"].isEnabled()
    layers = win.doc.layers  # the output head follows the data: 10 classes
    assert layers[0]["units"] == 10 and layers[-1]["function"] == "softmax"
    assert win.doc.section("loss")["type"] == "sparse_categorical_crossentropy"
    win.doc.undo()
    assert win.doc.layers[-1]["function"] == "sigmoid" and win.doc.layers[0]["units"] == 1
    assert win.data_panel.dataset.currentText() == "gaussian" and win.doc.input_dim == 3


def test_device_selector_greys_out_cuda_with_reason(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: FakeSession(d, b, dev))
    usable, reason = cuda_status()
    item = win.bar.device.model().item(1)
    assert item.text() == "cuda" and item.isEnabled() == usable
    if not usable:
        assert item.toolTip() == reason and reason


def test_diverged_run_pauses_and_offers_lower_lr(qtbot, make_window):
    win = make_window(DESIGN, factory=lambda d, b, dev: DivergingSession(d, b, dev))
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    win.controller.post("play")
    qtbot.waitUntil(lambda: hasattr(win, "diverged_box"), timeout=15_000)
    box = win.diverged_box
    assert "step 30" in box.text() and "layer 0 (d1)" in box.text()
    assert not win.worker.playing
    lower = next(b for b in box.buttons() if b.text() == "Lower lr")
    lower.click()
    assert win.doc.section("optimizer")["learning_rate"] == 0.05
    qtbot.waitUntil(lambda: win.worker.session.t == 0, timeout=15_000)  # reset


def test_optimizer_and_schedule_forms_validate_and_reach_the_worker(qtbot, make_window):
    calls = []

    class Recording(FakeSession):
        def set_optimizer(self, cfg):
            calls.append(("optimizer", cfg))

        def set_schedule(self, cfg):
            calls.append(("schedule", cfg))

    win = make_window(DESIGN, factory=lambda d, b, dev: Recording(d, b, dev))
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    opt = win.settings_panel.optimizer
    assert "momentum" in opt.editors and "clipnorm" in opt.editors  # sgd's full config
    opt.editors["momentum"].setValue(0.9)
    assert win.doc.section("optimizer")["momentum"] == 0.9
    qtbot.waitUntil(lambda: bool(calls) and calls[-1][0] == "optimizer", timeout=15_000)
    assert calls[-1][1]["momentum"] == 0.9 and calls[-1][1]["learning_rate"] == 0.5
    opt.editors["momentum"].setValue(-2.0)  # refused by the optimizer's from_config
    assert win.doc.section("optimizer")["momentum"] == 0.9
    assert not opt.error.isHidden() and "momentum" in opt.error.text()
    win.bar.schedule.setCurrentText("power")
    sched = win.settings_panel.schedule
    assert set(sched.editors) == {"s", "c"}
    sched.editors["s"].setValue(50.0)
    qtbot.waitUntil(lambda: calls[-1] == ("schedule", {"type": "power", "s": 50.0, "c": 1.0}),
                    timeout=15_000)
    assert win.controller.latest().markers[-1][1] == "schedule=power"
