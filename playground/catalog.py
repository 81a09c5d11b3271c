"""What the palette offers and what the inspector knows about options (Qt-free).

Layer defaults and validation come from the engine's ``LAYERS`` registry (``from_config`` /
``get_config``) when it is importable; a small built-in table keeps the app usable without it.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import BadInput

MIME_LAYER = "application/x-playground-layer"
MIME_MOVE = "application/x-playground-layer-move"

LAYER_INFO: dict[str, tuple[str, dict]] = {
    "dense": ("Fully connected: y = x @ kernel + bias.",
              {"units": 16, "kernel_initializer": "glorot_uniform"}),
    "batch_norm": ("Normalises each unit over the batch; learns gamma and beta.",
                   {"momentum": 0.99, "renorm": False, "enabled": True}),
    "layer_norm": ("Normalises each sample over its features.", {}),
    "dropout": ("Zeroes a fraction of units while training (inverted scaling).",
                {"rate": 0.2, "enabled": True}),
    "alpha_dropout": ("Dropout that keeps SELU's mean and variance.", {"rate": 0.1}),
    "gaussian_noise": ("Adds N(0, stddev) noise while training.", {"stddev": 0.1}),
}
ACTIVATION_INFO: dict[str, str] = {
    "linear": "Identity: passes values through unchanged.",
    "relu": "max(0, x): fast, may die when always negative.",
    "leaky_relu": "x, or alpha*x below zero: never quite dead.",
    "prelu": "Leaky ReLU whose slope alpha is learned per unit.",
    "rrelu": "Random leaky slope in training, the mean at inference.",
    "elu": "Smooth exponential below zero, mean closer to 0.",
    "selu": "Self-normalising ELU; pair with lecun_normal.",
    "gelu": "x times the normal CDF of x (smooth ReLU).",
    "tanh": "Squashes to (-1, 1); saturates for large |x|.",
    "sigmoid": "Squashes to (0, 1); output for binary tasks.",
    "softplus": "log(1 + e^x): a smooth ReLU.",
    "swish": "x * sigmoid(x): smooth, non-monotonic.",
    "softmax": "Class probabilities; last layer only.",
}
INITIALIZERS = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
                "lecun_normal", "random_normal", "random_uniform", "truncated_normal", "zeros",
                "ones"]
OPTIMIZERS = ["sgd", "adagrad", "rmsprop", "adam", "adamax", "nadam", "adamw"]
SCHEDULES = ["constant", "power", "exponential", "piecewise_constant", "reduce_on_plateau",
             "one_cycle", "linear"]
LOSSES = ["mse", "mae", "binary_crossentropy", "categorical_crossentropy",
          "sparse_categorical_crossentropy"]
DATASETS = ["circle", "xor", "gaussian", "spiral", "moons", "plane", "multi_gaussian", "sine_1d",
            "digits"]
FEATURES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]

OPTION_TIPS: dict[str, str] = {
    "units": "Number of output units (neurons) of this layer, 1 to 4096.",
    "kernel_initializer": "How the kernel's initial values are drawn.",
    "bias_initializer": "How the bias starts (usually zeros).",
    "use_bias": "Add a learned bias to every unit.",
    "kernel_regularizer": "L1/L2 penalty added to the loss for this layer's kernel.",
    "kernel_constraint": "Rescale each unit's incoming weights to at most this norm.",
    "trainable": "Whether the optimiser updates this layer's weights.",
    "momentum": "Weight of the old value in the moving averages (0.9 to 0.999).",
    "epsilon": "Small constant added to the variance before the square root.",
    "center": "Learn a shift beta after normalising.",
    "scale": "Learn a scale gamma after normalising (off is fine before ReLU).",
    "renorm": "Batch renormalisation: correct the batch statistics with r and d.",
    "renorm_clipping": "Limits rmax and dmax for renorm's corrections.",
    "renorm_momentum": "Momentum of the moving averages while renorm is on.",
    "enabled": "Switch the layer off (identity) without losing its state.",
    "rate": "Fraction of units dropped while training, in [0, 1).",
    "stddev": "Standard deviation of the added noise.",
    "function": "The activation function applied element-wise.",
    "alpha": "Slope or scale parameter of the activation.",
    "lower": "Lower bound of the random slope.",
    "upper": "Upper bound of the random slope.",
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


def _layers_registry() -> dict | None:
    try:
        from engine.layers import LAYERS  # type: ignore
    except Exception:  # noqa: BLE001 - the engine may not be there yet
        return None
    return LAYERS


def layer_types() -> list[str]:
    """Layer types for the palette (activation excluded; each function gets its own card)."""
    reg = _layers_registry()
    types = list(LAYER_INFO)
    if reg:
        types += [t for t in reg if t not in types and t != "activation"]
    return types


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
    try:
        full = normalize_layer(cfg)
    except BadInput:
        return cfg
    full.pop("id", None)
    return full


def normalize_layer(cfg: dict) -> dict:
    """Validate a layer config with the engine (``from_config(...).get_config()``).

    Raises
    ------
    BadInput
        With the message and the option's key as path.
    """
    reg = _layers_registry()
    layer_type = cfg.get("type")
    if reg is not None:
        cls = reg.get(layer_type)
        if cls is None:
            raise BadInput(f"unknown layer type {layer_type!r} (known: {', '.join(reg)})", "type")
        return cls.from_config(copy.deepcopy(cfg)).get_config()
    return _fallback_validate(cfg)


def _fallback_validate(cfg: dict) -> dict:
    if "units" in cfg:
        u = cfg["units"]
        if not isinstance(u, int) or isinstance(u, bool) or not 1 <= u <= 4096:
            raise BadInput(f"must be an integer in 1..4096, got {u!r}", "units")
    for key in ("rate",):
        if key in cfg and not (isinstance(cfg[key], (int, float)) and 0 <= cfg[key] < 1):
            raise BadInput(f"must be in [0, 1), got {cfg[key]!r}", key)
    if cfg.get("type") == "activation" and cfg.get("function") not in ACTIVATION_INFO:
        raise BadInput(f"unknown activation {cfg.get('function')!r}", "function")
    return copy.deepcopy(cfg)


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
    engine's layer class counts them (Keras's count_params: BN's moving statistics included,
    gamma/beta only where ``scale``/``center``); a formula when the config does not validate."""
    try:
        from engine.layers import LAYERS
        layer_obj = LAYERS[layer.get("type")].from_config(copy.deepcopy(layer))
        shapes = layer_obj.weight_shapes(width)
        total = int(sum(int(np.prod(s)) for s in shapes.values()))
        trainable = int(sum(int(np.prod(shapes[n])) for n in layer_obj.param_names))
        if layer.get("trainable") is False:
            trainable = 0
        return int(layer_obj.output_dim_for(width)), total, trainable
    except Exception:  # noqa: BLE001 - an invalid or incomplete config: count by formula
        return _formula_params(layer, width)


