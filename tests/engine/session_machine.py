"""A hypothesis state machine that drives a TrainingSession as a student would: live model edits
(insert, remove, reorder, resize, toggle), loss, data, optimiser, schedule and batch changes,
steps, predictions, checkpoints, and junk arguments to every public method.

Invariants after every rule: every refusal is a ``BadInput`` (anything else fails the run) and a
refused call leaves ``state_dict()`` (and the loss and the data) exactly as they were. Used by
``test_session_stateful.py`` in-process and, under ``NUMBA_BOUNDSCHECK=1`` with a fresh numba
cache, in a subprocess (``python -m tests.engine.session_machine N``): there an out-of-bounds
access in compiled code raises IndexError, which fails the run.
"""
from __future__ import annotations

import json
import math
import sys
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from engine.errors import BadInput

JUNK = [None, -1, 0, 2**70, -0.5, math.nan, math.inf, 1e300, "", "adam", "full", "x" * 500,
        [], {}, {"type": "nope"}, {"type": "adam", "learning_rate": -1}, True,
        np.int64(3), np.float32(0.25), np.array([1.0, 2.0]), object(), "\udc80",
        {"type": "sgd", "momentum": "fast"}, [{"type": "dense"}], [{"type": "dense", "units": 0}]]
LAYER_TYPES = ["dense", "activation", "batch_norm", "layer_norm", "dropout", "alpha_dropout",
               "gaussian_noise"]
FUNCTIONS = ["relu", "tanh", "sigmoid", "elu", "leaky_relu", "prelu", "rrelu", "linear",
             "softmax", "gelu"]
LOSSES = ["mse", "mae", "binary_crossentropy", "categorical_crossentropy",
          "sparse_categorical_crossentropy", {"type": "binary_crossentropy",
                                              "class_weight": "balanced"},
          {"type": "sparse_categorical_crossentropy", "class_weight": {"2": 3.0}}]
OPTIMIZERS = ["sgd", "adam", "rmsprop", "nadam", {"type": "sgd", "momentum": 0.9},
              {"type": "adamw", "learning_rate": 0.01, "clipnorm": 1.0}]
SCHEDULES = ["constant", {"type": "one_cycle", "max_lr": 0.05},
             {"type": "reduce_on_plateau", "patience": 1}, {"type": "exponential", "s": 10}]


