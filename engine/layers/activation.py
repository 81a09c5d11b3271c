"""Activation layer: one elementwise (or softmax) function with its parameters."""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.kernels.cpu import layers_act as K
from engine.kernels.scalar import activations as A
from engine.layers.base import Layer
from engine.validation import check_bool, check_number

ACTIVATION_CODES: dict[str, int] = {
    "linear": A.LINEAR, "relu": A.RELU, "leaky_relu": A.LEAKY_RELU, "prelu": A.PRELU,
    "rrelu": A.RRELU, "elu": A.ELU, "selu": A.SELU, "gelu": A.GELU, "tanh": A.TANH,
    "sigmoid": A.SIGMOID, "softplus": A.SOFTPLUS, "swish": A.SWISH, "softmax": A.SOFTMAX}
# Parameters each function takes, with defaults (JSON keys).
FUNCTION_PARAMS: dict[str, dict[str, Any]] = {
    "leaky_relu": {"alpha": 0.2}, "elu": {"alpha": 1.0}, "prelu": {"alpha": 0.25, "trainable": True},
    "rrelu": {"lower": 1.0 / 8.0, "upper": 1.0 / 3.0}}
RELU_FAMILY = ("relu", "leaky_relu", "prelu", "rrelu", "elu")


class Activation(Layer):
    """Applies ``function``; ``prelu`` learns one slope ``alpha`` per unit (initial ``alpha``)."""

    type_name = "activation"
    code = 1
    config_keys = ("id", "type", "function", "alpha", "lower", "upper", "trainable")
    live_keys = ("alpha", "lower", "upper", "trainable")

    def __init__(self, function: str = None, id: str | None = None, **params: Any) -> None:
        super().__init__(id)
        if function not in ACTIVATION_CODES:
            raise BadInput(f"unknown activation {function!r} (known: {', '.join(ACTIVATION_CODES)})",
                           "function")
        self.function = function
        self.act_code = ACTIVATION_CODES[function]
        defaults = FUNCTION_PARAMS.get(function, {})
        for key in params:
            if key not in defaults:
                allowed = ", ".join(("id", "type", "function", *defaults))
                raise BadInput(f"unknown key {key!r} for function {function!r} (allowed: {allowed})",
                               key)
        p = {**defaults, **params}
        self.alpha = check_number(p["alpha"], "alpha", 0.0) if "alpha" in p else 0.0
        self.lower = check_number(p["lower"], "lower", 0.0, 1.0) if "lower" in p else 0.0
        self.upper = check_number(p["upper"], "upper", 0.0, 1.0) if "upper" in p else 0.0
        if function == "rrelu" and self.upper < self.lower:
            raise BadInput(f"must be >= lower ({self.lower:g}), got {self.upper:g}", "upper")
        self.trainable = check_bool(p.get("trainable", True), "trainable")

    @classmethod
    def allowed_keys(cls, cfg: dict[str, Any]) -> tuple[str, ...]:
        return cls.config_keys

    @property
    def param_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("alpha",) if self.function == "prelu" else ()

    def settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {"function": self.function}
        for key in FUNCTION_PARAMS.get(self.function, {}):
            out[key] = getattr(self, key)
        return out

    @property
    def p1(self) -> float:
        """First scalar parameter for the kernels (alpha, or rrelu's lower)."""
        return self.lower if self.function == "rrelu" else self.alpha

    @property
    def p2(self) -> float:
        """Second scalar parameter (rrelu's upper)."""
        return self.upper

    def weight_shapes(self, input_dim: int) -> dict[str, tuple[int, ...]]:
        return {"alpha": (input_dim,)} if self.function == "prelu" else {}

    def initial_weights(self, input_dim: int, rng: np.random.Generator, dtype) -> dict[str, np.ndarray]:
        if self.function == "prelu":
            return {"alpha": np.full(input_dim, self.alpha, dtype)}
        return {}

    def _alpha(self, dim: int) -> np.ndarray:
        return self.weights["alpha"] if self.function == "prelu" else np.zeros(0, self.dtype)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """y (B, D) = f(x); rrelu slopes from (seed, rng_step, layer key)."""
        from engine.rng import layer_key
        x = self._prep(x)
        y = np.empty_like(x)
        slope = np.empty_like(x) if self.function == "rrelu" else np.empty((0, 0), self.dtype)
        K.act_forward(self.act_code, x.reshape(-1), y.reshape(-1), self._alpha(x.shape[1]), self.p1,
                      self.p2, slope.reshape(-1), bool(training), self.seed, self.rng_step,
                      layer_key(self.id), x.shape[0], x.shape[1])
        self._cache = {"x": x, "y": y, "slope": slope}
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """dx (B, D); PReLU's alpha gradient into ``self.grads['alpha']``."""
        c = self._cache
        g = np.ascontiguousarray(grad_out, self.dtype)
        dx = np.empty_like(g)
        prelu = self.function == "prelu"
        dalpha = self.grads["alpha"] if prelu else np.zeros(0, self.dtype)
        K.act_backward(self.act_code, c["x"].reshape(-1), c["y"].reshape(-1), g.reshape(-1),
                       dx.reshape(-1), self._alpha(g.shape[1]), dalpha, self.p1,
                       c["slope"].reshape(-1), prelu, g.shape[0], g.shape[1])
        return dx
