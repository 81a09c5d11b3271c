"""Layers (Keras life cycle) and the ``LAYERS`` registry: ``type`` name -> class."""
from __future__ import annotations

from typing import Any

from engine.errors import BadInput
from engine.layers.activation import ACTIVATION_CODES, RELU_FAMILY, Activation
from engine.layers.base import Layer
from engine.layers.dense import Dense
from engine.layers.noise import AlphaDropout, Dropout, GaussianNoise
from engine.layers.normalization import BatchNorm, LayerNorm

LAYERS: dict[str, type[Layer]] = {cls.type_name: cls for cls in (
    Dense, Activation, BatchNorm, LayerNorm, Dropout, AlphaDropout, GaussianNoise)}


def from_config(cfg: Any) -> Layer:
    """Layer from its JSON config; unknown ``type`` -> BadInput at ``type``."""
    if not isinstance(cfg, dict):
        raise BadInput(f"a layer must be an object, got {type(cfg).__name__}")
    kind = cfg.get("type")
    if kind not in LAYERS:
        raise BadInput(f"unknown layer type {kind!r} (known: {', '.join(LAYERS)})", "type")
    return LAYERS[kind].from_config(cfg)


__all__ = ["LAYERS", "from_config", "Layer", "Dense", "Activation", "BatchNorm", "LayerNorm",
           "Dropout", "AlphaDropout", "GaussianNoise", "ACTIVATION_CODES", "RELU_FAMILY"]
