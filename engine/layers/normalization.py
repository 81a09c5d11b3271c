"""Batch normalisation (with batch renorm) and layer normalisation."""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.kernels.cpu import layers_norm as K
from engine.kernels.cpu.layers_noise import copy_flat, fill_flat
from engine.layers.base import Layer
from engine.validation import check_bool, check_number, check_object


def _empty(dtype) -> np.ndarray:
    return np.zeros(0, dtype)


class BatchNorm(Layer):
    """Batch norm as docs/NUMERICS.md; ``renorm`` switches to batch renorm; ``enabled: false`` is identity.

    ``forward(x, training, update_state=True, fixed_rd=False)``: with ``update_state`` false the
    moving statistics are left alone; with ``fixed_rd`` renorm reuses the last r and d.
    """

    type_name = "batch_norm"
    code = 2
    config_keys = ("id", "type", "momentum", "epsilon", "center", "scale", "renorm",
                   "renorm_clipping", "renorm_momentum", "enabled", "trainable")
    live_keys = ("momentum", "epsilon", "renorm", "renorm_clipping", "renorm_momentum", "enabled",
                 "trainable")
    state_names = ("moving_mean", "moving_variance")

    def __init__(self, momentum: float = 0.99, epsilon: float = 0.001, center: bool = True,
                 scale: bool = True, renorm: bool = False, renorm_clipping: dict | None = None,
                 renorm_momentum: float = 0.99, enabled: bool = True, trainable: bool = True,
                 id: str | None = None) -> None:
        super().__init__(id)
        self.momentum = check_number(momentum, "momentum", 0.0, 1.0)
        self.epsilon = check_number(epsilon, "epsilon", 0.0, lo_open=True)
        self.center = check_bool(center, "center")
        self.scale = check_bool(scale, "scale")
        self.renorm = check_bool(renorm, "renorm")
        clip = check_object(renorm_clipping, "renorm_clipping", {"rmax": 3.0, "dmax": 5.0})
        self.rmax = check_number(clip["rmax"], "renorm_clipping.rmax", 1.0)
        self.dmax = check_number(clip["dmax"], "renorm_clipping.dmax", 0.0)
        self.renorm_momentum = check_number(renorm_momentum, "renorm_momentum", 0.0, 1.0)
        self.enabled = check_bool(enabled, "enabled")
        self.trainable = check_bool(trainable, "trainable")
        self.stats: np.ndarray | None = None

    @property
    def param_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return (("gamma",) if self.scale else ()) + (("beta",) if self.center else ())

    def settings(self) -> dict[str, Any]:
        return {"momentum": self.momentum, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "renorm": self.renorm,
                "renorm_clipping": {"rmax": self.rmax, "dmax": self.dmax},
                "renorm_momentum": self.renorm_momentum, "enabled": self.enabled,
                "trainable": self.trainable}

    def weight_shapes(self, input_dim: int) -> dict[str, tuple[int, ...]]:
        out = {n: (input_dim,) for n in self.param_names}
        out.update({"moving_mean": (input_dim,), "moving_variance": (input_dim,)})
        return out

    def initial_weights(self, input_dim: int, rng: np.random.Generator, dtype) -> dict[str, np.ndarray]:
        ones = {"gamma", "moving_variance"}
        return {n: (np.ones if n in ones else np.zeros)(s, dtype)
                for n, s in self.weight_shapes(input_dim).items()}

    def _gb(self) -> tuple[np.ndarray, np.ndarray]:
        w = self.weights
        return w.get("gamma", _empty(self.dtype)), w.get("beta", _empty(self.dtype))

    def forward(self, x: np.ndarray, training: bool = False, update_state: bool = True,
                fixed_rd: bool = False) -> np.ndarray:
        """y (B, D). Training mode (batch statistics) when ``training`` and ``trainable`` (Keras:
        a frozen batch norm runs in inference mode)."""
        x = self._prep(x)
        y = np.empty_like(x)
        gamma, beta = self._gb()
        mm, mv = self.weights["moving_mean"], self.weights["moving_variance"]
        train = bool(training) and self.trainable and self.enabled
        nb, dim = x.shape
        xf, yf = x.reshape(-1), y.reshape(-1)
        if not self.enabled:
            copy_flat(xf, yf, x.size)
        elif train:
            if self.stats is None or self.stats.shape[1] != x.shape[1]:
                self.stats = np.zeros((4, x.shape[1]), self.dtype)
            K.bn_forward_train(xf, yf, gamma, beta, mm, mv, self.stats.reshape(-1), self.epsilon,
                               self.renorm, self.rmax, self.dmax, self.center, self.scale,
                               bool(fixed_rd), nb, dim)
            if update_state:
                mom = self.renorm_momentum if self.renorm else self.momentum
                K.bn_update_moving(mm, mv, self.stats.reshape(-1), mom, nb)
        else:
            K.bn_forward_infer(xf, yf, gamma, beta, mm, mv, self.epsilon, self.center, self.scale,
                               nb, dim)
        self._cache = {"x": x, "mode": "off" if not self.enabled else ("train" if train else "infer")}
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """dx (B, D); gamma/beta gradients into ``self.grads``."""
        x, mode = self._cache["x"], self._cache["mode"]
        g = np.ascontiguousarray(grad_out, self.dtype)
        dx = np.empty_like(g)
        gamma, _ = self._gb()
        dgamma = self.grads.get("gamma", _empty(self.dtype))
        dbeta = self.grads.get("beta", _empty(self.dtype))
        nb, dim = g.shape
        gf, dxf = g.reshape(-1), dx.reshape(-1)
        if mode == "train":
            K.bn_backward(x.reshape(-1), gf, dxf, gamma, dgamma, dbeta, self.stats.reshape(-1),
                          self.epsilon, self.center, self.scale, nb, dim)
            return dx
        if mode == "off":
            copy_flat(gf, dxf, g.size)
        else:
            K.bn_infer_backward(gf, dxf, gamma, self.weights["moving_variance"], self.epsilon,
                                self.scale, nb, dim)
        fill_flat(dgamma, 0.0, dgamma.size)
        fill_flat(dbeta, 0.0, dbeta.size)
        return dx


