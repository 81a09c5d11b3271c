"""Contract audit (docs/NUMERICS.md: optimisers, clipping, schedules): two steps
of every optimiser on a one-layer net through the real session, against numpy."""
from __future__ import annotations

import numpy as np
import pytest

from engine.build import build_session

RNG = np.random.default_rng(7)
X = RNG.standard_normal((6, 3))
Y = RNG.standard_normal((6, 2))
W0 = RNG.standard_normal((3, 2)).astype(np.float32)
B0 = (0.1 * RNG.standard_normal(2)).astype(np.float32)


def session(optimizer, schedule=None, l1=0.0, l2=0.0, loss="mse", max_norm=None, x=X, y=Y):
    d = {"format": "network-playground/design", "version": 1, "seed": 1,
         "data": {"dataset": {"x_train": x.tolist(), "y_train": y.tolist()},
                  "train_fraction": 1.0, "standardize": False},
         "model": {"input_dim": x.shape[1], "layers": [
             {"id": "d", "type": "dense", "units": y.shape[1],
              "kernel_regularizer": {"l1": l1, "l2": l2},
              "kernel_constraint": {"max_norm": max_norm}}]},
         "loss": {"type": loss}, "optimizer": optimizer,
         "schedule": schedule or {"type": "constant"},
         "training": {"batch_size": "full", "epochs": 100, "shuffle": False}}
    s = build_session(d)
    s.set_weights({"layers.0.kernel": W0, "layers.0.bias": B0})
    return s


def grads(w, b, l1=0.0, l2=0.0):
    out = X @ w + b
    dout = 2.0 * (out - Y) / out.size
    return X.T @ dout + l1 * np.sign(w) + 2 * l2 * w, dout.sum(0)


def run_reference(update, steps=2, **reg):
    """update(name, w, g, state, t) -> w, for params kernel then bias."""
    w, b = W0.astype(np.float64), B0.astype(np.float64)
    states = {"k": {}, "b": {}}
    out = []
    for t in range(1, steps + 1):
        gw, gb = grads(w, b, **reg)
        w = update(w, gw, states["k"], t)
        b = update(b, gb, states["b"], t)
        out.append((w.copy(), b.copy()))
    return out


def check(s, ref, rtol=2e-5, atol=2e-6):
    for wk, bk in ref:
        s.step()
        got = s.get_weights()
        np.testing.assert_allclose(got["layers.0.kernel"], wk, rtol=rtol, atol=atol)
        np.testing.assert_allclose(got["layers.0.bias"], bk, rtol=rtol, atol=atol)


def test_dense_forward_is_x_at_kernel_plus_bias():
    s = session({"type": "sgd", "learning_rate": 0.1})
    w = s.get_weights()
    assert w["layers.0.kernel"].shape == (3, 2) and w["layers.0.kernel"].dtype == np.float32
    mean, std = s.predict(X)
    np.testing.assert_allclose(mean, X @ W0 + B0, rtol=1e-5, atol=1e-5)
    assert std is None


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.9, True)])
def test_sgd(momentum, nesterov):
    lr = 0.1

    def upd(w, g, st, t):
        v = momentum * st.get("v", 0.0) - lr * g
        st["v"] = v
        return w + (momentum * v - lr * g if nesterov else v)
    check(session({"type": "sgd", "learning_rate": lr, "momentum": momentum,
                   "nesterov": nesterov}), run_reference(upd))


def test_adagrad():
    lr, eps = 0.1, 1e-7

    def upd(w, g, st, t):
        st["acc"] = st.get("acc", 0.1) + g ** 2
        return w - lr * g / np.sqrt(st["acc"] + eps)
    check(session({"type": "adagrad", "learning_rate": lr}), run_reference(upd))


@pytest.mark.parametrize("momentum,centered", [(0.0, False), (0.5, False), (0.0, True),
                                               (0.5, True)])
def test_rmsprop(momentum, centered):
    lr, rho, eps = 0.01, 0.9, 1e-7

    def upd(w, g, st, t):   # Keras 3 RMSprop
        st["s"] = rho * st.get("s", 0.0) + (1 - rho) * g ** 2
        den = st["s"]
        if centered:
            st["mg"] = rho * st.get("mg", 0.0) + (1 - rho) * g
            den = den - st["mg"] ** 2
        inc = lr * g / np.sqrt(den + eps)
        if momentum > 0:
            st["vel"] = momentum * st.get("vel", 0.0) + inc
            return w - st["vel"]
        return w - inc
    check(session({"type": "rmsprop", "learning_rate": lr, "momentum": momentum,
                   "centered": centered}), run_reference(upd), rtol=5e-5)


