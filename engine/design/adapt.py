"""Changing a design's data safely (Qt-free; the app's data panel and drag-and-drop use these).

- ``data_outside_folder(design, base_dir)``: the data file a design names, when it lies outside
  the design's folder (an absolute path, ``../``, a symlink leading out), so the app can ask
  before reading a file named by a design received from someone else.
- ``output_head(data)``, ``head_fits(design, data)``, ``with_output_head(design, ...)``: the
  output layer and loss a data set needs (as choosing the digits set does in the app).
- ``adapt_design_to_data(design, data_section, base_dir)``: a *pure* function: reads and
  validates the new data completely, then returns the adapted design dict (data, input_dim, and
  the output head + loss when the targets need another head) with a one-line summary. A refused
  file raises BadInput and the caller's design is untouched, so data loading is transactional.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine import losses
from engine.data.config import DataConfig
from engine.data.load import load_dataset
from engine.design.format import Design
from engine.errors import BadInput
from engine.guard import check_targets
from engine.layers import output_dim_and_params

PASSIVE = ("activation", "dropout", "alpha_dropout", "gaussian_noise")
REGRESSION_LOSSES = ("mse", "mae")


def _data_section(design: Any) -> dict[str, Any]:
    if hasattr(design, "to_dict"):
        design = design.to_dict()
    if isinstance(design, dict) and isinstance(design.get("data"), dict):
        return design["data"]
    return design if isinstance(design, dict) else {}


def data_outside_folder(design: Any, base_dir: str | os.PathLike[str] | None) -> Path | None:
    """The data file of ``design`` (a Design, a design dict or its ``data`` section) when it
    lies outside ``base_dir`` (the design file's folder) once ``~``, ``..`` and symlinks are
    resolved; None for built-in, inline and inside-the-folder data. Without a ``base_dir``
    every data file counts as outside. Nothing is read."""
    data = _data_section(design)
    dataset = data.get("dataset", data)
    path = dataset.get("path") if isinstance(dataset, dict) else (
        dataset if isinstance(dataset, str) and dataset.lower().endswith((".csv", ".npz"))
        else None)
    if not isinstance(path, str):
        return None
    try:
        p = Path(path).expanduser()
        if base_dir is None:
            return p
        base = Path(base_dir).resolve()
        full = (p if p.is_absolute() else base / p).resolve()
    except (OSError, RuntimeError, ValueError):
        return Path(path)
    return None if full.is_relative_to(base) else full


def output_head(data: Any) -> tuple[int, str, str]:
    """(units, output activation, loss) a DataSet's targets need: 1 sigmoid unit and binary
    cross-entropy for two classes held as 0/1, one softmax unit per class and sparse categorical
    cross-entropy for more classes (or two classes held as other numbers), one linear unit per
    target and mse for a regression."""
    if data.task == "regression":
        return int(data.n_targets), "linear", "mse"
    values = tuple(data.class_target_values or ())
    if data.n_classes <= 2 and all(v in (0.0, 1.0) for v in values):
        return 1, "sigmoid", "binary_crossentropy"
    return max(int(data.n_classes), 2), "softmax", "sparse_categorical_crossentropy"


def _head_of(design: dict[str, Any]) -> tuple[int | None, str | None, str | None]:
    """(output units, final activation, loss type) of a design dict."""
    model = design.get("model") or {}
    layers = model.get("layers") or []
    try:
        units, _ = output_dim_and_params(layers, int(model.get("input_dim") or 1))
    except (TypeError, ValueError):
        units = None
    last = layers[-1] if layers and isinstance(layers[-1], dict) else {}
    function = last.get("function", "linear") if last.get("type") == "activation" else "linear"
    loss = (design.get("loss") or {}).get("type") if isinstance(design.get("loss"), dict) \
        else design.get("loss")
    return units, function, loss


def head_fits(design: dict[str, Any], data: Any) -> bool:
    """Whether the design's output layer and loss already suit ``data`` (a DataSet loaded with
    the targets as given): the same class or target count under a loss made for it."""
    units, function, loss = _head_of(design)
    if data.task == "regression":
        return loss in REGRESSION_LOSSES and units == data.n_targets
    k = max(int(data.n_classes), 2)
    values = tuple(data.class_target_values or ())
    if loss in ("sparse_categorical_crossentropy", "categorical_crossentropy"):
        return units == k and function == "softmax"
    if loss == "binary_crossentropy":
        return k == 2 and units == 1 and all(v in (0.0, 1.0) for v in values)
    return k == 2 and units == 1 and loss in REGRESSION_LOSSES  # e.g. tanh + mse on -1/1 labels


def with_output_head(design: dict[str, Any], units: int, function: str,
                     loss: str) -> dict[str, Any]:
    """A copy of ``design`` whose last dense layer has ``units`` units, whose final activation is
    ``function`` (an activation layer is appended when the model ends without one and
    ``function`` is not linear) and whose loss is ``loss`` (class weights reset). A model that
    does not end in dense (+ activation / dropout / noise layers) keeps its layers."""
    out = copy.deepcopy(design)
    model = out.setdefault("model", {})
    layers = [dict(layer) for layer in model.get("layers") or []]
    dense = [i for i, layer in enumerate(layers) if layer.get("type") == "dense"]
    if dense and all(layer.get("type") in PASSIVE for layer in layers[dense[-1] + 1:]):
        layers[dense[-1]]["units"] = int(units)
        if layers[-1].get("type") == "activation":
            layers[-1] = {"id": layers[-1].get("id"), "type": "activation", "function": function}
            if layers[-1]["id"] is None:
                del layers[-1]["id"]
        elif function != "linear":
            layers.append({"type": "activation", "function": function})
        model["layers"] = layers
    if _head_of(out)[2] != loss:
        out["loss"] = {"type": loss, "class_weight": None}
    return out


@dataclass
class DataChange:
    """What ``adapt_design_to_data`` found: the adapted design dict, one line about the data,
    and whether the output head and loss changed (their new values then)."""

    design: dict[str, Any]
    summary: str
    head_changed: bool = False
    head: tuple[int, str, str] | None = field(default=None)


def read_data_section(data_section: dict[str, Any], base_dir: str | os.PathLike[str] | None,
                      seed: int = 0, loss: str | None = "binary_crossentropy") -> Any:
    """The DataSet of a ``data`` section, fully read and validated (targets as ``loss`` takes
    them; the default keeps the numbers as the file gives them). BadInput at ``data...``."""
    try:
        cfg = DataConfig.from_config(dict(data_section))
        return load_dataset(cfg, Path(base_dir) if base_dir is not None else None, seed,
                            loss=loss)
    except BadInput as err:
        raise err.at("data") from err


def adapt_design_to_data(design: Any, data_section: dict[str, Any],
                         base_dir: str | os.PathLike[str] | None) -> DataChange:
    """The design (a Design or a design dict; never modified) adapted to new data.

    Reads and validates the data completely first; returns a DataChange whose ``design`` has
    ``data_section`` as its data, ``model.input_dim`` set to the data's feature count and, when
    the targets need another head (``head_fits``), the head of ``output_head`` - validated as
    a whole (``Design.from_dict``) and checked against the data under its loss (the session's
    guard). Raises BadInput (naming the field or the file) and changes nothing otherwise.
    """
    d = design.to_dict() if hasattr(design, "to_dict") else copy.deepcopy(design)
    if not isinstance(d, dict) or not isinstance(d.get("model", {}), dict):
        raise BadInput("must be a design object with a model object", "design")
    seed = d.get("seed", 0) if isinstance(d.get("seed", 0), int) else 0
    data = read_data_section(data_section, base_dir, seed)
    d["data"] = copy.deepcopy(data_section)
    d.setdefault("model", {})["input_dim"] = int(data.n_features)
    head = None
    if not head_fits(d, data):
        head = output_head(data)
        d = with_output_head(d, *head)
    checked = Design.from_dict(d, base_dir=base_dir)
    final = read_data_section(checked.data, base_dir, checked.seed, loss=checked.loss["type"])
    units, _ = output_dim_and_params(checked.layers, checked.input_dim)
    check_targets(losses.from_config(checked.loss), final.y_train, units, "the output layer")
    return DataChange(checked.to_dict(), final.summary(), head is not None, head)
