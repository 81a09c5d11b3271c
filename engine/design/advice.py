"""Legal but suspicious choices in a design, for a badge in the app (not errors)."""
from __future__ import annotations

from typing import Any

from engine.design.format import Design
from engine.layers import output_dim_and_params

__all__ = ["design_warnings"]


def design_warnings(design: Design | dict[str, Any]) -> list[str]:
    """Legal but suspicious choices, for a badge in the app (not errors).

    Accepts a Design or a raw design dict (possibly incomplete, as the editor holds it); each
    warning is one line starting with the path it concerns (``model.layers[2]: ...``).
    """
    d = design.to_dict() if isinstance(design, Design) else design
    model = d.get("model") if isinstance(d, dict) else None
    layers = model.get("layers") if isinstance(model, dict) else None
    if not isinstance(layers, list) or not layers or not all(isinstance(x, dict) for x in layers):
        return []
    loss_cfg = d.get("loss")
    loss = loss_cfg.get("type") if isinstance(loss_cfg, dict) else loss_cfg
    out: list[str] = []
    last = len(layers) - 1
    for i, layer in enumerate(layers):
        if layer.get("type") == "activation" and layer.get("function") == "softmax" and i != last:
            out.append(f"model.layers[{i}]: softmax belongs only in the last layer")
    final = layers[last].get("function") if layers[last].get("type") == "activation" else None
    try:
        out_dim, _ = output_dim_and_params(layers, int(model.get("input_dim") or 1))
    except (TypeError, ValueError):  # BadInput included: an incomplete layer
        out_dim = None
    if final == "softmax" and loss == "binary_crossentropy":
        out.append("loss: binary_crossentropy after softmax; use a sigmoid output or a "
                   "categorical cross-entropy")
    if final == "softmax" and out_dim == 1:
        out.append(f"model.layers[{last}]: softmax over a single output is always 1")
    if final == "sigmoid" and loss in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        out.append(f"loss: {loss} after sigmoid; use softmax for categorical cross-entropy")
    if loss in ("binary_crossentropy", "categorical_crossentropy",
                "sparse_categorical_crossentropy") and final not in ("sigmoid", "softmax"):
        out.append(f"loss: {loss} expects probabilities; end the model with sigmoid or softmax")
    if layers[last].get("type") in ("dropout", "alpha_dropout", "gaussian_noise"):
        out.append(f"model.layers[{last}]: {layers[last]['type']} as the last layer perturbs "
                   "the output")
    return out
