"""Between-steps controls of a TrainingSession: options, optimiser, schedule, batch size, model
edits, reset, and state_dict / load_state_dict for bit-identical resumes."""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.layers import Layer, from_config as layer_from_config
from engine.model import Model



def _apply_options(layer: Layer, cfg: dict[str, Any]) -> None:
    """Give ``layer`` the options of ``cfg`` (its own type's config); weights and state kept."""
    fresh = type(layer).from_config(cfg)
    for attr, value in vars(fresh).items():
        if attr not in ("weights", "grads", "input_dim", "output_dim", "dtype", "_cache",
                        "stats", "seed", "rng_step", "auto_id"):
            setattr(layer, attr, value)


def _plain(cfg: dict[str, Any]) -> dict[str, Any]:
    """A layer config as it reads back from JSON (tuples become lists...)."""
    return json.loads(json.dumps(cfg))


def check_same_structure(saved: list[Any], layers: list[Layer]) -> None:
    """BadInput unless the checkpoint's layer configs ``saved`` describe ``layers`` up to
    options set_layer_option may change (same count, types, ids and structural keys)."""
    if not isinstance(saved, list) or len(saved) != len(layers):
        raise BadInput(f"the checkpoint has {len(saved) if isinstance(saved, list) else '?'} "
                       f"layers, the session {len(layers)}", "meta.json.layer_configs")
    for i, (cfg, layer) in enumerate(zip(saved, layers)):
        mine = _plain(layer.get_config())
        if not isinstance(cfg, dict):
            raise BadInput("not a layer config", f"meta.json.layer_configs[{i}]")
        for key in (k for k in type(layer).config_keys if k not in type(layer).live_keys):
            if cfg.get(key) != mine.get(key):
                raise BadInput(f"the checkpoint's layer has {key}={cfg.get(key)!r}, the "
                               f"session's {mine.get(key)!r} (a different design)",
                               f"meta.json.layer_configs[{i}].{key}")


