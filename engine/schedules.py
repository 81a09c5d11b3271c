"""Learning-rate (and momentum) schedules, pure Python (registry ``SCHEDULES``).

t counts optimiser steps from 0. ``values(t0, n, lr0, mom0)`` gives float64 arrays (lr, mom) for steps
t0 .. t0+n-1, where ``lr0`` is the optimiser's ``learning_rate`` and ``mom0`` its ``momentum`` (sgd,
rmsprop) or ``beta_1`` (Adam family), ``Optimizer.momentum_value()``.

- constant: lr0.       power (s, c): lr0 / (1 + t/s)**c.       exponential (s): lr0 * 0.1**(t/s).
- piecewise_constant (boundaries, values): absolute rates, Keras's PiecewiseConstantDecay:
  values[0] while t <= boundaries[0], values[i] while boundaries[i-1] < t <= boundaries[i], then values[-1].
- reduce_on_plateau (factor 0.5, patience 5, min_lr 0, monitor val_loss|loss, min_delta 1e-4, cooldown 0):
  Keras's ReduceLROnPlateau at ``on_epoch_end``; the reduction is kept as a factor on lr0, floored at
  min_lr. When ``val_loss`` is asked for but missing (no validation set) it watches ``loss``.
- one_cycle (max_lr, total_steps, start_factor 10, final_factor 1000, max_momentum 0.95,
  min_momentum 0.85), T = total_steps, the textbook's 1cycle with Geron's phase lengths:
  [0, 0.45T): lr rises linearly max_lr/start_factor -> max_lr, momentum falls 0.95 -> 0.85;
  [0.45T, 0.9T): lr falls back to max_lr/start_factor, momentum rises 0.85 -> 0.95;
  [0.9T, T): lr falls linearly to max_lr/final_factor, momentum stays 0.95; t >= T: max_lr/final_factor.
  ``max_lr: null`` uses lr0; ``total_steps: null`` must be set by the session (``set_total_steps``,
  epochs * steps per epoch). Momentum is cycled only where the optimiser has one (mom0 > 0).
- linear (lr_high, lr_low, t_max): lr_t = (1 - a_t) lr_high + a_t lr_low, a_t = min(t/t_max, 1).
  ``lr_high: null`` uses lr0; ``lr_low: null`` uses lr_high / 10.
Only one_cycle changes the momentum; the others return mom0.
"""
from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from engine.errors import BadInput
from engine.registry import Configurable, Registry
from engine.validation import check_count, non_negative, optional_positive, positive


class Schedule(Configurable):
    """Base: config round trip, constant momentum, no state."""

    type_name: ClassVar[str] = ""
    config_keys: ClassVar[tuple[str, ...]] = ()
    attr_of: ClassVar[dict[str, str]] = {}  # config key -> attribute name, where they differ

    def _cfg(self, key: str) -> Any:
        return getattr(self, self.attr_of.get(key, key))

    def lr_array(self, t: np.ndarray, lr0: float) -> np.ndarray:
        return np.full(t.shape, float(lr0))

    def mom_array(self, t: np.ndarray, mom0: float) -> np.ndarray:
        return np.full(t.shape, float(mom0))

    def values(self, t0: int, n: int, lr0: float, mom0: float) -> tuple[np.ndarray, np.ndarray]:
        """(lr: float64[n], mom: float64[n]) for optimiser steps t0 .. t0+n-1 (t from 0)."""
        t = np.arange(int(t0), int(t0) + int(n), dtype=np.float64)
        return self.lr_array(t, lr0).astype(np.float64), self.mom_array(t, mom0).astype(np.float64)

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        """Called after each epoch with ``logs`` such as {"loss": .., "val_loss": ..}."""

    def steps_until_change(self, t: int) -> int | None:
        """Steps from t until the rate may next differ from step t's (1: every step; None: not
        within the epoch, only ``on_epoch_end`` changes it)."""
        return 1

    def state_dict(self) -> dict:
        """JSON-safe state for checkpoints (empty for stateless schedules)."""
        return {}

    def load_state_dict(self, d: dict) -> None:
        """Restore what ``state_dict`` returned."""


class Constant(Schedule):
    type_name = "constant"

    def steps_until_change(self, t: int) -> int | None:
        return None


class Power(Schedule):
    """lr0 / (1 + t/s)**c."""

    type_name, config_keys = "power", ("s", "c")

    def __init__(self, s: float = 1000.0, c: float = 1.0):
        self.s = positive(s, "s")
        self.c = positive(c, "c")

    def lr_array(self, t, lr0):
        return lr0 / (1.0 + t / self.s) ** self.c


