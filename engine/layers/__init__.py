"""Layers (Keras life cycle) and the ``LAYERS`` registry: ``type`` name -> class."""
from __future__ import annotations

from typing import Any

from engine.errors import BadInput
from engine.layers.activation import ACTIVATION_CODES, RELU_FAMILY, Activation
from engine.layers.base import LIVE_NESTED, Layer
from engine.layers.dense import Dense
from engine.layers.noise import AlphaDropout, Dropout, GaussianNoise
from engine.layers.normalization import BatchNorm, LayerNorm
from engine.registry import Registry

LAYERS: Registry = Registry("layer type", (
    Dense, Activation, BatchNorm, LayerNorm, Dropout, AlphaDropout, GaussianNoise))


def from_config(cfg: Any) -> Layer:
    """Layer from its JSON config; unknown ``type`` -> BadInput at ``type``."""
    return LAYERS.from_config(cfg)


def live_keys() -> tuple[str, ...]:
    """Every layer type's live config keys (changeable between steps, weights kept), in a fixed
    order: what the app compares to decide between a live change and a rebuild."""
    return tuple(dict.fromkeys(k for cls in LAYERS.values() for k in cls.live_keys))


def live_options() -> tuple[str, ...]:
    """Every keyword ``TrainingSession.set_layer_option`` accepts, over all layer types."""
    return tuple(dict.fromkeys(k for cls in LAYERS.values() for k in cls.live_options()))


def layer_counts(configs: list[Any], input_dim: int) -> list[tuple[int, int, int]]:
    """(output width, parameters, trainable parameters) of each layer (config or Layer) in a
    stack fed ``input_dim`` features: the layer classes' own counts (``Layer.count_params``,
    Keras's count with moving statistics; ``Layer.count_trainable``). The one parameter count
    of the engine and the app. BadInput (path ``[i]...``) for an invalid config."""
    out: list[tuple[int, int, int]] = []
    dim = int(input_dim)
    for i, cfg in enumerate(configs):
        try:
            layer = cfg if isinstance(cfg, Layer) else from_config(cfg)
        except BadInput as err:
            raise err.at(f"[{i}]") from err
        out.append((layer.output_dim_for(dim), layer.count_params(dim), layer.count_trainable(dim)))
        dim = out[-1][0]
    return out


def output_dims_and_params(configs: list[Any], input_dim: int) -> list[tuple[int, int]]:
    """(output width, parameter count) of each layer of the stack (see ``layer_counts``)."""
    return [(width, params) for width, params, _ in layer_counts(configs, input_dim)]


def output_dim_and_params(configs: list[Any], input_dim: int) -> tuple[int, int]:
    """Width of the stack's output and its parameter count (see ``layer_counts``)."""
    counts = layer_counts(configs, input_dim)
    return (counts[-1][0] if counts else int(input_dim)), sum(c[1] for c in counts)


__all__ = ["LAYERS", "from_config", "live_keys", "live_options", "layer_counts",
           "output_dims_and_params", "output_dim_and_params",
           "LIVE_NESTED", "Layer", "Dense", "Activation", "BatchNorm", "LayerNorm",
           "Dropout", "AlphaDropout", "GaussianNoise", "ACTIVATION_CODES", "RELU_FAMILY"]
