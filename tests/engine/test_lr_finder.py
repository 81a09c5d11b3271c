"""Learning-rate finder (the range test): on a small fake session (a linear model trained by the engine's SGD),
and on the real TrainingSession (restored bit for bit afterwards)."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from engine.errors import BadInput
from engine.losses import from_config as loss_from_config
from engine.lr_finder import analyse, find_lr, lr_schedule, smooth
from engine.optimizers import from_config as optimizer_from_config
from engine.schedules import from_config as schedule_from_config


class FakeSession:
    """TrainingSession stand-in: step() is one SGD step on a batch of 8 of y = x @ w_true + noise."""

    def __init__(self, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.x = rng.normal(size=(64, 3))
        self.y = self.x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3 * rng.normal(size=(64, 1))
        self.w = np.zeros((3, 1))
        self.optimizer = optimizer_from_config({"type": "sgd", "learning_rate": 0.01})
        self.schedule = schedule_from_config({"type": "exponential", "s": 10})
        self.loss = loss_from_config({"type": "mse"})
        self.t = 0
        self.finished = False

    def set_learning_rate(self, lr: float) -> None:
        self.optimizer.learning_rate = lr

    def set_schedule(self, cfg: dict) -> None:
        self.schedule = schedule_from_config(cfg)

    def step(self):
        lr = self.schedule.values(self.t, 1, self.optimizer.learning_rate, 0.0)[0][0]
        rows = slice(8 * (self.t % 8), 8 * (self.t % 8) + 8)
        x, y = self.x[rows], self.y[rows]
        value, g_out = self.loss.value_and_grad(x @ self.w, y)
        self.optimizer.apply({"w": self.w}, {"w": x.T @ g_out}, lr=lr)
        self.t += 1
        return SimpleNamespace(loss=value, status="running" if math.isfinite(value) else "diverged")

    def state_dict(self) -> dict:
        return {"w": self.w.copy(), "t": self.t, "opt": self.optimizer.state_dict()}

    def load_state_dict(self, d: dict) -> None:
        self.w[...] = d["w"]
        self.t = d["t"]
        self.optimizer.load_state_dict(d["opt"], {"w": self.w})


def test_schedule_is_exponential():
    lrs = lr_schedule(1e-4, 1.0, 5)
    np.testing.assert_allclose(lrs, [1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)
    with pytest.raises(BadInput) as info:
        lr_schedule(1.0, 0.1, 10)
    assert info.value.path == "lr_end"


def test_smooth_is_centred():
    np.testing.assert_allclose(smooth(np.array([3.0, 0.0, 3.0, 0.0, 3.0]), 1), [1.5, 2.0, 1.0, 2.0, 1.5])


def test_range_test_finds_the_stable_region_and_restores_the_session():
    s = FakeSession()
    for _ in range(3):
        s.step()
    before = s.state_dict()
    res = find_lr(s, lr_start=1e-4, lr_end=10.0, steps=120)
    # MSE curvature is 2 * eig(x^T x / n) ~ 2, so SGD blows up above lr ~ 1: the sweep stops early
    assert res.diverged and len(res.losses) < 120
    np.testing.assert_allclose(res.lrs, lr_schedule(1e-4, 10.0, 120)[:len(res.losses)])
    assert 0.05 < res.lr_at_min < 1.5
    assert res.suggested_lr == pytest.approx(res.lr_at_min / 10)
    assert res.steepest_lr is not None and res.steepest_lr < res.lr_at_min
    # the session is back where it was, schedule and learning rate included
    np.testing.assert_array_equal(s.w, before["w"])
    assert s.t == 3 and s.optimizer.learning_rate == 0.01
    assert s.schedule.get_config() == {"type": "exponential", "s": 10.0}
    # and it continues exactly as a twin that never ran the test
    twin = FakeSession()
    for _ in range(4):
        twin.step()
    s.step()
    np.testing.assert_array_equal(s.w, twin.w)


def test_analyse_handles_nan_tail():
    lrs = lr_schedule(1e-3, 1.0, 10)
    losses = np.array([5, 4, 3, 2, 1.5, 1.0, 0.8, 2.0, np.nan, np.nan])
    res = analyse(lrs, losses, half_width=0, diverged=True, skip=0)
    assert res.lr_at_min == pytest.approx(lrs[6]) and np.isnan(res.smoothed[-1])


def _real_session():
    from engine.build import session_from_configs
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 2))
    data = SimpleNamespace(x_train=x[:80], y_train=(x[:80, :1] * x[:80, 1:] > 0).astype(float),
                           x_val=x[80:], y_val=(x[80:, :1] * x[80:, 1:] > 0).astype(float))
    layers = [{"type": "dense", "units": 8, "id": "d1"}, {"type": "activation", "function": "relu", "id": "a1"},
              {"type": "dense", "units": 1, "id": "d2"}, {"type": "activation", "function": "sigmoid", "id": "a2"}]
    return session_from_configs(layers, {"type": "sgd", "learning_rate": 0.05, "momentum": 0.9},
                                {"type": "exponential", "s": 100}, {"type": "binary_crossentropy"},
                                data, seed=3, batch_size=16, epochs=50)


def test_range_test_on_the_real_session_restores_it_bit_for_bit():
    s, twin = _real_session(), _real_session()
    s.run(7)
    twin.run(7)
    res = find_lr(s, lr_start=1e-4, lr_end=100.0, steps=80)
    assert len(res.losses) >= 10 and np.all(np.diff(res.lrs) > 0)
    assert res.diverged and res.lrs[-1] > 0.1       # sgd with momentum 0.9 cannot survive lr 100
    assert 1e-4 < res.suggested_lr < res.lr_at_min
    assert s.step_count == 7 and s.optimizer.learning_rate == 0.05
    assert s.schedule.get_config() == {"type": "exponential", "s": 100.0}
    a, b = s.run(5), twin.run(5)
    assert a.loss == b.loss and a.lr == b.lr
    wa, wb = s.get_weights(), twin.get_weights()
    assert all(np.array_equal(wa[k], wb[k]) for k in wa)


def test_progress_reports_every_step_and_cancels():
    s = FakeSession()
    s.step()
    seen = []

    def progress(i, n, loss):
        seen.append((i, n, loss))
        return i < 10  # cancel after the tenth step

    res = find_lr(s, lr_start=1e-4, lr_end=1e-2, steps=50, progress=progress)
    assert [i for i, _, _ in seen] == list(range(1, 11)) and all(n == 50 for _, n, _ in seen)
    assert len(res.losses) == 10 and not res.diverged
    np.testing.assert_array_equal(res.losses, [loss for _, _, loss in seen])
    assert s.t == 1 and s.optimizer.learning_rate == 0.01  # restored after the cancel too


def test_smoothing_fewer_losses_than_the_window_keeps_their_number():
    for n in range(0, 8):
        losses = np.arange(n, dtype=float)
        sm = smooth(losses, half_width=4)
        assert sm.shape == (n,) and np.all(np.isfinite(sm))
        assert n == 0 or (sm.min() >= losses.min() and sm.max() <= losses.max())
    res = analyse(np.array([1e-3]), np.array([0.7]), half_width=3)
    assert res.smoothed.shape == (1,) and res.lr_at_min == 1e-3
