"""TrainingSession: bit-identical runs however they are driven, resume, mid-training controls,
early stopping, schedules, predictions and snapshots."""
from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest

from engine.errors import BadInput
from tests.helpers.sessions import LAYERS, make, make_data, same_weights

def test_step_run_and_epochs_are_bit_identical():
    a, b, c = make(), make(), make()
    for _ in range(23):          # 53 samples, batch 8: 7 steps per epoch, partial last batch
        a.step()
    b.run(23)
    c.run(5)
    c.run_epoch()
    c.run_epoch()
    c.run(23 - c.step_count)
    assert a.step_count == b.step_count == c.step_count == 23
    assert same_weights(a, b) and same_weights(a, c)
    assert a.snapshot().loss == b.snapshot().loss
    d = make(seed=2)
    d.run(23)
    assert not same_weights(a, d)


def test_multi_epoch_calls_are_bit_identical_and_count_epochs():
    """Without validation data several epochs run in one compiled call: same result."""
    d = make_data()
    nov = SimpleNamespace(x_train=d.x_train, y_train=d.y_train, x_val=d.x_val[:0], y_val=d.y_val[:0])
    a, b = make(data=nov, epochs=5), make(data=nov, epochs=5)
    for _ in range(30):
        a.step()
    snap = b.run(30)
    assert same_weights(a, b) and a.history == b.history
    assert (snap.step, snap.epoch, snap.batch_in_epoch) == (30, 4, 2)
    assert [h["epoch"] for h in b.history] == [1, 2, 3, 4]
    assert snap.accuracy is not None and b.history[-1]["accuracy"] is not None
    assert b.run(100).step == 35 and b.finished


def test_state_dict_resume_is_bit_identical():
    a = make()
    a.run(10)
    sd = a.state_dict()
    json.loads(str(sd["meta.json"]))
    assert "optimizer.layers.0.kernel.m" in sd and sd["optimizer.iterations"] == 10
    a.run(17)
    b = make(seed=1)
    b.load_state_dict(sd)
    b.run(17)
    assert same_weights(a, b)
    assert a.snapshot().epoch == b.snapshot().epoch and a.history == b.history


def test_counters_and_epochs():
    s = make(epochs=2)
    assert s.steps_per_epoch == 7
    snap = s.run(9)
    assert (snap.step, snap.epoch, snap.batch_in_epoch) == (9, 1, 2)
    assert snap.epoch_loss is not None and snap.val_loss is not None
    assert snap.val_accuracy is not None and 0 <= snap.val_accuracy <= 1
    snap = s.run(100)
    assert snap.status == "finished" and snap.step == 14 and s.finished
    assert len(s.history) == 2 and s.history[1]["epoch"] == 2


def test_toggles_keep_weights_and_take_effect():
    s = make()
    s.run(5)
    w = s.get_weights()
    s.set_layer_option("bn1", enabled=False, renorm=False)
    s.set_layer_option("do1", rate=0.5)
    s.set_layer_option("d1", l2=0.01, max_norm=0.5)
    after = s.get_weights()
    assert all(np.array_equal(w[k], after[k]) for k in w)
    bn = s.model.layers[1]
    mm = bn.weights["moving_mean"].copy()
    s.run(3)
    np.testing.assert_array_equal(bn.weights["moving_mean"], mm)  # disabled: state kept
    cols = np.linalg.norm(s.model.layers[0].weights["kernel"].astype(np.float64), axis=0)
    assert np.all(cols <= 0.5 + 1e-6)
    s.set_layer_option("bn1", enabled=True)
    s.run(1)
    assert not np.array_equal(bn.weights["moving_mean"], mm)
    with pytest.raises(BadInput) as info:
        s.set_layer_option("do1", rate=1.5)
    assert info.value.path == "rate"
    with pytest.raises(BadInput):
        s.set_layer_option("nope", enabled=False)
    with pytest.raises(BadInput):
        s.set_layer_option("d1", units=3)


def test_frozen_layer_is_not_updated():
    s = make()
    s.set_layer_option("d1", trainable=False)
    k = s.model.layers[0].weights["kernel"].copy()
    s.run(4)
    np.testing.assert_array_equal(s.model.layers[0].weights["kernel"], k)


