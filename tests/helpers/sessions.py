"""A small TrainingSession with every stochastic layer type, its data, and a weights comparison."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from engine.build import session_from_configs

LAYERS = [{"type": "dense", "units": 6, "id": "d1"},
          {"type": "batch_norm", "id": "bn1", "renorm": True},
          {"type": "activation", "function": "rrelu", "id": "a1"},
          {"type": "dropout", "rate": 0.2, "id": "do1"},
          {"type": "gaussian_noise", "stddev": 0.1, "id": "gn1"},
          {"type": "dense", "units": 1, "id": "d2"},
          {"type": "activation", "function": "sigmoid", "id": "a2"}]


def make_data(n=53, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n + 20, 2))
    y = (x[:, :1] * x[:, 1:] > 0).astype(float)
    return SimpleNamespace(x_train=x[:n], y_train=y[:n], x_val=x[n:], y_val=y[n:])


def make(layers=LAYERS, optimizer=None, seed=1, batch_size=8, **kw):
    kw.setdefault("epochs", 100)
    return session_from_configs(layers, optimizer or {"type": "adam", "learning_rate": 0.01},
                                None, {"type": "binary_crossentropy"},
                                kw.pop("data", None) or make_data(), seed=seed,
                                batch_size=batch_size, **kw)


def same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    return wa.keys() == wb.keys() and all(np.array_equal(wa[k], wb[k]) for k in wa)
