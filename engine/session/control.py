"""Between-steps controls of a TrainingSession: options, optimiser, schedule, batch size, model,
data and loss changes, reset.

Every method validates everything first and changes the session only once nothing can fail any
more: a refused call (``BadInput``) leaves the session exactly as it was (``state_dict()``
unchanged). Model, data and loss changes pass the one guard of ``engine.guard``.
Checkpoints (``state_dict`` / ``load_state_dict``) live in ``engine.session.restore``.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.layers import Layer, from_config as layer_from_config
from engine.limits import MAX_LAYERS, quote
from engine.model import Model
from engine.guard import check_batch, check_dataset, check_fit
from engine.losses import LOSSES
from engine.optimizers import OPTIMIZERS
from engine.schedules import SCHEDULES
from engine.validation import check_count, config_errors, positive

_KEPT = ("weights", "grads", "input_dim", "output_dim", "dtype", "_cache", "stats", "seed",
         "rng_step", "auto_id")
MAX_SEED = 2**63 - 1


def _plain(cfg: dict[str, Any]) -> dict[str, Any]:
    """A layer config as it reads back from JSON (tuples become lists...)."""
    return json.loads(json.dumps(cfg))


def options_layer(layer: Layer, cfg: dict[str, Any], path: str = "") -> Layer:
    """A fresh layer of ``layer``'s type with the options of ``cfg`` (validated, JSON-safe);
    BadInput (at ``path``) if ``cfg`` is not a valid config of that type."""
    with config_errors(path, "invalid option value"):
        fresh = type(layer).from_config(cfg)
        json.dumps(fresh.get_config(), allow_nan=False)
    return fresh


def take_options(layer: Layer, fresh: Layer) -> None:
    """Give ``layer`` the options of ``fresh`` (same type); weights and state kept."""
    for attr, value in vars(fresh).items():
        if attr not in _KEPT:
            setattr(layer, attr, value)


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
                raise BadInput(f"the checkpoint's layer has {key}={quote(cfg.get(key))}, the "
                               f"session's {quote(mine.get(key))} (a different design)",
                               f"meta.json.layer_configs[{i}].{key}")


def layers_from(configs: Any) -> list[Layer]:
    """Fresh layers from configs or Layer objects (copied: the live layers stay untouched)."""
    if not isinstance(configs, (list, tuple)):
        raise BadInput(f"must be a list of layer configs, got {quote(configs)}", "model.layers")
    if not configs:
        raise BadInput("must contain at least one layer", "model.layers")
    if len(configs) > MAX_LAYERS:
        raise BadInput(f"{len(configs):,} layers exceed the limit of {MAX_LAYERS}", "model.layers")
    layers = []
    for i, c in enumerate(configs):
        path = f"model.layers[{i}]"
        cfg = c.get_config() if isinstance(c, Layer) else c
        if isinstance(c, Layer) and c.auto_id:
            cfg.pop("id", None)
        if not isinstance(cfg, dict):
            raise BadInput(f"must be a layer config object, got {quote(cfg)}", path)
        with config_errors(path, "invalid layer config"):
            layers.append(layer_from_config(dict(cfg)))
    return layers


class SessionControl:
    """Mixin of TrainingSession (uses its attributes; see engine/session/__init__.py)."""

    # ------------------------------------------------------------------ options
    def set_layer_option(self, layer_id: str, **options: Any) -> None:
        """Change options of one layer between steps (weights and state kept). None means "leave".

        Accepted: the layer type's ``live_options()`` (declared as ``live_keys`` on the layer
        class; ``engine.layers.live_options()`` lists them for all types). ``max_norm=False``
        turns the constraint off. Structural keys (units, function, ...) need ``apply_model``.
        """
        if not isinstance(layer_id, str):
            raise BadInput(f"must be a layer id (a string), got {quote(layer_id)}", "layer_id")
        i = self.model.layer_index(layer_id)
        layer = self.model.layers[i]
        cfg = layer.get_config()
        for key, value in options.items():
            if value is None:
                continue
            outer, inner = type(layer).option_path(key)  # BadInput for structural/unknown keys
            if inner is None:
                cfg[outer] = value
            else:
                cfg[outer] = dict(cfg[outer] or {})
                cfg[outer][inner] = None if (key == "max_norm" and value is False) else value
        fresh = options_layer(layer, cfg)  # errors name the option, as the inspector shows it
        take_options(layer, fresh)
        self.model.refresh_plan()

    def set_learning_rate(self, lr: float) -> None:
        """Base learning rate (the schedule's lr0)."""
        self.optimizer.learning_rate = positive(lr, "learning_rate")

    def set_optimizer(self, cfg: Any) -> None:
        """New optimiser (config, type name or object); weights kept, slots fresh, iterations
        from 0."""
        optimizer = OPTIMIZERS.build(cfg, "optimizer")
        self._sync_host()  # the weights stay: bring the device's newest before the upload
        self.optimizer = optimizer
        self._fresh_optimizer_state()
        self._host_changed()

    def set_schedule(self, cfg: Any) -> None:
        """New schedule (config, type name or object)."""
        schedule = SCHEDULES.build(cfg, "schedule")
        try:
            if hasattr(schedule, "set_total_steps"):
                schedule.set_total_steps(max(1, self.epochs * self.steps_per_epoch))
            schedule.values(self.step_count, 1, self.optimizer.learning_rate,
                            self.optimizer.momentum_value())
        except BadInput as err:
            raise err.at("schedule") from err
        except (TypeError, ValueError, ZeroDivisionError, OverflowError) as err:
            raise BadInput(f"cannot be used here ({quote(str(err))})", "schedule") from err
        self.schedule = schedule

    def set_batch_size(self, batch_size: int | str) -> None:
        """New batch size (int or "full"); takes effect at the next step, samples already seen
        in this epoch stay seen."""
        option, rows = self._batch_rows(batch_size, self.n)
        check_batch(self.model, rows, self.y.shape[1])
        self.model.ensure_capacity(rows, targets=self.y.shape[1])  # BadInput before any change
        self.batch_size_option, self.batch_size = option, rows

    def set_monitor_every(self, every: int) -> None:
        """Monitor-batch pass cadence in steps (0: no monitor passes)."""
        self.monitor_every = check_count(every, "monitor_every", 0)

    # ------------------------------------------------------------------ structure
    def apply_model(self, layer_configs: list[Any]) -> None:
        """Replace the layer list (configs or Layer objects); layers whose id survives keep their
        weights when the shapes still match. Optimiser slots start fresh; counters are kept;
        early stopping's saved best weights (of the old model) are dropped.

        Refused (BadInput naming the layer and both sizes) when the new model does not fit the
        data or the loss; the session is unchanged then."""
        layers = layers_from(layer_configs)
        self._sync_host(("params", "state"))
        model = Model(layers, self.model.input_dim, self.model.dtype, self.seed,
                      weights=self.model.weights_by_id())
        check_fit(model, self.loss, self.x, self.y, self.x_val, self.y_val,
                  batch_rows=self.batch_size)
        model.ensure_capacity(self.batch_size, targets=self.y.shape[1])
        self.model = model
        self._prepare_model()
        self._forget_best()

    def weights_by_id(self) -> dict[str, dict[str, Any]]:
        """Copies of every layer's weights (moving statistics included) keyed by layer id."""
        self._sync_host(("params", "state"))
        return self.model.weights_by_id()

    def keep_weights(self, by_id: dict[str, dict[str, Any]]) -> list[str]:
        """Take over the weights of every layer whose id is in ``by_id`` with the same weight
        names and shapes (a rebuilt run keeps what survived the edit); the others keep their
        fresh initial weights. Returns the ids of the layers whose weights were taken over."""
        d: dict[str, Any] = {}
        kept: list[str] = []
        for i, layer in enumerate(self.model.layers):
            old = by_id.get(layer.id)
            if not old or set(old) != set(layer.weights) or any(
                    tuple(old[n].shape) != tuple(w.shape) for n, w in layer.weights.items()) \
                    or not all(np.isfinite(a).all() for a in old.values()):
                continue  # resized, another kind of layer, or diverged: fresh weights
            d.update({f"layers.{i}.{n}": arr for n, arr in old.items()})
            kept.append(layer.id)
        if d:
            self.set_weights(d)
        return kept

    def set_loss(self, cfg: Any, data: Any = None) -> None:
        """New loss (config, type name or object), and with ``data`` (a DataSet whose targets
        are encoded for that loss, e.g. ``engine.build.load_design_data``) new data too, in one
        step. Refused (BadInput) when the model's output does not fit; nothing changes then."""
        loss = LOSSES.build(cfg, "loss")
        self._swap_data(self.data if data is None else data, loss)

    def set_data(self, data: Any) -> None:
        """Train on ``data`` (a DataSet) from now on: weights, optimiser and counters kept, the
        running epoch starts over on the new rows. Refused (BadInput naming the output layer and
        both sizes) when the model or the loss does not fit the data; nothing changes then."""
        loss = LOSSES.build(self.loss, "loss")
        self._swap_data(data, loss)

    def _swap_data(self, data: Any, loss: Any) -> None:
        check_dataset(data)
        arrays = self._data_arrays(data, loss, self.model)
        n = arrays["n"]
        option = self.batch_size_option
        rows = n if option == "full" else min(int(option), n)
        check_batch(self.model, rows, arrays["y"].shape[1])
        self.model.ensure_capacity(rows, targets=arrays["y"].shape[1])  # BadInput: no change
        self.loss, self.data = loss, data
        self._install_data(arrays)
        self.batch_size = rows
        self.pos, self._ep, self._perm_epoch = 0, [0.0, 0.0, 0], None
        self._prepare_model(fresh_optimizer=False)

    def reset(self, seed: int | None = None) -> None:
        """Re-initialise weights, optimiser, schedule and counters from ``seed`` (default: same)."""
        seed = self.seed if seed is None else check_count(seed, "seed", 0, MAX_SEED)
        layers = [layer_from_config(layer.get_config()) for layer in self.model.layers]
        model = Model(layers, self.model.input_dim, self.model.dtype, seed, self.model.capacity)
        model.ensure_capacity(self.batch_size, targets=self.y.shape[1])
        schedule = SCHEDULES.build(self.schedule, "schedule")
        self.seed, self.model, self.schedule = seed, model, schedule
        self._perm_epoch = None
        self._prepare_model()
        self._reset_counters()

    def _forget_best(self) -> None:
        """Early stopping's best copy belongs to the old model: start watching afresh."""
        self._best = None
        self._es = {"best": None, "wait": 0, "best_epoch": self.epoch}