def test_set_optimizer_learning_rate_batch_size_keep_weights():
    s = make()
    s.run(4)
    w = s.get_weights()
    s.set_optimizer({"type": "sgd", "learning_rate": 0.1, "momentum": 0.9})
    assert all(np.array_equal(w[k], v) for k, v in s.get_weights().items())
    s.set_learning_rate(0.05)
    snap = s.run(2)
    assert snap.lr == pytest.approx(0.05)
    s.set_batch_size("full")
    assert s.steps_per_epoch == 1
    s.set_batch_size(300)
    assert s.batch_size == 53
    with pytest.raises(BadInput):
        s.set_learning_rate(-1.0)
    with pytest.raises(BadInput):
        s.set_batch_size(0)


def test_apply_model_keeps_weights_by_id():
    s = make()
    s.run(3)
    w = s.model.layers[0].weights["kernel"].copy()
    out_w = s.model.layers[5].weights["kernel"].copy()
    new = [c for c in LAYERS if c["id"] != "do1"]
    new.insert(1, {"type": "layer_norm", "id": "ln_new"})
    s.apply_model(new)
    assert [l.id for l in s.model.layers][:2] == ["d1", "ln_new"]
    np.testing.assert_array_equal(s.model.layers[0].weights["kernel"], w)
    np.testing.assert_array_equal(s.model.layers[5].weights["kernel"], out_w)
    assert s.step_count == 3
    assert s.run(2).step == 5


def test_reset_reproduces_initial_weights():
    a = make()
    w0 = a.get_weights()
    a.run(5)
    a.reset()
    assert a.step_count == 0 and a.status == "running"
    assert all(np.array_equal(w0[k], v) for k, v in a.get_weights().items())
    a.reset(seed=5)
    assert not all(np.array_equal(w0[k], v) for k, v in a.get_weights().items())


def test_early_stopping_restores_best():
    es = {"monitor": "val_loss", "patience": 2, "restore_best": True, "min_delta": 0.0}
    s = make(optimizer={"type": "sgd", "learning_rate": 0.5}, early_stopping=es, epochs=200)
    snap = s.run(10_000)
    assert snap.status == "early_stopped"
    best_epoch = s._es["best_epoch"]
    assert len(s.history) - best_epoch == 2
    vl, _ = s.evaluate(s.x_val, s.y_val)
    assert vl == pytest.approx(s.history[best_epoch - 1]["val_loss"], rel=1e-5)


def test_schedule_values_reach_the_program():
    s = make(optimizer={"type": "sgd", "learning_rate": 0.1})
    s.set_schedule({"type": "exponential", "s": 10})
    snap = s.run(10)
    assert snap.lr == pytest.approx(0.1 * 0.1 ** (9 / 10))


def test_predict_and_mc_dropout():
    s = make()
    s.run(20)
    x = np.random.default_rng(3).standard_normal((7, 2))
    mean, std = s.predict(x)
    assert std is None and mean.shape == (7, 1) and np.all((mean > 0) & (mean < 1))
    m2, s2 = s.predict(x, mc_dropout=30)
    assert s2.shape == (7, 1) and np.all(s2 > 0)
    m3, _ = s.predict(x, mc_dropout=30)
    np.testing.assert_array_equal(m2, m3)


def test_set_weights_names_key_and_shapes():
    s = make()
    w = s.get_weights()
    assert set(w) >= {"layers.0.kernel", "layers.0.bias", "layers.1.gamma", "layers.1.beta",
                      "layers.1.moving_mean", "layers.1.moving_variance", "layers.5.kernel"}
    assert all(v.dtype == np.float32 for v in w.values())
    w["layers.0.kernel"] = np.zeros((3, 6))
    with pytest.raises(BadInput) as info:
        s.set_weights(w)
    assert info.value.path == "layers.0.kernel" and "(3, 6)" in str(info.value) and "(2, 6)" in str(info.value)


def test_snapshot_is_frozen_and_read_only():
    s = make()
    snap = s.run(3)
    with pytest.raises(Exception):
        snap.step = 5
    counts = snap.layers[2].act_hist_counts
    assert counts is not None and not counts.flags.writeable
    s.run(3)
    assert snap.step == 3


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(deadline=None, max_examples=8)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=6))
def test_any_grouping_of_steps_gives_the_same_weights(chunks):
    total = sum(chunks)
    a, b = make(), make()
    a.run(total)
    for c in chunks:
        b.run(c)
    assert same_weights(a, b) and a.step_count == b.step_count == total
