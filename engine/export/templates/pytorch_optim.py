"""Keras 3 optimisers and the playground's learning-rate schedules (PyTorch templates).

Copied block by block into the generated script (the rules: README.md in this folder).
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

# --------------------------------------------------------------------------------------------
# Optimisers, as Keras 3 and docs/NUMERICS.md define them (torch.optim differs in several details)
# --------------------------------------------------------------------------------------------

class KerasOptimizer:
    """Base: gradient clipping, decoupled weight decay, and one ``update`` per parameter.

    ``step(lr, momentum)`` takes this step's learning rate and momentum (``momentum`` is sgd's and
    rmsprop's momentum or the Adam family's ``beta_1``; ``None`` keeps the configured value). The
    gradients already include the L1/L2 penalties. Clipping as Keras: ``clipvalue`` per component,
    ``clipnorm`` per parameter tensor, ``global_clipnorm`` over all tensors together.
    """

    def __init__(self, params: list, learning_rate: float, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 weight_decay: float | None = None):
        self.params = [p for p in params if p.requires_grad]
        self.learning_rate = learning_rate
        self.clipnorm, self.clipvalue, self.global_clipnorm = clipnorm, clipvalue, global_clipnorm
        self.weight_decay = weight_decay
        self.iterations = 0
        self.state = [{} for _ in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def clipped_gradients(self) -> list:
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in self.params]
        if self.clipvalue is not None:
            grads = [g.clamp(-self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm is not None:
            grads = [g * (self.clipnorm / torch.maximum(g.norm(), torch.tensor(self.clipnorm)))
                     for g in grads]
        if self.global_clipnorm is not None and grads:
            norm = torch.sqrt(sum((g * g).sum() for g in grads))
            scale = self.global_clipnorm / torch.maximum(norm, torch.tensor(self.global_clipnorm))
            grads = [g * scale for g in grads]
        return grads

    @torch.no_grad()
    def step(self, lr: float, momentum: float | None = None) -> None:
        self.iterations += 1
        grads = self.clipped_gradients()
        self.begin_step(self.iterations, momentum)
        for p, g, state in zip(self.params, grads, self.state):
            if self.weight_decay:
                p.sub_(p * self.weight_decay * lr)
            self.update(p, g, state, self.iterations, lr, momentum)

    def begin_step(self, t: int, momentum: float | None) -> None:
        """Scalar state shared by all parameters (Nadam's running product)."""

    def update(self, p, g, state, t, lr, momentum) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        keys = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                         if k not in ("params", "state", "iterations"))
        return f"{type(self).__name__}({keys})"


class SGD(KerasOptimizer):
    """``v = momentum*v - lr*g; w += v``; Nesterov: ``w += momentum*v - lr*g`` (Keras)."""

    def __init__(self, params, learning_rate=0.01, momentum=0.0, nesterov=False, **kwargs):
        super().__init__(params, learning_rate, **kwargs)
        self.momentum, self.nesterov = momentum, nesterov

    def update(self, p, g, state, t, lr, momentum):
        mom = self.momentum if momentum is None else momentum
        if mom == 0 and "velocity" not in state:
            p.sub_(lr * g)
            return
        v = state.setdefault("velocity", torch.zeros_like(p))
        v.mul_(mom).sub_(lr * g)
        p.add_(mom * v - lr * g if self.nesterov else v)


class Adagrad(KerasOptimizer):
    """``acc += g**2; w -= lr*g / sqrt(acc + epsilon)``, ``acc`` starting at 0.1 (Keras)."""

    def __init__(self, params, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 **kwargs):
        super().__init__(params, learning_rate, **kwargs)
        self.initial_accumulator_value, self.epsilon = initial_accumulator_value, epsilon

    def update(self, p, g, state, t, lr, momentum):
        acc = state.setdefault("acc", torch.full_like(p, self.initial_accumulator_value))
        acc.add_(g * g)
        p.sub_(lr * g / torch.sqrt(acc + self.epsilon))


class RMSprop(KerasOptimizer):
    """``s = rho*s + (1-rho)*g**2; w -= lr*g / sqrt(s + epsilon)``; centred and momentum as Keras."""

    def __init__(self, params, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, **kwargs):
        super().__init__(params, learning_rate, **kwargs)
        self.rho, self.momentum, self.epsilon, self.centered = rho, momentum, epsilon, centered

    def update(self, p, g, state, t, lr, momentum):
        mom = self.momentum if momentum is None else momentum
        s = state.setdefault("s", torch.zeros_like(p))
        s.mul_(self.rho).add_((1.0 - self.rho) * g * g)
        denominator = s + self.epsilon
        if self.centered:
            mg = state.setdefault("mg", torch.zeros_like(p))
            mg.mul_(self.rho).add_((1.0 - self.rho) * g)
            denominator = denominator - mg * mg
        increment = lr * g / torch.sqrt(denominator)
        if mom > 0 or "velocity" in state:
            velocity = state.setdefault("velocity", torch.zeros_like(p))
            velocity.mul_(mom).add_(increment)
            increment = velocity
        p.sub_(increment)


