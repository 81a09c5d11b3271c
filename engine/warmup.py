"""Compile (or load from numba's cache) every compiled function of the program at start-up, off
the UI thread, before Play is enabled: one tiny model with every layer type and activation."""
from __future__ import annotations

import time
from types import SimpleNamespace

import numpy as np


def warm_up(dtypes: tuple = (np.float32,)) -> float:
    """Run a few steps, an evaluation, predictions and a monitor pass per dtype; returns seconds."""
    from engine.build import session_from_configs
    from engine.layers import ACTIVATION_CODES
    t0 = time.perf_counter()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((12, 2))
    y = (x[:, :1] > 0).astype(float)
    data = SimpleNamespace(x_train=x[:8], y_train=y[:8], x_val=x[8:], y_val=y[8:])
    body = [{"type": "dense", "units": 3, "kernel_regularizer": {"l1": 0.01, "l2": 0.01},
             "kernel_constraint": {"max_norm": 2.0}},
            {"type": "batch_norm", "renorm": True}, {"type": "layer_norm"},
            {"type": "dropout", "rate": 0.1}, {"type": "alpha_dropout", "rate": 0.1},
            {"type": "gaussian_noise", "stddev": 0.1}]
    body += [{"type": "activation", "function": f} for f in ACTIVATION_CODES if f != "softmax"]
    for dtype in dtypes:
        for head, loss in (([{"type": "dense", "units": 1},
                             {"type": "activation", "function": "sigmoid"}], "binary_crossentropy"),
                           ([{"type": "dense", "units": 2},
                             {"type": "activation", "function": "softmax"}],
                            "sparse_categorical_crossentropy")):
            s = session_from_configs(body + head, {"type": "adam", "learning_rate": 0.01},
                                     None, loss, data, batch_size=4, epochs=2, dtype=dtype)
            s.run(3)
            s.predict(x, mc_dropout=2)
    return time.perf_counter() - t0
