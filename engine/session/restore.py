"""Checkpoints of a TrainingSession: ``state_dict`` and a validated, transactional
``load_state_dict``.

A checkpoint is input like a design: every array and every ``meta.json`` field is checked (type,
range, shape, finiteness, consistency with the session: ``pos`` inside the training rows, ``epoch``
not past ``step``, class of ``status`` ...) before anything in the session changes. A refused
checkpoint raises ``BadInput`` naming the field and leaves the session as it was.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.limits import quote
from engine.session import checkpoint_meta as cm
from engine.guard import check_batch
from engine.session.control import _plain, check_same_structure, options_layer, take_options
from engine.validation import check_int
SQUARES = ("v", "vhat", "acc", "s", "u")  # optimiser slots that are never negative


@dataclass
class Restore:
    """Everything a checkpoint sets, validated (applied by ``apply``)."""

    weights: dict[str, np.ndarray]
    slots: np.ndarray
    ostate: np.ndarray
    iterations: int
    best: tuple[np.ndarray, np.ndarray] | None
    counters: dict[str, Any]
    layers: list[Any] | None
    schedule_state: dict[str, Any]
    edges: np.ndarray | None
    batch: tuple[Any, int] | None


def _array(d: dict[str, Any], key: str, shape: tuple[int, ...] | None, dtype: Any) -> np.ndarray:
    a = np.asarray(d[key])
    if a.dtype.kind not in "biuf":
        raise BadInput(f"must hold numbers, got dtype {a.dtype}", key)
    if shape is not None and a.shape != shape and a.size != int(np.prod(shape)):
        raise BadInput(f"has shape {a.shape}, the session needs {shape}", key)
    out = np.array(a, dtype).reshape(shape if shape is not None else a.shape)
    if not np.all(np.isfinite(out)):
        raise BadInput("holds NaN or infinite values", key)
    return out


def _layer_configs(s: Any, meta: dict[str, Any]) -> list[Any] | None:
    saved = meta.get("layer_configs")
    if saved is None:
        return None
    check_same_structure(saved, s.model.layers)
    return [options_layer(layer, cfg, f"meta.json.layer_configs[{i}]")
            for i, (layer, cfg) in enumerate(zip(s.model.layers, saved))]


def _optimizer_arrays(s: Any, d: dict[str, Any], step: int) -> tuple[np.ndarray, np.ndarray, int]:
    m, opt = s.model, s.optimizer
    slots = np.zeros_like(s.slots)
    for k, name in enumerate(opt.slot_layout()):
        if name is not None:
            slots[k, :] = opt.slot_initial_value(name)
            for r, key in enumerate(m.pkeys):
                full = f"optimizer.{key}.{name}"
                if full not in d:
                    raise BadInput(f"missing in checkpoint (a {opt.type_name} optimiser's slot)",
                                   full)
                off, size = m.ptab[r, 0], m.ptab[r, 1]
                values = _array(d, full, (int(size),), m.dtype)
                if name in SQUARES and np.any(values < 0):
                    raise BadInput("holds negative values (a running mean of squares or "
                                   "magnitudes is never negative)", full)
                slots[k, off:off + size] = values
    iterations = step
    if "optimizer.iterations" in d:
        it = np.asarray(d["optimizer.iterations"])
        if it.shape != () or it.dtype.kind not in "iu":
            raise BadInput(f"must be a 0-d integer, got {it.dtype} {it.shape}",
                           "optimizer.iterations")
        iterations = check_int(int(it), "optimizer.iterations", 0, step)
    ostate = s.ostate.copy()
    if "optimizer.scalar_state" in d:
        ostate = _array(d, "optimizer.scalar_state", s.ostate.shape, np.float64)
    return slots, ostate, iterations


def _known(key: str) -> bool:
    return key == "meta.json" or key.startswith(("layers.", "optimizer.", "session.best_"))


def validate_checkpoint(s: Any, d: Any) -> Restore:
    """Check a checkpoint's arrays and meta data against session ``s``; nothing changes."""
    if not isinstance(d, dict):
        raise BadInput(f"must be a dict of arrays, got {quote(d)}", "checkpoint")
    for key in d:
        if not isinstance(key, str) or not _known(key):
            raise BadInput("unknown array in a checkpoint", quote(key, 60))
    meta = cm.parse_meta(d)
    counters = cm.counters(s, meta)
    cm.check_optimizer(s, meta)
    layers = _layer_configs(s, meta)
    weights = {k: v for k, v in d.items() if k.startswith("layers.")}
    s.model.check_weights(weights)
    slots, ostate, iterations = _optimizer_arrays(s, d, counters["step_count"])
    best = None
    if "session.best_params" in d or "session.best_state" in d:
        if not ("session.best_params" in d and "session.best_state" in d):
            raise BadInput("needs session.best_state too", "session.best_params")
        best = (_array(d, "session.best_params", s.model.params.shape, s.model.dtype),
                _array(d, "session.best_state", s.model.state.shape, s.model.dtype))
    return Restore(weights, slots, ostate, iterations, best, counters, layers,
                   cm.schedule_state(s, meta), cm.edges(s, meta), cm.batch(s, meta))


