"""Design files (format ``network-playground/design``, version 1): load, validate, save, migrate.

A :class:`Design` is the normalised form of a file: every key explicit, defaults filled, layer ids
generated, each section validated by the registry that owns it. ``Design.from_dict(d.to_dict()) == d``
and ``load_design(save_design(d)) == d``. Loading parses JSON only (no pickle, nothing executed).
"""
from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.design import sections as sec
from engine.errors import BadInput
from engine.limits import MAX_DESIGN_BYTES, MAX_LAYERS, quote
from engine.design.migrations import CURRENT_VERSION, FORMAT, MIGRATIONS, migrate

__all__ = ["Design", "load_design", "save_design", "parse_design_text", "design_warnings",
           "FORMAT", "CURRENT_VERSION", "MIGRATIONS", "migrate"]

TOP_KEYS = ("format", "version", "name", "seed", "data", "model", "loss", "optimizer", "schedule",
            "training")
MODEL_KEYS = ("input_dim", "layers")
DEFAULT_NAME = "Untitled design"


@dataclass(eq=True)
class Design:
    """A validated design; sections are plain JSON-safe dicts (see DESIGN.md "Design file").

    Attributes
    ----------
    name, seed : the design's title and master seed.
    data : dict, the DataConfig's ``get_config()``.
    model : dict ``{"input_dim": int, "layers": [layer config, ...]}``.
    loss, optimizer, schedule : dicts, each the registry object's ``get_config()``.
    training : dict ``{"batch_size", "epochs", "shuffle", "early_stopping"}``.
    """

    name: str
    seed: int
    data: dict[str, Any]
    model: dict[str, Any]
    loss: dict[str, Any]
    optimizer: dict[str, Any]
    schedule: dict[str, Any]
    training: dict[str, Any] = field(default_factory=lambda: dict(sec.TRAINING_DEFAULTS))

    @property
    def layers(self) -> list[dict[str, Any]]:
        """The layer configs, in order."""
        return self.model["layers"]

    @property
    def input_dim(self) -> int:
        """Number of input features."""
        return self.model["input_dim"]

    @classmethod
    def from_dict(cls, d: Any, base_dir: str | os.PathLike[str] | None = None) -> "Design":
        """Validate and normalise a design dict of any supported version (raises BadInput).

        ``base_dir`` (the design file's folder) lets a data file's feature count be checked
        against ``model.input_dim`` already here; without it that check waits for the build.
        """
        if isinstance(d, Design):
            d = d.to_dict()
        sec.check_json_tree(d)
        d = migrate(d)
        sec.check_keys(d, TOP_KEYS, "")
        data = _normalise_data(d.get("data"))
        model = _normalise_model(d.get("model"), data, base_dir)
        loss = _normalise_loss(d.get("loss"), model)
        return cls(
            name=sec.normalise_name(d.get("name", DEFAULT_NAME)),
            seed=sec.normalise_seed(d.get("seed", 0)),
            data=data, model=model, loss=loss,
            optimizer=sec.delegate("engine.optimizers",
                                   _typed(d.get("optimizer"), "optimizer", "sgd"), "optimizer"),
            schedule=sec.delegate("engine.schedules",
                                  _typed(d.get("schedule"), "schedule", "constant"), "schedule"),
            training=sec.normalise_training(d.get("training")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The design as a JSON-safe dict with every key (a deep copy)."""
        return copy.deepcopy({
            "format": FORMAT, "version": CURRENT_VERSION, "name": self.name, "seed": self.seed,
            "data": self.data, "model": self.model, "loss": self.loss,
            "optimizer": self.optimizer, "schedule": self.schedule, "training": self.training,
        })

    def replace(self, **sections: Any) -> "Design":
        """A new validated design with some top-level sections replaced (``replace(seed=3)``)."""
        d = self.to_dict()
        d.update(sections)
        return Design.from_dict(d)

    def __repr__(self) -> str:
        kinds = ", ".join(layer.get("type", "?") for layer in self.layers)
        return (f"Design(name={self.name!r}, seed={self.seed}, input_dim={self.input_dim}, "
                f"layers=[{kinds}], loss={self.loss.get('type')!r}, "
                f"optimizer={self.optimizer.get('type')!r})")


def _typed(value: Any, path: str, default_type: str) -> dict[str, Any]:
    """A registry section: an object with ``type`` (a bare string is taken as the type)."""
    if value is None:
        return {"type": default_type}
    if isinstance(value, str):
        return {"type": value}
    raw = sec.require_object(value, path)
    if "type" not in raw:
        raise BadInput("missing", f"{path}.type")
    if not isinstance(raw["type"], str):
        raise BadInput(f"must be a string, got {sec.type_name(raw['type'])}", f"{path}.type")
    return raw


def _normalise_data(value: Any) -> dict[str, Any]:
    """``data`` through engine.data's DataConfig."""
    raw = sec.require_object({} if value is None else value, "data")
    return sec.delegate("engine.data", raw, "data", helper="DataConfig.from_config")


def _feature_count(data_cfg: dict[str, Any], base_dir: str | os.PathLike[str] | None) -> int | None:
    """Number of features the data give, or None when only loading the file can tell.

    A data file that cannot be read here is reported by the build (with its own message).
    """
    from engine.data import DataConfig, n_features
    try:
        n = n_features(DataConfig.from_config(data_cfg),
                       Path(base_dir) if base_dir is not None else None)
    except (BadInput, OSError, ValueError):
        return None
    return int(n) if n is not None else None


def _normalise_layers(value: Any) -> list[dict[str, Any]]:
    """``model.layers``: each through LAYERS; ids generated where missing, duplicates refused."""
    if not isinstance(value, list):
        raise BadInput(f"must be an array of layers, got {sec.type_name(value)}", "model.layers")
    if not value:
        raise BadInput("must contain at least one layer", "model.layers")
    if len(value) > MAX_LAYERS:
        raise BadInput(f"{len(value):,} layers exceed the limit of {MAX_LAYERS}", "model.layers")
    taken: set[str] = set()
    for i, raw in enumerate(value):
        path = f"model.layers[{i}]"
        sec.require_object(raw, path)
        if "id" in raw:
            lid = raw["id"]
            if not isinstance(lid, str) or not lid.strip() or len(lid) > 64:
                raise BadInput(f"must be a non-empty string of at most 64 characters, got "
                               f"{quote(lid)}", f"{path}.id")
            if lid in taken:
                raise BadInput(f"duplicate layer id {lid!r}", f"{path}.id")
            taken.add(lid)
    layers: list[dict[str, Any]] = []
    counters: dict[str, int] = {}  # next number per type: generating ids stays linear
    for i, raw in enumerate(value):
        path = f"model.layers[{i}]"
        if "type" not in raw:
            raise BadInput("missing", f"{path}.type")
        if not isinstance(raw["type"], str):
            raise BadInput(f"must be a string, got {sec.type_name(raw['type'])}", f"{path}.type")
        raw = dict(raw)
        if "id" not in raw:
            raw["id"] = sec.generated_id(raw["type"], taken, counters)
            taken.add(raw["id"])
        cfg = sec.delegate("engine.layers", raw, path)
        if "units" in cfg:
            sec.as_int(cfg["units"], f"{path}.units", 1, sec.MAX_UNITS)
        layers.append(cfg)
    return layers


def _normalise_model(value: Any, data: dict[str, Any],
                     base_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """``model``: {input_dim, layers}; input_dim checked against the data, parameter limit."""
    raw = sec.require_object(value, "model")
    sec.check_keys(raw, MODEL_KEYS, "model")
    if "layers" not in raw:
        raise BadInput("missing", "model.layers")
    layers = _normalise_layers(raw["layers"])
    n_features = _feature_count(data, base_dir)
    if "input_dim" in raw:
        input_dim = sec.as_int(raw["input_dim"], "model.input_dim", 1, sec.MAX_INPUT_DIM)
        if n_features is not None and input_dim != n_features:
            raise BadInput(f"is {input_dim} but the data give {n_features} features",
                           "model.input_dim")
    elif n_features is not None:
        input_dim = n_features
    else:
        raise BadInput("missing (the data's feature count is only known once the file is read)",
                       "model.input_dim")
    _, params = sec.output_dim_and_params(layers, input_dim)
    if params > sec.MAX_PARAMETERS:
        raise BadInput(f"{params:,} parameters exceed the limit of {sec.MAX_PARAMETERS:,}",
                       "model.layers")
    return {"input_dim": input_dim, "layers": layers}


def default_loss_type(layers: list[dict[str, Any]]) -> str:
    """Loss when the file names none: from the output activation (sigmoid -> binary CE,
    softmax -> sparse categorical CE, otherwise mse)."""
    last = layers[-1] if layers else {}
    function = last.get("function") if last.get("type") == "activation" else last.get("activation")
    return {"sigmoid": "binary_crossentropy",
            "softmax": "sparse_categorical_crossentropy"}.get(function, "mse")


def _normalise_loss(value: Any, model: dict[str, Any]) -> dict[str, Any]:
    """``loss`` through LOSSES (default chosen from the output activation)."""
    return sec.delegate("engine.losses", _typed(value, "loss", default_loss_type(model["layers"])),
                        "loss")


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
        out_dim, _ = sec.output_dim_and_params(layers, int(model.get("input_dim") or 1))
    except (TypeError, ValueError):
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


def _reject_constant(name: str) -> float:
    raise BadInput(f"{name} is not allowed in a design file (numbers must be finite)")


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise BadInput(f"duplicate key {quote(key, 40)} in a JSON object")
        out[key] = value
    return out


def parse_design_text(text: str, source: str = "design") -> dict[str, Any]:
    """Parse JSON text (no NaN/Infinity, no duplicate keys); errors name line and column."""
    try:
        d = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_pairs)
    except json.JSONDecodeError as err:
        raise BadInput(f"invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}",
                       source) from err
    except BadInput as err:
        raise BadInput(err.message, source) from err
    except RecursionError as err:
        raise BadInput("invalid JSON: nested too deeply", source) from err
    sec.check_json_tree(d)  # BadInput naming the field
    return d


def load_design(path: str | os.PathLike[str]) -> Design:
    """Read, migrate and validate a design file. Everything is BadInput naming the file or the
    field: a missing, unreadable or special file (a folder, a device, a fifo: never read, never
    blocking), one over MAX_DESIGN_BYTES, text that is not UTF-8 or JSON, nesting deeper than
    MAX_JSON_DEPTH, and every field outside the format."""
    from engine.input_files import read_input_file, shown
    name = shown(path)
    raw = read_input_file(path, MAX_DESIGN_BYTES, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise BadInput(f"not UTF-8 text (byte {err.start})", name) from err
    try:
        base_dir = Path(path).resolve().parent
    except (OSError, RuntimeError) as err:
        raise BadInput(f"cannot be resolved ({err})", name) from None
    return Design.from_dict(parse_design_text(text, name), base_dir=base_dir)


def save_design(design: Design, path: str | os.PathLike[str]) -> Path:
    """Write ``design`` as UTF-8 JSON (indent 2, every key) atomically (engine.atomic): a crash
    leaves the old file or the new one. Returns the path."""
    from engine.atomic import atomic_write
    path = Path(path)
    text = json.dumps(design.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return atomic_write(path, text)

