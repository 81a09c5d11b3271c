"""The session's program seam: TrainingSession(program=...) runs steps, evaluation, predictions and
monitor passes on that program, and calls a resident program's sync_to_host before reading the host
weights and mark_host_changed after writing them (no-ops for the CPU program)."""
from __future__ import annotations

import numpy as np

import engine.program
from engine.build import session_from_configs
from tests.helpers.sessions import LAYERS, make_data


class Recording:
    """The CPU program, counting calls (sync_to_host / mark_host_changed included)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name):
        func = getattr(engine.program, name)

        def call(*args):
            self.calls.append(name)
            return func(*args)
        return call

    def sync_to_host(self, names=None) -> None:
        self.calls.append("sync")

    def mark_host_changed(self) -> None:
        self.calls.append("mark")

    def count(self, name: str) -> int:
        return self.calls.count(name)


def make(program=None, **kw):
    kw.setdefault("epochs", 10)
    data = kw.pop("data", None) or make_data()
    return session_from_configs(LAYERS, {"type": "adam", "learning_rate": 0.01},
                                None, {"type": "binary_crossentropy"}, data, seed=3,
                                batch_size=8, program=program, **kw)


def test_default_program_is_the_cpu_module_and_a_given_one_runs_everything():
    plain, rec = make(), Recording()
    s = make(rec)
    assert plain.program is engine.program and s.program is rec
    assert s.monitors.program is rec
    a, b = plain.run(9), s.run(9)            # crosses an epoch end: validation loss evaluated
    assert a.loss == b.loss and a.val_loss == b.val_loss
    np.testing.assert_array_equal(plain.model.params, s.model.params)
    for name in ("train_run", "evaluate_program"):
        assert rec.count(name) >= 1, name
    x = s.x[:5]
    np.testing.assert_array_equal(plain.predict(x)[0], s.predict(x)[0])
    assert rec.count("predict_program") == 1
    s.predict(x, mc_dropout=3)
    assert rec.count("predict_program") == 4


def test_reads_sync_first_and_writes_mark_the_host_changed():
    rec = Recording()
    s = make(rec)
    s.step()

    def after(action, *expect):
        rec.calls.clear()
        action()
        for name in expect:
            assert name in rec.calls, (action, name, rec.calls)
        return rec.calls

    after(s.get_weights, "sync")
    after(s.state_dict, "sync")
    after(s.snapshot, "sync")
    after(s.penalty, "sync")
    calls = after(lambda: s.set_weights(s.get_weights()), "sync", "mark")
    assert calls.index("sync") < calls.index("mark")
    saved = s.state_dict()
    after(lambda: s.load_state_dict(saved), "sync", "mark")
    after(lambda: s.set_optimizer({"type": "sgd", "learning_rate": 0.1}), "sync", "mark")
    after(lambda: s.apply_model(LAYERS), "sync", "mark")
    after(s.reset, "mark")
    assert s.monitors.program is rec       # rebuilt monitors keep the program


def test_setting_the_program_later_reaches_the_monitors():
    s, rec = make(), Recording()
    s.step()
    s.program = rec
    assert s.monitors.program is rec and "mark" in rec.calls
    s.step()
    assert rec.count("train_run") >= 1  # the steps, and a monitor pass
    s.program = None
    assert s.program is engine.program and s.monitors.program is engine.program


class StepsOnly(Recording):
    """A program with the per-step interface only (as the GPU program): no ``train_run``."""

    def __getattr__(self, name):
        if name == "train_run":
            raise AttributeError(name)
        return super().__getattr__(name)


def test_a_program_without_train_run_trains_the_same_run():
    """The session's Python loop over train_steps (the GPU program's interface) gives the same
    batches, epoch figures, history and monitor figures as the compiled epoch loop, bit for bit."""
    from types import SimpleNamespace
    d = make_data()
    nov = SimpleNamespace(x_train=d.x_train, y_train=d.y_train, x_val=d.x_val[:0],
                          y_val=d.y_val[:0])
    for data in (d, nov):
        a, steps = make(data=data), StepsOnly()
        b = make(steps, data=data)
        for n in (3, 9, 1, 20):
            sa, sb = a.run(n), b.run(n)
            assert (sa.step, sa.epoch, sa.loss, sa.epoch_loss, sa.val_loss) == \
                (sb.step, sb.epoch, sb.loss, sb.epoch_loss, sb.val_loss)
            for la, lb in zip(sa.layers, sb.layers):
                assert la.grad_norm == lb.grad_norm and la.update_ratio == lb.update_ratio
                np.testing.assert_array_equal(la.act_hist_counts, lb.act_hist_counts)
        np.testing.assert_array_equal(a.model.params, b.model.params)
        assert a.history == b.history and a._ep == b._ep
        assert steps.count("train_steps") >= 1 and steps.count("train_run") == 0


def test_early_stopping_restore_marks_the_host_changed():
    rec = Recording()
    es = {"monitor": "loss", "patience": 1, "restore_best": True, "min_delta": 10.0}
    s = make(rec, early_stopping=es)
    s.run(30)
    assert s.status == "early_stopped"
    assert "mark" in rec.calls[rec.calls.index("sync"):]


def test_a_cpu_session_stays_copyable():
    """The CPU program is a module: kept off the instances, so deepcopy (and pickling) work."""
    import copy
    s = make()
    s.step()
    t = copy.deepcopy(s)
    assert t.program is engine.program and t.monitors.program is engine.program
    assert t.step().loss == s.step().loss


def test_val_loss_early_stopping_without_validation_set_watches_loss():
    """Documented deviation from Keras (TrainingSession docstring): no validation set, so a
    ``val_loss`` monitor follows the training loss (Keras would warn and never stop)."""
    from types import SimpleNamespace
    d = make_data()
    no_val = SimpleNamespace(x_train=d.x_train, y_train=d.y_train, x_val=d.x_val[:0],
                             y_val=d.y_val[:0])
    runs = {}
    for monitor in ("val_loss", "loss"):
        es = {"monitor": monitor, "patience": 1, "min_delta": 10.0}
        s = session_from_configs(LAYERS, {"type": "sgd", "learning_rate": 0.1},
                                 None, {"type": "binary_crossentropy"}, no_val, seed=3, batch_size=8,
                                 epochs=10, early_stopping=es)
        s.run(100)
        runs[monitor] = (s.status, s.epoch)
    assert runs["val_loss"] == runs["loss"] == ("early_stopped", 2)
