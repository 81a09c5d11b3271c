"""Dense layer: ``y = x @ kernel + bias`` with kernel (in, out)."""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.kernels.cpu.layers_dense import dense_backward, dense_forward
from engine.layers.base import MAX_UNITS, Layer
from engine.validation import check_bool, check_int, check_number, check_object
from engine.initializers import Initializer, get_initializer


def get_init(cfg: Any, path: str) -> Initializer:
    """The initialiser for a name or config object; a bad one is BadInput at ``path``."""
    try:
        return get_initializer(cfg)
    except BadInput as err:
        raise err.at(path) from err


def _full_init_config(cfg: Any, init: Any) -> Any:
    """The initialiser as it is saved: a bare name stays a name, an object gets every parameter."""
    if isinstance(cfg, dict) and hasattr(init, "get_config"):
        return init.get_config()
    return cfg


class Dense(Layer):
    """Fully connected layer with optional bias, l1/l2 kernel penalties and a max-norm constraint."""

    type_name = "dense"
    code = 0
    config_keys = ("id", "type", "units", "use_bias", "kernel_initializer", "bias_initializer",
                   "kernel_regularizer", "kernel_constraint", "trainable")
    live_keys = ("kernel_regularizer", "kernel_constraint", "trainable")

    def __init__(self, units: int = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: dict | None = None, kernel_constraint: dict | None = None,
                 trainable: bool = True, id: str | None = None) -> None:
        super().__init__(id)
        if units is None:
            raise BadInput("is required (an integer in [1, 4096])", "units")
        self.units = check_int(units, "units", 1, MAX_UNITS, whole_floats=True)
        self.use_bias = check_bool(use_bias, "use_bias")
        self._kernel_init = get_init(kernel_initializer, "kernel_initializer")
        self._bias_init = get_init(bias_initializer, "bias_initializer")
        # Names stay names; objects are written in full (every parameter), as saving writes every key.
        self.kernel_initializer = _full_init_config(kernel_initializer, self._kernel_init)
        self.bias_initializer = _full_init_config(bias_initializer, self._bias_init)
        reg = check_object(kernel_regularizer, "kernel_regularizer", {"l1": 0.0, "l2": 0.0})
        self.l1 = check_number(0.0 if reg["l1"] is None else reg["l1"], "kernel_regularizer.l1", 0.0)
        self.l2 = check_number(0.0 if reg["l2"] is None else reg["l2"], "kernel_regularizer.l2", 0.0)
        con = check_object(kernel_constraint, "kernel_constraint", {"max_norm": None})
        self.max_norm = None if con["max_norm"] is None else check_number(
            con["max_norm"], "kernel_constraint.max_norm", 0.0, lo_open=True)
        self.trainable = check_bool(trainable, "trainable")

    @property
    def param_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("kernel", "bias") if self.use_bias else ("kernel",)

    def settings(self) -> dict[str, Any]:
        return {"units": self.units, "use_bias": self.use_bias,
                "kernel_initializer": self.kernel_initializer,
                "bias_initializer": self.bias_initializer,
                "kernel_regularizer": {"l1": self.l1, "l2": self.l2},
                "kernel_constraint": {"max_norm": self.max_norm}, "trainable": self.trainable}

    def output_dim_for(self, input_dim: int) -> int:
        return self.units

    def weight_shapes(self, input_dim: int) -> dict[str, tuple[int, ...]]:
        shapes = {"kernel": (input_dim, self.units)}
        if self.use_bias:
            shapes["bias"] = (self.units,)
        return shapes

    def initial_weights(self, input_dim: int, rng: np.random.Generator, dtype) -> dict[str, np.ndarray]:
        out = {"kernel": self._kernel_init((input_dim, self.units), rng, dtype)}
        if self.use_bias:
            out["bias"] = self._bias_init((self.units,), rng, dtype)
        return out

    def penalty(self) -> float:
        """l1 * sum|w| + l2 * sum w**2 of the kernel."""
        w = self.weights["kernel"].astype(np.float64)
        return float(self.l1 * np.abs(w).sum() + self.l2 * (w * w).sum())

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """y (B, units) = x (B, in) @ kernel + bias."""
        x = self._prep(x)
        y = np.empty((x.shape[0], self.units), self.dtype)
        dense_forward(x.reshape(-1), self.weights["kernel"].reshape(-1), self._bias(), self.use_bias,
                      y.reshape(-1), x.shape[0], self.input_dim, self.units)
        self._cache = {"x": x}
        return y

    def _bias(self) -> np.ndarray:
        return self.weights["bias"] if self.use_bias else np.zeros(self.units, self.dtype)

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Input gradient; kernel/bias gradients (without penalties) into ``self.grads``."""
        x = self._cache["x"]
        g = np.ascontiguousarray(grad_out, self.dtype)
        dx = np.empty_like(x)
        db = self.grads["bias"] if self.use_bias else np.zeros(self.units, self.dtype)
        dense_backward(x.reshape(-1), self.weights["kernel"].reshape(-1), g.reshape(-1),
                       dx.reshape(-1), self.grads["kernel"].reshape(-1), db, self.use_bias, True,
                       x.shape[0], self.input_dim, self.units)
        return dx
