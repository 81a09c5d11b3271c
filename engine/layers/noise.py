"""Regularising noise layers: dropout (inverted), alpha dropout (as Keras), Gaussian noise.

Randomness comes from ``engine.rng.uniform01(seed, rng_step, layer_key(id), index)``, so a mask is
fixed by the step counter (finite-difference checks keep ``rng_step`` constant to freeze it).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.kernels.cpu import layers_noise as K
from engine.layers.base import Layer
from engine.validation import check_bool, check_number
from engine.rng import layer_key


class _NoiseLayer(Layer):
    """Shared forward/backward: active only in training (or Monte-Carlo passes) when enabled."""

    def _active(self, training: bool) -> bool:
        return bool(training) and self.enabled and self._amount() > 0.0

    def _amount(self) -> float:
        return getattr(self, "rate", 0.0)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """y (B, D); identity unless active."""
        x = self._prep(x)
        y = np.empty_like(x)
        mask = np.empty_like(x)
        active = self._active(training)
        if active:
            self._apply(x.reshape(-1), y.reshape(-1), mask.reshape(-1), layer_key(self.id))
        else:
            K.copy_flat(x.reshape(-1), y.reshape(-1), x.size)
        self._cache = {"mask": mask, "active": active}
        return y

    def backward(self, grad_out: np.ndarray) -> np.ndarray:
        """dx (B, D) = g * mask (identity when inactive or for Gaussian noise)."""
        g = np.ascontiguousarray(grad_out, self.dtype)
        dx = np.empty_like(g)
        if self._cache["active"] and self.code != GaussianNoise.code:
            K.mask_backward(g.reshape(-1), self._cache["mask"].reshape(-1), dx.reshape(-1), g.size)
        else:
            K.copy_flat(g.reshape(-1), dx.reshape(-1), g.size)
        return dx

    def _apply(self, x, y, mask, key) -> None:
        raise NotImplementedError


class Dropout(_NoiseLayer):
    """Inverted dropout: kept units divided by ``1 - rate`` in training."""

    type_name = "dropout"
    code = 4
    config_keys = ("id", "type", "rate", "enabled")
    live_keys = ("rate", "enabled")

    def __init__(self, rate: float = 0.5, enabled: bool = True, id: str | None = None) -> None:
        super().__init__(id)
        self.rate = check_number(rate, "rate", 0.0, 1.0, hi_open=True)
        self.enabled = check_bool(enabled, "enabled")

    def settings(self) -> dict[str, Any]:
        return {"rate": self.rate, "enabled": self.enabled}

    def _apply(self, x, y, mask, key) -> None:
        K.dropout_forward(x, y, mask, self.rate, self.seed, self.rng_step, key, x.size)


class AlphaDropout(Dropout):
    """Keras AlphaDropout: keeps SELU's self-normalising mean and variance."""

    type_name = "alpha_dropout"
    code = 5

    def _apply(self, x, y, mask, key) -> None:
        K.alpha_dropout_forward(x, y, mask, self.rate, self.seed, self.rng_step, key, x.size)


class GaussianNoise(_NoiseLayer):
    """Adds N(0, stddev**2) noise in training."""

    type_name = "gaussian_noise"
    code = 6
    config_keys = ("id", "type", "stddev", "enabled")
    live_keys = ("stddev", "enabled")

    def __init__(self, stddev: float = 0.1, enabled: bool = True, id: str | None = None) -> None:
        super().__init__(id)
        self.stddev = check_number(stddev, "stddev", 0.0)
        self.enabled = check_bool(enabled, "enabled")

    def _amount(self) -> float:
        return self.stddev

    def settings(self) -> dict[str, Any]:
        return {"stddev": self.stddev, "enabled": self.enabled}

    def _apply(self, x, y, mask, key) -> None:
        K.gaussian_noise_forward(x, y, self.stddev, self.seed, self.rng_step, key, x.size)
