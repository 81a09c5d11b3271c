"""The training worker's live edits: commands that change the running session between steps,
each leaving one marker on the time plots (a mixin of :class:`playground.worker.TrainingWorker`)."""
from __future__ import annotations

from typing import Any

from playground.run_end import extend_run


class LiveEdits:
    """``_cmd_*`` handlers for layer options, learning rate, optimiser, schedule, run length,
    batch size and structural edits; the worker provides ``session``, ``history``,
    ``_mark``, ``_publish`` and ``_update_views``."""

    session: Any

    def _cmd_layer_options(self, changes: list, label: str = "") -> None:
        """Live options of several layers, applied at the same step, with one marker. The
        session refuses an option its layer's type does not declare live (the engine's
        ``Layer.live_options()``): reported like any refused command."""
        for layer_id, options in changes:
            self.session.set_layer_option(layer_id, **options)
        self._mark(label or "layers edited")

    def _cmd_lr(self, value: float) -> None:
        self.session.set_learning_rate(float(value))
        self._mark(f"lr={value:g}")

    def _cmd_optimizer(self, config: dict) -> None:
        self.session.set_optimizer(config)
        self.restart_rewind()  # older points hold another optimiser's state
        self._mark(f"optimizer={config.get('type')}")

    def _cmd_schedule(self, config: dict) -> None:
        self.session.set_schedule(config)
        self.restart_rewind()  # older points hold another schedule's state
        self._mark(f"schedule={config.get('type')}")

    def _cmd_training(self, **changes: Any) -> None:
        """The run's length (``epochs``) or ``early_stopping`` changed: a run that ended only
        because of them goes on at the next Play."""
        extend_run(self.session, **changes)
        parts = [f"epochs={changes['epochs']}"] if "epochs" in changes else []
        if "early_stopping" in changes:
            parts.append("early stopping " + ("on" if changes["early_stopping"] else "off"))
        self._mark(", ".join(parts))

    def _cmd_batch_size(self, value: Any) -> None:
        self.session.set_batch_size(value)
        self._mark(f"batch={value}")

    def _cmd_apply_model(self, layers: list, label: str = "model edited") -> None:
        self.session.apply_model(layers)
        self.restart_rewind()  # older points hold another model's weights
        self._update_views(force=True)
        snap = self.session.snapshot()
        self.history.add(snap)
        self._publish(snap)
        self._mark(label)
