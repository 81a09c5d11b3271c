"""Optimisers (Keras 3 names, defaults and update rules): config classes over the numba kernels.

Registry ``OPTIMIZERS``: sgd, adagrad, rmsprop, adam, adamax, nadam, adamw. The update formulas are
docs/NUMERICS.md; the kernels live in ``engine/kernels/cpu/optim.py``.
Every optimiser also takes Keras 3's base arguments ``weight_decay`` (decoupled, ``w -= w*wd*lr``
before the update, on every trainable parameter), ``clipnorm``, ``clipvalue``, ``global_clipnorm``
(at most one of the three, as Keras).
"""
from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from engine.errors import BadInput
from engine.kernels.cpu import optim as K
from engine.registry import Configurable, Registry
from engine.validation import check_bool, non_negative, optional_positive, positive, rate

_DEFAULT: Any = object()  # "use the class default" (adamw: 0.004, others: None)
BASE_KEYS = ("learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm")


class OptimizerState:
    """Training state of an optimiser: slots per parameter key, iterations, scalar state (float64[4])."""

    def __init__(self, slots: dict[str, dict[str, np.ndarray]], ostate: np.ndarray, iterations: int = 0):
        self.slots = slots
        self.ostate = ostate
        self.iterations = int(iterations)

    def __repr__(self) -> str:
        return f"OptimizerState(params={len(self.slots)}, iterations={self.iterations})"