class RestoreMixin:
    """Mixin of TrainingSession: ``state_dict`` and ``load_state_dict``."""

    def state_dict(self) -> dict[str, np.ndarray]:
        """Everything for a bit-identical resume: ``layers.{i}.{name}`` (model dtype),
        ``optimizer.{param key}.{slot}``, ``optimizer.iterations``, ``optimizer.scalar_state``,
        ``session.best_params`` / ``session.best_state`` (early stopping's restore copy, when
        present) and ``meta.json`` (0-d unicode JSON: counters, seed, schedule/early-stopping
        state, history)."""
        self._sync_host()
        m = self.model
        out = {f"layers.{i}.{n}": np.array(w) for i, layer in enumerate(m.layers)
               for n, w in layer.weights.items()}
        for k, name in enumerate(self.optimizer.slot_layout()):
            if name is None:
                continue
            for r, key in enumerate(m.pkeys):
                off, size = m.ptab[r, 0], m.ptab[r, 1]
                shape = m.layers[m.ptab[r, 2]].weights[key.rsplit(".", 1)[1]].shape
                out[f"optimizer.{key}.{name}"] = self.slots[k, off:off + size].reshape(shape).copy()
        out["optimizer.iterations"] = np.array(self.iterations, np.int64)
        out["optimizer.scalar_state"] = self.ostate.copy()
        if self._best is not None:
            out["session.best_params"], out["session.best_state"] = (a.copy() for a in self._best)
        meta = {"format": "network-playground/checkpoint", "step": self.step_count,
                "epoch": self.epoch, "pos": self.pos, "seed": self.seed,
                "rng": {"shuffle_epoch": self.epoch, "kernel_step": self.step_count},
                "batch_size": self.batch_size_option, "status": self.status,
                "diverged_at": self.diverged_at, "history": self.history, "ep": self._ep,
                "last": [self.last_loss, self.last_acc, self.epoch_loss, self.epoch_acc,
                         self.val_loss, self.val_acc, self.last_lr, self.last_mom],
                "learning_rate": self.optimizer.learning_rate,
                "schedule": self.schedule.state_dict(), "early_stopping": self._es,
                "edges": self.monitors.edges.tolist(), "optimizer": self.optimizer.get_config(),
                "layer_configs": [_plain(layer.get_config()) for layer in m.layers]}
        out["meta.json"] = np.array(json.dumps(meta))
        return out

    def load_state_dict(self, d: dict[str, np.ndarray]) -> None:
        """Restore what ``state_dict`` returned (same design). Every key and meta field is
        validated first (BadInput naming it); a refused checkpoint changes nothing.

        The layers take the checkpoint's options (``meta.json`` "layer_configs": set_layer_option
        changes made before saving); a checkpoint of another structure (layer count, types, ids,
        units, use_bias, ...) is refused with BadInput naming ``meta.json.layer_configs[i].key``."""
        self._sync_host()
        r = validate_checkpoint(self, d)
        if r.batch is not None:
            check_batch(self.model, r.batch[1], self.y.shape[1])
            self.model.ensure_capacity(r.batch[1], targets=self.y.shape[1])  # BadInput: no change
            self.batch_size_option, self.batch_size = r.batch
        self.model.set_weights(r.weights)
        if r.layers is not None:
            for layer, fresh in zip(self.model.layers, r.layers):
                take_options(layer, fresh)
            self.model.refresh_plan()
        self.slots[...] = r.slots
        self.ostate = r.ostate
        self.iterations = r.iterations
        self.wprev = np.zeros_like(self.model.params)
        self._best = r.best
        c = r.counters
        (self.last_loss, self.last_acc, self.epoch_loss, self.epoch_acc, self.val_loss,
         self.val_acc, self.last_lr, self.last_mom) = c["last"]
        for key in ("step_count", "epoch", "pos", "seed", "status", "diverged_at", "_ep", "_es",
                    "history"):
            setattr(self, key, c[key])
        self.optimizer.learning_rate = c["learning_rate"]
        self._perm_epoch = None  # the shuffle permutations depend on the seed
        self.schedule.load_state_dict(r.schedule_state)
        if r.edges is not None:
            self.monitors.edges[:] = r.edges
        self._host_changed()
