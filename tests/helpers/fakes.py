"""A tiny stand-in session (tests only): logistic regression on two blobs, one 'dense' layer,
plus a dropout layer whose option calls are recorded. It implements the app's session seam
(:class:`playground.session_api.Session`) and returns the engine's own StepSnapshot/LayerStats
(engine/snapshot.py), so the fakes cannot drift from what the dashboards get."""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from engine.snapshot import LayerStats, StepSnapshot


def layer_stats(index: int, id: str, type: str, function: str | None = None, units: int = 1,
                enabled: bool | None = None, **figures: Any) -> LayerStats:
    """A LayerStats with the figures given (the others None)."""
    return LayerStats(index, id, type, function, units, enabled, **figures)


def step_snapshot(step: int, epoch: int, loss: float | None, lr: float, **fields: Any) -> StepSnapshot:
    """A StepSnapshot: ``fields`` override the defaults of a running session's snapshot."""
    values: dict[str, Any] = dict(
        batch_in_epoch=0, steps_per_epoch=10, epoch_loss=None, val_loss=None, accuracy=None,
        val_accuracy=None, momentum=0.9, status="running", diverged_at=None, layers=(),
        history_len=0, wall_time=time.perf_counter())
    values.update(fields)
    return StepSnapshot(step=step, epoch=epoch, loss=loss, lr=lr, **values)


@dataclass
class FakeData:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


class FakeSession:
    """Ten steps an epoch, never finishing; records the option, lr, optimiser, schedule, batch
    size and model calls it gets (``calls``)."""

    steps_per_epoch = 10

    def __init__(self, design: dict, base_dir: str | None = None, device: str = "cpu",
                 delay: float = 0.0):
        rng = np.random.default_rng(0)
        x = np.concatenate([rng.normal(-1, 0.5, (100, 2)), rng.normal(1, 0.5, (100, 2))])
        y = np.concatenate([np.zeros(100), np.ones(100)])[:, None]
        perm = rng.permutation(200)
        x, y = x[perm], y[perm]
        self.data = FakeData(x[:160], y[:160], x[160:], y[160:])
        self.w = np.zeros(2)
        self.b = 0.0
        self.lr = float(design.get("optimizer", {}).get("learning_rate", 0.1))
        self.t = 0
        self.calls: list[tuple] = []
        self.dropout_enabled = True
        self.delay = delay
        self.history: list[dict] = []
        self.epochs = 1_000_000
        self.early_stopping: dict | None = None
        self.status = "running"

    @property
    def finished(self) -> bool:
        return self.status != "running"

    @property
    def epoch(self) -> int:
        return self.t // self.steps_per_epoch

    def _snap(self, loss: float) -> StepSnapshot:
        counts = np.histogram(self.data.x_train @ self.w, bins=20, range=(-5, 5))[0]
        edges = np.linspace(-5, 5, 21)
        layers = (
            layer_stats(0, "d1", "dense", grad_norm=abs(loss) + 1e-3, update_ratio=1e-3,
                        weight_norm=float(np.linalg.norm(self.w)),
                        weight_hist=np.histogram(self.w, bins=5), act_hist_counts=counts,
                        act_hist_edges=edges),
            layer_stats(1, "do1", "dropout", enabled=self.dropout_enabled,
                        act_hist_counts=counts, act_hist_edges=edges),
            layer_stats(2, "a1", "activation", function="sigmoid", dead_fraction=0.0,
                        saturated_fraction=0.1, act_hist_counts=counts, act_hist_edges=edges),
        )
        return step_snapshot(self.t, self.epoch, loss, self.lr, layers=layers,
                             val_loss=loss * 1.1, accuracy=0.9, val_accuracy=0.85,
                             batch_in_epoch=self.t % self.steps_per_epoch, status=self.status,
                             steps_per_epoch=self.steps_per_epoch)

    def _loss(self) -> float:
        p = 1 / (1 + np.exp(-(self.data.x_train @ self.w + self.b)))
        y = self.data.y_train[:, 0]
        return float(-np.mean(y * np.log(p + 1e-9) + (1 - y) * np.log(1 - p + 1e-9)))

    def run(self, n: int) -> StepSnapshot:
        for _ in range(n):
            p = 1 / (1 + np.exp(-(self.data.x_train @ self.w + self.b)))
            g = p - self.data.y_train[:, 0]
            self.w -= self.lr * self.data.x_train.T @ g / len(g)
            self.b -= self.lr * g.mean()
            self.t += 1
        if self.delay:
            time.sleep(self.delay)
        return self._snap(self._loss())

    def run_epoch(self) -> StepSnapshot:
        return self.run(self.steps_per_epoch - self.t % self.steps_per_epoch)

    def snapshot(self) -> StepSnapshot:
        return self._snap(self._loss())

    def predict(self, x: np.ndarray, mc_dropout: int = 0) -> tuple[np.ndarray, None]:
        return 1 / (1 + np.exp(-(x @ self.w + self.b)))[:, None], None

    def set_layer_option(self, layer_id: str, **options: Any) -> None:
        self.calls.append(("layer_option", layer_id, options))
        if layer_id == "do1" and options.get("enabled") is not None:
            self.dropout_enabled = bool(options["enabled"])

    def set_learning_rate(self, lr: float) -> None:
        self.calls.append(("lr", lr))
        self.lr = lr

    def set_optimizer(self, cfg: Any) -> None:
        self.calls.append(("optimizer", cfg))

    def set_schedule(self, cfg: Any) -> None:
        self.calls.append(("schedule", cfg))

    def set_batch_size(self, batch_size: int | str) -> None:
        self.calls.append(("batch_size", batch_size))

    def apply_model(self, layer_configs: list[Any]) -> None:
        self.calls.append(("apply_model", [l.get("id") for l in layer_configs]))

    def reset(self, seed: int | None = None) -> None:
        self.w[:] = 0
        self.b = 0.0
        self.t = 0
        self.history.clear()
        self.status = "running"

    def get_weights(self) -> dict[str, np.ndarray]:
        return {"layers.0.kernel": self.w[:, None].astype(np.float32),
                "layers.0.bias": np.array([self.b], np.float32)}

    def set_weights(self, d: dict[str, np.ndarray]) -> None:
        self.w[:] = np.asarray(d["layers.0.kernel"], np.float64)[:, 0]
        self.b = float(d["layers.0.bias"][0])

    def weights_by_id(self) -> dict[str, dict[str, np.ndarray]]:
        return {"d1": {"kernel": self.w[:, None].copy(), "bias": np.array([self.b])}}

    def keep_weights(self, by_id: dict[str, dict[str, np.ndarray]]) -> list[str]:
        self.calls.append(("keep_weights", sorted(by_id)))
        old = by_id.get("d1")
        if old is None:
            return []
        self.w[:] = old["kernel"][:, 0]
        self.b = float(old["bias"][0])
        return ["d1"]


