"""Contract audit (docs/NUMERICS.md "Randomness", "Monitors"; docs/FORMAT.md weights and checkpoints) through
build_session, the session API and engine.checkpoint."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine import checkpoint
from engine.build import build_session

FORMAT = "network-playground/design"


def design(layers, optimizer=None, seed=5, batch=16, samples=120, data=None, **training):
    return {"format": FORMAT, "version": 1, "seed": seed,
            "data": data or {"dataset": "moons", "samples": samples, "noise": 0.2,
                             "train_fraction": 0.75},
            "model": {"input_dim": 2, "layers": layers},
            "loss": {"type": "binary_crossentropy"},
            "optimizer": optimizer or {"type": "adam", "learning_rate": 0.01},
            "training": {"batch_size": batch, "epochs": 50, "shuffle": True, **training}}


RANDOM_NET = [{"id": "d1", "type": "dense", "units": 8},
              {"id": "bn", "type": "batch_norm", "renorm": True},
              {"id": "r", "type": "activation", "function": "rrelu"},
              {"id": "do", "type": "dropout", "rate": 0.3},
              {"id": "gn", "type": "gaussian_noise", "stddev": 0.1},
              {"id": "ad", "type": "alpha_dropout", "rate": 0.1},
              {"id": "d2", "type": "dense", "units": 1},
              {"id": "s", "type": "activation", "function": "sigmoid"}]


def same(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    return wa.keys() == wb.keys() and all(np.array_equal(wa[k], wb[k]) for k in wa)


# ---------------------------------------------------------------- randomness / determinism
def test_same_seed_same_run_however_driven():
    a, b, c = (build_session(design(RANDOM_NET)) for _ in range(3))
    for _ in range(13):
        a.step()
    b.run(13)
    c.run_epoch()                      # 90 training samples, batch 16: 6 steps per epoch
    c.run_epoch()
    c.run(1)
    assert a.snapshot().step == b.snapshot().step == c.snapshot().step == 13
    assert same(a, b) and same(a, c)
    assert a.snapshot().loss == b.snapshot().loss == c.snapshot().loss


def test_other_seed_other_run():
    a, b = build_session(design(RANDOM_NET)), build_session(design(RANDOM_NET, seed=6))
    assert not same(a, b)


def test_resume_from_checkpoint_file_is_bit_identical(tmp_path):
    a = build_session(design(RANDOM_NET))
    a.run(8)
    checkpoint.save_checkpoint(a, tmp_path / "c.npz")
    a.run(9)
    b = build_session(design(RANDOM_NET))
    checkpoint.load_checkpoint(b, tmp_path / "c.npz")
    b.run(9)
    assert same(a, b) and a.snapshot().loss == b.snapshot().loss


def test_inserting_a_layer_leaves_other_layers_initial_weights():
    a = build_session(design(RANDOM_NET))
    net = RANDOM_NET[:1] + [{"id": "new", "type": "dense", "units": 8}] + RANDOM_NET[1:]
    b = build_session(design(net))
    wa, wb = a.get_weights(), b.get_weights()
    np.testing.assert_array_equal(wa["layers.0.kernel"], wb["layers.0.kernel"])
    # d2 keeps its initial weights (same id, same shape) at its new index
    np.testing.assert_array_equal(wa["layers.6.kernel"], wb["layers.7.kernel"])


def test_data_stream_independent_of_model():
    a = build_session(design(RANDOM_NET))
    b = build_session(design(RANDOM_NET[-2:]))
    np.testing.assert_array_equal(a.data.x_train, b.data.x_train)


# ---------------------------------------------------------------- weights / checkpoint keys
KEYED_NET = [{"id": "d1", "type": "dense", "units": 4},
             {"id": "bn", "type": "batch_norm"},
             {"id": "p", "type": "activation", "function": "prelu"},
             {"id": "do", "type": "dropout", "rate": 0.1},
             {"id": "ln", "type": "layer_norm"},
             {"id": "d2", "type": "dense", "units": 1, "use_bias": False},
             {"id": "s", "type": "activation", "function": "sigmoid"}]
KEYS = {"layers.0.kernel": (2, 4), "layers.0.bias": (4,), "layers.1.gamma": (4,),
        "layers.1.beta": (4,), "layers.1.moving_mean": (4,), "layers.1.moving_variance": (4,),
        "layers.2.alpha": (4,), "layers.4.gamma": (4,), "layers.4.beta": (4,),
        "layers.5.kernel": (4, 1)}


def test_weights_keys_shapes_float32(tmp_path):
    s = build_session(design(KEYED_NET))
    w = s.get_weights()
    assert {k: v.shape for k, v in w.items()} == KEYS
    assert all(v.dtype == np.float32 for v in w.values())
    np.testing.assert_array_equal(w["layers.2.alpha"], np.full(4, 0.25, np.float32))
    path = checkpoint.save_weights(s, tmp_path / "w.npz")
    with np.load(path, allow_pickle=False) as f:
        assert set(f.files) == set(KEYS)
        assert all(f[k].dtype == np.float32 for k in f.files)


SLOTS = {"sgd": ({"momentum": 0.9}, {"velocity"}),
         "adagrad": ({}, {"acc"}),
         "rmsprop": ({}, {"s"}),
         "adam": ({}, {"m", "v"}),
         "adamw": ({}, {"m", "v"}),
         "nadam": ({}, {"m", "v"}),
         "adamax": ({}, {"m", "u"})}


@pytest.mark.parametrize("opt", list(SLOTS))
def test_checkpoint_keys(opt, tmp_path):
    extra, slots = SLOTS[opt]
    s = build_session(design(KEYED_NET, {"type": opt, "learning_rate": 0.01, **extra}))
    s.run(3)
    path = checkpoint.save_checkpoint(s, tmp_path / "c.npz")
    with np.load(path, allow_pickle=False) as f:
        files = set(f.files)
        assert set(KEYS) <= files
        assert "optimizer.iterations" in files and int(f["optimizer.iterations"]) == 3
        want = {f"optimizer.{k}.{slot}" for k in KEYS if "moving" not in k for slot in slots}
        opt_keys = {k for k in files if k.startswith("optimizer.") and k != "optimizer.iterations"}
        assert want <= opt_keys, sorted(want - opt_keys)
        for k in want:
            assert f[k].shape == KEYS[k[len("optimizer."):k.rindex(".")]]
        meta = f["meta.json"]
        assert meta.shape == () and meta.dtype.kind == "U"
        m = json.loads(str(meta))
        assert m["step"] == 3 and m["seed"] == 5 and "epoch" in m


def test_rmsprop_centered_momentum_slots(tmp_path):
    s = build_session(design(KEYED_NET[:1] + KEYED_NET[-2:],
                             {"type": "rmsprop", "centered": True, "momentum": 0.5}))
    s.run(1)
    with np.load(checkpoint.save_checkpoint(s, tmp_path / "c.npz"), allow_pickle=False) as f:
        for slot in ("s", "mg", "velocity"):
            assert f"optimizer.layers.0.kernel.{slot}" in f.files, slot


def test_checkpoint_meta_has_schedule_and_early_stopping_state(tmp_path):
    d = design(KEYED_NET)
    d["schedule"] = {"type": "reduce_on_plateau"}
    d["training"]["early_stopping"] = {"monitor": "val_loss", "patience": 3, "restore_best": True}
    s = build_session(d)
    s.run(7)
    with np.load(checkpoint.save_checkpoint(s, tmp_path / "c.npz"), allow_pickle=False) as f:
        meta = json.loads(str(f["meta.json"]))
    text = json.dumps(meta)
    assert "schedule" in text and "early" in text
    assert meta["epoch"] == 1


# ---------------------------------------------------------------- monitors
def inline(x, y, layers, **kw):
    d = design(layers, data={"dataset": {"x_train": x.tolist(), "y_train": y.tolist()},
                             "train_fraction": 1.0, "standardize": False}, **kw)
    d["model"]["input_dim"] = x.shape[1]
    d["loss"] = {"type": "mse"}
    d["optimizer"] = {"type": "sgd", "learning_rate": 1e-9}
    return build_session(d)


XM = np.random.default_rng(3).standard_normal((40, 2))


@pytest.mark.parametrize("function", ["relu", "leaky_relu", "prelu", "rrelu", "elu"])
def test_dead_units_at_activation_index(function):
    s = inline(XM, np.zeros((40, 4)), [{"id": "d", "type": "dense", "units": 4},
                                       {"id": "a", "type": "activation", "function": function}])
    # unit 0 always negative, unit 1 always positive, unit 2 mixed, unit 3 exactly 0 (dead: <= 0)
    k = np.array([[0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]], np.float32)
    s.set_weights({"layers.0.kernel": k, "layers.0.bias": np.array([-1, 1, 0, 0], np.float32)})
    snap = s.step()
    act = snap.layers[1]
    assert act.dead_units == 2 and act.dead_fraction == pytest.approx(0.5)


def test_saturated_fraction_counts_sample_unit_pairs():
    x = np.linspace(-6, 6, 40)[:, None]
    for function, sat in (("sigmoid", lambda a: (a < 0.05) | (a > 0.95)),
                          ("tanh", lambda a: np.abs(a) > 0.95)):
        s = inline(x, np.zeros((40, 2)), [{"id": "d", "type": "dense", "units": 2},
                                          {"id": "a", "type": "activation",
                                           "function": function}])
        k = np.array([[1.0, 0.3]], np.float32)
        s.set_weights({"layers.0.kernel": k, "layers.0.bias": np.zeros(2, np.float32)})
        z = x.astype(np.float32) @ k
        a = 1 / (1 + np.exp(-z)) if function == "sigmoid" else np.tanh(z)
        snap = s.step()
        assert snap.layers[1].saturated_fraction == pytest.approx(sat(a).mean()), function


@pytest.mark.parametrize("n,expected", [(100, 100), (300, 256)])
def test_monitor_batch_is_min_256_n_train(n, expected):
    x = np.random.default_rng(1).standard_normal((n, 2))
    s = inline(x, np.zeros((n, 3)), [{"id": "d", "type": "dense", "units": 3},
                                     {"id": "a", "type": "activation", "function": "tanh"}])
    snap = s.step()
    assert int(np.sum(snap.layers[1].act_hist_counts)) == expected * 3


def test_grad_norms_before_clipping_including_regularisation():
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((10, 3)), rng.standard_normal((10, 2))
    s = inline(x, y, [{"id": "d", "type": "dense", "units": 2,
                       "kernel_regularizer": {"l1": 0.0, "l2": 0.5}}])
    d = s.design.to_dict()
    d["optimizer"] = {"type": "sgd", "learning_rate": 0.1, "clipnorm": 1e-3}
    s = build_session(d)
    w = rng.standard_normal((3, 2)).astype(np.float32)
    b = rng.standard_normal(2).astype(np.float32)
    s.set_weights({"layers.0.kernel": w, "layers.0.bias": b})
    xf = x.astype(np.float32).astype(np.float64)
    dout = 2 * (xf @ w + b - y) / y.size
    gw = xf.T @ dout + 2 * 0.5 * w
    gb = dout.sum(0)
    snap = s.step()
    st = snap.layers[0]
    assert st.grad_norm == pytest.approx(np.linalg.norm(gw), rel=1e-4)
    assert st.bias_grad_norm == pytest.approx(np.linalg.norm(gb), rel=1e-4)
    assert st.grad_rms == pytest.approx(np.linalg.norm(gw) / np.sqrt(gw.size), rel=1e-4)
    dw = s.get_weights()["layers.0.kernel"] - w
    assert st.update_ratio == pytest.approx(np.linalg.norm(dw) / np.linalg.norm(w), rel=1e-2)


def test_bn_monitor_fields():
    s = build_session(design(KEYED_NET))
    bn = s.step().layers[1].bn
    assert set(bn) >= {"batch_mean", "batch_var", "moving_mean", "moving_var"}
    s2 = build_session(design(RANDOM_NET))
    bn2 = s2.step().layers[1].bn
    assert set(bn2) >= {"r", "d", "r_clipped", "d_clipped"}


def test_epoch_loss_is_mean_of_batch_losses_with_penalties():
    net = [{"id": "d1", "type": "dense", "units": 6, "kernel_regularizer": {"l1": 1e-3, "l2": 1e-2}},
           {"id": "t", "type": "activation", "function": "tanh"},
           {"id": "d2", "type": "dense", "units": 1},
           {"id": "s", "type": "activation", "function": "sigmoid"}]
    s = build_session(design(net, batch=15))          # 90 training samples: 6 equal batches
    losses = [s.step().loss for _ in range(6)]
    snap = s.snapshot()
    assert snap.epoch == 1 and snap.epoch_loss == pytest.approx(np.mean(losses), rel=1e-9)


def test_set_layer_option_rate_between_steps_keeps_weights():
    x = np.ones((32, 1))
    s = inline(x, np.zeros((32, 1)), [{"id": "d", "type": "dense", "units": 1},
                                      {"id": "do", "type": "dropout", "rate": 0.5}])
    s.set_weights({"layers.0.kernel": np.ones((1, 1), np.float32),
                   "layers.0.bias": np.zeros(1, np.float32)})
    s.step()
    w = s.get_weights()
    s.set_layer_option("do", rate=0.0)
    for k, v in s.get_weights().items():
        np.testing.assert_array_equal(v, w[k])
    out = w["layers.0.kernel"][0, 0] + w["layers.0.bias"][0]
    assert s.step().loss == pytest.approx(float(out) ** 2, rel=1e-5)   # no unit dropped


def test_val_loss_unweighted_with_penalties_and_binary_accuracy_as_keras():
    d = design([{"id": "d", "type": "dense", "units": 1,
                 "kernel_regularizer": {"l1": 0.0, "l2": 0.5}},
                {"id": "s", "type": "activation", "function": "sigmoid"}],
               {"type": "sgd", "learning_rate": 0.1}, batch="full")
    d["loss"]["class_weight"] = {"0": 1.0, "1": 5.0}
    s = build_session(d)
    snap = s.run_epoch()
    p = s.predict(s.data.x_val)[0].astype(np.float64)
    y = s.data.y_val
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    pen = 0.5 * (s.get_weights()["layers.0.kernel"].astype(np.float64) ** 2).sum()
    # Keras: class_weight applies to training only; regularisation losses are in val_loss too
    assert snap.val_loss == pytest.approx(bce.mean() + pen, rel=1e-5)
    assert snap.val_accuracy == pytest.approx(np.mean((p > 0.5) == y))


def test_resume_mid_epoch_is_bit_identical(tmp_path):
    a = build_session(design(RANDOM_NET))
    a.run(4)                                   # mid-epoch (6 steps per epoch)
    checkpoint.save_checkpoint(a, tmp_path / "c.npz")
    b = build_session(design(RANDOM_NET))
    checkpoint.load_checkpoint(b, tmp_path / "c.npz")
    a.run_epoch()
    a.run(5)
    b.run_epoch()
    b.run(5)
    assert same(a, b) and a.history == b.history


def test_activation_histogram_edges_fixed_per_layer():
    s = build_session(design(KEYED_NET, {"type": "sgd", "learning_rate": 0.5}))
    first = s.step()
    later = s.run(30)
    for a, b in zip(first.layers, later.layers):
        np.testing.assert_array_equal(a.act_hist_edges, b.act_hist_edges)
        assert len(b.act_hist_counts) + 1 == len(b.act_hist_edges)


def test_observing_does_not_change_the_run():
    """Monitor cadence, snapshots, predictions (MC dropout included) and checkpoints only observe."""
    a, b = build_session(design(RANDOM_NET)), build_session(design(RANDOM_NET))
    a.set_monitor_every(1)
    b.set_monitor_every(7)
    for _ in range(5):
        a.step()
        a.snapshot()
    a.predict(a.data.x_val, mc_dropout=5)
    a.predict(a.data.x_val)
    a.state_dict()
    a.get_weights()
    a.run(8)
    b.run(13)
    assert same(a, b) and a.snapshot().loss == b.snapshot().loss


@pytest.mark.parametrize("schedule", [{"type": "reduce_on_plateau", "patience": 1, "factor": 0.5},
                                      {"type": "one_cycle", "max_lr": 0.05, "total_steps": 40},
                                      {"type": "exponential", "s": 7}])
def test_resume_keeps_schedule_and_early_stopping_state(schedule, tmp_path):
    def make():
        d = design(RANDOM_NET, {"type": "sgd", "learning_rate": 0.05, "momentum": 0.9})
        d["schedule"] = schedule
        d["training"]["early_stopping"] = {"monitor": "val_loss", "patience": 4,
                                           "restore_best": True}
        return build_session(d)
    a = make()
    a.run(20)
    checkpoint.save_checkpoint(a, tmp_path / "c.npz")
    b = make()
    checkpoint.load_checkpoint(b, tmp_path / "c.npz")
    for _ in range(3):
        sa, sb = a.run_epoch(), b.run_epoch()
        assert sa.lr == sb.lr and sa.momentum == sb.momentum and sa.status == sb.status
    assert same(a, b) and a.history == b.history
