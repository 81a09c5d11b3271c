"""TrainingSession: the one training code path (app worker, CLI, benchmarks).

Steps run in the compiled program (engine.program.train_steps), as few calls as possible: one per
epoch segment. Shuffling: epoch e's permutation comes from ``rng.stream(seed, "shuffle", e)``; kernel
randomness from (seed, global step, layer key, index). So the same seed gives the same run bit for
bit whether driven by ``step()``, ``run(n)`` or ``run_epoch()``, and after ``load_state_dict``.
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
from engine.rng import stream
from engine.schedules import Constant, Schedule
from engine.session.backend import ProgramMonitors, ProgramSeam
from engine.session.control import SessionControl
from engine.session.arrays import batch_rows, session_arrays, table
from engine.guard import check_batch, check_dataset
from engine.session.history import append_bounded
from engine.session.inference import InferenceMixin
from engine.session.restore import RestoreMixin
from engine.snapshot import LayerStats, StepSnapshot
from engine.validation import check_count

__all__ = ["TrainingSession", "StepSnapshot", "LayerStats"]

MAX_STEPS_PER_CALL = 200_000
MAX_SAMPLES_PER_CALL = 4_000_000


def built(value: Any, cls: type, name: str) -> Any:
    """``value`` if it is a ``cls``; a TypeError otherwise (a config dict is engine.build's)."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a built {cls.__name__} (engine.build makes one from a "
                        f"config), got {type(value).__name__}")
    return value


