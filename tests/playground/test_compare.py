"""Comparison windows: runs built on one worker thread stepping in lockstep, overlays, races,
shared initial weights, toggles, the Compare… variants."""
import copy

import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.helpers.app import COMPARE_DESIGN as DESIGN, fake
from tests.helpers.fakes import FakeSession

def built(win, n_runs):
    return len(win.runs()) == n_runs


def test_ab_steps_in_lockstep_and_both_histories_grow(qtbot, make_compare):
    win = make_compare([("A", DESIGN), ("B", DESIGN)], factory=fake)
    qtbot.waitUntil(lambda: built(win, 2), timeout=30000)
    win.step(5)
    qtbot.waitUntil(lambda: all(r.step == 5 for r in win.runs()), timeout=30000)
    first = [len(r.history["steps"]) for r in win.runs()]
    qtbot.mouseClick(win.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: min(r.step for r in win.runs()) >= 60, timeout=30000)
    qtbot.mouseClick(win.play_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not win.worker.playing, timeout=30000)
    win.step(1)
    qtbot.waitUntil(lambda: win.runs()[0].step > 60, timeout=30000)
    runs = win.runs()
    assert runs[0].step == runs[1].step
    assert [len(r.history["steps"]) for r in runs][0] == len(runs[1].history["steps"])
    assert all(len(r.history["steps"]) > f for r, f in zip(runs, first))
    np.testing.assert_array_equal(runs[0].history["steps"], runs[1].history["steps"])
    assert [r.label for r in runs] == ["A", "B"]
    qtbot.waitUntil(lambda: win.frames > 0 and len(win.plots.plots["loss"].curves) == 2, timeout=30000)
    curves = win.plots.plots["loss"].curves
    assert {run for run, _ in curves} == {0, 1}
    pens = {curves[(r, 0)].opts["pen"].color().name() for r in (0, 1)}
    assert len(pens) == 2  # distinct colours
    assert len(win.boundaries.panels) == 2


def test_race_of_four_runs_keeps_every_run_at_the_same_step(qtbot, make_compare):
    designs = []
    for i, lr in enumerate((0.01, 0.1, 0.5, 2.0)):
        d = copy.deepcopy(DESIGN)
        d["optimizer"]["learning_rate"] = lr
        designs.append((f"lr {lr}", d))
    win = make_compare(designs, factory=fake)
    qtbot.waitUntil(lambda: built(win, 4), timeout=30000)
    win.speed.setValue(3)
    win.play()
    qtbot.waitUntil(lambda: win.runs()[0].step >= 30, timeout=30000)
    win.pause()
    qtbot.waitUntil(lambda: not win.worker.playing, timeout=30000)
    qtbot.wait(50)
    steps = [r.step for r in win.runs()]
    assert len(set(steps)) == 1 and steps[0] % 3 == 0
    losses = [r.history["loss"][-1] for r in win.runs()]
    assert len(set(np.round(losses, 8))) == 4  # the runs really differ
    qtbot.waitUntil(lambda: len(win.plots.plots["val_loss"].curves) == 4, timeout=30000)


def test_reset_and_toggles_reach_every_session(qtbot, make_compare):
    win = make_compare([("A", DESIGN), ("B", DESIGN)], factory=fake)
    qtbot.waitUntil(lambda: built(win, 2), timeout=30000)
    win.step(4)
    qtbot.waitUntil(lambda: win.runs()[0].step == 4, timeout=30000)
    win.toggle_dropout()
    win.toggle_batch_norm()
    qtbot.waitUntil(lambda: all(len(s.calls) == 2 for s in win.worker.sessions), timeout=30000)
    for s in win.worker.sessions:
        assert ("layer_option", "do1", {"enabled": False}) in s.calls
        assert ("layer_option", "bn1", {"enabled": False}) in s.calls
    qtbot.waitUntil(lambda: ("4", "BN off") in {(str(s), l) for s, l
                                                 in win.latest().runs[0].markers}, timeout=30000)
    win.toggle_batch_norm()
    qtbot.waitUntil(lambda: ("layer_option", "bn1", {"enabled": True})
                    in win.worker.sessions[1].calls, timeout=30000)
    win.reset()
    qtbot.waitUntil(lambda: all(r.step == 0 for r in win.runs()), timeout=30000)


