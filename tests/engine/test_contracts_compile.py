"""Contract audit (docs/ARCHITECTURE.md "Dtypes and shapes"): compiled code is specialised on dtypes only; opening
another design (other sizes, layer sequence, loss, optimiser, schedule) compiles nothing new."""
from __future__ import annotations

import sys

from numba.core.registry import CPUDispatcher

from engine.build import build_session


def signature_counts() -> dict[str, int]:
    out: dict[str, int] = {}
    for name, mod in list(sys.modules.items()):
        if not name.startswith("engine") or mod is None:
            continue
        for obj in list(vars(mod).values()):
            if isinstance(obj, CPUDispatcher):
                out[f"{obj.py_func.__module__}.{obj.py_func.__name__}"] = len(obj.signatures)
    return out


def design(layers, dataset="circle", **extra):
    d = {"format": "network-playground/design", "version": 1,
         "data": {"dataset": dataset, "samples": 60},
         "model": {"input_dim": 2, "layers": layers},
         "training": {"batch_size": 16, "epochs": 3}}
    d.update(extra)
    return d


def exercise(d):
    s = build_session(d)
    s.run(5)
    s.run_epoch()
    s.predict(s.data.x_val, mc_dropout=2)
    s.state_dict()


def test_new_designs_do_not_recompile():
    exercise(design([{"type": "dense", "units": 4}, {"type": "activation", "function": "relu"},
                     {"type": "dense", "units": 1}, {"type": "activation", "function": "sigmoid"}]))
    before = signature_counts()
    exercise(design([{"type": "dense", "units": 9}, {"type": "activation", "function": "relu"},
                     {"type": "dense", "units": 7}, {"type": "activation", "function": "elu"},
                     {"type": "dense", "units": 1}, {"type": "activation", "function": "sigmoid"}]))
    exercise(design([{"type": "dense", "units": 5}, {"type": "batch_norm", "renorm": True},
                     {"type": "activation", "function": "tanh"}, {"type": "dropout", "rate": 0.2},
                     {"type": "layer_norm"}, {"type": "gaussian_noise", "stddev": 0.1},
                     {"type": "dense", "units": 3}, {"type": "activation", "function": "softmax"}],
                    "spiral", loss={"type": "sparse_categorical_crossentropy"},
                    optimizer={"type": "nadam", "clipnorm": 1.0},
                    schedule={"type": "power", "s": 5, "c": 1}))
    after = signature_counts()
    grown = {k: (before.get(k, 0), v) for k, v in after.items() if v > before.get(k, 0)}
    assert not grown, grown