class LayerNorm(Layer):
    """Layer norm per sample over the features (``epsilon`` 1e-3, ``center``, ``scale``)."""

    type_name = "layer_norm"
    code = 3
    config_keys = ("id", "type", "epsilon", "center", "scale", "trainable")
    live_keys = ("epsilon", "trainable")

    def __init__(self, epsilon: float = 0.001, center: bool = True, scale: bool = True,
                 trainable: bool = True, id: str | None = None) -> None:
        super().__init__(id)
        self.epsilon = check_number(epsilon, "epsilon", 0.0, lo_open=True)
        self.center = check_bool(center, "center")
        self.scale = check_bool(scale, "scale")
        self.trainable = check_bool(trainable, "trainable")

    @property
    def param_names(self) -> tuple[str, ...]:  # type: ignore[override]
        return (("gamma",) if self.scale else ()) + (("beta",) if self.center else ())

    def settings(self) -> dict[str, Any]:
        return {"epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                "trainable": self.trainable}

    def weight_shapes(self, input_dim: int) -> dict[str, tuple[int, ...]]:
        return {n: (input_dim,) for n in self.param_names}

    def initial_weights(self, input_dim: int, rng: np.random.Generator, dtype) -> dict[str, np.ndarray]:
        return {n: (np.ones if n == "gamma" else np.zeros)(s, dtype)
                for n, s in self.weight_shapes(input_dim).items()}

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """y (B, D), normalised per row."""
        x = self._prep(x)
        y = np.empty_like(x)
        cache = np.empty((x.shape[0], 2), self.dtype)
        K.ln_forward(x.reshape(-1), y.reshape(-1), self.weights.get("gamma", _empty(self.dtype)),
                     self.weights.get("beta", _empty(self.dtype)), cache.reshape(-1), self.epsilon,
                     self.center, self.scale, x.shape[0], x.shape[1])
        self._cache = {"x": x, "c": cache}
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """dx (B, D); gamma/beta gradients into ``self.grads``."""
        g = np.ascontiguousarray(grad_out, self.dtype)
        dx = np.empty_like(g)
        K.ln_backward(self._cache["x"].reshape(-1), g.reshape(-1), dx.reshape(-1),
                      self.weights.get("gamma", _empty(self.dtype)),
                      self.grads.get("gamma", _empty(self.dtype)),
                      self.grads.get("beta", _empty(self.dtype)), self._cache["c"].reshape(-1),
                      self.center, self.scale, g.shape[0], g.shape[1])
        return dx
