"""Optimisers: 3-step updates against hand-written formulas, state round trip, config, bad values."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from engine.errors import BadInput
from engine.kernels.cpu import optim as K
from engine.optimizers import OPTIMIZERS, from_config
from tests.helpers import references

W0 = np.array([0.5, -1.0, 2.0])
GRADS = [np.array([0.1, -0.2, 0.3]), np.array([-0.4, 0.5, 0.05]), np.array([0.2, 0.2, -0.6])]
LR = 0.1


def run_kernel(cfg: dict, steps: int = 3) -> np.ndarray:
    opt = from_config(cfg)
    params = {"w": W0.copy()}
    for g in GRADS[:steps]:
        opt.apply(params, {"w": g.copy()})
    return params["w"]


def hand_sgd(momentum: float, nesterov: bool) -> np.ndarray:
    # v = momentum*v - lr*g; w += v   (nesterov: w += momentum*v - lr*g)
    w, v = W0.copy(), np.zeros(3)
    for g in GRADS:
        v = momentum * v - LR * g
        w = w + (momentum * v - LR * g if nesterov else v)
    return w


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd(momentum, nesterov):
    got = run_kernel({"type": "sgd", "learning_rate": LR, "momentum": momentum, "nesterov": nesterov})
    np.testing.assert_allclose(got, hand_sgd(momentum, nesterov), rtol=1e-12)


def test_adagrad():
    # acc starts at 0.1; acc += g^2; w -= lr*g/sqrt(acc + eps)
    w, acc = W0.copy(), np.full(3, 0.1)
    for g in GRADS:
        acc = acc + g * g
        w = w - LR * g / np.sqrt(acc + 1e-7)
    np.testing.assert_allclose(run_kernel({"type": "adagrad", "learning_rate": LR}), w, rtol=1e-12)


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop(centered, momentum):
    # s = rho*s + (1-rho)g^2; mg = rho*mg + (1-rho)g; den = s (- mg^2 if centered) + eps
    # inc = lr*g/sqrt(den); momentum: vel = momentum*vel + inc; w -= vel   else w -= inc
    rho, eps = 0.8, 1e-7
    w, s, mg, vel = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for g in GRADS:
        s = rho * s + (1 - rho) * g * g
        mg = rho * mg + (1 - rho) * g
        den = s - mg * mg + eps if centered else s + eps
        inc = LR * g / np.sqrt(den)
        vel = momentum * vel + inc
        w = w - (vel if momentum > 0 else inc)
    got = run_kernel({"type": "rmsprop", "learning_rate": LR, "rho": rho, "momentum": momentum,
                      "centered": centered})
    np.testing.assert_allclose(got, w, rtol=1e-12)


def hand_adam(amsgrad: bool, weight_decay: float = 0.0, b2: float = 0.999) -> np.ndarray:
    # (adamw first: w -= w*wd*lr) m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; (amsgrad: vhat = max(vhat, v))
    # a = lr*sqrt(1-b2^t)/(1-b1^t); w -= a*m/(sqrt(v or vhat) + eps)
    b1, eps = 0.9, 1e-7
    w, m, v, vhat = W0.copy(), np.zeros(3), np.zeros(3), np.zeros(3)
    for t, g in enumerate(GRADS, start=1):
        w = w - w * weight_decay * LR
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vhat = np.maximum(vhat, v)
        a = LR * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        w = w - a * m / (np.sqrt(vhat if amsgrad else v) + eps)
    return w


@pytest.mark.parametrize("b2", [0.999, 0.5])
@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam(amsgrad, b2):
    got = run_kernel({"type": "adam", "learning_rate": LR, "amsgrad": amsgrad, "beta_2": b2})
    np.testing.assert_allclose(got, hand_adam(amsgrad, b2=b2), rtol=1e-12)


def test_amsgrad_differs_when_v_shrinks():
    # with beta_2 = 0.5 the small later gradients shrink v, and vhat keeps the maximum
    assert not np.allclose(hand_adam(True, b2=0.5), hand_adam(False, b2=0.5))


def test_adamw_decay():
    got = run_kernel({"type": "adamw", "learning_rate": LR, "weight_decay": 0.1})
    np.testing.assert_allclose(got, hand_adam(False, 0.1), rtol=1e-12)
    assert from_config({"type": "adamw"}).weight_decay == 0.004
    assert from_config({"type": "adam"}).weight_decay is None


def test_weight_decay_on_sgd():
    # Keras 3 base optimiser: w -= w*wd*lr before the update
    got = run_kernel({"type": "sgd", "learning_rate": LR, "weight_decay": 0.5}, steps=1)
    np.testing.assert_allclose(got, W0 - W0 * 0.5 * LR - LR * GRADS[0], rtol=1e-12)


def test_adamax():
    # m = b1 m + (1-b1) g; u = max(b2 u, |g|); w -= lr*m/((1-b1^t)(u+eps))
    b1, b2, eps = 0.9, 0.999, 1e-7
    w, m, u = W0.copy(), np.zeros(3), np.zeros(3)
    for t, g in enumerate(GRADS, start=1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        w = w - LR * m / ((1 - b1 ** t) * (u + eps))
    np.testing.assert_allclose(run_kernel({"type": "adamax", "learning_rate": LR}), w, rtol=1e-12)


def test_nadam_u_product():
    # Keras 3: u_t = b1(1 - 0.5*0.96^t); u_{t+1} likewise; u_product *= u_t (once per step, first)
    # m_hat = u_{t+1} m/(1 - u_product*u_{t+1}) + (1-u_t) g/(1 - u_product); v_hat = v/(1-b2^t)
    # w -= lr*m_hat/(sqrt(v_hat) + eps)
    b1, b2, eps = 0.9, 0.999, 1e-7
    w, m, v, up = W0.copy(), np.zeros(3), np.zeros(3), 1.0
    for t, g in enumerate(GRADS, start=1):
        u_t = b1 * (1 - 0.5 * 0.96 ** t)
        u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        up = up * u_t
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = u_t1 * m / (1 - up * u_t1) + (1 - u_t) * g / (1 - up)
        w = w - LR * m_hat / (np.sqrt(v / (1 - b2 ** t)) + eps)
    opt = from_config({"type": "nadam", "learning_rate": LR})
    params = {"w": W0.copy()}
    for g in GRADS:
        opt.apply(params, {"w": g.copy()})
    np.testing.assert_allclose(params["w"], w, rtol=1e-12)
    assert opt.state.ostate[0] == pytest.approx(up, rel=1e-14)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_kernel_matches_numpy_reference_float32(name):
    cfg = {"type": name, "learning_rate": 0.05}
    if name in ("sgd", "rmsprop"):
        cfg["momentum"] = 0.9
    opt = from_config(cfg)
    rng = np.random.default_rng(1)
    w = rng.normal(size=7).astype(np.float32)
    ref_w = w.astype(np.float64)
    params = {"w": w}
    ref_slots = [np.full(7, opt.slot_initial_value(s) if s else 0.0) for s in opt.slot_layout()]
    ref_os = opt.init_scalar_state()
    for t in range(1, 5):
        g = rng.normal(size=7)
        opt.apply(params, {"w": g.astype(np.float32)})
        references.begin_step_ref(opt.code, ref_os, t, opt.momentum_value())
        references.update_ref(opt.code, opt.hparams(), ref_os, ref_w, g.astype(np.float32).astype(np.float64),
                     ref_slots, t, 0.05, opt.momentum_value())
    assert params["w"].dtype == np.float32
    np.testing.assert_allclose(params["w"], ref_w, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_state_dict_mid_training_continues_identically(name):
    cfg = {"type": name, "learning_rate": 0.05}
    if name in ("sgd", "rmsprop"):
        cfg.update(momentum=0.9)
    if name == "rmsprop":
        cfg.update(centered=True)
    rng = np.random.default_rng(2)
    grads = [{"a": rng.normal(size=(2, 3)), "b": rng.normal(size=3)} for _ in range(6)]
    p1 = {"a": rng.normal(size=(2, 3)), "b": rng.normal(size=3)}
    o1 = from_config(cfg)
    for g in grads[:3]:
        o1.apply(p1, g)
    saved = {k: v.copy() for k, v in o1.state_dict().items()}
    p2 = {k: v.copy() for k, v in p1.items()}
    for g in grads[3:]:
        o1.apply(p1, g)
    o2 = from_config(json.loads(json.dumps(cfg)))
    o2.load_state_dict(saved, p2)
    assert o2.state.iterations == 3
    for g in grads[3:]:
        o2.apply(p2, g)
    for k in p1:
        np.testing.assert_array_equal(p1[k], p2[k])
    assert set(saved) >= {f"optimizer.a.{s}" for s in o1.slot_names} | {"optimizer.iterations"}


def test_slot_names_follow_design():
    assert from_config({"type": "sgd", "momentum": 0.9}).slot_names == ("velocity",)
    assert from_config({"type": "sgd"}).slot_names == ()
    assert from_config({"type": "adagrad"}).slot_names == ("acc",)
    assert from_config({"type": "rmsprop", "centered": True, "momentum": 0.5}).slot_names == \
        ("s", "mg", "velocity")
    assert from_config({"type": "adam", "amsgrad": True}).slot_names == ("m", "v", "vhat")
    assert from_config({"type": "adamax"}).slot_names == ("m", "u")
    assert from_config({"type": "nadam"}).slot_names == ("m", "v")
    assert from_config({"type": "adam", "beta_1": 0.8}).momentum_value() == 0.8


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_config_round_trip(name):
    opt = OPTIMIZERS[name]()
    cfg = opt.get_config()
    assert cfg["type"] == name and set(cfg) == {"type", *opt.config_keys}
    again = from_config(json.loads(json.dumps(cfg)))
    assert again == opt and again.get_config() == cfg
    assert repr(again).startswith(type(opt).__name__ + "(")


@pytest.mark.parametrize("cfg,key", [
    ({"type": "adam", "learning_rate": 0.0}, "learning_rate"),
    ({"type": "adam", "learning_rate": float("nan")}, "learning_rate"),
    ({"type": "adam", "learning_rate": "fast"}, "learning_rate"),
    ({"type": "sgd", "momentum": 1.0}, "momentum"),
    ({"type": "adam", "beta_1": -0.1}, "beta_1"),
    ({"type": "adam", "beta_2": 1.5}, "beta_2"),
    ({"type": "rmsprop", "rho": 1.0}, "rho"),
    ({"type": "adam", "epsilon": 0.0}, "epsilon"),
    ({"type": "sgd", "nesterov": "yes"}, "nesterov"),
    ({"type": "adam", "clipnorm": -1.0}, "clipnorm"),
    ({"type": "adam", "clipnorm": 1.0, "clipvalue": 1.0}, "clipvalue"),
    ({"type": "adamw", "weight_decay": -0.1}, "weight_decay"),
    ({"type": "adagrad", "initial_accumulator_value": -1}, "initial_accumulator_value"),
    ({"type": "adam", "betta_1": 0.9}, "betta_1"),
    ({"type": "adamm"}, "type"),
])
def test_bad_values_name_the_key(cfg, key):
    with pytest.raises(BadInput) as info:
        from_config(cfg)
    assert info.value.path == key


def test_non_finite_values_propagate_instead_of_raising():
    # compiled with numpy's error model: a division by zero gives inf/nan (the session then reports
    # divergence) rather than a ZeroDivisionError inside the training loop
    opt = from_config({"type": "nadam"})
    w = np.ones(2)
    st = opt.init_scalar_state()      # u_product = 1: 1/(1 - u_product) divides by zero
    z = np.zeros(2)
    K.optimizer_update(opt.code, opt.hparams(), st, w, np.ones(2), z.copy(), z.copy(), z.copy(), 1, 0.1, 0.9)
    assert not np.all(np.isfinite(w))
    w = np.ones(2)
    K.optimizer_update(K.SGD, opt.hparams(), st, w, np.array([np.inf, 1.0]), z.copy(), z, z, 1, 0.1, 0.0)
    assert np.isinf(w[0]) and w[1] == pytest.approx(0.9)