def adam_upd(lr, b1=0.9, b2=0.999, eps=1e-7, wd=0.0):
    def upd(w, g, st, t):
        w = w - w * wd * lr
        st["m"] = b1 * st.get("m", 0.0) + (1 - b1) * g
        st["v"] = b2 * st.get("v", 0.0) + (1 - b2) * g ** 2
        a = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return w - a * st["m"] / (np.sqrt(st["v"]) + eps)
    return upd


def test_adam():
    check(session({"type": "adam", "learning_rate": 0.01}), run_reference(adam_upd(0.01)))


def test_adam_custom_betas_epsilon():
    check(session({"type": "adam", "learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.99,
                   "epsilon": 1e-3}),
          run_reference(adam_upd(0.05, 0.8, 0.99, 1e-3)))


def test_adamw_keras_decoupled_decay_on_every_variable():
    check(session({"type": "adamw", "learning_rate": 0.01, "weight_decay": 0.1}),
          run_reference(adam_upd(0.01, wd=0.1)))


def test_adamax():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7

    def upd(w, g, st, t):
        st["m"] = b1 * st.get("m", 0.0) + (1 - b1) * g
        st["u"] = np.maximum(b2 * st.get("u", 0.0), np.abs(g))
        return w - lr / (1 - b1 ** t) * st["m"] / (st["u"] + eps)
    check(session({"type": "adamax", "learning_rate": lr}), run_reference(upd))


def test_nadam():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7
    prod = {"p": 1.0, "t": 0}

    def upd(w, g, st, t):   # Keras 3 Nadam
        u_t = b1 * (1 - 0.5 * 0.96 ** t)
        u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        if prod["t"] != t:
            prod["p"] *= u_t
            prod["t"] = t
        p_t = prod["p"]
        p_t1 = p_t * u_t1
        st["m"] = b1 * st.get("m", 0.0) + (1 - b1) * g
        st["v"] = b2 * st.get("v", 0.0) + (1 - b2) * g ** 2
        m_hat = u_t1 * st["m"] / (1 - p_t1) + (1 - u_t) * g / (1 - p_t)
        v_hat = st["v"] / (1 - b2 ** t)
        return w - lr * m_hat / (np.sqrt(v_hat) + eps)
    check(session({"type": "nadam", "learning_rate": lr}), run_reference(upd))


def test_l1_l2_gradient_and_reported_loss():
    lr, l1, l2 = 0.1, 0.01, 0.02

    def upd(w, g, st, t):
        return w - lr * g
    # the bias is never regularised: grads() adds the penalty gradient only to w ...
    w, b = W0.astype(np.float64), B0.astype(np.float64)
    s = session({"type": "sgd", "learning_rate": lr}, l1=l1, l2=l2)
    for _ in range(2):
        loss = np.mean((X @ w + b - Y) ** 2) + l1 * np.abs(w).sum() + l2 * (w ** 2).sum()
        gw, gb = grads(w, b, l1=l1, l2=l2)
        gb = grads(w, b)[1]
        w, b = w - lr * gw, b - lr * gb
        snap = s.step()
        assert snap.loss == pytest.approx(loss, rel=1e-5)
        got = s.get_weights()
        np.testing.assert_allclose(got["layers.0.kernel"], w, rtol=2e-5, atol=2e-6)
        np.testing.assert_allclose(got["layers.0.bias"], b, rtol=2e-5, atol=2e-6)


def test_max_norm_on_kernel_columns():
    lr, r = 0.1, 0.5
    s = session({"type": "sgd", "learning_rate": lr}, max_norm=r)
    gw, gb = grads(W0.astype(np.float64), B0.astype(np.float64))
    w = W0 - lr * gw
    norms = np.linalg.norm(w, axis=0, keepdims=True)      # one norm per unit (column)
    w = w * np.minimum(1.0, r / norms)
    s.step()
    got = s.get_weights()["layers.0.kernel"]
    np.testing.assert_allclose(got, w, rtol=1e-4, atol=1e-6)
    assert np.all(np.linalg.norm(got, axis=0) <= r * (1 + 1e-5))


