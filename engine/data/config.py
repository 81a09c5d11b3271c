"""DataConfig: the ``data`` section of a design (docs/FORMAT.md "Design files" -> ``data``).

``dataset`` is one of
- a built-in name: ``circle``, ``xor``, ``gaussian``, ``spiral``, ``moons``, ``plane``,
  ``multi_gaussian``, ``sine_1d``, ``digits``;
- a file: ``{"path": "file.csv" | "file.npz", "label_column": name | null}`` (a bare string ending
  in ``.csv``/``.npz`` is read as ``{"path": ...}``);
- inline arrays: ``{"x_train": [[...]], "y_train": [[...]], "x_val": ..., "y_val": ...}``.
For convenience the file and inline keys may also stand at the top level of ``data``; they are
moved under ``dataset`` (``get_config`` always writes the nested form).

Defaults follow TF Playground (samples 500, noise 0, train_fraction 0.5) except ``standardize``
(true: fitted on the training part).
"""
from __future__ import annotations

import copy
from typing import Any

from engine.errors import BadInput
from engine.limits import MAX_SAMPLES, quote
from engine.data.features import CROSSES
from engine.data.generators import GENERATORS
from engine.data.inline import parse_inline
from engine.validation import (check_bool, check_int, check_keys, check_number, json_type,
                               require_object)

BUILTIN_NAMES: tuple[str, ...] = (*GENERATORS, "digits")
FILE_KEYS = ("path", "label_column")
INLINE_KEYS = ("x_train", "y_train", "x_val", "y_val")


def describe_builtin(name: str) -> dict[str, Any]:
    """For the app's data panel: ``{"name", "task", "n_features", "description"}``."""
    if name == "digits":
        return {"name": name, "task": "multiclass", "n_features": 64,
                "description": "8x8 handwritten digits (1,797 images, 10 classes)"}
    info = GENERATORS[name]
    return {"name": name, "task": info.task, "n_features": len(info.raw_names),
            "description": info.description}


def _check_dataset(value: Any) -> str | dict[str, Any]:
    """Normalise ``dataset`` to a built-in name or a file/inline dict (deep-copied)."""
    if isinstance(value, str):
        if value.lower().endswith((".csv", ".npz")):
            return {"path": value, "label_column": None}
        if value not in BUILTIN_NAMES:
            raise BadInput(f"unknown data set {quote(value)} (known: {', '.join(BUILTIN_NAMES)}; or a "
                           f".csv/.npz file)", "dataset")
        return value
    if not isinstance(value, dict):
        raise BadInput(f"must be a name or an object, got {json_type(value)}", "dataset")
    if "path" in value:
        for key in value:
            if key not in FILE_KEYS:
                raise BadInput(f"unknown key {quote(key)} (allowed: {', '.join(FILE_KEYS)})",
                               f"dataset.{key}")
        path, label = value["path"], value.get("label_column")
        if not isinstance(path, str) or not path.strip():
            raise BadInput(f"must be a non-empty string, got {json_type(path)}", "dataset.path")
        if not path.lower().endswith((".csv", ".npz")):
            raise BadInput(f"must name a .csv or .npz file, got {quote(path)}", "dataset.path")
        if label is not None and (not isinstance(label, str) or not label):
            raise BadInput(f"must be a column name or null, got {quote(label)}", "dataset.label_column")
        return {"path": path, "label_column": label}
    if "x_train" in value or "y_train" in value:
        for key in value:
            if key not in INLINE_KEYS:
                raise BadInput(f"unknown key {quote(key)} (allowed: {', '.join(INLINE_KEYS)})",
                               f"dataset.{key}")
        try:
            parse_inline(value)
        except BadInput as err:
            raise err.at("dataset") from err
        return {k: copy.deepcopy(value.get(k)) for k in INLINE_KEYS}
    raise BadInput("an object must hold 'path' (a file) or 'x_train' and 'y_train' (inline data)",
                   "dataset")


