"""TrainingSession: the one training code path (app worker, CLI, benchmarks).

Steps run in the compiled program (engine.program.train_run), as few calls as possible
(engine/session/stepping.py). Shuffling: epoch e's order is the counter-based shuffle of (seed, e)
(docs/NUMERICS.md "Shuffling"); kernel randomness comes from (seed, global step, layer key, index).
So the same seed gives the same run bit for bit whether driven by ``step()``, ``run(n)`` or
``run_epoch()``, and after ``load_state_dict``.
"""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np

import engine.program
from engine.errors import BadInput
from engine.layers import Dense
from engine.losses import Loss, MeanSquaredError
from engine.limits import MAX_PREDICT_ROWS
from engine.model import Model
from engine.monitors import monitor_rows
from engine.optimizers import Optimizer
from engine.program import plan as P
from engine.schedules import Constant, Schedule
from engine.session.backend import ProgramMonitors, ProgramSeam
from engine.session.control import SessionControl
from engine.session.arrays import batch_rows, session_arrays, table
from engine.guard import check_batch, check_dataset
from engine.session.inference import InferenceMixin
from engine.session.restore import RestoreMixin
from engine.session.stepping import SteppingMixin
from engine.snapshot import LayerStats, MonitorSeries, StepSnapshot
from engine.validation import check_count

__all__ = ["TrainingSession", "StepSnapshot", "LayerStats", "MonitorSeries"]


