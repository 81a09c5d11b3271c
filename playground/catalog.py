"""What the palette offers and what the inspector knows about options (Qt-free).

Layer defaults, validation and parameter counts come from the engine's ``LAYERS`` registry
(``from_config`` / ``get_config`` / ``count_params``); this module adds the palette's texts.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from engine.errors import BadInput
from engine.layers import LAYERS, from_config, output_dims_and_params
from engine.optimizers import OPTIMIZERS as ENGINE_OPTIMIZERS
from engine.schedules import SCHEDULES as ENGINE_SCHEDULES
from playground.engine_bridge import design_warnings
from playground.tr_marks import QT_TRANSLATE_NOOP  # Qt-free marker for pyside6-lupdate


MIME_LAYER = "application/x-playground-layer"
MIME_MOVE = "application/x-playground-layer-move"

LAYER_INFO: dict[str, tuple[str, dict]] = {
    "dense": (QT_TRANSLATE_NOOP("Catalog", "Fully connected: y = x @ kernel + bias."),
              {"units": 16, "kernel_initializer": "glorot_uniform"}),
    "batch_norm": (QT_TRANSLATE_NOOP("Catalog", "Normalises each unit over the batch; learns gamma and beta."),
                   {"momentum": 0.99, "renorm": False, "enabled": True}),
    "layer_norm": (QT_TRANSLATE_NOOP("Catalog", "Normalises each sample over its features."), {}),
    "dropout": (QT_TRANSLATE_NOOP("Catalog", "Zeroes a fraction of units while training (inverted scaling)."),
                {"rate": 0.2, "enabled": True}),
    "alpha_dropout": (QT_TRANSLATE_NOOP("Catalog", "Dropout that keeps SELU's mean and variance."), {"rate": 0.1}),
    "gaussian_noise": (QT_TRANSLATE_NOOP("Catalog", "Adds N(0, stddev) noise while training."), {"stddev": 0.1}),
}
ACTIVATION_INFO: dict[str, str] = {
    "linear": QT_TRANSLATE_NOOP("Catalog", "Identity: passes values through unchanged."),
    "relu": QT_TRANSLATE_NOOP("Catalog", "max(0, x): fast, may die when always negative."),
    "leaky_relu": QT_TRANSLATE_NOOP("Catalog", "x, or alpha*x below zero: never quite dead."),
    "prelu": QT_TRANSLATE_NOOP("Catalog", "Leaky ReLU whose slope alpha is learned per unit."),
    "rrelu": QT_TRANSLATE_NOOP("Catalog", "Random leaky slope in training, the mean at inference."),
    "elu": QT_TRANSLATE_NOOP("Catalog", "Smooth exponential below zero, mean closer to 0."),
    "selu": QT_TRANSLATE_NOOP("Catalog", "Self-normalising ELU; pair with lecun_normal."),
    "gelu": QT_TRANSLATE_NOOP("Catalog", "x times the normal CDF of x (smooth ReLU)."),
    "tanh": QT_TRANSLATE_NOOP("Catalog", "Squashes to (-1, 1); saturates for large |x|."),
    "sigmoid": QT_TRANSLATE_NOOP("Catalog", "Squashes to (0, 1); output for binary tasks."),
    "softplus": QT_TRANSLATE_NOOP("Catalog", "log(1 + e^x): a smooth ReLU."),
    "swish": QT_TRANSLATE_NOOP("Catalog", "x * sigmoid(x): smooth, non-monotonic."),
    "softmax": QT_TRANSLATE_NOOP("Catalog", "Class probabilities; last layer only."),
}
INITIALIZERS = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
                "lecun_normal", "random_normal", "random_uniform", "truncated_normal", "zeros",
                "ones"]
OPTIMIZERS = list(ENGINE_OPTIMIZERS)
SCHEDULES = list(ENGINE_SCHEDULES)
DATASETS = ["circle", "xor", "gaussian", "spiral", "moons", "plane", "multi_gaussian", "sine_1d",
            "digits"]
FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]

OPTION_TIPS: dict[str, str] = {
    "units": QT_TRANSLATE_NOOP("Catalog", "Number of output units (neurons) of this layer, 1 to 4096."),
    "kernel_initializer": QT_TRANSLATE_NOOP("Catalog", "How the kernel's initial values are drawn."),
    "bias_initializer": QT_TRANSLATE_NOOP("Catalog", "How the bias starts (usually zeros)."),
    "use_bias": QT_TRANSLATE_NOOP("Catalog", "Add a learned bias to every unit."),
    "kernel_regularizer": QT_TRANSLATE_NOOP("Catalog", "L1/L2 penalty added to the loss for this layer's kernel."),
    "kernel_constraint": QT_TRANSLATE_NOOP("Catalog", "Rescale each unit's incoming weights to at most this norm."),
    "trainable": QT_TRANSLATE_NOOP("Catalog", "Whether the optimiser updates this layer's weights."),
    "momentum": QT_TRANSLATE_NOOP("Catalog", "Weight of the old value in the moving averages (0.9 to 0.999)."),
    "epsilon": QT_TRANSLATE_NOOP("Catalog", "Small constant added to the variance before the square root."),
    "center": QT_TRANSLATE_NOOP("Catalog", "Learn a shift beta after normalising."),
    "scale": QT_TRANSLATE_NOOP("Catalog", "Learn a scale gamma after normalising (off is fine before ReLU)."),
    "renorm": QT_TRANSLATE_NOOP("Catalog", "Batch renormalisation: correct the batch statistics with r and d."),
    "renorm_clipping": QT_TRANSLATE_NOOP("Catalog", "Limits rmax and dmax for renorm's corrections."),
    "renorm_momentum": QT_TRANSLATE_NOOP("Catalog", "Momentum of the moving averages while renorm is on."),
    "enabled": QT_TRANSLATE_NOOP("Catalog", "Switch the layer off (identity) without losing its state."),
    "rate": QT_TRANSLATE_NOOP("Catalog", "Fraction of units dropped while training, in [0, 1)."),
    "stddev": QT_TRANSLATE_NOOP("Catalog", "Standard deviation of the added noise."),
    "function": QT_TRANSLATE_NOOP("Catalog", "The activation function applied element-wise."),
    "alpha": QT_TRANSLATE_NOOP("Catalog", "Slope or scale parameter of the activation."),
    "lower": QT_TRANSLATE_NOOP("Catalog", "Lower bound of the random slope."),
    "upper": QT_TRANSLATE_NOOP("Catalog", "Upper bound of the random slope."),
}


#: options edited with a structured editor (playground.widgets.option_editors)
STRUCTURED = {"kernel_regularizer": "regularizer", "kernel_constraint": "constraint",
              "renorm_clipping": "clipping"}
#: numbers that may be null (off, or "the learning rate")
OPTIONAL_KEYS = ("clipnorm", "clipvalue", "global_clipnorm", "weight_decay", "max_lr",
                 "total_steps", "lr_high", "lr_low")


@dataclass(frozen=True)
class OptionSpec:
    """How the inspector edits one option: ``kind`` is int, float, bool, choice, json, str, or
    a structured one (optional, regularizer, constraint, clipping)."""

    key: str
    kind: str
    choices: tuple[str, ...] = ()
    minimum: float = -1e9
    maximum: float = 1e9
    tip: str = ""


def layer_types() -> list[str]:
    """Layer types for the palette (activation excluded; each function gets its own card)."""
    return list(LAYER_INFO) + [t for t in LAYERS if t not in LAYER_INFO and t != "activation"]


def palette_entries() -> list[tuple[str, str, dict]]:
    """(title, one-line description, layer config) for every palette card."""
    out = [(t, LAYER_INFO.get(t, ("", {}))[0] or f"{t} layer", default_config(t))
           for t in layer_types()]
    out += [(f, ACTIVATION_INFO[f], default_config("activation", f)) for f in ACTIVATION_INFO]
    return out


def default_config(layer_type: str, function: str | None = None) -> dict:
    """A full config for a new layer of that type (no id)."""
    cfg: dict[str, Any] = {"type": layer_type}
    if layer_type == "activation":
        cfg["function"] = function or "relu"
    else:
        cfg.update(copy.deepcopy(LAYER_INFO.get(layer_type, ("", {}))[1]))
    full = normalize_layer(cfg)
    full.pop("id", None)
    return full


def normalize_layer(cfg: dict) -> dict:
    """Validate a layer config with the engine (``from_config(...).get_config()``).

    Raises
    ------
    BadInput
        With the message and the option's key as path.
    """
    return from_config(copy.deepcopy(cfg)).get_config()


def option_spec(key: str, value: Any) -> OptionSpec:
    """The editor for ``key`` given its current value."""
    tip = OPTION_TIPS.get(key, f"The layer's {key.replace('_', ' ')}.")
    if key == "function":
        return OptionSpec(key, "choice", tuple(ACTIVATION_INFO), tip=tip)
    if key.endswith("initializer") and (isinstance(value, str) or value is None):
        return OptionSpec(key, "choice", tuple(INITIALIZERS), tip=tip)
    structured = STRUCTURED.get(key)
    if structured is not None and (value is None or isinstance(value, dict)):
        return OptionSpec(key, structured, tip=tip)
    if key in OPTIONAL_KEYS and (value is None or (isinstance(value, (int, float))
                                                   and not isinstance(value, bool))):
        return OptionSpec(key, "optional", tip=tip)
    if isinstance(value, bool):
        return OptionSpec(key, "bool", tip=tip)
    if isinstance(value, int):
        return OptionSpec(key, "int", minimum=0, maximum=1_000_000, tip=tip)
    if isinstance(value, float):
        return OptionSpec(key, "float", tip=tip)
    if isinstance(value, str):
        return OptionSpec(key, "str", tip=tip)
    return OptionSpec(key, "json", tip=tip)


def layer_params(layer: dict, width: int) -> tuple[int, int, int]:
    """(width out, parameters, trainable parameters) of one layer on ``width`` inputs, as the
    engine's layer class counts them (``Layer.count_params``, Keras's count: BN's moving
    statistics included, gamma/beta only where ``scale``/``center``). A config the engine
    refuses (the stack shows its warning) passes the width on and counts nothing."""
    try:
        obj = from_config(copy.deepcopy(layer))
    except BadInput:
        return width, 0, 0
    [(out, total)] = output_dims_and_params([obj], width)
    shapes = obj.weight_shapes(width)
    trainable = sum(int(np.prod(shapes[n])) for n in obj.param_names) if obj.trainable_flag else 0
    return out, total, trainable


def output_dims(design: dict) -> list[tuple[int, int]]:
    """(width out, parameter count) per layer, inferred from the stack and ``input_dim``."""
    return [(w, total) for w, total, _ in layer_counts(design)]


def layer_counts(design: dict) -> list[tuple[int, int, int]]:
    """(width out, parameters, trainable parameters) per layer."""
    width = int(design.get("model", {}).get("input_dim", 2) or 0)
    out = []
    for layer in design.get("model", {}).get("layers", []):
        width, total, trainable = layer_params(layer, width)
        out.append((width, total, trainable))
    return out


def stack_warnings(design: dict) -> dict[int, str]:
    """Per-layer warnings for an invalid or dubious stack (index -> text)."""
    layers = design.get("model", {}).get("layers", [])
    warn: dict[int, str] = {}
    for i, layer in enumerate(layers):
        if layer.get("type") == "activation" and layer.get("function") == "softmax" \
                and i != len(layers) - 1:
            warn[i] = "softmax must be the last layer"
    if not any(l.get("type") == "dense" for l in layers):
        warn[-1] = "the model has no dense layer"
    for text in design_warnings(design):
        m = re.match(r"model\.layers\[(\d+)\]:\s*(.*)", text)
        idx, msg = (int(m.group(1)), m.group(2)) if m else (-1, text)
        if idx in warn and idx >= 0:
            continue
        warn[idx] = msg if idx not in warn else warn[idx] + "; " + msg
    return warn


#: rough cost of one training step with every monitor on (measured on a 2-core laptop CPU,
#: engine of 2026-12, within about 3x from 500 to 17 million parameters): seconds per step
STEP_S_FIXED = 1e-5
STEP_S_PER_PARAM = 5e-8
STEP_S_PER_PARAM_SAMPLE = 2e-10
CRAWL_STEPS_PER_S = 5.0  # slower than this: the stack warns before training starts


def _batch(design: dict) -> int:
    batch = design.get("training", {}).get("batch_size", 32)
    return batch if isinstance(batch, int) and not isinstance(batch, bool) else 256


def estimate_steps_per_s(design: dict) -> float:
    """Training steps a second to expect for ``design`` (a rough figure for the stack's cost
    line: parameters and batch size decide it)."""
    params = sum(total for _, total, _ in layer_counts(design))
    return 1.0 / (STEP_S_FIXED + params * (STEP_S_PER_PARAM
                                           + STEP_S_PER_PARAM_SAMPLE * _batch(design)))


def cost_text(design: dict, tr: Callable[[str], str] = str) -> tuple[str, bool]:
    """("N parameters · about R steps/s expected", crawls) for the stack's cost line; ``tr``
    translates its sentences (Qt's ``translate`` in the app)."""
    params = sum(total for _, total, _ in layer_counts(design))
    rate = estimate_steps_per_s(design)
    if rate > 10_000:
        speed = tr(QT_TRANSLATE_NOOP("Catalog", "over 10,000"))
    else:
        speed = tr(QT_TRANSLATE_NOOP("Catalog", "about {0}")).format(
            f"{rate:,.0f}" if rate >= 10 else f"{rate:.1f}")
    text = tr(QT_TRANSLATE_NOOP("Catalog", "{0:,} parameters · {1} steps/s expected")).format(
        params, speed)
    crawls = rate < CRAWL_STEPS_PER_S
    if crawls:
        text = "⚠ " + tr(QT_TRANSLATE_NOOP("Catalog", "{0}: training will crawl ({1:,.0f} s for 100 "
                                                     "steps); fewer units or layers train "
                                                     "faster")).format(text, 100 / rate)
    return text, crawls


def has_dropout(design: dict | None) -> bool:
    """True when the design has an enabled dropout layer with a rate above zero."""
    layers = ((design or {}).get("model") or {}).get("layers") or []
    return any(isinstance(l, dict) and l.get("type") in ("dropout", "alpha_dropout")
               and l.get("enabled", True) and float(l.get("rate") or 0.0) > 0.0 for l in layers)