class EpochSession(FakeSession):
    """A FakeSession with the engine's run length: ``epochs`` (10 steps each), ``status``,
    early stopping after ``stop_after`` epochs when ``early_stopping`` is set."""

    def __init__(self, design: dict, base_dir: str | None = None, device: str = "cpu",
                 delay: float = 0.0, stop_after: int = 2):
        super().__init__(design, base_dir, device, delay)
        training = design.get("training", {})
        self.epochs = int(training.get("epochs", 3))
        self.early_stopping = training.get("early_stopping")
        self.stop_after = stop_after
        self._es = {"best": 1.0, "wait": 0, "best_epoch": 1}

    def run(self, n: int) -> StepSnapshot:
        n = max(0, min(n, self.epochs * self.steps_per_epoch - self.t))
        if self.status != "running":
            n = 0
        snap = super().run(n)
        if self.early_stopping and self.epoch >= self.stop_after:
            self._es["wait"] += self.epoch - self._es["best_epoch"]
            self.status = "early_stopped"
        elif self.epoch >= self.epochs:
            self.status = "finished"
        return replace(snap, status=self.status)


class StructSession(FakeSession):
    """A FakeSession whose layers follow the design (and ``apply_model``): one LayerStats per
    layer config, with the config's id, type and function; dense layers get gradient figures
    (zero with ``zero_grads``), disabled layers none."""

    zero_grads = False

    def __init__(self, design: dict, base_dir: str | None = None, device: str = "cpu",
                 delay: float = 0.0):
        super().__init__(design, base_dir, device, delay)
        self.layers = [dict(layer) for layer in design.get("model", {}).get("layers", [])]

    def apply_model(self, layer_configs: list[Any]) -> None:
        super().apply_model(layer_configs)
        self.layers = [dict(layer) for layer in layer_configs]

    def set_layer_option(self, layer_id: str, **options: Any) -> None:
        super().set_layer_option(layer_id, **options)
        for layer in self.layers:
            if layer.get("id") == layer_id and "enabled" in options:
                layer["enabled"] = options["enabled"]

    def _snap(self, loss: float) -> StepSnapshot:
        base = super()._snap(loss)
        counts, edges = base.layers[0].act_hist_counts, base.layers[0].act_hist_edges
        stats = []
        for i, cfg in enumerate(self.layers):
            on = cfg.get("enabled", True) is not False
            dense = cfg.get("type") == "dense"
            grad = (0.0 if self.zero_grads else abs(loss) + 1e-3 * (i + 1)) if dense else None
            fn = cfg.get("function") if cfg.get("type") == "activation" else None
            stats.append(layer_stats(
                i, str(cfg.get("id")), str(cfg.get("type")), function=fn,
                enabled=on if "enabled" in cfg else None,
                grad_norm=grad if on else None, update_ratio=1e-3 if dense and on else None,
                weight_hist=np.histogram(self.w, bins=5) if dense else None,
                act_hist_counts=counts, act_hist_edges=edges,
                dead_fraction=0.25 if fn in ("relu", "leaky_relu", "elu") else None,
                bn={"batch_mean": np.zeros(2), "batch_var": np.ones(2), "moving_mean":
                    np.zeros(2), "moving_var": np.ones(2)} if cfg.get("type") == "batch_norm"
                else None))
        return replace(base, layers=tuple(stats))
