"""Layer base class: Keras life cycle (validate in ``__init__``, ``build``, ``forward``, ``backward``).

Settings are stored under their docs/FORMAT.md JSON keys; ``get_config`` writes every key (``id`` and
``type`` included) and ``from_config`` rejects unknown keys. Weights live in ``self.weights``
(name -> array, docs/FORMAT.md weights names), gradients of trainable weights in ``self.grads``.
"""
from __future__ import annotations

import json
import math
import uuid
from typing import Any, ClassVar

import numpy as np

from engine.errors import BadInput

MAX_UNITS = 4096
# Live config keys holding an object: the flat option names set_layer_option takes for its entries.
LIVE_NESTED: dict[str, tuple[str, ...]] = {"kernel_regularizer": ("l1", "l2"),
                                           "kernel_constraint": ("max_norm",),
                                           "renorm_clipping": ("rmax", "dmax")}


def type_label(value: Any) -> str:
    """JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def check_bool(value: Any, path: str) -> bool:
    """``value`` if it is a boolean, else BadInput."""
    if not isinstance(value, (bool, np.bool_)):
        raise BadInput(f"must be true or false, got {type_label(value)} {value!r}", path)
    return bool(value)


def check_int(value: Any, path: str, lo: int, hi: int) -> int:
    """An integer in [lo, hi] (booleans and non-integral numbers refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        if not (isinstance(value, float) and value.is_integer()):
            raise BadInput(f"must be an integer in [{lo}, {hi}], got {type_label(value)} {value!r}",
                           path)
    value = int(value)
    if not lo <= value <= hi:
        raise BadInput(f"must be in [{lo}, {hi}], got {value}", path)
    return value


def check_float(value: Any, path: str, lo: float = -math.inf, hi: float = math.inf,
                hi_open: bool = False, lo_open: bool = False) -> float:
    """A finite number in the interval (brackets as given), returned as float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise BadInput(f"must be a number, got {type_label(value)} {value!r}", path)
    value = float(value)
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    ok = math.isfinite(value) and (value > lo if lo_open else value >= lo) and (
        value < hi if hi_open else value <= hi)
    if not ok:
        raise BadInput(f"must be in {left}{lo:g}, {hi:g}{right}, got {value:g}", path)
    return value


def check_object(value: Any, path: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """A JSON object with keys from ``defaults`` (missing ones filled); null gives the defaults."""
    if value is None:
        return dict(defaults)
    if not isinstance(value, dict):
        raise BadInput(f"must be an object, got {type_label(value)}", path)
    for key in value:
        if key not in defaults:
            raise BadInput(f"unknown key {key!r} (allowed: {', '.join(defaults)})", f"{path}.{key}")
    return {**defaults, **value}


def check_id(value: Any) -> str | None:
    """A layer id: a non-empty string of at most 64 characters, or None (generated)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 64:
        raise BadInput(f"must be a non-empty string of at most 64 characters, got {value!r}", "id")
    return value


class Layer:
    """Base class of all layers.

    Subclasses set ``type_name``, ``code`` (the program's layer code), ``config_keys`` and
    ``live_keys`` (the config keys that may change between training steps with the weights kept;
    every other key is structural) and implement ``settings`` and the compute methods.
    """

    type_name: ClassVar[str] = ""
    code: ClassVar[int] = -1
    config_keys: ClassVar[tuple[str, ...]] = ("id", "type")
    live_keys: ClassVar[tuple[str, ...]] = ()
    param_names: tuple[str, ...] = ()
    state_names: tuple[str, ...] = ()

    def __init__(self, id: str | None = None) -> None:
        self.id = check_id(id)
        self.auto_id = self.id is None
        if self.id is None:
            self.id = f"{self.type_name}_{uuid.uuid4().hex[:6]}"
        self.input_dim: int | None = None
        self.output_dim: int | None = None
        self.weights: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.dtype = np.dtype(np.float32)
        self.seed = 0
        self.rng_step = 0
        self._cache: dict[str, Any] = {}

    # configuration -------------------------------------------------------------------------
    def settings(self) -> dict[str, Any]:
        """Every config key except ``id`` and ``type``, JSON-safe."""
        return {}

    def get_config(self) -> dict[str, Any]:
        """Every key of this layer's JSON form, ``id`` and ``type`` included."""
        return {"id": self.id, "type": self.type_name, **json.loads(json.dumps(self.settings()))}

    @classmethod
    def allowed_keys(cls, cfg: dict[str, Any]) -> tuple[str, ...]:
        """Keys accepted in ``cfg`` (activation narrows them by function)."""
        return cls.config_keys

    @classmethod
    def live_options(cls) -> tuple[str, ...]:
        """Keywords ``TrainingSession.set_layer_option`` takes for this type: the live keys, with
        the object-valued ones (LIVE_NESTED) replaced by their entries (``l1``, ``max_norm`` ...)."""
        out: list[str] = []
        for key in cls.live_keys:
            out.extend(LIVE_NESTED.get(key, (key,)))
        return tuple(out)

    @classmethod
    def option_path(cls, option: str) -> tuple[str, str | None]:
        """(config key, entry or None) that the live ``option`` changes; BadInput at ``option``
        for a structural key or one this type does not have."""
        for key in cls.live_keys:
            if option == key and key not in LIVE_NESTED:
                return key, None
            if option in LIVE_NESTED.get(key, ()):
                return key, option
        if option in cls.config_keys:
            raise BadInput("changes the layer's weights; use apply_model", option)
        raise BadInput(f"not an option of a {cls.type_name} layer", option)

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> "Layer":
        """Build from a config dict; unknown keys are BadInput naming them."""
        if not isinstance(cfg, dict):
            raise BadInput(f"must be an object, got {type_label(cfg)}")
        allowed = cls.allowed_keys(cfg)
        for key in cfg:
            if key not in allowed:
                raise BadInput(f"unknown key {key!r} (allowed: {', '.join(allowed)})", str(key))
        kwargs = {k: v for k, v in cfg.items() if k != "type"}
        if cfg.get("type", cls.type_name) != cls.type_name:
            raise BadInput(f"expected type {cls.type_name!r}, got {cfg.get('type')!r}", "type")
        return cls(**kwargs)

    def __repr__(self) -> str:
        opts = ", ".join(f"{k}={v!r}" for k, v in self.settings().items())
        return f"{type(self).__name__}(id={self.id!r}, {opts})"

    # life cycle ----------------------------------------------------------------------------
    def output_dim_for(self, input_dim: int) -> int:
        """Width of the output for an input of width ``input_dim``."""
        return input_dim

    def weight_shapes(self, input_dim: int) -> dict[str, tuple[int, ...]]:
        """Shapes of all weights (params then state) for ``input_dim``, in docs/FORMAT.md order."""
        return {}

    def initial_weights(self, input_dim: int, rng: np.random.Generator, dtype) -> dict[str, np.ndarray]:
        """Fresh weights drawn from ``rng`` (the layer's own stream)."""
        return {n: np.zeros(s, dtype) for n, s in self.weight_shapes(input_dim).items()}

    def build(self, input_dim: int, rng: np.random.Generator | None = None,
              dtype=np.float32) -> "Layer":
        """Allocate weights for inputs of width ``input_dim``."""
        from engine.rng import stream
        self.dtype = np.dtype(dtype)
        self.input_dim = int(input_dim)
        self.output_dim = self.output_dim_for(self.input_dim)
        rng = rng if rng is not None else stream(0, "layer", self.id)
        self.weights = {k: np.ascontiguousarray(v, self.dtype)
                        for k, v in self.initial_weights(self.input_dim, rng, self.dtype).items()}
        self.grads = {n: np.zeros_like(self.weights[n]) for n in self.param_names}
        return self

    def count_params(self, input_dim: int) -> int:
        """Number of weights (state included, as Keras's count_params)."""
        return int(sum(int(np.prod(s)) for s in self.weight_shapes(input_dim).values()))

    @property
    def trainable_flag(self) -> bool:
        """Whether the optimiser updates this layer's params."""
        return bool(getattr(self, "trainable", True))

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Output (B, out) for input ``x`` (B, in)."""
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """Input gradient (B, in) for ``grad_out`` (B, out); fills ``self.grads``."""
        raise NotImplementedError

    def _prep(self, x: np.ndarray) -> np.ndarray:
        if self.input_dim is None:
            self.build(x.shape[1], dtype=x.dtype)
        return np.ascontiguousarray(x, dtype=self.dtype)