def _formula_params(layer: dict, width: int) -> tuple[int, int, int]:
    t = layer.get("type")
    gb = int(layer.get("scale", True) is not False) + int(layer.get("center", True) is not False)
    if t == "dense":
        units = int(layer.get("units", 1) or 0)
        params = width * units + (units if layer.get("use_bias", True) else 0)
        return units, params, params
    if t == "batch_norm":
        return width, (2 + gb) * width, gb * width
    if t == "layer_norm":
        return width, gb * width, gb * width
    if t == "activation" and layer.get("function") == "prelu":
        return width, width, width
    return width, 0, 0


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
    for text in _engine_warnings(design):
        m = re.match(r"model\.layers\[(\d+)\]:\s*(.*)", text)
        idx, msg = (int(m.group(1)), m.group(2)) if m else (-1, text)
        if idx in warn and idx >= 0:
            continue
        warn[idx] = msg if idx not in warn else warn[idx] + "; " + msg
    return warn


def _engine_warnings(design: dict) -> list[str]:
    try:
        from engine.design import design_warnings
        return [str(w) for w in design_warnings(design)]
    except Exception:  # noqa: BLE001 - optional engine helper; an incomplete design may confuse it
        return []


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


def cost_text(design: dict) -> tuple[str, bool]:
    """("N parameters · about R steps/s expected", crawls) for the stack's cost line."""
    params = sum(total for _, total, _ in layer_counts(design))
    rate = estimate_steps_per_s(design)
    if rate > 10_000:
        speed = "over 10,000"
    else:
        speed = f"about {rate:,.0f}" if rate >= 10 else f"about {rate:.1f}"
    text = f"{params:,} parameters · {speed} steps/s expected"
    crawls = rate < CRAWL_STEPS_PER_S
    if crawls:
        text = (f"⚠ {text}: training will crawl ({100 / rate:,.0f} s for 100 steps); "
                "fewer units or layers train faster")
    return text, crawls


def has_dropout(design: dict | None) -> bool:
    """True when the design has an enabled dropout layer with a rate above zero."""
    layers = ((design or {}).get("model") or {}).get("layers") or []
    return any(isinstance(l, dict) and l.get("type") in ("dropout", "alpha_dropout")
               and l.get("enabled", True) and float(l.get("rate") or 0.0) > 0.0 for l in layers)