def built(value: Any, cls: type, name: str) -> Any:
    """``value`` if it is a ``cls``; a TypeError otherwise (a config dict is engine.build's)."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a built {cls.__name__} (engine.build makes one from a "
                        f"config), got {type(value).__name__}")
    return value


class TrainingSession(ProgramSeam, InferenceMixin, SessionControl, RestoreMixin, SteppingMixin):
    """Trains ``model`` on ``data`` (see docs/ARCHITECTURE.md "Session API").

    Takes built objects only: a Model, an Optimizer, a Schedule and a Loss (engine.build makes
    them from a design or from configs: ``build_session``, ``session_from_configs``) and a DataSet.

    ``program``: the object whose ``train_steps`` / ``evaluate_program`` / ``predict_program`` /
    ``monitor_program`` run the work (default: the CPU program, the engine.program module; the GPU
    backend passes a ``CudaProgram``, see engine/session/backend.py for residency).

    Early stopping follows Keras 3 EarlyStopping (``monitor``, ``min_delta``, ``patience``,
    ``restore_best``; mode from the monitor's name) with one deliberate difference: when the
    design has no validation set, a ``val_loss`` monitor quietly watches the training ``loss``
    instead (Keras would warn and never stop). The app lets students switch the validation split
    off and on, and a run that silently never stops is the worse surprise. reduce_on_plateau
    (engine.schedules) does the same with the epoch logs it is given.
    """

    def __init__(self, model: Model, optimizer: Optimizer, schedule: Schedule | None = None,
                 loss: Loss | None = None, data: Any = None, seed: int = 0,
                 batch_size: int | str = 32, shuffle: bool = True, epochs: int = 200,
                 early_stopping: dict | None = None, monitor_every: int = 1,
                 program: Any = None) -> None:
        if program is not None and program is not engine.program:
            self._program = program
        check_dataset(data)
        self.model = built(model, Model, "model")
        self.optimizer = built(optimizer, Optimizer, "optimizer")
        self.schedule = Constant() if schedule is None else built(schedule, Schedule, "schedule")
        self.loss = MeanSquaredError() if loss is None else built(loss, Loss, "loss")
        self.data = data
        self.seed = check_count(seed, "seed", 0, 2**63 - 1)
        self.shuffle = bool(shuffle)
        self.epochs = check_count(epochs, "epochs", 0)
        self.early_stopping = dict(early_stopping) if early_stopping else None
        self.monitor_every = check_count(monitor_every, "monitor_every", 0)
        self._install_data(self._data_arrays(data, self.loss, self.model))
        self.batch_size_option, self.batch_size = self._batch_rows(batch_size, self.n)
        check_batch(self.model, self.batch_size, self.y.shape[1])
        self._prepare_model()
        self._reset_counters()

    # ------------------------------------------------------------------ preparation
    _data_arrays = staticmethod(session_arrays)

    def _install_data(self, arrays: dict[str, Any]) -> None:
        self.x, self.y, self.sw = arrays["x"], arrays["y"], arrays["sw"]
        self.x_val, self.y_val, self.n = arrays["x_val"], arrays["y_val"], arrays["n"]

    _batch_rows = staticmethod(batch_rows)

    def _prepare_model(self, fresh_optimizer: bool = True) -> None:
        m = self.model
        m.ensure_capacity(self.batch_size, targets=self.y.shape[1])
        self.fused = int(self.loss.fusion(m.output_activation))
        self.n_fwd = len(m.layers) - (1 if self.fused else 0)
        self.monitors = ProgramMonitors(m, self.x[monitor_rows(self.n, self.seed)], self.program)
        if fresh_optimizer:
            self._fresh_optimizer_state()
        self._host_changed()
        if hasattr(self.schedule, "set_total_steps"):
            self.schedule.set_total_steps(max(1, self.epochs * self.steps_per_epoch))

    def _fresh_optimizer_state(self) -> None:
        m, opt = self.model, self.optimizer
        self.slots = np.zeros((3, max(m.n_params, 1)), m.dtype)
        for k, name in enumerate(opt.slot_layout()):
            if name is not None:
                self.slots[k, :] = opt.slot_initial_value(name)
        self.ostate = opt.init_scalar_state()
        self.iterations = 0
        self.wprev = np.zeros_like(m.params)

    def _reset_counters(self) -> None:
        self.step_count = 0
        self.epoch = 0
        self.pos = 0
        self.status = "running"
        self.diverged_at: dict | None = None
        self.history: list[dict[str, Any]] = []
        self._ep = [0.0, 0.0, 0]  # loss*B, acc*B, samples of the current epoch
        self.last_loss: float | None = None
        self.last_acc: float | None = None
        self.epoch_loss: float | None = None
        self.epoch_acc: float | None = None
        self.val_loss: float | None = None
        self.val_acc: float | None = None
        self.last_lr = float(self.optimizer.learning_rate)
        self.last_mom = float(self.optimizer.momentum_value())
        self._es = {"best": None, "wait": 0, "best_epoch": 0}
        self._best: tuple[np.ndarray, np.ndarray] | None = None

    # ------------------------------------------------------------------ counters
    @property
    def steps_per_epoch(self) -> int:
        return -(-self.n // self.batch_size)

    @property
    def batch_in_epoch(self) -> int:
        """Batches done in the current epoch (steps_per_epoch minus the batches still to come)."""
        return self.steps_per_epoch - -(-(self.n - self.pos) // self.batch_size)

    @property
    def _classifies(self) -> bool:
        return getattr(self.loss, "task", "") == "classification"

    @property
    def finished(self) -> bool:
        return self.status != "running"

    # ------------------------------------------------------------------ training
    def _diverged(self, layer: int, what: int) -> None:
        self.status = "diverged"
        layer = max(0, min(layer, len(self.model.layers) - 1))
        self.diverged_at = {"step": self.step_count + 1, "layer_index": layer,
                            "layer_id": self.model.layers[layer].id,
                            "what": {P.WHAT_LOSS: "loss", P.WHAT_GRAD: "gradient",
                                     P.WHAT_WEIGHTS: "weights"}.get(what, "loss")}

    # ------------------------------------------------------------------ epochs
    def penalty(self) -> float:
        """Current l1/l2 penalty of all dense kernels."""
        self._sync_host(("params",))
        return float(sum(l.penalty() for l in self.model.layers if isinstance(l, Dense)))

    def evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float | None]:
        """(loss incl. penalties, accuracy | None) in inference mode, sample weights 1, over
        inputs ``x`` (n, F) and targets ``y`` (n, T) as the session's data hold them."""
        m = self.model
        x = np.asarray(x)
        yt = table(y, "y", self.y.shape[1])
        if x.ndim != 2 or x.shape[1] != m.input_dim or x.shape[0] != yt.shape[0] \
                or x.shape[0] > MAX_PREDICT_ROWS or x.dtype.kind not in "biuf":
            raise BadInput(f"needs inputs (n, {m.input_dim}) and n target rows, got "
                           f"{x.shape} and {yt.shape}", "x")
        if x.shape[0]:
            from engine.guard import check_targets, output_layer
            check_targets(self.loss, yt, m.output_dim, output_layer(m), "evaluation")
        result = np.zeros(2)
        self.program.evaluate_program(m.ip, m.fp, m.lay, m.params, m.state, m.work,
                         np.ascontiguousarray(x, m.dtype), np.ascontiguousarray(yt, m.dtype),
                         self.loss.code, self.fused, self.n_fwd, result)
        acc = None if math.isnan(result[1]) else float(result[1])
        return float(result[0]) + self.penalty(), acc

    def _early_stopping(self, logs: dict[str, Any]) -> None:
        """Keras 3 EarlyStopping (mode from the monitor's name)."""
        es, st = self.early_stopping, self._es
        current = logs.get(es.get("monitor", "val_loss"))
        if current is None and es.get("monitor") == "val_loss":
            current = logs.get("loss")
        if current is None:
            return
        maximise = "acc" in es.get("monitor", "val_loss")
        delta = abs(float(es.get("min_delta", 0.0)))
        restore = bool(es.get("restore_best", False))
        if restore:
            self._sync_host(("params", "state"))
        if restore and self._best is None:
            self._best = (self.model.params.copy(), self.model.state.copy())
        st["wait"] += 1
        best = st["best"]
        better = best is None or (current > best + delta if maximise else current < best - delta)
        if better:
            st.update(best=float(current), best_epoch=self.epoch, wait=0)
            if restore:
                self._best = (self.model.params.copy(), self.model.state.copy())
            return
        if st["wait"] >= int(es.get("patience", 0)) and self.epoch > 1:
            self.status = "early_stopped"
            if restore and self._best is not None:
                self._sync_host()  # the rest (optimiser slots) must survive the upload
                self.model.params[:] = self._best[0]
                self.model.state[:] = self._best[1]
                self._host_changed()

    def epoch_metrics(self) -> dict[str, Any]:
        """Mean loss/accuracy of the running epoch's batches (of the last finished one at a
        boundary), with its 1-based number."""
        ls, acs, cnt = self._ep
        if cnt:
            return {"epoch": self.epoch + 1, "loss": ls / cnt,
                    "accuracy": acs / cnt if self._classifies else None}
        return {"epoch": self.epoch, "loss": self.epoch_loss, "accuracy": self.epoch_acc}

    # ------------------------------------------------------------------ snapshots
    def snapshot(self, series: MonitorSeries | None = None) -> StepSnapshot:
        """Frozen snapshot of the current state (with ``series``: the figures of a run's steps)."""
        self._sync_host(("params", "state", "work"))  # the weight and batch-norm figures
        return StepSnapshot(
            step=self.step_count, epoch=self.epoch, batch_in_epoch=self.batch_in_epoch,
            steps_per_epoch=self.steps_per_epoch, loss=self.last_loss, epoch_loss=self.epoch_loss,
            val_loss=self.val_loss, accuracy=self.last_acc, val_accuracy=self.val_acc,
            lr=self.last_lr, momentum=self.last_mom, status=self.status,
            diverged_at=dict(self.diverged_at) if self.diverged_at else None,
            layers=self.monitors.layer_stats(), history_len=len(self.history),
            wall_time=time.time(), series=series)

    # ------------------------------------------------------------------ weights
    def get_weights(self) -> dict[str, np.ndarray]:
        """``layers.{i}.{name}`` -> float32 copies."""
        self._sync_host(("params", "state"))
        return self.model.get_weights()

    def set_weights(self, d: dict[str, np.ndarray]) -> None:
        """Copy weights in (BadInput naming the key and both shapes on mismatch)."""
        self._sync_host()  # keys left out keep their current (device) values
        self.model.set_weights(d)
        self._host_changed()

    def __repr__(self) -> str:
        return (f"TrainingSession({self.model!r}, optimizer={self.optimizer!r}, "
                f"step={self.step_count}, epoch={self.epoch}, status={self.status!r})")