class Exponential(Schedule):
    """lr0 * 0.1**(t/s)."""

    type_name, config_keys = "exponential", ("s",)

    def __init__(self, s: float = 1000.0):
        self.s = positive(s, "s")

    def lr_array(self, t, lr0):
        return lr0 * 0.1 ** (t / self.s)


class PiecewiseConstant(Schedule):
    """Absolute rates ``values`` between step ``boundaries`` (Keras's PiecewiseConstantDecay)."""

    type_name, config_keys = "piecewise_constant", ("boundaries", "values")
    attr_of = {"values": "rates"}  # ``values`` is the method

    def __init__(self, boundaries: list | None = None, values: list | None = None):
        boundaries = [1000, 2000] if boundaries is None else boundaries
        values = [0.01, 0.001, 0.0001] if values is None else values
        if not isinstance(boundaries, (list, tuple)):
            raise BadInput(f"must be a list of step numbers, got {boundaries!r}", "boundaries")
        if not isinstance(values, (list, tuple)):
            raise BadInput(f"must be a list of learning rates, got {values!r}", "values")
        self.boundaries = [check_count(b, f"boundaries[{i}]", 0) for i, b in enumerate(boundaries)]
        if any(b2 <= b1 for b1, b2 in zip(self.boundaries, self.boundaries[1:])):
            raise BadInput(f"must be strictly increasing, got {self.boundaries}", "boundaries")
        self.rates = [positive(v, f"values[{i}]") for i, v in enumerate(values)]
        if len(self.rates) != len(self.boundaries) + 1:
            raise BadInput(f"needs one more value than boundaries ({len(self.boundaries) + 1}), "
                           f"got {len(self.rates)}", "values")

    def steps_until_change(self, t: int) -> int | None:
        later = [b + 1 - int(t) for b in self.boundaries if b + 1 > int(t)]
        return min(later) if later else None

    def lr_array(self, t, lr0):
        idx = np.searchsorted(np.asarray(self.boundaries, dtype=np.float64), t, side="left")
        return np.asarray(self.rates, dtype=np.float64)[idx]


class ReduceOnPlateau(Schedule):
    """Keras's ReduceLROnPlateau on ``monitor``: after ``patience`` epochs without an improvement of
    more than ``min_delta``, multiply the rate by ``factor`` (not below ``min_lr``), then wait
    ``cooldown`` epochs."""

    type_name = "reduce_on_plateau"
    config_keys = ("factor", "patience", "min_lr", "monitor", "min_delta", "cooldown")

    def __init__(self, factor: float = 0.5, patience: int = 5, min_lr: float = 0.0,
                 monitor: str = "val_loss", min_delta: float = 1e-4, cooldown: int = 0):
        self.factor = positive(factor, "factor")
        if self.factor >= 1.0:
            raise BadInput(f"must be in (0, 1), got {factor!r}", "factor")
        self.patience = check_count(patience, "patience", 0)
        self.min_lr = non_negative(min_lr, "min_lr")
        if monitor not in ("val_loss", "loss"):
            raise BadInput(f"must be 'val_loss' or 'loss', got {monitor!r}", "monitor")
        self.monitor = monitor
        self.min_delta = non_negative(min_delta, "min_delta")
        self.cooldown = check_count(cooldown, "cooldown", 0)
        self.scale = 1.0          # product of the factors applied so far
        self.best: float | None = None
        self.wait = 0
        self.cooldown_counter = 0
        self.lr0: float | None = None  # the last lr0 seen by values()

    def steps_until_change(self, t: int) -> int | None:
        return None

    def _current(self, lr0: float) -> float:
        return lr0 if self.scale == 1.0 else max(lr0 * self.scale, self.min_lr)

    def lr_array(self, t, lr0):
        self.lr0 = float(lr0)
        return np.full(t.shape, self._current(float(lr0)))

    def on_epoch_end(self, epoch: int, logs: dict) -> None:
        current = logs.get(self.monitor)
        if current is None and self.monitor == "val_loss":
            current = logs.get("loss")
        if current is None or not math.isfinite(float(current)):
            return
        current = float(current)
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.best is None or current < self.best - self.min_delta:
            self.best = current
            self.wait = 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience:
                lr0 = 1.0 if self.lr0 is None else self.lr0
                if self._current(lr0) > self.min_lr:
                    self.scale *= self.factor
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

    def state_dict(self) -> dict:
        return {"scale": self.scale, "best": self.best, "wait": self.wait,
                "cooldown_counter": self.cooldown_counter, "lr0": self.lr0}

    def load_state_dict(self, d: dict) -> None:
        self.scale = float(d["scale"])
        self.best = None if d["best"] is None else float(d["best"])
        self.wait = int(d["wait"])
        self.cooldown_counter = int(d["cooldown_counter"])
        self.lr0 = None if d.get("lr0") is None else float(d["lr0"])


