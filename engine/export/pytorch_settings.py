"""Optimiser, schedule and class-weight settings of an exported PyTorch script.

The generated script's optimiser and schedule classes (``engine/export/templates/pytorch_optim.py``) take
the design file's keys as keyword arguments, so the design's sections are written out as calls.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import BadInput

OPTIMIZER_CLASSES = {"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam",
                     "adamax": "Adamax", "nadam": "Nadam", "adamw": "AdamW"}
# Keyword arguments each optimiser class of the script accepts (Keras 3 names).
BASE_OPTIMIZER_KEYS = ("learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm")
OPTIMIZER_KEYS = {
    "SGD": ("momentum", "nesterov"),
    "Adagrad": ("initial_accumulator_value", "epsilon"),
    "RMSprop": ("rho", "momentum", "epsilon", "centered"),
    "Adam": ("beta_1", "beta_2", "epsilon", "amsgrad"),
    "AdamW": ("beta_1", "beta_2", "epsilon", "amsgrad"),
    "Adamax": ("beta_1", "beta_2", "epsilon"),
    "Nadam": ("beta_1", "beta_2", "epsilon"),
}
SCHEDULE_CLASSES = {"constant": "Schedule", "power": "PowerSchedule",
                    "exponential": "ExponentialSchedule",
                    "piecewise_constant": "PiecewiseConstantSchedule",
                    "reduce_on_plateau": "ReduceOnPlateau", "one_cycle": "OneCycleSchedule",
                    "linear": "LinearSchedule"}
SCHEDULE_KEYS = {
    "Schedule": (),
    "PowerSchedule": ("s", "c"),
    "ExponentialSchedule": ("s",),
    "PiecewiseConstantSchedule": ("boundaries", "values"),
    "ReduceOnPlateau": ("factor", "patience", "min_lr", "monitor", "min_delta", "cooldown"),
    "OneCycleSchedule": ("max_lr", "total_steps", "start_factor", "final_factor",
                         "max_momentum", "min_momentum"),
    "LinearSchedule": ("lr_high", "lr_low", "t_max"),
}


def _kwargs(cfg: dict[str, Any], keys: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """(``key=value`` strings for the keys the script knows, the other keys' names)."""
    given, unused = [], []
    for key, value in cfg.items():
        if key == "type":
            continue
        if key not in keys:
            unused.append(key)
        elif value is not None:
            given.append(f"{key}={value!r}")
    return given, unused


def optimizer_call(cfg: dict[str, Any], class_name: str | None) -> str:
    """``def make_optimizer(params)`` building the script's optimiser with the design's values."""
    if class_name is None:
        raise BadInput(f"cannot export optimizer {cfg.get('type')!r} (known: "
                       f"{', '.join(OPTIMIZER_CLASSES)})", "optimizer.type")
    keys = BASE_OPTIMIZER_KEYS + OPTIMIZER_KEYS[class_name]
    given, unused = _kwargs(cfg, keys)
    if unused:
        raise BadInput(f"cannot export optimizer option(s) {', '.join(unused)}", f"optimizer.{unused[0]}")
    args = ",\n        ".join(["params", *given])
    return (f"def make_optimizer(params: list) -> KerasOptimizer:\n"
            f'    """The design\'s {cfg.get("type")} optimiser over the trainable parameters."""\n'
            f"    return {class_name}(\n        {args})")


def momentum_value(opt_cfg: dict[str, Any]) -> float:
    """The optimiser's configured momentum (sgd, rmsprop) or beta_1 (Adam family), as the engine's
    ``Optimizer.momentum_value()``: what 1cycle may cycle."""
    kind = opt_cfg.get("type")
    if kind in ("sgd", "rmsprop"):
        return float(opt_cfg.get("momentum") or 0.0)
    if kind == "adagrad":
        return 0.0
    return float(opt_cfg.get("beta_1", 0.9))


def schedule_call(cfg: dict[str, Any], class_name: str | None, lr0: float,
                  mom0: float = 0.0) -> str:
    """``def make_schedule()`` building the script's schedule (``lr0``: the optimiser's rate,
    ``mom0``: its momentum or beta_1, which 1cycle cycles when > 0)."""
    if class_name is None:
        raise BadInput(f"cannot export schedule {cfg.get('type')!r} (known: "
                       f"{', '.join(SCHEDULE_CLASSES)})", "schedule.type")
    given, unused = _kwargs(cfg, SCHEDULE_KEYS[class_name])
    if unused:
        raise BadInput(f"cannot export schedule option(s) {', '.join(unused)}", f"schedule.{unused[0]}")
    first = [f"lr0={lr0!r}"] + ([f"mom0={mom0!r}"] if class_name == "OneCycleSchedule" else [])
    args = ", ".join([*first, *given])
    return (f"def make_schedule() -> Schedule:\n"
            f'    """The design\'s {cfg.get("type")} schedule; lr0 is the optimiser\'s learning rate."""\n'
            f"    return {class_name}({args})")


def class_weight_table(loss_cfg: dict[str, Any], y_train: np.ndarray) -> list[float] | None:
    """Per-class weights (index = class) for the design's ``class_weight``, as the engine fits them.

    ``"balanced"``: ``n / (C * n_c)`` over the C classes present in ``y_train``; a dict
    ``{"1": 19.0}``: those weights, 1 for the other classes; None: no class weights.
    """
    spec = loss_cfg.get("class_weight")
    if spec is None:
        return None
    try:
        from engine.losses import LOSSES
        loss = LOSSES[loss_cfg.get("type", "mse")](class_weight=spec)
        table = loss.fit_class_weights(np.asarray(y_train, dtype=np.float64))
        return None if table is None else [float(w) for w in table]
    except ImportError:  # pragma: no cover - the engine's losses are part of the package
        pass
    y = np.asarray(y_train, dtype=np.float64).reshape(len(y_train), -1)
    cls = (np.maximum(np.rint(y[:, 0]), 0) if y.shape[1] == 1 else np.argmax(y, 1)).astype(int)
    table = np.ones(int(cls.max()) + 1 if cls.size else 1)
    if spec == "balanced":
        counts = np.bincount(cls, minlength=table.size).astype(np.float64)
        present = counts > 0
        table[present] = cls.size / (present.sum() * counts[present])
    else:
        for key, w in dict(spec).items():
            c = int(key)
            if c >= table.size:
                table = np.concatenate([table, np.ones(c + 1 - table.size)])
            table[c] = float(w)
    return [float(w) for w in table]