def test_real_engine_ab_shares_initial_weights_and_batches(qtbot, make_compare):
    from playground.classroom.variants import make_variant
    from playground.engine_bridge import default_design
    a = default_design()
    b, label = make_variant(a, "learning_rate", 10.0)
    win = make_compare([("A", a), (label, b)])
    qtbot.waitUntil(lambda: built(win, 2), timeout=60000)
    wa, wb = (s.get_weights() for s in win.worker.sessions)
    assert set(wa) == set(wb)
    for key in wa:
        np.testing.assert_array_equal(wa[key], wb[key])
    win.step(3)
    qtbot.waitUntil(lambda: all(r.step == 3 for r in win.runs()), timeout=30000)
    runs = win.runs()
    assert runs[0].snapshot.loss != runs[1].snapshot.loss
    assert win.latest().runs[0].boundary is not None


def test_lesson_initialiser_comparison_keeps_its_difference(qtbot, make_compare):
    from engine.design.lessons import load_lesson
    lesson = load_lesson(1)
    win = make_compare([(d.label, d.design) for d in lesson.designs], lesson.base_dir)
    qtbot.waitUntil(lambda: built(win, 2), timeout=60000)
    shared = win.worker.shared[1]
    wa, wb = (s.get_weights() for s in win.worker.sessions)
    assert "layers.0.kernel" not in shared  # glorot vs he: the kernels must differ
    assert not np.array_equal(wa["layers.0.kernel"], wb["layers.0.kernel"])
    win.step(2)
    qtbot.waitUntil(lambda: all(r.step == 2 for r in win.runs()), timeout=30000)


def test_matching_layers_by_id_then_index_type_and_initialiser():
    from playground.classroom.weights import matching_layers
    a = [{"id": "d1", "type": "dense", "kernel_initializer": "he_uniform"},
         {"id": "a1", "type": "activation"},
         {"id": "d2", "type": "dense", "kernel_initializer": "glorot_uniform"}]
    b = [{"id": "d1", "type": "dense", "kernel_initializer": "he_uniform"},
         {"id": "bn9", "type": "batch_norm"},
         {"id": "a1", "type": "activation"},
         {"id": "d2", "type": "dense", "kernel_initializer": "he_uniform"}]
    assert matching_layers(a, b) == {0: 0, 2: 1}


def test_variants_change_one_thing():
    from engine.errors import BadInput
    from playground.classroom.variants import make_variant
    d, label = make_variant(DESIGN, "dropout", False)
    assert label == "dropout off" and d["model"]["layers"][2]["enabled"] is False
    assert DESIGN["model"]["layers"][2]["enabled"] is True
    d, label = make_variant(DESIGN, "optimizer", "adam")
    assert d["optimizer"] == {"type": "adam", "learning_rate": 0.5}
    with pytest.raises(BadInput):  # its only activation is the output's, which stays
        make_variant(DESIGN, "activation", "relu")
    deep = copy.deepcopy(DESIGN)
    deep["model"]["layers"].insert(1, {"id": "h1", "type": "activation", "function": "tanh"})
    d, _ = make_variant(deep, "activation", "relu")
    assert [l.get("function") for l in d["model"]["layers"] if l["type"] == "activation"] == \
        ["relu", "sigmoid"]
    with pytest.raises(BadInput):
        make_variant({**DESIGN, "model": {"input_dim": 2, "layers": []}}, "batch_norm", True)


def test_per_run_dashboards_in_tabs_beside_the_curves(qtbot, make_compare):
    win = make_compare([("A", DESIGN), ("B", DESIGN), ("C", DESIGN)], factory=fake,
                       details=("loss", "activations", "confusion"))
    assert [win.details.tabText(i) for i in range(win.details.count())] == \
        ["Curves", "Activations", "Confusion"]
    win.details.draw_all = True
    win.step(3)
    qtbot.waitUntil(lambda: all(len(win.details.dashboards[name]) == 3 and
                                all(d.frames_drawn > 0 for d in win.details.dashboards[name])
                                for name in ("activations", "confusion")), timeout=30000)
    assert win.latest().runs[2].confusion.sum() > 0


