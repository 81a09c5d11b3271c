"""Qt-free design document: the design dict (docs/FORMAT.md, format v1), edits, undo/redo, observers.

Widgets never change the design dict themselves: they call the document's edit methods, which
record an undo step and notify every observer. Observers are plain callables receiving a
:class:`DocEvent`; ``subscribe`` returns a handle whose ``remove()`` unsubscribes.
"""
from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field
from typing import Any, Callable

#: how many edits Edit → Undo can go back (the oldest go first): every step holds two copies of
#: the design, so an hour of edits mid-training must not grow the app's memory without bound
UNDO_LIMIT = 200
ID_PREFIX = {"dense": "d", "activation": "a", "batch_norm": "bn", "layer_norm": "ln",
             "dropout": "do", "alpha_dropout": "ado", "gaussian_noise": "gn"}

DEFAULT_DESIGN: dict[str, Any] = {
    "format": "network-playground/design", "version": 1, "name": "Spiral, ReLU + BN", "seed": 0,
    "data": {"dataset": "spiral", "samples": 600, "noise": 0.1, "train_fraction": 0.8,
             "standardize": True, "features": ["x1", "x2"]},
    "model": {"input_dim": 2, "layers": [
        {"id": "d1", "type": "dense", "units": 16, "kernel_initializer": "he_uniform"},
        {"id": "bn1", "type": "batch_norm", "momentum": 0.99, "renorm": False, "enabled": True},
        {"id": "a1", "type": "activation", "function": "relu"},
        {"id": "d2", "type": "dense", "units": 16, "kernel_initializer": "he_uniform"},
        {"id": "a2", "type": "activation", "function": "relu"},
        {"id": "do1", "type": "dropout", "rate": 0.1, "enabled": True},
        {"id": "d3", "type": "dense", "units": 1, "kernel_initializer": "glorot_uniform"},
        {"id": "a3", "type": "activation", "function": "sigmoid"}]},
    "loss": {"type": "binary_crossentropy", "class_weight": None},
    "optimizer": {"type": "adam", "learning_rate": 0.01},
    "schedule": {"type": "constant"},
    "training": {"batch_size": 32, "epochs": 200, "shuffle": True, "early_stopping": None},
}


@dataclass(frozen=True)
class DocEvent:
    """What changed: ``kind`` is one of reset, insert, remove, move, option, section, undo, redo,
    saved; ``index`` the layer index concerned (or None); ``label`` a human-readable description."""

    kind: str
    index: int | None = None
    label: str = ""
    detail: dict = field(default_factory=dict)


class Handle:
    """Removable observer registration (as PyTorch hooks)."""

    def __init__(self, registry: dict[int, Callable], key: int):
        self._registry, self._key = registry, key

    def remove(self) -> None:
        self._registry.pop(self._key, None)


@dataclass
class _Step:
    label: str
    before: dict
    after: dict
    event: DocEvent