def _datasets() -> dict[str, Any]:
    """Small data sets of several kinds (targets encoded for the losses that take them)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 2))
    xv = rng.standard_normal((8, 2))
    binary = (x[:, :1] * x[:, 1:] > 0).astype(float)
    three = rng.integers(0, 3, (40, 1)).astype(float)

    def ds(y, yv, xx=x, xxv=xv):
        return SimpleNamespace(x_train=xx, y_train=y, x_val=xxv, y_val=yv)
    return {
        "binary": ds(binary, (xv[:, :1] > 0).astype(float)),
        "three": ds(three, rng.integers(0, 3, (8, 1)).astype(float)),
        "three_onehot": ds(np.eye(3)[three[:, 0].astype(int)], np.eye(3)[[0, 1, 2, 0, 1, 2, 0, 1]]),
        "regression": ds(x @ np.array([[1.0], [-2.0]]), xv @ np.array([[1.0], [-2.0]])),
        "wide_targets": ds(rng.standard_normal((40, 4)), rng.standard_normal((8, 4))),
        "three_features": ds(binary, binary[:8], rng.standard_normal((40, 3)),
                             rng.standard_normal((8, 3))),
        "no_validation": ds(binary, np.zeros((0, 1)), x, np.zeros((0, 2))),
    }


DATASETS = _datasets()
START = [{"id": "d1", "type": "dense", "units": 6}, {"id": "bn1", "type": "batch_norm"},
         {"id": "a1", "type": "activation", "function": "relu"},
         {"id": "do1", "type": "dropout", "rate": 0.2}, {"id": "d2", "type": "dense", "units": 1},
         {"id": "a2", "type": "activation", "function": "sigmoid"}]


def _same(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    for k in a:
        x, y = np.asarray(a[k]), np.asarray(b[k])
        if x.shape != y.shape or x.dtype != y.dtype:
            return False
        if x.dtype.kind == "f":
            if not np.array_equal(x, y, equal_nan=True):
                return False
        elif not np.array_equal(x, y):
            return False
    return True


class SessionMachine(RuleBasedStateMachine):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        self.session: Any = None
        self.layers: list[dict] = []
        self.counter = 0
        self.refused = 0
        self.done = 0

    @initialize(seed=st.integers(0, 3), batch=st.sampled_from([4, 16, "full"]))
    def build(self, seed: int, batch: Any) -> None:
        from engine.build import session_from_configs
        self.layers = [dict(c) for c in START]
        self.session = session_from_configs(
            self.layers, {"type": "adam", "learning_rate": 0.01}, None,
            {"type": "binary_crossentropy"}, DATASETS["binary"], seed=seed, batch_size=batch,
            epochs=400, early_stopping={"monitor": "val_loss", "patience": 1,
                                        "restore_best": True})

    # ------------------------------------------------------------------ the core of it
    def attempt(self, call: Callable[[], Any], changes: bool = True) -> bool:
        """Run ``call``; a BadInput must leave the session unchanged. True when it succeeded."""
        s = self.session
        before = s.state_dict()
        loss, data = s.loss.get_config(), s.data
        try:
            call()
        except BadInput as err:
            assert "\n" not in str(err) and len(str(err)) < 600, str(err)
            after = s.state_dict()
            assert _same(before, after), f"refused call changed the session: {err}"
            assert s.loss.get_config() == loss and s.data is data
            self.refused += 1
            return False
        self.done += 1
        if not changes:
            assert _same(before, s.state_dict())
        return True

    def _apply(self, layers: list[dict]) -> None:
        if self.attempt(lambda: self.session.apply_model(layers)):
            self.layers = layers

    def _new_layer(self, kind: str, function: str, units: int) -> dict:
        self.counter += 1
        cfg: dict[str, Any] = {"id": f"n{self.counter}", "type": kind}
        if kind == "dense":
            cfg["units"] = units
        elif kind == "activation":
            cfg["function"] = function
        elif kind in ("dropout", "alpha_dropout"):
            cfg["rate"] = 0.1
        return cfg

    # ------------------------------------------------------------------ live edits
    @rule(kind=st.sampled_from(LAYER_TYPES), function=st.sampled_from(FUNCTIONS),
          units=st.sampled_from([1, 2, 3, 16, 300]), where=st.integers(0, 20))
    def insert(self, kind: str, function: str, units: int, where: int) -> None:
        layers = list(self.layers)
        layers.insert(where % (len(layers) + 1), self._new_layer(kind, function, units))
        self._apply(layers)

    @rule(where=st.integers(0, 20))
    def remove(self, where: int) -> None:
        layers = list(self.layers)
        del layers[where % len(layers)]
        self._apply(layers)

    @rule(src=st.integers(0, 20), dst=st.integers(0, 20))
    def reorder(self, src: int, dst: int) -> None:
        layers = list(self.layers)
        layer = layers.pop(src % len(layers))
        layers.insert(dst % (len(layers) + 1), layer)
        self._apply(layers)

    @rule(which=st.integers(0, 20), units=st.sampled_from([1, 2, 3, 4, 5, 64]))
    def resize(self, which: int, units: int) -> None:
        dense = [i for i, c in enumerate(self.layers) if c["type"] == "dense"]
        if dense:
            layers = [dict(c) for c in self.layers]
            layers[dense[which % len(dense)]]["units"] = units
            self._apply(layers)

    @rule(which=st.integers(0, 20), option=st.sampled_from(
        ["enabled", "renorm", "rate", "trainable", "l2", "max_norm", "momentum", "stddev",
         "alpha", "units", "nope"]), value=st.sampled_from([True, False, 0.0, 0.3, 0.99, 1.5,
                                                           -1.0, None, "x", 2.0]))
    def toggle(self, which: int, option: str, value: Any) -> None:
        layer_id = self.layers[which % len(self.layers)]["id"]
        self.attempt(lambda: self.session.set_layer_option(layer_id, **{option: value}))

    # ------------------------------------------------------------------ settings
    @rule(loss=st.sampled_from(LOSSES), data=st.sampled_from([None, *DATASETS]))
    def change_loss(self, loss: Any, data: str | None) -> None:
        self.attempt(lambda: self.session.set_loss(loss, None if data is None else DATASETS[data]))

    @rule(data=st.sampled_from(sorted(DATASETS)))
    def change_data(self, data: str) -> None:
        self.attempt(lambda: self.session.set_data(DATASETS[data]))

    @rule(opt=st.sampled_from(OPTIMIZERS + JUNK))
    def change_optimizer(self, opt: Any) -> None:
        self.attempt(lambda: self.session.set_optimizer(opt))

    @rule(sched=st.sampled_from(SCHEDULES + JUNK))
    def change_schedule(self, sched: Any) -> None:
        self.attempt(lambda: self.session.set_schedule(sched))

    @rule(batch=st.sampled_from([1, 3, 8, 64, "full", 10**9] + JUNK))
    def change_batch(self, batch: Any) -> None:
        self.attempt(lambda: self.session.set_batch_size(batch))

    @rule(lr=st.sampled_from([0.001, 0.1, 2.0] + JUNK))
    def change_lr(self, lr: Any) -> None:
        self.attempt(lambda: self.session.set_learning_rate(lr))

    @rule(every=st.sampled_from([0, 1, 5] + JUNK))
    def change_monitor(self, every: Any) -> None:
        self.attempt(lambda: self.session.set_monitor_every(every))

    @rule(seed=st.sampled_from([None, 0, 7] + JUNK))
    def reset(self, seed: Any) -> None:
        self.attempt(lambda: self.session.reset(seed))

    # ------------------------------------------------------------------ training and reading
    @rule(n=st.sampled_from([1, 2, 5, 13]))
    def step(self, n: int) -> None:
        s = self.session
        self.attempt(lambda: s.run(n))
        snap = s.snapshot()
        assert snap.history_len <= 4096 and len(snap.layers) == len(s.model.layers)

    @rule()
    def epoch(self) -> None:
        self.attempt(self.session.run_epoch)

    @rule(n=st.sampled_from(JUNK))
    def run_junk(self, n: Any) -> None:
        self.attempt(lambda: self.session.run(n))

    @rule(rows=st.sampled_from([0, 1, 7]), width=st.sampled_from([None, 1, 3]),
          mc=st.sampled_from([0, 2, -1, "x", 10**9]), training=st.booleans())
    def predict(self, rows: int, width: int | None, mc: Any, training: bool) -> None:
        s = self.session
        x = np.ones((rows, width or s.model.input_dim))
        self.attempt(lambda: s.predict(x, mc_dropout=mc, training=training), changes=False)

    @rule(x=st.sampled_from(JUNK))
    def predict_junk(self, x: Any) -> None:
        self.attempt(lambda: self.session.predict(x), changes=False)

    @rule(which=st.sampled_from(sorted(DATASETS)))
    def evaluate(self, which: str) -> None:
        d = DATASETS[which]
        self.attempt(lambda: self.session.evaluate(d.x_val, d.y_val), changes=False)

    @rule(change=st.sampled_from(["meta", "weight", "slot", "junk", "none", "pos", "status"]))
    def checkpoint_round_trip(self, change: str) -> None:
        s = self.session
        state = s.state_dict()
        meta = json.loads(str(state["meta.json"]))
        if change == "meta":
            meta["step"] = -5
        elif change == "pos":
            meta["pos"] = s.n + 3
        elif change == "status":
            meta["status"] = {}
        elif change == "weight":
            state["layers.0.kernel"] = np.zeros((1, 1), np.float32)
        elif change == "slot":
            key = next((k for k in state if k.startswith("optimizer.layers")), None)
            if key:
                state[key] = np.full(state[key].shape, np.nan, np.float32)
        elif change == "junk":
            state["junk"] = np.zeros(3)
        state["meta.json"] = np.array(json.dumps(meta))
        ok = self.attempt(lambda: s.load_state_dict(state))
        assert ok == (change in ("none",) or (change == "slot" and not any(
            k.startswith("optimizer.layers") for k in state)))

    @rule(key=st.sampled_from(["layers.0.kernel", "layers.99.bias", "x"]), junk=st.sampled_from(
        [np.zeros((2, 6)), np.full((2, 6), np.nan), "text", None, np.zeros(3, np.int64)]))
    def weights(self, key: str, junk: Any) -> None:
        self.attempt(lambda: self.session.set_weights({key: junk}))
        self.attempt(lambda: self.session.set_weights(junk))

    @invariant()
    def readable(self) -> None:
        s = self.session
        if s is not None:
            json.dumps(json.loads(str(s.state_dict()["meta.json"])))
            s.epoch_metrics()
            s.penalty()


def run(max_examples: int, steps: int) -> SessionMachine:
    """Run the machine; prints one line of counts. Raises on the first broken invariant."""
    from hypothesis.stateful import run_state_machine_as_test
    totals = {"refused": 0, "done": 0}

    class Counting(SessionMachine):
        def teardown(self) -> None:
            totals["refused"] += self.refused
            totals["done"] += self.done

    run_state_machine_as_test(Counting, settings=settings(
        max_examples=max_examples, stateful_step_count=steps, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck), database=None))
    print(f"session machine: {totals['done']} calls done, {totals['refused']} refused "
          f"(BadInput, session unchanged)", flush=True)
    return SessionMachine()


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 20, int(sys.argv[2]) if len(sys.argv) > 2 else 30)