class SessionControl:
    """Mixin of TrainingSession (uses its attributes; see engine/session/__init__.py)."""

    # ------------------------------------------------------------------ options
    def set_layer_option(self, layer_id: str, **options: Any) -> None:
        """Change options of one layer between steps (weights and state kept). None means "leave".

        Accepted: the layer type's ``live_options()`` (declared as ``live_keys`` on the layer
        class; ``engine.layers.live_options()`` lists them for all types). ``max_norm=False``
        turns the constraint off.
        """
        i = self.model.layer_index(layer_id)
        layer = self.model.layers[i]
        cfg = layer.get_config()
        for key, value in options.items():
            if value is None:
                continue
            outer, inner = type(layer).option_path(key)
            if inner is None:
                cfg[outer] = value
            else:
                cfg[outer] = dict(cfg[outer] or {})
                cfg[outer][inner] = None if (key == "max_norm" and value is False) else value
        _apply_options(layer, cfg)
        self.model.refresh_plan()

    def set_learning_rate(self, lr: float) -> None:
        """Base learning rate (the schedule's lr0)."""
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating)) \
                or not math.isfinite(lr) or lr <= 0:
            raise BadInput(f"must be a finite number > 0, got {lr!r}", "learning_rate")
        self.optimizer.learning_rate = float(lr)

    def set_optimizer(self, cfg: Any) -> None:
        """New optimiser (config or object); weights kept, slots fresh, iterations from 0."""
        from engine import optimizers
        self.optimizer = optimizers.from_config(cfg) if isinstance(cfg, dict) else cfg
        self._sync_host()  # the weights stay: bring the device's newest before the upload
        self._fresh_optimizer_state()
        self._host_changed()

    def set_schedule(self, cfg: Any) -> None:
        """New schedule (config or object)."""
        from engine import schedules
        self.schedule = schedules.from_config(cfg) if isinstance(cfg, dict) else cfg
        if hasattr(self.schedule, "set_total_steps"):
            self.schedule.set_total_steps(max(1, self.epochs * self.steps_per_epoch))

    def set_batch_size(self, batch_size: int | str) -> None:
        """New batch size (int or "full"); takes effect at the next step, samples already seen
        in this epoch stay seen."""
        self._set_batch(batch_size)
        self.model.ensure_capacity(self.batch_size, targets=self.y.shape[1])

    def set_monitor_every(self, every: int) -> None:
        self.monitor_every = int(every)

    # ------------------------------------------------------------------ structure
    def apply_model(self, layer_configs: list[Any]) -> None:
        """Replace the layer list (configs or Layer objects); layers whose id survives keep their
        weights when the shapes still match. Optimiser slots start fresh; counters are kept."""
        layers = [c if isinstance(c, Layer) else layer_from_config(c) for c in layer_configs]
        self._sync_host(("params", "state"))
        keep = self.model.weights_by_id()
        self.model = Model(layers, self.model.input_dim, self.model.dtype, self.seed,
                           self.model.capacity, weights=keep)
        self._prepare_model()

    def reset(self, seed: int | None = None) -> None:
        """Re-initialise weights, optimiser, schedule and counters from ``seed`` (default: same)."""
        from engine import schedules
        if seed is not None:
            self.seed = int(seed)
        layers = [layer_from_config(l.get_config()) for l in self.model.layers]
        self.model = Model(layers, self.model.input_dim, self.model.dtype, self.seed,
                           self.model.capacity)
        self.schedule = schedules.from_config(self.schedule.get_config())
        self._perm_epoch = None
        self._prepare_model()
        self._reset_counters()

    # ------------------------------------------------------------------ checkpoints
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
        """Restore what ``state_dict`` returned (same design); BadInput on missing keys/shapes.

        The layers take the checkpoint's options (``meta.json`` "layer_configs": set_layer_option
        changes made before saving); a checkpoint of another structure (layer count, types, ids,
        units, use_bias, ...) is refused with BadInput naming ``meta.json.layer_configs[i].key``."""
        if "meta.json" not in d:
            raise BadInput("missing in checkpoint", "meta.json")
        meta = json.loads(str(np.asarray(d["meta.json"])))
        self._sync_host()
        if "layer_configs" in meta:  # the options as they were (set_layer_option changes included)
            check_same_structure(meta["layer_configs"], self.model.layers)
        weights = {k: v for k, v in d.items() if k.startswith("layers.")}
        self.set_weights(weights)
        if "layer_configs" in meta:
            for layer, cfg in zip(self.model.layers, meta["layer_configs"]):
                _apply_options(layer, cfg)
            self.model.refresh_plan()
        self._fresh_optimizer_state()
        m = self.model
        for k, name in enumerate(self.optimizer.slot_layout()):
            if name is None:
                continue
            for r, key in enumerate(m.pkeys):
                full = f"optimizer.{key}.{name}"
                if full not in d:
                    raise BadInput("missing in checkpoint", full)
                off, size = m.ptab[r, 0], m.ptab[r, 1]
                src = np.asarray(d[full]).reshape(-1)
                if src.size != size:
                    raise BadInput(f"has {src.size} values, the parameter {size}", full)
                self.slots[k, off:off + size] = src
        self.iterations = int(d.get("optimizer.iterations", meta["step"]))
        if "optimizer.scalar_state" in d:
            self.ostate[:] = np.asarray(d["optimizer.scalar_state"], np.float64)
        self._best = (np.array(d["session.best_params"], m.dtype),
                      np.array(d["session.best_state"], m.dtype)) \
            if "session.best_params" in d else None
        self.step_count, self.epoch, self.pos = int(meta["step"]), int(meta["epoch"]), int(meta["pos"])
        self.seed = int(meta["seed"])
        self._perm_epoch = None  # the shuffle permutations depend on the seed
        if meta.get("batch_size", self.batch_size_option) != self.batch_size_option:
            self.set_batch_size(meta["batch_size"])
        self.status, self.diverged_at = meta["status"], meta["diverged_at"]
        self.history, self._ep, self._es = list(meta["history"]), list(meta["ep"]), dict(meta["early_stopping"])
        (self.last_loss, self.last_acc, self.epoch_loss, self.epoch_acc, self.val_loss,
         self.val_acc, self.last_lr, self.last_mom) = meta["last"]
        self.optimizer.learning_rate = float(meta.get("learning_rate", self.optimizer.learning_rate))
        self.schedule.load_state_dict(meta["schedule"])
        edges = np.array(meta.get("edges", []), np.float64)
        if edges.shape == self.monitors.edges.shape:
            self.monitors.edges[:] = edges
        self._host_changed()
