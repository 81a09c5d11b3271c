"""Layer base class: Keras life cycle (validate in ``__init__``, ``build``, ``forward``, ``backward``).

Settings are stored under their docs/FORMAT.md JSON keys; ``get_config`` writes every key (``id`` and
``type`` included) and ``from_config`` rejects unknown keys. Weights live in ``self.weights``
(name -> array, docs/FORMAT.md weights names), gradients of trainable weights in ``self.grads``.
"""
from __future__ import annotations

import json
import uuid
from typing import Any, ClassVar

import numpy as np

from engine.errors import BadInput
from engine.validation import config_kwargs

MAX_UNITS = 4096
# Live config keys holding an object: the flat option names set_layer_option takes for its entries.
LIVE_NESTED: dict[str, tuple[str, ...]] = {"kernel_regularizer": ("l1", "l2"),
                                           "kernel_constraint": ("max_norm",),
                                           "renorm_clipping": ("rmax", "dmax")}


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
        kwargs = config_kwargs(cfg, cls.allowed_keys(cfg) if isinstance(cfg, dict) else ())
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
        """Number of weights (state included, as Keras's count_params): batch norm
        (2 + scale + center) x width, layer norm (scale + center) x width."""
        return int(sum(int(np.prod(s)) for s in self.weight_shapes(input_dim).values()))

    def count_trainable(self, input_dim: int) -> int:
        """Number of weights the optimiser updates (0 for a layer that is not trainable)."""
        if not self.trainable_flag:
            return 0
        shapes = self.weight_shapes(input_dim)
        return int(sum(int(np.prod(shapes[n])) for n in self.param_names))

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
