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
from engine.design.migrations import CURRENT_VERSION, FORMAT, migrate
from engine.errors import BadInput
from engine.limits import MAX_DESIGN_BYTES, quote
from engine.validation import check_keys

__all__ = ["Design", "load_design", "save_design", "parse_design_text"]

TOP_KEYS = ("format", "version", "name", "seed", "data", "model", "loss", "optimizer", "schedule",
            "training")
DEFAULT_NAME = "Untitled design"


@dataclass(eq=True)
class Design:
    """A validated design; sections are plain JSON-safe dicts (docs/FORMAT.md "Design files").

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
        check_keys(d, TOP_KEYS, "")
        data = sec.normalise_data(d.get("data"))
        model = sec.normalise_model(d.get("model"), data, base_dir)
        return cls(
            name=sec.normalise_name(d.get("name", DEFAULT_NAME)),
            seed=sec.normalise_seed(d.get("seed", 0)),
            data=data, model=model, loss=sec.normalise_loss(d.get("loss"), model),
            optimizer=sec.normalise_optimizer(d.get("optimizer")),
            schedule=sec.normalise_schedule(d.get("schedule")),
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

