"""A/B variants of a design (Qt-free): the one change the user wants to compare against.

``VARIANTS`` maps a kind to its choices; :func:`make_variant` returns a changed deep copy and a
short label for it. Layer ids are kept, so unchanged layers share their initial weights.
"""
from __future__ import annotations

import copy
from typing import Any

from engine.errors import BadInput
from playground.tr_marks import QT_TRANSLATE_NOOP  # Qt-free marker for pyside6-lupdate

RELU_FAMILY = ("relu", "leaky_relu", "elu", "selu", "gelu", "swish", "tanh", "sigmoid",
               "softplus", "prelu", "linear")
VARIANTS: dict[str, tuple[Any, ...]] = {
    "duplicate": (None,),
    "batch_norm": (False, True),
    "dropout": (False, True),
    "learning_rate": (0.1, 0.5, 2.0, 10.0),
    "optimizer": ("sgd", "adam", "rmsprop", "adagrad", "nadam", "adamw", "adamax"),
    "activation": RELU_FAMILY,
    "kernel_initializer": ("he_uniform", "glorot_uniform", "he_normal", "glorot_normal",
                           "lecun_normal", "random_normal"),
    "batch_size": (8, 16, 32, 64, 128, "full"),
}
TITLES = {"duplicate": QT_TRANSLATE_NOOP("CompareDialog", "identical copy"), "batch_norm": QT_TRANSLATE_NOOP("CompareDialog", "batch norm enabled"),
          "dropout": QT_TRANSLATE_NOOP("CompareDialog", "dropout enabled"), "learning_rate": QT_TRANSLATE_NOOP("CompareDialog", "learning rate ×"),
          "optimizer": QT_TRANSLATE_NOOP("CompareDialog", "optimiser"), "activation": QT_TRANSLATE_NOOP("CompareDialog", "hidden activation"),
          "kernel_initializer": QT_TRANSLATE_NOOP("CompareDialog", "kernel initialiser"), "batch_size": QT_TRANSLATE_NOOP("CompareDialog", "batch size")}


def _hidden_activations(layers: list[dict]) -> list[dict]:
    """Activation layers except the output's (the last one stays: it fixes the loss)."""
    acts = [cfg for cfg in layers if cfg.get("type") == "activation"]
    return acts[:-1] if acts and layers and layers[-1].get("type") == "activation" else acts


def make_variant(design: dict, kind: str, value: Any) -> tuple[dict, str]:
    """A deep copy of ``design`` with one change, and its label.

    Raises
    ------
    BadInput
        Unknown ``kind``, or the design has nothing this kind could change.
    """
    if kind not in VARIANTS:
        raise BadInput(f"unknown variant {kind!r} (known: {', '.join(VARIANTS)})", "variant")
    d = copy.deepcopy(design)
    layers = d["model"]["layers"]
    if kind == "duplicate":
        return d, "copy"
    if kind in ("batch_norm", "dropout"):
        types = ("batch_norm",) if kind == "batch_norm" else ("dropout", "alpha_dropout")
        hits = [cfg for cfg in layers if cfg.get("type") in types]
        if not hits:
            raise BadInput(f"the design has no {kind.replace('_', ' ')} layer", "variant")
        for cfg in hits:
            cfg["enabled"] = bool(value)
        return d, f"{'BN' if kind == 'batch_norm' else 'dropout'} {'on' if value else 'off'}"
    if kind == "learning_rate":
        lr = float(d["optimizer"].get("learning_rate", 0.01)) * float(value)
        d["optimizer"]["learning_rate"] = lr
        return d, f"lr {lr:g}"
    if kind == "optimizer":
        lr = d["optimizer"].get("learning_rate", 0.01)
        d["optimizer"] = {"type": str(value), "learning_rate": lr}
        return d, str(value)
    if kind == "activation":
        acts = _hidden_activations(layers)
        if not acts:
            raise BadInput("the design has no hidden activation layer", "variant")
        for cfg in acts:
            for key in [k for k in cfg if k not in ("id", "type")]:
                del cfg[key]
            cfg["function"] = str(value)
        return d, str(value)
    if kind == "kernel_initializer":
        dense = [cfg for cfg in layers if cfg.get("type") == "dense"]
        for cfg in dense:
            cfg["kernel_initializer"] = str(value)
        return d, str(value).replace("_uniform", "").replace("_normal", " normal")
    d["training"]["batch_size"] = value
    return d, f"batch {value}"