class TrainingSession(ProgramSeam, InferenceMixin, SessionControl, RestoreMixin):
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
    def step(self) -> StepSnapshot:
        """One optimiser step."""
        return self.run(1)

    def run_epoch(self) -> StepSnapshot:
        """Train to the end of the current epoch."""
        return self.run(self.steps_per_epoch - self.batch_in_epoch)

    def run(self, n: int) -> StepSnapshot:
        """Train ``n`` steps (crossing epochs) in as few compiled calls as possible: one per epoch
        segment, or one for many epochs when nothing at an epoch's end can change the training
        (no validation set, no early stopping, a schedule without an epoch-end hook)."""
        remaining = check_count(n, "n", 0)
        before = self.step_count
        while remaining > 0 and not self.finished:
            most = max(1, min(MAX_STEPS_PER_CALL, MAX_SAMPLES_PER_CALL // self.batch_size))
            span = min(remaining, most) if self._epochs_batchable() else \
                min(remaining, -(-(self.n - self.pos) // self.batch_size))
            done = self._call(self._segments(span))
            remaining -= done
        if self.step_count > before or not self.monitors.have_pass:
            self._maybe_monitor(before)
        return self.snapshot()

    def _epochs_batchable(self) -> bool:
        from engine.schedules import Schedule
        return (self.x_val.shape[0] == 0 and not self.early_stopping
                and type(self.schedule).on_epoch_end is Schedule.on_epoch_end)

    def _segments(self, k: int) -> list[tuple[int, int, int]]:
        """(epoch, first sample position, steps) for the next ``k`` steps, ending at the last epoch."""
        segs = []
        epoch, pos = self.epoch, self.pos
        while k > 0 and epoch < self.epochs:
            steps = min(k, -(-(self.n - pos) // self.batch_size))
            segs.append((epoch, pos, steps))
            k -= steps
            pos = min(pos + steps * self.batch_size, self.n)
            if pos >= self.n:
                epoch, pos = epoch + 1, 0
        return segs

    def _permutation(self, epoch: int) -> np.ndarray:
        if getattr(self, "_perm_epoch", None) != epoch:
            self._perm = (stream(self.seed, "shuffle", epoch).permutation(self.n) if self.shuffle
                          else np.arange(self.n)).astype(np.int64)
            self._perm_epoch = epoch
        return self._perm

    def _batches(self, segs: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Sample indices of all batches and each batch's start in them (int64)."""
        B = self.batch_size
        idx, starts, base = [], [np.zeros(1, np.int64)], 0
        for epoch, pos, steps in segs:
            ends = np.minimum(pos + np.arange(1, steps + 1, dtype=np.int64) * B, self.n)
            idx.append(self._permutation(epoch)[pos:int(ends[-1])])
            starts.append(ends - pos + base)
            base += int(ends[-1]) - pos
        return np.concatenate(idx), np.concatenate(starts)

    def _call(self, segs: list[tuple[int, int, int]]) -> int:
        m, opt = self.model, self.optimizer
        k = sum(s[2] for s in segs)
        bidx, bstart = self._batches(segs)
        lrs, moms = self.schedule.values(self.step_count, k, opt.learning_rate, opt.momentum_value())
        icfg = np.zeros(P.ICFG_LEN, np.int64)
        icfg[[P.I_SEED, P.I_STEP0, P.I_LOSS, P.I_FUSED, P.I_OPT, P.I_T0, P.I_NFWD, P.I_APPLY,
              P.I_MONITOR]] = [self.seed, self.step_count, self.loss.code, self.fused, opt.code,
                               self.iterations, self.n_fwd, 1, 1 if self.monitor_every > 0 else 0]
        losses, accs = np.zeros(k), np.zeros(k)
        res = np.zeros(P.RES_LEN, np.int64)
        self.program.train_steps(m.ip, m.fp, m.ptab, m.lay, m.params, m.grads, m.state, m.work, self.slots,
                    self.wprev, self.x, self.y, self.sw, bidx, bstart, np.ascontiguousarray(lrs),
                    np.ascontiguousarray(moms), opt.hparams(), self.ostate, icfg,
                    np.array(opt.clip_values(), np.float64), losses, accs, self.monitors.pmon, res)
        done = int(res[P.R_DONE])
        diverged = res[P.R_STATUS] != 0
        self._account(segs, done, bstart, losses, accs)
        last = done if diverged else done - 1
        if last >= 0:
            self.last_loss = float(losses[last])
            self.last_acc = None if math.isnan(accs[last]) else float(accs[last])
            self.last_lr, self.last_mom = float(lrs[last]), float(moms[last])
        self.monitors.have_grads = self.monitor_every > 0 and done == k
        if diverged:
            self._diverged(int(res[P.R_LAYER]), int(res[P.R_WHAT]))
        return done

    def _account(self, segs, done: int, bstart: np.ndarray, losses: np.ndarray,
                 accs: np.ndarray) -> None:
        """Counters and epoch sums for the ``done`` steps of ``segs``; epoch ends as they come."""
        first = 0
        sizes = np.diff(bstart).astype(np.float64)
        accs0 = np.where(np.isnan(accs), 0.0, accs)
        for _, _, steps in segs:
            d = min(steps, done - first)
            if d <= 0:
                break
            sz = sizes[first:first + d]
            self._ep[0] += float(np.dot(losses[first:first + d], sz))
            self._ep[1] += float(np.dot(accs0[first:first + d], sz))
            self._ep[2] += int(sz.sum())
            self.pos += int(sz.sum())
            self.step_count += d
            self.iterations += d
            first += d
            if self.pos >= self.n:
                self._end_epoch()

    def _diverged(self, layer: int, what: int) -> None:
        self.status = "diverged"
        layer = max(0, min(layer, len(self.model.layers) - 1))
        self.diverged_at = {"step": self.step_count + 1, "layer_index": layer,
                            "layer_id": self.model.layers[layer].id,
                            "what": {P.WHAT_LOSS: "loss", P.WHAT_GRAD: "gradient",
                                     P.WHAT_WEIGHTS: "weights"}.get(what, "loss")}

    def _maybe_monitor(self, before: int) -> None:
        every = self.monitor_every
        if every <= 0:
            return
        if not self.monitors.have_pass or self.step_count // every != before // every \
                or self.step_count - before >= every:
            self.monitors.run_pass()

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

    def _end_epoch(self) -> None:
        self.epoch += 1
        self.pos = 0
        ls, acs, cnt = self._ep
        self.epoch_loss = ls / max(cnt, 1)
        self.epoch_acc = acs / max(cnt, 1) if self._classifies else None
        self._ep = [0.0, 0.0, 0]
        if self.x_val.shape[0] > 0:
            self.val_loss, self.val_acc = self.evaluate(self.x_val, self.y_val)
        logs = {"loss": self.epoch_loss, "val_loss": self.val_loss, "accuracy": self.epoch_acc,
                "val_accuracy": self.val_acc}
        append_bounded(self.history, {"epoch": self.epoch, "step": self.step_count, **logs,
                                      "lr": self.last_lr})
        self.schedule.on_epoch_end(self.epoch, {k: v for k, v in logs.items() if v is not None})
        if self.early_stopping:
            self._early_stopping(logs)
        if self.status == "running" and self.epoch >= self.epochs:
            self.status = "finished"

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
    def snapshot(self) -> StepSnapshot:
        """Frozen snapshot of the current state."""
        self._sync_host(("params", "state", "work"))  # the weight and batch-norm figures
        return StepSnapshot(
            step=self.step_count, epoch=self.epoch, batch_in_epoch=self.batch_in_epoch,
            steps_per_epoch=self.steps_per_epoch, loss=self.last_loss, epoch_loss=self.epoch_loss,
            val_loss=self.val_loss, accuracy=self.last_acc, val_accuracy=self.val_acc,
            lr=self.last_lr, momentum=self.last_mom, status=self.status,
            diverged_at=dict(self.diverged_at) if self.diverged_at else None,
            layers=self.monitors.layer_stats(), history_len=len(self.history),
            wall_time=time.time())

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