class Optimizer(Configurable):
    """Base class: validation, config round trip, clipping, and a Python driver over the kernels."""

    type_name: ClassVar[str] = ""
    code: ClassVar[int] = -1
    own_keys: ClassVar[tuple[str, ...]] = ()
    config_keys: ClassVar[tuple[str, ...]] = BASE_KEYS
    default_learning_rate: ClassVar[float] = 0.001
    default_weight_decay: ClassVar[float | None] = None

    def __init__(self, learning_rate: float | None = None, weight_decay: Any = _DEFAULT,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, epsilon: float = 1e-7):
        lr = self.default_learning_rate if learning_rate is None else learning_rate
        self.learning_rate = positive(lr, "learning_rate")
        wd = self.default_weight_decay if weight_decay is _DEFAULT else weight_decay
        self.weight_decay = None if wd is None else non_negative(wd, "weight_decay")
        self.epsilon = positive(epsilon, "epsilon")
        self.clipnorm = optional_positive(clipnorm, "clipnorm")
        self.clipvalue = optional_positive(clipvalue, "clipvalue")
        self.global_clipnorm = optional_positive(global_clipnorm, "global_clipnorm")
        given = [k for k in ("clipnorm", "clipvalue", "global_clipnorm") if getattr(self, k) is not None]
        if len(given) > 1:
            raise BadInput(f"only one of clipnorm, clipvalue, global_clipnorm may be set, got {given[0]} "
                           f"and {given[1]}", given[1])
        self.state: OptimizerState | None = None

    # ------------------------------------------------------------------ description
    def _flag(self) -> float:
        return 0.0

    def _beta_2(self) -> float:
        return 0.0

    def hparams(self) -> np.ndarray:
        """float64[8]: epsilon, beta_2|rho, flag, weight_decay, initial_accumulator_value, 0, 0, 0."""
        hp = np.zeros(8, dtype=np.float64)
        hp[0] = self.epsilon
        hp[1] = self._beta_2()
        hp[2] = self._flag()
        hp[3] = self.weight_decay or 0.0
        hp[4] = getattr(self, "initial_accumulator_value", 0.0)
        return hp

    def slot_layout(self) -> tuple[str | None, str | None, str | None]:
        """Slot names at kernel positions s0, s1, s2 (None: unused, pass a dummy)."""
        return (None, None, None)

    @property
    def slot_names(self) -> tuple[str, ...]:
        """Checkpoint slot names this optimiser keeps (docs/FORMAT.md)."""
        return tuple(s for s in self.slot_layout() if s is not None)

    def slot_initial_value(self, slot: str) -> float:
        """Value a fresh slot starts at (adagrad's acc: initial_accumulator_value; else 0)."""
        return 0.0

    def momentum_value(self) -> float:
        """The configured momentum (sgd, rmsprop) or beta_1 (Adam family): what a schedule may cycle."""
        return 0.0

    def init_scalar_state(self) -> np.ndarray:
        """float64[4] scalar state; [0] is Nadam's u_product (1.0)."""
        st = np.zeros(4, dtype=np.float64)
        st[0] = 1.0
        return st

    def clip_values(self) -> tuple[float, float, float]:
        """(clipvalue, clipnorm, global_clipnorm) with NaN for "off", as ``clip_gradients`` takes them."""
        nan = float("nan")
        return tuple(nan if v is None else float(v)
                     for v in (self.clipvalue, self.clipnorm, self.global_clipnorm))  # type: ignore

    # ------------------------------------------------------------------ python driver
    def init_state(self, params: dict[str, np.ndarray]) -> OptimizerState:
        """Fresh slots (same dtype and shape as each parameter) for ``params``."""
        slots = {key: {s: np.full(np.shape(p), self.slot_initial_value(s), dtype=np.asarray(p).dtype)
                       for s in self.slot_names} for key, p in params.items()}
        return OptimizerState(slots, self.init_scalar_state(), 0)

    def clip(self, grads: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Clipped copies of ``grads`` (all treated as trainable), through the ``clip_gradients`` kernel."""
        keys = list(grads)
        arrays = [np.ascontiguousarray(grads[k]).ravel() for k in keys]
        dtype = np.result_type(*arrays) if arrays else np.float64
        flat = np.concatenate(arrays).astype(dtype) if arrays else np.zeros(0, dtype)
        ptab = np.zeros((len(keys), 4), dtype=np.int64)
        off = 0
        for i, a in enumerate(arrays):
            ptab[i] = (off, a.size, i, 1)
            off += a.size
        K.clip_gradients(flat, ptab, *self.clip_values())
        return {k: flat[ptab[i, 0]:ptab[i, 0] + ptab[i, 1]].reshape(np.shape(grads[k]))
                for i, k in enumerate(keys)}

    def apply(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
              state: OptimizerState | None = None, t: int | None = None, lr: float | None = None,
              mom: float | None = None) -> OptimizerState:
        """One optimiser step over ``params`` (updated in place) with ``grads``; returns the state.

        ``state`` defaults to ``self.state`` (created on first use); ``t`` (from 1) defaults to
        ``state.iterations + 1``; ``lr``/``mom`` default to the configured values.
        """
        if state is None:
            if self.state is None:
                self.state = self.init_state(params)
            state = self.state
        t = state.iterations + 1 if t is None else int(t)
        lr = self.learning_rate if lr is None else float(lr)
        mom = self.momentum_value() if mom is None else float(mom)
        hp = self.hparams()
        clipped = self.clip(grads)
        K.optimizer_begin_step(self.code, hp, state.ostate, t, mom)
        layout = self.slot_layout()
        for key, w in params.items():
            if not w.flags.c_contiguous:
                raise BadInput("parameter arrays must be C-contiguous", key)
            w1 = w.reshape(-1)
            g1 = np.ascontiguousarray(clipped[key], dtype=w.dtype).reshape(-1)
            dummy = np.zeros(w1.size, dtype=w.dtype)
            s = [state.slots[key][n].reshape(-1) if n is not None else dummy for n in layout]
            K.optimizer_update(self.code, hp, state.ostate, w1, g1, s[0], s[1], s[2], t, lr, mom)
        state.iterations = t
        return state

    def state_dict(self, state: OptimizerState | None = None) -> dict[str, np.ndarray]:
        """Checkpoint arrays: ``optimizer.{param key}.{slot}``, ``optimizer.iterations`` (int64 0-d),
        ``optimizer.scalar_state`` (float64[4])."""
        state = self.state if state is None else state
        if state is None:
            raise BadInput("optimizer has no state yet (no step was taken)", "optimizer")
        out: dict[str, np.ndarray] = {}
        for key, slots in state.slots.items():
            for name, arr in slots.items():
                out[f"optimizer.{key}.{name}"] = arr.copy()
        out["optimizer.iterations"] = np.array(state.iterations, dtype=np.int64)
        out["optimizer.scalar_state"] = state.ostate.copy()
        return out

    def load_state_dict(self, d: dict[str, np.ndarray], params: dict[str, np.ndarray]) -> OptimizerState:
        """Rebuild (and adopt) the state for ``params`` from ``state_dict()`` arrays."""
        state = self.init_state(params)
        for key, slots in state.slots.items():
            for name, arr in slots.items():
                k = f"optimizer.{key}.{name}"
                if k not in d:
                    raise BadInput("missing in checkpoint", k)
                src = np.asarray(d[k])
                if src.shape != arr.shape:
                    raise BadInput(f"shape {src.shape} does not match the parameter's {arr.shape}", k)
                arr[...] = src
        state.iterations = int(d.get("optimizer.iterations", 0))
        if "optimizer.scalar_state" in d:
            state.ostate[:] = np.asarray(d["optimizer.scalar_state"], dtype=np.float64)
        self.state = state
        return state


class SGD(Optimizer):
    """``v = momentum*v - lr*g; w += v`` (nesterov: ``w += momentum*v - lr*g``); plain sgd without momentum."""

    type_name, code = "sgd", K.SGD
    config_keys = ("learning_rate", "momentum", "nesterov") + BASE_KEYS[1:]
    default_learning_rate = 0.01

    def __init__(self, learning_rate: float | None = None, momentum: float = 0.0, nesterov: bool = False,
                 **base: Any):
        super().__init__(learning_rate, **base)
        self.momentum = rate(momentum, "momentum")
        self.nesterov = check_bool(nesterov, "nesterov")

    def _flag(self) -> float:
        return 1.0 if self.nesterov else 0.0

    def slot_layout(self):
        return ("velocity" if self.momentum > 0 else None, None, None)

    def momentum_value(self) -> float:
        return self.momentum


class Adagrad(Optimizer):
    """``acc += g**2; w -= lr*g / sqrt(acc + epsilon)``, acc from ``initial_accumulator_value``."""

    type_name, code = "adagrad", K.ADAGRAD
    config_keys = ("learning_rate", "initial_accumulator_value", "epsilon") + BASE_KEYS[1:]

    def __init__(self, learning_rate: float | None = None, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, **base: Any):
        super().__init__(learning_rate, epsilon=epsilon, **base)
        self.initial_accumulator_value = non_negative(initial_accumulator_value, "initial_accumulator_value")

    def slot_layout(self):
        return ("acc", None, None)

    def slot_initial_value(self, slot: str) -> float:
        return self.initial_accumulator_value


class RMSprop(Optimizer):
    """``s = rho*s + (1-rho)*g**2; w -= lr*g/sqrt(s + eps)``; centered subtracts mg**2; momentum as Keras."""

    type_name, code = "rmsprop", K.RMSPROP
    config_keys = ("learning_rate", "rho", "momentum", "epsilon", "centered") + BASE_KEYS[1:]

    def __init__(self, learning_rate: float | None = None, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, **base: Any):
        super().__init__(learning_rate, epsilon=epsilon, **base)
        self.rho = rate(rho, "rho")
        self.momentum = rate(momentum, "momentum")
        self.centered = check_bool(centered, "centered")

    def _beta_2(self) -> float:
        return self.rho

    def _flag(self) -> float:
        return 1.0 if self.centered else 0.0

    def slot_layout(self):
        return ("s", "mg" if self.centered else None, "velocity" if self.momentum > 0 else None)

    def momentum_value(self) -> float:
        return self.momentum


class Adam(Optimizer):
    """Keras's epsilon-hat Adam: ``a = lr*sqrt(1-b2**t)/(1-b1**t); w -= a*m/(sqrt(v)+eps)``; amsgrad: vhat."""

    type_name, code = "adam", K.ADAM
    config_keys = ("learning_rate", "beta_1", "beta_2", "epsilon", "amsgrad") + BASE_KEYS[1:]

    def __init__(self, learning_rate: float | None = None, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, **base: Any):
        super().__init__(learning_rate, epsilon=epsilon, **base)
        self.beta_1 = rate(beta_1, "beta_1")
        self.beta_2 = rate(beta_2, "beta_2")
        self.amsgrad = check_bool(amsgrad, "amsgrad")

    def _beta_2(self) -> float:
        return self.beta_2

    def _flag(self) -> float:
        return 1.0 if self.amsgrad else 0.0

    def slot_layout(self):
        return ("m", "v", "vhat" if self.amsgrad else None)

    def momentum_value(self) -> float:
        return self.beta_1


class AdamW(Adam):
    """Adam with decoupled weight decay (``weight_decay`` 0.004 as Keras 3)."""

    type_name, code = "adamw", K.ADAMW
    default_weight_decay = 0.004


class Adamax(Optimizer):
    """``m += (g-m)(1-b1); u = max(b2*u, |g|); w -= lr*m/((1-b1**t)(u+eps))``."""

    type_name, code = "adamax", K.ADAMAX
    config_keys = ("learning_rate", "beta_1", "beta_2", "epsilon") + BASE_KEYS[1:]

    def __init__(self, learning_rate: float | None = None, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, **base: Any):
        super().__init__(learning_rate, epsilon=epsilon, **base)
        self.beta_1 = rate(beta_1, "beta_1")
        self.beta_2 = rate(beta_2, "beta_2")

    def _beta_2(self) -> float:
        return self.beta_2

    def slot_layout(self):
        return ("m", "u", None)

    def momentum_value(self) -> float:
        return self.beta_1


class Nadam(Adamax):
    """Keras 3 Nadam: u_t = b1(1 - 0.5*0.96**t), u_product (scalar state) *= u_t once per step."""

    type_name, code = "nadam", K.NADAM

    def slot_layout(self):
        return ("m", "v", None)


OPTIMIZERS: Registry = Registry("optimizer type", (
    SGD, Adagrad, RMSprop, Adam, Adamax, Nadam, AdamW))


def from_config(cfg: dict) -> Optimizer:
    """Build an optimiser from a design file's ``optimizer`` section (BadInput naming the key)."""
    return OPTIMIZERS.from_config(cfg)