def clipped_ref(kind, c, lr=0.1):
    gw, gb = grads(W0.astype(np.float64), B0.astype(np.float64))
    if kind == "clipvalue":
        gw, gb = np.clip(gw, -c, c), np.clip(gb, -c, c)
    elif kind == "clipnorm":
        gw = gw * min(1.0, c / np.linalg.norm(gw))
        gb = gb * min(1.0, c / np.linalg.norm(gb))
    else:
        n = np.sqrt((gw ** 2).sum() + (gb ** 2).sum())
        gw, gb = gw * min(1.0, c / n), gb * min(1.0, c / n)
    return W0 - lr * gw, B0 - lr * gb


@pytest.mark.parametrize("kind,c", [("clipvalue", 0.05), ("clipnorm", 0.1),
                                    ("global_clipnorm", 0.1)])
def test_clipping(kind, c):
    gw, gb = grads(W0.astype(np.float64), B0.astype(np.float64))
    assert np.abs(gw).max() > c and np.linalg.norm(gb) > 0.05   # the clip bites
    s = session({"type": "sgd", "learning_rate": 0.1, kind: c})
    s.step()
    w, b = clipped_ref(kind, c)
    got = s.get_weights()
    np.testing.assert_allclose(got["layers.0.kernel"], w, rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(got["layers.0.bias"], b, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("cfg,lr_of_t", [
    ({"type": "power", "s": 2.0, "c": 0.5}, lambda t: 0.1 / (1 + t / 2.0) ** 0.5),
    ({"type": "exponential", "s": 3.0}, lambda t: 0.1 * 0.1 ** (t / 3.0)),
    ({"type": "linear", "lr_high": 0.2, "lr_low": 0.02, "t_max": 4},
     lambda t: (1 - min(t / 4, 1)) * 0.2 + min(t / 4, 1) * 0.02),
    ({"type": "piecewise_constant", "boundaries": [2, 4], "values": [0.3, 0.2, 0.1]},
     lambda t: 0.3 if t <= 2 else (0.2 if t <= 4 else 0.1)),
])
def test_schedule_lr_reported_and_applied(cfg, lr_of_t):
    s = session({"type": "sgd", "learning_rate": 0.1}, schedule=cfg)
    w, b = W0.astype(np.float64), B0.astype(np.float64)
    for t in range(6):              # t counts optimiser steps from 0
        gw, gb = grads(w, b)
        lr = lr_of_t(t)
        w, b = w - lr * gw, b - lr * gb
        snap = s.step()
        assert snap.lr == pytest.approx(lr, rel=1e-6), t
        np.testing.assert_allclose(s.get_weights()["layers.0.kernel"], w, rtol=5e-5, atol=5e-6)


def test_adam_amsgrad_as_keras():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-7

    def upd(w, g, st, t):
        st["m"] = b1 * st.get("m", 0.0) + (1 - b1) * g
        st["v"] = b2 * st.get("v", 0.0) + (1 - b2) * g ** 2
        st["vhat"] = np.maximum(st.get("vhat", 0.0), st["v"])
        a = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return w - a * st["m"] / (np.sqrt(st["vhat"]) + eps)
    check(session({"type": "adam", "learning_rate": lr, "amsgrad": True}),
          run_reference(upd, steps=3))


def test_momentum_state_carries_across_epochs_and_calls():
    """Two single steps and one run(2) give the same weights (velocity kept between calls)."""
    a = session({"type": "sgd", "learning_rate": 0.05, "momentum": 0.9})
    b = session({"type": "sgd", "learning_rate": 0.05, "momentum": 0.9})
    a.step()
    a.step()
    b.run(2)
    for k, v in a.get_weights().items():
        np.testing.assert_array_equal(v, b.get_weights()[k])


@pytest.mark.parametrize("opt", ["adam", "adamax", "nadam", "rmsprop", "adagrad"])
def test_weight_decay_option_is_keras_decoupled_decay(opt):
    """Keras 3 applies ``w -= w * weight_decay * lr`` before every optimiser's update."""
    lr, wd = 0.01, 0.3
    plain = session({"type": opt, "learning_rate": lr})
    decayed = session({"type": opt, "learning_rate": lr, "weight_decay": wd})
    # one step from the same weights: the decayed run = plain update of (w) minus w*wd*lr
    plain.step()
    decayed.step()
    for k, w0 in (("layers.0.kernel", W0), ("layers.0.bias", B0)):
        want = plain.get_weights()[k].astype(np.float64) - w0.astype(np.float64) * wd * lr
        np.testing.assert_allclose(decayed.get_weights()[k], want, rtol=1e-5, atol=1e-7)
