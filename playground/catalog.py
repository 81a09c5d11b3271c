"""What the palette offers and what the inspector knows about options (Qt-free).

Layer defaults and validation come from the engine's ``LAYERS`` registry (``from_config`` /
``get_config``) when it is importable; a small built-in table keeps the app usable without it.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class OptionSpec:
    """How the inspector edits one option: ``kind`` is int, float, bool, choice, json or str."""

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
    if isinstance(value, bool):
        return OptionSpec(key, "bool", tip=tip)
    if isinstance(value, int):
        return OptionSpec(key, "int", minimum=0, maximum=1_000_000, tip=tip)
    if isinstance(value, float):
        return OptionSpec(key, "float", tip=tip)
    if isinstance(value, str):
        return OptionSpec(key, "str", tip=tip)
    return OptionSpec(key, "json", tip=tip)


def output_dims(design: dict) -> list[tuple[int, int]]:
    """(width out, parameter count) per layer, inferred from the stack and ``input_dim``."""
    width = int(design.get("model", {}).get("input_dim", 2) or 0)
    out = []
    for layer in design.get("model", {}).get("layers", []):
        t = layer.get("type")
        params = 0
        if t == "dense":
            units = int(layer.get("units", 1) or 0)
            params = width * units + (units if layer.get("use_bias", True) else 0)
            width = units
        elif t == "batch_norm":
            params = 4 * width
        elif t == "layer_norm":
            params = 2 * width
        elif t == "activation" and layer.get("function") == "prelu":
            params = width
        out.append((width, params))
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
