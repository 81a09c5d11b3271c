"""Layers (Keras life cycle) and the ``LAYERS`` registry: ``type`` name -> class."""
from __future__ import annotations

from typing import Any

from engine.errors import BadInput
from engine.layers.activation import ACTIVATION_CODES, RELU_FAMILY, Activation
from engine.layers.base import LIVE_NESTED, Layer
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


def live_keys() -> tuple[str, ...]:
    """Every layer type's live config keys (changeable between steps, weights kept), in a fixed
    order: what the app compares to decide between a live change and a rebuild."""
    return tuple(dict.fromkeys(k for cls in LAYERS.values() for k in cls.live_keys))


def live_options() -> tuple[str, ...]:
    """Every keyword ``TrainingSession.set_layer_option`` accepts, over all layer types."""
    return tuple(dict.fromkeys(k for cls in LAYERS.values() for k in cls.live_options()))


def output_dims_and_params(configs: list[Any], input_dim: int) -> list[tuple[int, int]]:
    """(output width, parameter count) of each layer config in a stack fed ``input_dim`` features,
    from the layer classes (``Layer.count_params``, Keras's count: moving statistics included).
    BadInput (path ``[i]...``) for an invalid config."""
    out: list[tuple[int, int]] = []
    dim = int(input_dim)
    for i, cfg in enumerate(configs):
        try:
            layer = cfg if isinstance(cfg, Layer) else from_config(cfg)
        except BadInput as err:
            raise err.at(f"[{i}]") from err
        out.append((layer.output_dim_for(dim), layer.count_params(dim)))
        dim = out[-1][0]
    return out


__all__ = ["LAYERS", "from_config", "live_keys", "live_options", "output_dims_and_params",
           "LIVE_NESTED", "Layer", "Dense", "Activation", "BatchNorm", "LayerNorm",
           "Dropout", "AlphaDropout", "GaussianNoise", "ACTIVATION_CODES", "RELU_FAMILY"]