class Adam(KerasOptimizer):
    """Keras's epsilon-hat Adam: ``w -= lr*sqrt(1-b2**t)/(1-b1**t) * m / (sqrt(v) + epsilon)``;
    ``amsgrad`` divides by the running maximum of ``v`` instead."""

    def __init__(self, params, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, **kwargs):
        super().__init__(params, learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon, self.amsgrad = beta_1, beta_2, epsilon, amsgrad

    def update(self, p, g, state, t, lr, momentum):
        b1, b2 = (self.beta_1 if momentum is None else momentum), self.beta_2
        m = state.setdefault("m", torch.zeros_like(p))
        v = state.setdefault("v", torch.zeros_like(p))
        m.add_((g - m) * (1.0 - b1))
        v.add_((g * g - v) * (1.0 - b2))
        if self.amsgrad:
            v_hat = state.setdefault("vhat", torch.zeros_like(p))
            torch.maximum(v_hat, v, out=v_hat)
            v = v_hat
        alpha = lr * math.sqrt(1.0 - b2 ** t) / (1.0 - b1 ** t)
        p.sub_(m * alpha / (torch.sqrt(v) + self.epsilon))


class AdamW(Adam):
    """Adam with decoupled weight decay ``w -= w * weight_decay * lr`` (Keras, default 0.004)."""

    def __init__(self, params, learning_rate=0.001, weight_decay=0.004, **kwargs):
        super().__init__(params, learning_rate, weight_decay=weight_decay, **kwargs)


class Adamax(KerasOptimizer):
    """Keras Adamax: ``u = max(b2*u, |g|); w -= lr * m / ((1 - b1**t) * (u + epsilon))``."""

    def __init__(self, params, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 **kwargs):
        super().__init__(params, learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon

    def update(self, p, g, state, t, lr, momentum):
        b1 = self.beta_1 if momentum is None else momentum
        m = state.setdefault("m", torch.zeros_like(p))
        u = state.setdefault("u", torch.zeros_like(p))
        m.add_((g - m) * (1.0 - b1))
        torch.maximum(u * self.beta_2, g.abs(), out=u)
        p.sub_(lr * m / ((1.0 - b1 ** t) * (u + self.epsilon)))


class Nadam(KerasOptimizer):
    """Keras Nadam: momentum schedule ``u_t = b1 * (1 - 0.5 * 0.96**t)`` and its running product."""

    def __init__(self, params, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 **kwargs):
        super().__init__(params, learning_rate, **kwargs)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.u_product = 1.0

    def begin_step(self, t, momentum):
        b1 = self.beta_1 if momentum is None else momentum
        self.u_product *= b1 * (1.0 - 0.5 * 0.96 ** t)

    def update(self, p, g, state, t, lr, momentum):
        b1, b2 = (self.beta_1 if momentum is None else momentum), self.beta_2
        u_t = b1 * (1.0 - 0.5 * 0.96 ** t)
        u_t1 = b1 * (1.0 - 0.5 * 0.96 ** (t + 1))
        u_product_t1 = self.u_product * u_t1
        m = state.setdefault("m", torch.zeros_like(p))
        v = state.setdefault("v", torch.zeros_like(p))
        m.add_((g - m) * (1.0 - b1))
        v.add_((g * g - v) * (1.0 - b2))
        m_hat = u_t1 * m / (1.0 - u_product_t1) + (1.0 - u_t) * g / (1.0 - self.u_product)
        v_hat = v / (1.0 - b2 ** t)
        p.sub_(m_hat * lr / (torch.sqrt(v_hat) + self.epsilon))


# --------------------------------------------------------------------------------------------
# Learning-rate schedules; t counts optimiser steps from 0
# --------------------------------------------------------------------------------------------

class Schedule:
    """Constant rate. ``rate(t)`` -> (learning rate, momentum or None); ``epoch_end`` sees each
    epoch's logs (``loss``, ``val_loss`` when there are validation data; only ``ReduceOnPlateau``
    uses them)."""

    def __init__(self, lr0: float):
        self.lr0 = lr0

    def rate(self, t: int) -> tuple:
        return self.lr0, None

    def epoch_end(self, logs: dict) -> None:
        pass

    def set_total_steps(self, n: int) -> None:
        """The run's length in optimiser steps (only 1cycle uses it)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({vars(self)})"


class PowerSchedule(Schedule):
    """``lr0 / (1 + t/s)**c``."""

    def __init__(self, lr0, s, c=1.0):
        super().__init__(lr0)
        self.s, self.c = s, c

    def rate(self, t):
        return self.lr0 / (1.0 + t / self.s) ** self.c, None


class ExponentialSchedule(Schedule):
    """``lr0 * 0.1**(t/s)``."""

    def __init__(self, lr0, s):
        super().__init__(lr0)
        self.s = s

    def rate(self, t):
        return self.lr0 * 0.1 ** (t / self.s), None


class PiecewiseConstantSchedule(Schedule):
    """``values[i]`` while ``boundaries[i-1] < t <= boundaries[i]`` (Keras PiecewiseConstantDecay)."""

    def __init__(self, lr0, boundaries, values):
        super().__init__(lr0)
        self.boundaries, self.values = list(boundaries), list(values)

    def rate(self, t):
        for boundary, value in zip(self.boundaries, self.values):
            if t <= boundary:
                return value, None
        return self.values[len(self.boundaries)], None


class LinearSchedule(Schedule):
    """The course's two-rate schedule: ``(1 - a)*lr_high + a*lr_low``, ``a = min(t/t_max, 1)``;
    ``lr_high`` None: lr0, ``lr_low`` None: lr_high / 10."""

    def __init__(self, lr0, lr_high=None, lr_low=None, t_max=1000):
        super().__init__(lr0)
        self.lr_high = lr0 if lr_high is None else lr_high
        self.lr_low = self.lr_high / 10.0 if lr_low is None else lr_low
        self.t_max = t_max

    def rate(self, t):
        a = min(t / self.t_max, 1.0)
        return (1.0 - a) * self.lr_high + a * self.lr_low, None


class OneCycleSchedule(Schedule):
    """1cycle over T = ``total_steps`` (the playground's phases, after Geron):
    [0, 0.45T): lr rises linearly from max_lr/start_factor to max_lr, momentum falls 0.95 -> 0.85;
    [0.45T, 0.9T): lr falls back to max_lr/start_factor, momentum rises back to 0.95;
    [0.9T, T): lr falls linearly to max_lr/final_factor, momentum stays 0.95; later: that final rate.
    The momentum (sgd/rmsprop momentum or Adam's beta_1) is cycled only when the optimiser's own
    value ``mom0`` is > 0. ``total_steps`` None: epochs * steps per epoch (``set_total_steps``)."""

    def __init__(self, lr0, mom0=0.0, max_lr=None, total_steps=None, start_factor=10.0,
                 final_factor=1000.0, max_momentum=0.95, min_momentum=0.85):
        super().__init__(lr0)
        self.top = lr0 if max_lr is None else max_lr
        self.low, self.final = self.top / start_factor, self.top / final_factor
        self.mom0, self.max_momentum, self.min_momentum = mom0, max_momentum, min_momentum
        self.total_steps = total_steps

    def set_total_steps(self, n):
        if self.total_steps is None:
            self.total_steps = n

    def rate(self, t):
        total = float(self.total_steps)
        t1, t2 = 0.45 * total, 0.9 * total
        f1 = min(max(t / t1, 0.0), 1.0)
        f2 = min(max((t - t1) / (t2 - t1), 0.0), 1.0)
        f3 = min(max((t - t2) / (total - t2), 0.0), 1.0)
        hi, lo = self.max_momentum, self.min_momentum
        if t < t1:
            lr, mom = self.low + (self.top - self.low) * f1, hi + (lo - hi) * f1
        elif t < t2:
            lr, mom = self.top - (self.top - self.low) * f2, lo + (hi - lo) * f2
        else:
            lr, mom = self.low + (self.final - self.low) * f3, hi
        return lr, (mom if self.mom0 > 0 else None)


class ReduceOnPlateau(Schedule):
    """Keras ReduceLROnPlateau: after ``patience`` epochs in which the monitored loss did not fall
    below ``best - min_delta``, multiply the rate by ``factor`` (not below ``min_lr``), then wait
    ``cooldown`` epochs. ``monitor``: ``val_loss`` (``loss`` without validation data) or ``loss``."""

    def __init__(self, lr0, factor=0.5, patience=5, min_lr=0.0, monitor="val_loss",
                 min_delta=1e-4, cooldown=0):
        super().__init__(lr0)
        self.factor, self.patience, self.min_lr, self.monitor = factor, patience, min_lr, monitor
        self.min_delta, self.cooldown = min_delta, cooldown
        self.scale, self.best, self.wait, self.cooldown_left = 1.0, None, 0, 0

    def current(self):
        return self.lr0 if self.scale == 1.0 else max(self.lr0 * self.scale, self.min_lr)

    def rate(self, t):
        return self.current(), None

    def epoch_end(self, logs):
        value = logs.get(self.monitor, logs.get("loss"))
        if value is None or not math.isfinite(value):
            return
        if self.cooldown_left > 0:
            self.cooldown_left -= 1
            self.wait = 0
        if self.best is None or value < self.best - self.min_delta:
            self.best, self.wait = value, 0
        elif self.cooldown_left == 0:
            self.wait += 1
            if self.wait >= self.patience and self.current() > self.min_lr:
                self.scale *= self.factor
                self.cooldown_left, self.wait = self.cooldown, 0
