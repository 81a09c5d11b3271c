"""A tiny stand-in session producing StepSnapshot-shaped objects (tests only): logistic
regression on two blobs, one 'dense' layer, plus a dropout layer whose option calls are recorded."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class FakeLayerStats:
    index: int
    id: str
    type: str
    function: str | None = None
    units: int | None = None
    enabled: bool | None = None
    grad_norm: float | None = None
    bias_grad_norm: float | None = None
    grad_rms: float | None = None
    update_ratio: float | None = None
    weight_norm: float | None = None
    weight_hist: tuple | None = None
    act_hist_counts: np.ndarray | None = None
    act_hist_edges: np.ndarray | None = None
    dead_units: int | None = None
    dead_fraction: float | None = None
    saturated_fraction: float | None = None
    bn: dict | None = None


@dataclass(frozen=True)
class FakeSnapshot:
    step: int
    epoch: int
    loss: float
    lr: float
    layers: tuple = ()
    batch_in_epoch: int = 0
    steps_per_epoch: int = 10
    epoch_loss: float | None = None
    val_loss: float | None = None
    accuracy: float | None = None
    val_accuracy: float | None = None
    momentum: float = 0.9
    status: str = "running"
    diverged_at: dict | None = None
    history_len: int = 0
    wall_time: float = field(default_factory=time.perf_counter)


@dataclass
class FakeData:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray


class FakeSession:
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
        self.finished = False

    def _snap(self, loss: float) -> FakeSnapshot:
        counts = np.histogram(self.data.x_train @ self.w, bins=20, range=(-5, 5))[0]
        edges = np.linspace(-5, 5, 21)
        layers = (
            FakeLayerStats(0, "d1", "dense", units=1, grad_norm=abs(loss) + 1e-3,
                           update_ratio=1e-3, weight_norm=float(np.linalg.norm(self.w)),
                           weight_hist=np.histogram(self.w, bins=5), act_hist_counts=counts,
                           act_hist_edges=edges),
            FakeLayerStats(1, "do1", "dropout", enabled=self.dropout_enabled,
                           act_hist_counts=counts, act_hist_edges=edges),
            FakeLayerStats(2, "a1", "activation", function="sigmoid", dead_fraction=0.0,
                           saturated_fraction=0.1, act_hist_counts=counts,
                           act_hist_edges=edges),
        )
        return FakeSnapshot(step=self.t, epoch=self.t // 10, loss=loss, lr=self.lr,
                            layers=layers, val_loss=loss * 1.1, accuracy=0.9,
                            val_accuracy=0.85, batch_in_epoch=self.t % 10)

    def run(self, n: int) -> FakeSnapshot:
        loss = 0.0
        for _ in range(n):
            p = 1 / (1 + np.exp(-(self.data.x_train @ self.w + self.b)))
            g = p - self.data.y_train[:, 0]
            self.w -= self.lr * self.data.x_train.T @ g / len(g)
            self.b -= self.lr * g.mean()
            loss = float(-np.mean(self.data.y_train[:, 0] * np.log(p + 1e-9)
                                  + (1 - self.data.y_train[:, 0]) * np.log(1 - p + 1e-9)))
            self.t += 1
        if self.delay:
            time.sleep(self.delay)
        return self._snap(loss)

    def step(self) -> FakeSnapshot:
        return self.run(1)

    def run_epoch(self) -> FakeSnapshot:
        return self.run(10 - self.t % 10)

    def predict(self, x: np.ndarray, mc_dropout: int = 0):
        return 1 / (1 + np.exp(-(x @ self.w + self.b)))[:, None], None

    def set_layer_option(self, layer_id: str, **kw: Any) -> None:
        self.calls.append(("layer_option", layer_id, kw))
        if layer_id == "do1" and kw.get("enabled") is not None:
            self.dropout_enabled = bool(kw["enabled"])

    def set_learning_rate(self, lr: float) -> None:
        self.calls.append(("lr", lr))
        self.lr = lr

    def reset(self, seed: int | None = None) -> None:
        self.w[:] = 0
        self.t = 0

    def apply_model(self, layers: list) -> None:
        self.calls.append(("apply_model", [l.get("id") for l in layers]))


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
        self.status = "running"
        self._es = {"best": 1.0, "wait": 0, "best_epoch": 1}

    @property
    def finished(self) -> bool:
        return self.status != "running"

    @finished.setter
    def finished(self, value: bool) -> None:  # FakeSession.__init__ assigns it
        pass

    @property
    def epoch(self) -> int:
        return self.t // 10

    def run(self, n: int) -> FakeSnapshot:
        n = max(0, min(n, self.epochs * 10 - self.t))
        if self.status != "running":
            n = 0
        snap = super().run(n)
        if self.early_stopping and self.epoch >= self.stop_after:
            self._es["wait"] += self.epoch - self._es["best_epoch"]
            self.status = "early_stopped"
        elif self.epoch >= self.epochs:
            self.status = "finished"
        from dataclasses import replace
        return replace(snap, status=self.status)

    def snapshot(self) -> FakeSnapshot:
        from dataclasses import replace
        return replace(super().run(0), status=self.status)


class StructSession(FakeSession):
    """A FakeSession whose layers follow the design (and ``apply_model``): one LayerStats per
    layer config, with the config's id, type and function; dense layers get gradient figures
    (zero with ``zero_grads``), disabled layers none."""

    zero_grads = False

    def __init__(self, design: dict, base_dir: str | None = None, device: str = "cpu",
                 delay: float = 0.0):
        super().__init__(design, base_dir, device, delay)
        self.layers = [dict(layer) for layer in design.get("model", {}).get("layers", [])]

    def apply_model(self, layers: list) -> None:
        super().apply_model(layers)
        self.layers = [dict(layer) for layer in layers]

    def set_layer_option(self, layer_id: str, **kw: Any) -> None:
        super().set_layer_option(layer_id, **kw)
        for layer in self.layers:
            if layer.get("id") == layer_id and "enabled" in kw:
                layer["enabled"] = kw["enabled"]

    def _snap(self, loss: float) -> FakeSnapshot:
        base = super()._snap(loss)
        counts, edges = base.layers[0].act_hist_counts, base.layers[0].act_hist_edges
        stats = []
        for i, cfg in enumerate(self.layers):
            on = cfg.get("enabled", True) is not False
            dense = cfg.get("type") == "dense"
            grad = (0.0 if self.zero_grads else abs(loss) + 1e-3 * (i + 1)) if dense else None
            fn = cfg.get("function") if cfg.get("type") == "activation" else None
            stats.append(FakeLayerStats(
                i, str(cfg.get("id")), str(cfg.get("type")), function=fn,
                enabled=on if "enabled" in cfg else None,
                grad_norm=grad if on else None, update_ratio=1e-3 if dense and on else None,
                weight_hist=np.histogram(self.w, bins=5) if dense else None,
                act_hist_counts=counts, act_hist_edges=edges,
                dead_fraction=0.25 if fn in ("relu", "leaky_relu", "elu") else None,
                bn={"batch_mean": np.zeros(2), "batch_var": np.ones(2), "moving_mean":
                    np.zeros(2), "moving_var": np.ones(2)} if cfg.get("type") == "batch_norm"
                else None))
        from dataclasses import replace
        return replace(base, layers=tuple(stats))

    def snapshot(self) -> FakeSnapshot:
        return self._snap(0.5)