class DivergingSession(FakeSession):
    """Raises Diverged once it passes step 4 (a run whose learning rate is far too high)."""

    def run(self, n):
        from engine.errors import Diverged
        if self.t + n > 4:
            raise Diverged(self.t + 1, 0, "d1")
        return super().run(n)


def test_a_diverged_run_stops_while_the_others_go_on(qtbot, make_compare):
    bad = copy.deepcopy(DESIGN)
    bad["name"] = "bad"
    factory = lambda d, b, dev: (DivergingSession if d["name"] == "bad" else FakeSession)(d, b)  # noqa: E731
    win = make_compare([("ok", DESIGN), ("bad", bad)], factory=factory)
    qtbot.waitUntil(lambda: built(win, 2), timeout=30000)
    win.speed.setValue(2)
    win.play()
    qtbot.waitUntil(lambda: win.runs()[0].step >= 20, timeout=30000)
    win.pause()
    ok, diverged = win.runs()
    assert diverged.stopped == "diverged" and diverged.step == 4
    assert ("diverged" in {label for _, label in win.latest().runs[1].markers})
    assert ok.stopped is None and not win.messages


def _compare_numbers(qtbot, designs, threads, monkeypatch):
    """Weights, histories and boundaries of a comparison stepped in chunks by a CompareWorker
    whose lockstep pool has ``threads`` threads (1: the runs one after another)."""
    from engine.lockstep import ENV_THREADS
    from playground.classroom.compare_worker import CompareWorker
    from playground.engine_bridge import make_session
    monkeypatch.setenv(ENV_THREADS, str(threads))
    worker = CompareWorker(make_session)
    try:
        worker._cmd_build([d for _, d in designs], [label for label, _ in designs],
                          [None] * len(designs))
        for n in (1, 9, 40, 3):
            worker._train(n)
        worker._compute_views()
        return ([s.get_weights() for s in worker.sessions],
                [h.arrays() for h in worker.histories],
                [v[0].z for v in worker._views], worker.lockstep.threads)
    finally:
        worker.lockstep.close()


def test_parallel_comparison_gives_the_sequential_numbers(qtbot, monkeypatch):
    """The runs of a chunk train on the lockstep pool's threads: bit-identical weights, loss
    histories and boundaries to stepping them one after another."""
    from playground.classroom.variants import make_variant
    from playground.engine_bridge import default_design
    a = default_design()
    designs = [("A", a), make_variant(a, "learning_rate", 10.0)[::-1],
               make_variant(a, "learning_rate", 0.1)[::-1]]
    seq = _compare_numbers(qtbot, designs, 1, monkeypatch)
    par = _compare_numbers(qtbot, designs, 3, monkeypatch)
    assert (seq[3], par[3]) == (1, 3)
    for wa, wb in zip(seq[0], par[0]):
        assert wa.keys() == wb.keys() and all(np.array_equal(wa[k], wb[k]) for k in wa)
    for ha, hb in zip(seq[1], par[1]):
        assert len(ha["steps"]) == len(hb["steps"]) > 1
        for key in ("steps", "loss"):
            np.testing.assert_array_equal(ha[key], hb[key])
    for za, zb in zip(seq[2], par[2]):
        np.testing.assert_array_equal(za, zb)
    assert not np.array_equal(seq[1][0]["loss"], seq[1][1]["loss"])  # the runs do differ


def test_comparison_runs_train_on_the_lockstep_threads(qtbot, make_compare, monkeypatch):
    import threading

    from engine.lockstep import ENV_THREADS
    monkeypatch.setenv(ENV_THREADS, "2")  # even on a one-core machine
    seen = set()

    class ThreadProbe(FakeSession):
        def run(self, n):
            seen.add(threading.current_thread().name)
            return super().run(n)

    win = make_compare([("a", DESIGN), ("b", DESIGN)],
                       factory=lambda d, b, dev: ThreadProbe(d, b))
    qtbot.waitUntil(lambda: built(win, 2), timeout=30000)
    win.step(3)
    qtbot.waitUntil(lambda: all(r.step == 3 for r in win.runs()), timeout=30000)
    assert seen and all(name.startswith("lockstep") for name in seen), seen