class DesignDocument:
    """The design being edited.

    Parameters
    ----------
    design : dict, optional
        A design dict in format v1 (deep-copied); the built-in default when None.
    path : str, optional
        The file the design came from.
    """

    def __init__(self, design: dict | None = None, path: str | None = None):
        self._design = copy.deepcopy(design if design is not None else DEFAULT_DESIGN)
        self._ensure_ids()
        self.path = path
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        self._observers: dict[int, Callable[[DocEvent], None]] = {}
        self._keys = itertools.count()
        self._revision = 0
        self._saved_revision = 0
        self._rev_counter = itertools.count(1)

    def __repr__(self) -> str:
        return (f"DesignDocument(name={self.name!r}, layers={len(self.layers)}, path={self.path!r}, "
                f"dirty={self.dirty})")

    # ----------------------------------------------------------------- reading
    @property
    def design(self) -> dict:
        """The live design dict; read it, never change it (use the edit methods)."""
        return self._design

    def to_dict(self) -> dict:
        """A deep copy of the design."""
        return copy.deepcopy(self._design)

    @property
    def layers(self) -> list[dict]:
        return self._design.setdefault("model", {}).setdefault("layers", [])

    @property
    def name(self) -> str:
        return str(self._design.get("name", "untitled"))

    @property
    def input_dim(self) -> int:
        return int(self._design.get("model", {}).get("input_dim", 2))

    def section(self, name: str) -> dict:
        """The ``data`` / ``loss`` / ``optimizer`` / ``schedule`` / ``training`` section (live)."""
        sec = self._design.get(name)
        return sec if isinstance(sec, dict) else {}

    # ----------------------------------------------------------------- observers
    def subscribe(self, callback: Callable[[DocEvent], None]) -> Handle:
        key = next(self._keys)
        self._observers[key] = callback
        return Handle(self._observers, key)

    def _notify(self, event: DocEvent) -> None:
        for cb in list(self._observers.values()):
            cb(event)

    # ----------------------------------------------------------------- dirty / undo
    @property
    def dirty(self) -> bool:
        return self._revision != self._saved_revision

    def mark_saved(self, path: str | None = None) -> None:
        if path is not None:
            self.path = path
        self._saved_revision = self._revision
        self._notify(DocEvent("saved", label="saved"))

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    def _edit(self, label: str, event: DocEvent, change: Callable[[dict], None]) -> None:
        before = copy.deepcopy(self._design)
        change(self._design)
        self._ensure_ids()
        after = copy.deepcopy(self._design)
        if after == before:
            return
        rev = next(self._rev_counter)
        step = _Step(label, before, after, event)
        step.before["__rev__"], step.after["__rev__"] = self._revision, rev
        self._revision = rev
        self._undo.append(step)
        del self._undo[:-UNDO_LIMIT]
        self._redo.clear()
        self._notify(event)

    def _restore(self, snapshot: dict) -> None:
        snap = copy.deepcopy(snapshot)
        self._revision = snap.pop("__rev__")
        self._design = snap

    def undo(self) -> bool:
        """Undo the last edit; False when there is none."""
        return self._travel(self._undo, self._redo, "undo")

    def redo(self) -> bool:
        """Redo the last undone edit; False when there is none."""
        return self._travel(self._redo, self._undo, "redo")

    def _travel(self, source: list[_Step], target: list[_Step], kind: str) -> bool:
        """Move the newest step of ``source`` to ``target``, restoring the design before (undo)
        or after (redo) it."""
        if not source:
            return False
        step = source.pop()
        self._restore(step.before if kind == "undo" else step.after)
        target.append(step)
        done = "undone" if kind == "undo" else "redone"
        self._notify(DocEvent(kind, step.event.index, f"{kind} {step.label}",
                              {done: step.event.kind}))
        return True

    def replace(self, design: dict, path: str | None = None) -> None:
        """Load another design (a new file): clears the undo history and the dirty flag."""
        self._design = copy.deepcopy(design)
        self._ensure_ids()
        self.path = path
        self._undo.clear()
        self._redo.clear()
        self._revision = self._saved_revision = next(self._rev_counter)
        self._notify(DocEvent("reset", label="open"))

    # ----------------------------------------------------------------- layer edits
    def new_id(self, layer_type: str) -> str:
        prefix = ID_PREFIX.get(layer_type, layer_type[:2])
        used = {str(layer.get("id")) for layer in self.layers}
        for n in itertools.count(1):
            if f"{prefix}{n}" not in used:
                return f"{prefix}{n}"
        raise AssertionError("unreachable")

    def _ensure_ids(self) -> None:
        seen: set[str] = set()
        for layer in self._design.setdefault("model", {}).setdefault("layers", []):
            lid = layer.get("id")
            if not lid or lid in seen:
                layer["id"] = None
                layer["id"] = self.new_id(str(layer.get("type", "layer")))
            seen.add(layer["id"])

    def insert_layer(self, index: int, config: dict) -> str:
        """Insert a layer (config dict with ``type``) before ``index``; returns its (new) id."""
        index = max(0, min(int(index), len(self.layers)))
        cfg = copy.deepcopy(config)
        if not cfg.get("id") or any(l.get("id") == cfg["id"] for l in self.layers):
            cfg["id"] = self.new_id(str(cfg.get("type", "layer")))
        label = f"insert {cfg.get('function') or cfg.get('type')}"
        self._edit(label, DocEvent("insert", index, label, {"id": cfg["id"]}),
                   lambda d: d["model"]["layers"].insert(index, cfg))
        return cfg["id"]

    def remove_layer(self, index: int) -> dict:
        """Remove the layer at ``index``; returns its config."""
        cfg = copy.deepcopy(self.layers[index])
        label = f"remove {cfg.get('function') or cfg.get('type')}"
        self._edit(label, DocEvent("remove", index, label, {"id": cfg.get("id")}),
                   lambda d: d["model"]["layers"].pop(index))
        return cfg

    def move_layer(self, src: int, dst: int) -> None:
        """Move the layer at ``src`` so that it ends up at index ``dst`` (after removal)."""
        n = len(self.layers)
        if not 0 <= src < n:
            raise IndexError(src)
        dst = max(0, min(int(dst), n - 1))
        if src == dst:
            return
        label = f"move {self.layers[src].get('type')}"

        def change(d: dict) -> None:
            layers = d["model"]["layers"]
            layers.insert(dst, layers.pop(src))
        self._edit(label, DocEvent("move", dst, label, {"from": src}), change)

    def duplicate_layer(self, index: int) -> str:
        """Insert a copy (with a new id) right after ``index``; returns the new id."""
        cfg = copy.deepcopy(self.layers[index])
        cfg["id"] = self.new_id(str(cfg.get("type", "layer")))
        return self.insert_layer(index + 1, cfg)

    def set_layer_option(self, index: int, key: str, value: Any) -> None:
        """Set one option of the layer at ``index`` (nested dicts such as ``kernel_regularizer``
        are replaced whole)."""
        label = f"set {self.layers[index].get('id')}.{key}"

        def change(d: dict) -> None:
            d["model"]["layers"][index][key] = copy.deepcopy(value)
        self._edit(label, DocEvent("option", index, label, {"key": key, "value": value}), change)

    def set_layer_options(self, changes: list[tuple[int, str, Any]], label: str) -> None:
        """Several ``(layer index, key, value)`` changes as one edit (one undo step): one user
        action, such as switching every batch-norm layer off."""
        def change(d: dict) -> None:
            for index, key, value in changes:
                d["model"]["layers"][index][key] = copy.deepcopy(value)
        first = changes[0][0] if changes else None
        self._edit(label, DocEvent("option", first, label, {"changes": list(changes)}), change)

    def set_layer_config(self, index: int, config: dict) -> None:
        """Replace the whole config of the layer at ``index`` (keeps its id)."""
        cfg = copy.deepcopy(config)
        cfg["id"] = self.layers[index].get("id")
        label = f"edit {cfg['id']}"

        def change(d: dict) -> None:
            d["model"]["layers"][index] = cfg
        self._edit(label, DocEvent("option", index, label, {"config": cfg}), change)

    def set_value(self, section: str, key: str, value: Any) -> None:
        """Set ``design[section][key]`` (``section`` "" sets a top-level key such as ``seed``)."""
        label = f"set {section + '.' if section else ''}{key}"

        def change(d: dict) -> None:
            target = d if not section else d.setdefault(section, {})
            if not isinstance(target, dict):
                d[section] = target = {}
            target[key] = copy.deepcopy(value)
        self._edit(label, DocEvent("section", None, label,
                                   {"section": section, "key": key, "value": value}), change)

    def set_section(self, section: str, value: dict) -> None:
        """Replace a whole section (e.g. ``optimizer`` after choosing another type)."""
        label = f"set {section}"

        def change(d: dict) -> None:
            d[section] = copy.deepcopy(value)
        self._edit(label, DocEvent("section", None, label, {"section": section, "value": value}),
                   change)

    def set_values(self, changes: list[tuple[str, str, Any]], label: str) -> None:
        """Several ``(section, key, value)`` changes as one undo step."""
        def change(d: dict) -> None:
            for section, key, value in changes:
                target = d if not section else d.setdefault(section, {})
                target[key] = copy.deepcopy(value)
        self._edit(label, DocEvent("section", None, label, {"changes": changes}), change)
