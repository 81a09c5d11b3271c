"""What the registries share: the ``type`` look-up and the config round trip, written once.

Every configurable family (layers, optimisers, schedules, losses, initialisers) is a
:class:`Registry`, a dict ``type name -> class`` whose classes take their JSON keys as keyword
arguments: ``OPTIMIZERS.from_config(cfg)`` builds one from ``{"type": ..., ...}``,
``OPTIMIZERS.build(value, path)`` also from a bare type name or an object (copied through its
config), every error located at ``path``. ``Configurable`` gives a class ``get_config`` /
``from_config`` / ``__repr__`` / ``__eq__`` from its ``config_keys``.
"""
from __future__ import annotations

import json
from typing import Any, ClassVar, Iterable

from engine.errors import BadInput
from engine.limits import quote
from engine.validation import config_errors, config_kwargs, json_type

__all__ = ["Configurable", "Registry"]


class Configurable:
    """A class described by its config: ``type_name`` plus the keyword arguments ``config_keys``
    (stored as attributes of the same name, or as ``_cfg`` says)."""

    type_name: ClassVar[str] = ""
    config_keys: ClassVar[tuple[str, ...]] = ()

    def _cfg(self, key: str) -> Any:
        """The value of config key ``key``."""
        return getattr(self, key)

    def get_config(self) -> dict[str, Any]:
        """Every key of the config, ``type`` included."""
        return {"type": self.type_name, **{k: self._cfg(k) for k in self.config_keys}}

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Any:
        """Build from a config; unknown keys are BadInput naming them, missing ones take defaults."""
        return cls(**config_kwargs(cfg, cls.config_keys))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={self._cfg(k)!r}" for k in self.config_keys)
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.get_config() == other.get_config()  # type: ignore


class Registry(dict):
    """One family's ``type name -> class`` table (``LAYERS``, ``OPTIMIZERS`` ...), with the
    look-up by ``type`` written once. ``kind`` names the family's types in messages
    (``"optimizer type"``)."""

    def __init__(self, kind: str, classes: Iterable[type]) -> None:
        super().__init__((cls.type_name, cls) for cls in classes)  # type: ignore[attr-defined]
        self.kind = kind

    def from_config(self, cfg: Any) -> Any:
        """``self[cfg["type"]].from_config(cfg)``; BadInput for a config that is no object and
        (at ``type``) for a type this registry does not hold."""
        if not isinstance(cfg, dict):
            raise BadInput(f"must be an object, got {json_type(cfg)}")
        name = cfg.get("type")
        if name not in self:
            raise BadInput(f"unknown {self.kind} {quote(name, 40)} (known: {', '.join(self)})",
                           "type")
        return self[name].from_config(cfg)

    def build(self, value: Any, path: str) -> Any:
        """An object from a config dict, a bare type name (``"adam"``) or an object (copied
        through its config, so the caller's stays untouched), its config JSON-safe. Everything
        wrong is BadInput at ``path``."""
        if isinstance(value, Configurable):
            value = value.get_config()
        if isinstance(value, str):
            value = {"type": value}
        if not isinstance(value, dict):
            raise BadInput(f"must be a config object or a type name, got {quote(value)}", path)
        with config_errors(path):
            obj = self.from_config(dict(value))
            json.dumps(obj.get_config(), allow_nan=False)
        return obj