class DataConfig:
    """The ``data`` section: which data set, how much of it, and how it is prepared.

    Keyword names are the JSON keys; every value is validated here (``BadInput`` with the key
    as path). Nothing large is allocated: file contents are read only by ``load_dataset``.
    """

    config_keys: tuple[str, ...] = ("dataset", "samples", "noise", "train_fraction", "standardize",
                                    "features", "class_fractions", "label_flip")

    def __init__(self, dataset: Any = "circle", samples: int = 500, noise: float = 0.0,
                 train_fraction: float = 0.5, standardize: bool = True,
                 features: list[str] | None = None,
                 class_fractions: dict[str, float] | None = None, label_flip: float = 0.0):
        self.dataset = _check_dataset(dataset)
        self.samples = check_int(samples, "samples", 1, MAX_SAMPLES, whole_floats=True)
        self.noise = check_number(noise, "noise", 0.0, 1.0)
        self.train_fraction = check_number(train_fraction, "train_fraction", 0.0, 1.0, lo_open=True)
        self.standardize = check_bool(standardize, "standardize")
        self.features = self._check_features(features)
        self.class_fractions = self._check_class_fractions(class_fractions)
        self.label_flip = check_number(label_flip, "label_flip", 0.0, 1.0, hi_open=True)
        if self.label_flip > 0 and self.generator_task == "regression":
            raise BadInput(f"needs class labels; {quote(self.dataset)} is a regression data set",
                           "label_flip")
        if self.class_fractions and self.generator_task == "regression":
            raise BadInput(f"needs class labels; {quote(self.dataset)} is a regression data set",
                           "class_fractions")

    @property
    def kind(self) -> str:
        """``"generator"``, ``"digits"``, ``"file"`` or ``"inline"``."""
        if isinstance(self.dataset, str):
            return "digits" if self.dataset == "digits" else "generator"
        return "file" if "path" in self.dataset else "inline"

    @property
    def generator_task(self) -> str | None:
        """The task of a built-in generator, else None."""
        return GENERATORS[self.dataset].task if self.kind == "generator" else None

    def _check_features(self, features: Any) -> list[str] | None:
        if features is None:
            return None
        if not isinstance(features, (list, tuple)) or not features:
            raise BadInput(f"must be a non-empty list of names or null, got {quote(features)}",
                           "features")
        seen: set[str] = set()
        for i, name in enumerate(features):
            if not isinstance(name, str) or not name:
                raise BadInput(f"must be a name, got {quote(name)}", f"features[{i}]")
            if name in seen:
                raise BadInput(f"duplicate feature {quote(name)}", f"features[{i}]")
            seen.add(name)
            if self.kind == "generator":
                raw = GENERATORS[self.dataset].raw_names
                allowed = [c for c, spec in CROSSES.items() if set(spec.uses) <= set(raw)]
                if name not in allowed:
                    raise BadInput(f"unknown feature {quote(name)} for {quote(self.dataset)} (allowed: "
                                   f"{', '.join(allowed)})", f"features[{i}]")
        return list(features)

    def _check_class_fractions(self, value: Any) -> dict[str, float] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise BadInput(f"must be an object like {{\"1\": 0.05}} or null, got "
                           f"{json_type(value)}", "class_fractions")
        out: dict[str, float] = {}
        for key, frac in value.items():
            if not isinstance(key, str) or not key:
                raise BadInput(f"keys must be class names, got {quote(key)}", "class_fractions")
            out[key] = check_number(frac, f"class_fractions.{key}", 0.0, 1.0, lo_open=True)
        if self.kind == "generator" and GENERATORS[self.dataset].task == "binary":
            for key in out:
                if key not in ("0", "1"):
                    raise BadInput(f"unknown class {quote(key)} (classes: 0, 1)",
                                   f"class_fractions.{key}")
        return out

    def get_config(self) -> dict[str, Any]:
        """Every key, JSON-safe; ``from_config(get_config())`` gives an equal config."""
        return {"dataset": copy.deepcopy(self.dataset), "samples": self.samples,
                "noise": self.noise, "train_fraction": self.train_fraction,
                "standardize": self.standardize,
                "features": None if self.features is None else list(self.features),
                "class_fractions": None if self.class_fractions is None
                else dict(self.class_fractions),
                "label_flip": self.label_flip}

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> "DataConfig":
        """Build from a ``data`` dict; unknown keys are errors, missing keys take defaults."""
        cfg = dict(require_object(cfg, None))
        top_file = {k: cfg.pop(k) for k in FILE_KEYS if k in cfg}
        top_inline = {k: cfg.pop(k) for k in INLINE_KEYS if k in cfg}
        check_keys(cfg, cls.config_keys + FILE_KEYS + INLINE_KEYS)
        if top_file or top_inline:
            if "dataset" in cfg:
                where = next(iter(top_file or top_inline))
                raise BadInput("give either 'dataset' or top-level file/inline keys, not both",
                               where)
            if top_file and top_inline:
                raise BadInput("give either a file ('path') or inline arrays, not both", "path")
            cfg["dataset"] = top_file or top_inline
        return cls(**cfg)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DataConfig) and self.get_config() == other.get_config()

    def __repr__(self) -> str:
        ds = self.dataset if isinstance(self.dataset, str) else (
            f"file {self.dataset['path']!r}" if self.kind == "file" else "inline")
        return (f"DataConfig(dataset={ds}, samples={self.samples}, noise={self.noise:g}, "
                f"train_fraction={self.train_fraction:g}, standardize={self.standardize}, "
                f"features={self.features}, class_fractions={self.class_fractions}, "
                f"label_flip={self.label_flip:g})")
