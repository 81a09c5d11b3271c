"""Schedules against hand values; plateau logic; state round trip; config round trip; bad values."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.errors import BadInput
from engine.schedules import SCHEDULES, from_config


def lrs(cfg: dict, ts: list[int], lr0: float = 0.1, mom0: float = 0.9):
    sched = from_config(cfg)
    lr, mom = sched.values(ts[0], ts[-1] - ts[0] + 1, lr0, mom0)
    idx = [t - ts[0] for t in ts]
    return lr[idx], mom[idx]


def test_constant():
    lr, mom = lrs({"type": "constant"}, [0, 5, 100])
    np.testing.assert_array_equal(lr, [0.1] * 3)
    np.testing.assert_array_equal(mom, [0.9] * 3)


def test_power():
    # lr0 / (1 + t/s)^c with s = 10, c = 2: t=0 -> 0.1, t=10 -> 0.1/4, t=30 -> 0.1/16
    lr, _ = lrs({"type": "power", "s": 10, "c": 2}, [0, 10, 30])
    np.testing.assert_allclose(lr, [0.1, 0.025, 0.00625], rtol=1e-12)


def test_exponential():
    # lr0 * 0.1^(t/s), s = 20: t=20 -> 0.01, t=10 -> 0.1*sqrt(0.1)
    lr, _ = lrs({"type": "exponential", "s": 20}, [0, 10, 20, 40])
    np.testing.assert_allclose(lr, [0.1, 0.1 * 0.1 ** 0.5, 0.01, 0.001], rtol=1e-12)


def test_piecewise_constant_keras_boundaries():
    cfg = {"type": "piecewise_constant", "boundaries": [3, 6], "values": [1.0, 0.5, 0.1]}
    lr, _ = lrs(cfg, list(range(0, 9)))
    np.testing.assert_array_equal(lr, [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.1, 0.1])


def test_linear_two_rates():
    # (1 - a) * 0.5 + a * 0.05, a = min(t/10, 1)
    lr, _ = lrs({"type": "linear", "lr_high": 0.5, "lr_low": 0.05, "t_max": 10}, [0, 5, 10, 20])
    np.testing.assert_allclose(lr, [0.5, 0.275, 0.05, 0.05], rtol=1e-12)
    lr, _ = lrs({"type": "linear", "t_max": 10}, [0, 10], lr0=0.2)   # lr_high = lr0, lr_low = lr0/10
    np.testing.assert_allclose(lr, [0.2, 0.02], rtol=1e-12)


def test_one_cycle_phases():
    # T = 100: [0, 45) up 0.1 -> 1.0, [45, 90) down to 0.1, [90, 100) down to 1/1000, then flat
    cfg = {"type": "one_cycle", "max_lr": 1.0, "total_steps": 100}
    lr, mom = lrs(cfg, [0, 9, 45, 54, 90, 95, 100, 150], lr0=0.001, mom0=0.9)
    np.testing.assert_allclose(lr, [0.1, 0.1 + 0.9 * 9 / 45, 1.0, 1.0 - 0.9 * 9 / 45, 0.1,
                                    0.1 + (0.001 - 0.1) * 0.5, 0.001, 0.001], rtol=1e-12)
    np.testing.assert_allclose(mom, [0.95, 0.95 - 0.1 * 9 / 45, 0.85, 0.85 + 0.1 * 9 / 45,
                                     0.95, 0.95, 0.95, 0.95], rtol=1e-12)


def test_one_cycle_defaults_from_optimizer_and_session():
    sched = from_config({"type": "one_cycle"})
    with pytest.raises(BadInput) as info:
        sched.values(0, 3, 0.5, 0.9)
    assert info.value.path == "total_steps"
    sched.set_total_steps(20)
    lr, mom = sched.values(0, 10, 0.5, 0.0)
    assert lr[0] == pytest.approx(0.05) and lr[9] == pytest.approx(0.5)   # max_lr = lr0 at step 0.45*20
    np.testing.assert_array_equal(mom, 0.0)        # no momentum to cycle (e.g. plain sgd)
    again = from_config(sched.get_config())
    again.load_state_dict(json.loads(json.dumps(sched.state_dict())))
    np.testing.assert_array_equal(again.values(0, 20, 0.5, 0.9)[0], sched.values(0, 20, 0.5, 0.9)[0])


def test_values_window_is_independent_of_chunking():
    sched = from_config({"type": "one_cycle", "total_steps": 50})
    whole = sched.values(0, 50, 0.3, 0.9)
    parts = [sched.values(t0, 10, 0.3, 0.9) for t0 in range(0, 50, 10)]
    np.testing.assert_array_equal(whole[0], np.concatenate([p[0] for p in parts]))
    np.testing.assert_array_equal(whole[1], np.concatenate([p[1] for p in parts]))


def test_reduce_on_plateau_as_keras():
    sched = from_config({"type": "reduce_on_plateau", "factor": 0.5, "patience": 2, "min_lr": 0.02})
    assert sched.values(0, 1, 0.1, 0.9)[0][0] == 0.1
    losses = [1.0, 0.9, 0.9, 0.89995, 0.95, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8]
    seen = []
    for epoch, v in enumerate(losses):
        sched.on_epoch_end(epoch, {"loss": 5.0, "val_loss": v})
        seen.append(sched.values(0, 1, 0.1, 0.9)[0][0])
    # no improvement (beyond min_delta 1e-4) at epochs 2, 3 -> halve; epochs 6, 7 -> halve;
    # epochs 8, 9 -> 0.0125 would be below min_lr -> 0.02; then it stays at min_lr
    np.testing.assert_allclose(seen, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02])


def test_reduce_on_plateau_state_and_loss_fallback():
    a = from_config({"type": "reduce_on_plateau", "patience": 1})
    a.values(0, 1, 1.0, 0.0)
    for v in (1.0, 1.0):
        a.on_epoch_end(0, {"loss": v})          # no val_loss: watches loss
    assert a.values(0, 1, 1.0, 0.0)[0][0] == 0.5
    b = from_config(a.get_config())
    b.load_state_dict(json.loads(json.dumps(a.state_dict())))
    for s in (a, b):
        s.on_epoch_end(2, {"loss": 1.0, "val_loss": 2.0})
    assert a.state_dict() == b.state_dict()
    # best is still 1.0, 2.0 is no improvement, patience 1 -> halved again, in both copies
    assert a.values(0, 1, 1.0, 0.0)[0][0] == b.values(0, 1, 1.0, 0.0)[0][0] == 0.25


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_config_round_trip(name):
    sched = SCHEDULES[name]()
    cfg = sched.get_config()
    assert cfg["type"] == name and set(cfg) == {"type", *sched.config_keys}
    again = from_config(json.loads(json.dumps(cfg)))
    assert again == sched and again.get_config() == cfg and repr(again)


@pytest.mark.parametrize("cfg,key", [
    ({"type": "power", "s": 0}, "s"),
    ({"type": "exponential", "s": -1.0}, "s"),
    ({"type": "piecewise_constant", "boundaries": [5, 3], "values": [1, 2, 3]}, "boundaries"),
    ({"type": "piecewise_constant", "boundaries": [5], "values": [1.0]}, "values"),
    ({"type": "piecewise_constant", "boundaries": [5], "values": [1.0, -1.0]}, "values[1]"),
    ({"type": "reduce_on_plateau", "factor": 1.5}, "factor"),
    ({"type": "reduce_on_plateau", "monitor": "accuracy"}, "monitor"),
    ({"type": "reduce_on_plateau", "patience": 1.5}, "patience"),
    ({"type": "one_cycle", "max_lr": 0}, "max_lr"),
    ({"type": "one_cycle", "total_steps": 0}, "total_steps"),
    ({"type": "linear", "t_max": 0}, "t_max"),
    ({"type": "linear", "lr_low": float("inf")}, "lr_low"),
    ({"type": "cosine"}, "type"),
    ({"type": "constant", "lr": 1}, "lr"),
])
def test_bad_values_name_the_key(cfg, key):
    with pytest.raises(BadInput) as info:
        from_config(cfg)
    assert info.value.path == key


def test_steps_until_change():
    pc = from_config({"type": "piecewise_constant", "boundaries": [3, 6], "values": [1.0, 0.5, 0.1]})
    assert [pc.steps_until_change(t) for t in (0, 3, 4, 6, 7)] == [4, 1, 3, 1, None]
    lr = pc.values(0, 10, 1.0, 0.0)[0]
    for t in range(9):   # the rate is constant for exactly that many steps
        k = pc.steps_until_change(t)
        if k is not None:
            assert np.all(lr[t:t + k] == lr[t]) and lr[t + k] != lr[t]
    assert from_config({"type": "constant"}).steps_until_change(5) is None
    assert from_config({"type": "reduce_on_plateau"}).steps_until_change(5) is None
    assert from_config({"type": "exponential"}).steps_until_change(5) == 1
