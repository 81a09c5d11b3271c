"""Checkpoints of a TrainingSession: ``state_dict`` and a validated, transactional
``load_state_dict``.

A checkpoint is input like a design: every array and every ``meta.json`` field is checked (type,
range, shape, finiteness, consistency with the session: ``pos`` inside the training rows, ``epoch``
not past ``step``, class of ``status`` ...) before anything in the session changes. A refused
checkpoint raises ``BadInput`` naming the field and leaves the session as it was.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.limits import MAX_META_BYTES, MAX_STEP, quote
from engine.session.control import _plain, check_same_structure, options_layer, take_options
from engine.session.history import bound_history

STATUSES = ("running", "diverged", "early_stopped", "finished")
MAX_SEED = 2**63 - 1
MAX_EPOCHS = 1_000_000
MAX_BATCH = 1_000_000
# schedule state keys (engine.schedules ... state_dict) -> (kind, lower bound)
SCHEDULE_STATE = {"scale": ("float", 0.0), "best": ("float?", None), "wait": ("int", 0),
                  "cooldown_counter": ("int", 0), "lr0": ("positive?", None),
                  "bound_total_steps": ("int?", 1)}


def _int(value: Any, path: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadInput(f"must be an integer, got {quote(value)}", path)
    if not lo <= value <= hi:
        raise BadInput(f"must be in [{lo}, {hi:,}], got {quote(value)}", path)
    return value


def _num(value: Any, path: str, optional: bool = False, finite: bool = True,
         positive: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadInput(f"must be a number{' or null' if optional else ''}, got {quote(value)}",
                       path)
    value = float(value)
    if (finite and not math.isfinite(value)) or (positive and not value > 0):
        raise BadInput(f"must be a {'positive ' if positive else ''}finite number, got "
                       f"{quote(value)}", path)
    return value


def _meta(d: dict[str, Any]) -> dict[str, Any]:
    if "meta.json" not in d:
        raise BadInput("missing in checkpoint", "meta.json")
    raw = np.asarray(d["meta.json"])
    if raw.shape != () or raw.dtype.kind != "U":
        raise BadInput(f"must be a 0-d text array, got {raw.dtype} {raw.shape}", "meta.json")
    text = str(raw)
    if len(text) > MAX_META_BYTES:
        raise BadInput(f"is {len(text):,} characters; at most {MAX_META_BYTES:,}", "meta.json")
    try:
        meta = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise BadInput(f"is not valid JSON ({quote(str(err))})", "meta.json") from None
    if not isinstance(meta, dict):
        raise BadInput(f"must be a JSON object, got {quote(meta)}", "meta.json")
    return meta


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


def _counters(s: Any, meta: dict[str, Any]) -> dict[str, Any]:
    """The scalar fields of meta.json, each checked (path ``meta.json.<field>``)."""
    p = "meta.json."
    step = _int(meta.get("step"), p + "step", 0, MAX_STEP)
    epoch = _int(meta.get("epoch"), p + "epoch", 0, min(step, MAX_EPOCHS))
    pos = _int(meta.get("pos"), p + "pos", 0, s.n - 1)
    seed = _int(meta.get("seed"), p + "seed", 0, MAX_SEED)
    status = meta.get("status")
    if status not in STATUSES:
        raise BadInput(f"must be one of {', '.join(STATUSES)}, got {quote(status)}", p + "status")
    at = meta.get("diverged_at")
    if at is not None:
        if not isinstance(at, dict):
            raise BadInput(f"must be an object or null, got {quote(at)}", p + "diverged_at")
        _int(at.get("step"), p + "diverged_at.step", 0, MAX_STEP)
        _int(at.get("layer_index"), p + "diverged_at.layer_index", 0, len(s.model.layers) - 1)
        if not isinstance(at.get("layer_id"), str) or at.get("what", "loss") not in (
                "loss", "gradient", "weights"):
            raise BadInput("needs layer_id (text) and what (loss, gradient or weights)",
                           p + "diverged_at")
        at = {k: at[k] for k in ("step", "layer_index", "layer_id", "what") if k in at}
    ep = meta.get("ep")
    if not isinstance(ep, list) or len(ep) != 3:
        raise BadInput(f"must be [loss sum, accuracy sum, samples], got {quote(ep)}", p + "ep")
    ep = [_num(ep[0], p + "ep[0]"), _num(ep[1], p + "ep[1]"), _int(ep[2], p + "ep[2]", 0, s.n)]
    last = meta.get("last")
    if not isinstance(last, list) or len(last) != 8:
        raise BadInput(f"must be a list of 8 figures, got {quote(last)}", p + "last")
    last = [_num(v, f"{p}last[{i}]", optional=i < 6, finite=False) for i, v in enumerate(last)]
    for i in (6, 7):
        _num(last[i], f"{p}last[{i}]")
    lr = _num(meta.get("learning_rate", s.optimizer.learning_rate), p + "learning_rate",
              positive=True)
    es = meta.get("early_stopping")
    if not isinstance(es, dict) or set(es) != {"best", "wait", "best_epoch"}:
        raise BadInput(f"must be {{best, wait, best_epoch}}, got {quote(es)}", p + "early_stopping")
    es = {"best": _num(es["best"], p + "early_stopping.best", optional=True),
          "wait": _int(es["wait"], p + "early_stopping.wait", 0, MAX_EPOCHS),
          "best_epoch": _int(es["best_epoch"], p + "early_stopping.best_epoch", 0, MAX_EPOCHS)}
    history = meta.get("history")
    if not isinstance(history, list):
        raise BadInput(f"must be a list, got {quote(history)}", p + "history")
    for i, row in enumerate(history):
        if not isinstance(row, dict) or not all(
                isinstance(k, str) and (v is None or isinstance(v, (int, float, str)))
                for k, v in row.items()):
            raise BadInput(f"must be an object of figures, got {quote(row)}", f"{p}history[{i}]")
    return {"step_count": step, "epoch": epoch, "pos": pos, "seed": seed, "status": status,
            "diverged_at": at, "_ep": ep, "last": last, "learning_rate": lr, "_es": es,
            "history": bound_history(list(history))}


def _batch(s: Any, meta: dict[str, Any]) -> tuple[Any, int] | None:
    value = meta.get("batch_size", s.batch_size_option)
    if value == s.batch_size_option:
        return None
    if value != "full":
        _int(value, "meta.json.batch_size", 1, MAX_BATCH)
    return s._batch_rows(value, s.n)


def _schedule_state(s: Any, meta: dict[str, Any]) -> dict[str, Any]:
    state = meta.get("schedule", {})
    path = "meta.json.schedule"
    mine = s.schedule.state_dict()
    if not isinstance(state, dict) or set(state) != set(mine):
        raise BadInput(f"must hold {', '.join(mine) or 'nothing'} for a {s.schedule.type_name} "
                       f"schedule, got {quote(state)}", path)
    for key, value in state.items():
        kind, lo = SCHEDULE_STATE.get(key, ("float?", None))
        if kind.startswith("int"):
            if not (value is None and kind.endswith("?")):
                _int(value, f"{path}.{key}", lo, MAX_STEP)
        else:
            v = _num(value, f"{path}.{key}", optional=kind.endswith("?"),
                     positive=kind.startswith("positive"))
            if v is not None and lo is not None and v < lo:
                raise BadInput(f"must be >= {lo}, got {v}", f"{path}.{key}")
    return state


def _edges(s: Any, meta: dict[str, Any]) -> np.ndarray | None:
    raw = meta.get("edges")
    if raw is None:
        return None
    try:
        edges = np.array(raw, np.float64)
    except (TypeError, ValueError):
        raise BadInput(f"must be a list of [low, high] pairs, got {quote(raw)}",
                       "meta.json.edges") from None
    if edges.shape != s.monitors.edges.shape:
        return None  # other monitors: the session fixes its own edges on the next pass
    for i, (lo, hi) in enumerate(edges):
        unset = math.isnan(lo) and math.isnan(hi)
        if not unset and not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise BadInput(f"must be finite with low < high, got [{lo}, {hi}]",
                           f"meta.json.edges[{i}]")
    return edges


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
                slots[k, off:off + size] = _array(d, full, (int(size),), m.dtype)
    iterations = step
    if "optimizer.iterations" in d:
        it = np.asarray(d["optimizer.iterations"])
        if it.shape != () or it.dtype.kind not in "iu":
            raise BadInput(f"must be a 0-d integer, got {it.dtype} {it.shape}",
                           "optimizer.iterations")
        iterations = _int(int(it), "optimizer.iterations", 0, MAX_STEP)
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
    meta = _meta(d)
    counters = _counters(s, meta)
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
                   _schedule_state(s, meta), _edges(s, meta), _batch(s, meta))


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