class OneCycle(Schedule):
    """1cycle (see module docstring for the phases)."""

    type_name = "one_cycle"
    config_keys = ("max_lr", "total_steps", "start_factor", "final_factor", "max_momentum", "min_momentum")
    phase_ends = (0.45, 0.9)

    def __init__(self, max_lr: float | None = None, total_steps: int | None = None,
                 start_factor: float = 10.0, final_factor: float = 1000.0,
                 max_momentum: float = 0.95, min_momentum: float = 0.85):
        self.max_lr = optional_positive(max_lr, "max_lr")
        self.total_steps = None if total_steps is None else check_count(total_steps, "total_steps", 1)
        self.start_factor = positive(start_factor, "start_factor")
        self.final_factor = positive(final_factor, "final_factor")
        self.max_momentum = non_negative(max_momentum, "max_momentum")
        self.min_momentum = non_negative(min_momentum, "min_momentum")
        for key in ("max_momentum", "min_momentum"):
            if getattr(self, key) >= 1.0:
                raise BadInput(f"must be in [0, 1), got {getattr(self, key)!r}", key)
        self.bound_total_steps: int | None = None

    def set_total_steps(self, n: int) -> None:
        """Total optimiser steps of the run, used when the config's ``total_steps`` is null."""
        self.bound_total_steps = check_count(n, "total_steps", 1)

    def _total(self) -> int:
        total = self.total_steps if self.total_steps is not None else self.bound_total_steps
        if total is None:
            raise BadInput("one_cycle needs total_steps (none given and none set by the session)",
                           "total_steps")
        return total

    def _phases(self, t: np.ndarray) -> tuple[np.ndarray, ...]:
        total = float(self._total())
        t1, t2 = self.phase_ends[0] * total, self.phase_ends[1] * total
        f1 = np.clip(t / t1, 0.0, 1.0)
        f2 = np.clip((t - t1) / (t2 - t1), 0.0, 1.0)
        f3 = np.clip((t - t2) / (total - t2), 0.0, 1.0)
        return t < t1, (t >= t1) & (t < t2), f1, f2, f3

    def lr_array(self, t, lr0):
        top = float(lr0) if self.max_lr is None else self.max_lr
        low, final = top / self.start_factor, top / self.final_factor
        p1, p2, f1, f2, f3 = self._phases(t)
        return np.where(p1, low + (top - low) * f1,
                        np.where(p2, top - (top - low) * f2, low + (final - low) * f3))

    def mom_array(self, t, mom0):
        if mom0 <= 0.0:
            return np.full(t.shape, float(mom0))
        hi, lo = self.max_momentum, self.min_momentum
        p1, p2, f1, f2, _ = self._phases(t)
        return np.where(p1, hi + (lo - hi) * f1, np.where(p2, lo + (hi - lo) * f2, hi))

    def state_dict(self) -> dict:
        return {"bound_total_steps": self.bound_total_steps}

    def load_state_dict(self, d: dict) -> None:
        self.bound_total_steps = d.get("bound_total_steps")


class Linear(Schedule):
    """The course's two-rate schedule: (1 - a_t) lr_high + a_t lr_low, a_t = min(t/t_max, 1)."""

    type_name, config_keys = "linear", ("lr_high", "lr_low", "t_max")

    def __init__(self, lr_high: float | None = None, lr_low: float | None = None, t_max: int = 1000):
        self.lr_high = optional_positive(lr_high, "lr_high")
        self.lr_low = optional_positive(lr_low, "lr_low")
        self.t_max = check_count(t_max, "t_max", 1)

    def lr_array(self, t, lr0):
        high = float(lr0) if self.lr_high is None else self.lr_high
        low = high / 10.0 if self.lr_low is None else self.lr_low
        a = np.minimum(t / self.t_max, 1.0)
        return (1.0 - a) * high + a * low


SCHEDULES: Registry = Registry("schedule type", (
    Constant, Power, Exponential, PiecewiseConstant, ReduceOnPlateau, OneCycle, Linear))


def from_config(cfg: dict) -> Schedule:
    """Build a schedule from a design file's ``schedule`` section (BadInput naming the key)."""
    return SCHEDULES.from_config(cfg)
