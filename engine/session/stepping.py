"""The run loop of a TrainingSession: steps in as few compiled calls as possible, epoch ends and
monitor passes.

A program with ``train_run`` (the CPU program) walks the epochs itself: it shuffles each epoch
(the counter-based stream of docs/NUMERICS.md "Shuffling"), sums the epoch's loss and accuracy and
records the monitor figures per step into rings; Python only turns the ended epochs into history
rows. Many epochs run in one call when nothing at an epoch's end can change the training (no
validation set, no early stopping, a schedule without an epoch-end hook); otherwise each call stops
at the epoch's end. A program with only ``train_steps`` (the GPU program) gets the same batches and
the same accounting from the Python loop of ``_call_steps``.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.kernels.cpu.rng import shuffle_into
from engine.program import plan as P
from engine.validation import check_count
from engine.session.history import append_bounded, bound_history

MAX_STEPS_PER_CALL = 200_000
MAX_SAMPLES_PER_CALL = 4_000_000


def epoch_order(seed: int, epoch: int, n: int, shuffle: bool = True) -> np.ndarray:
    """The order of the ``n`` training rows in epoch ``epoch`` (int64): the compiled program's
    shuffle (docs/NUMERICS.md "Shuffling"), the identity without shuffling."""
    perm = np.empty(n, np.int64)
    if shuffle:
        shuffle_into(perm, n, seed, epoch)
    else:
        perm[:] = np.arange(n)
    return perm


class SteppingMixin:
    """Mixin of TrainingSession (uses its attributes; see engine/session/__init__.py)."""

    #: Monitor-batch passes inside the compiled loop after every this-many global steps, into
    #: the snapshot's series (0: none; a run still ends with one pass when monitor_every asks).
    monitor_pass_every = 0

    def set_monitor_pass_every(self, every: int) -> None:
        """Cadence in steps of the in-loop monitor-batch passes (0: none)."""
        self.monitor_pass_every = check_count(every, "monitor_pass_every", 0)

    # ------------------------------------------------------------------ public
    def step(self) -> Any:
        """One optimiser step."""
        return self.run(1)

    def run_epoch(self) -> Any:
        """Train to the end of the current epoch."""
        return self.run(self.steps_per_epoch - self.batch_in_epoch)

    def run(self, n: int) -> Any:
        """Train ``n`` steps (crossing epochs) in as few compiled calls as possible; the snapshot
        carries the monitor series of these steps (``StepSnapshot.series``)."""
        remaining = check_count(n, "n", 0)
        before = self.step_count
        self.monitors.mark()
        batchable = self._epochs_batchable()
        fused_pass = batchable and self._pass_due(before, before + remaining)
        passed = False
        while remaining > 0 and not self.finished:
            most = max(1, min(MAX_STEPS_PER_CALL, MAX_SAMPLES_PER_CALL // self.batch_size))
            span = min(remaining, most) if batchable else \
                min(remaining, -(-(self.n - self.pos) // self.batch_size))
            done, passed = self._call(span, fused_pass and span == remaining)
            remaining -= done
        if not passed and (self.step_count > before or not self.monitors.have_pass) \
                and self._pass_due(before, self.step_count):
            self._pass_now()
        return self.snapshot(self.monitors.series())

    # ------------------------------------------------------------------ one call
    def _epochs_batchable(self) -> bool:
        from engine.schedules import Schedule
        return (self.x_val.shape[0] == 0 and not self.early_stopping
                and type(self.schedule).on_epoch_end is Schedule.on_epoch_end)

    def _pass_due(self, before: int, after: int) -> bool:
        """A monitor pass at the end of a run from step ``before`` to ``after``: the first one,
        and whenever a multiple of monitor_every was crossed."""
        every = self.monitor_every
        if every <= 0:
            return False
        return not self.monitors.have_pass or after // every != before // every \
            or after - before >= every

    def _call(self, k: int, pass_end: bool) -> tuple[int, bool]:
        """Up to ``k`` steps in one program call; (steps done, monitor pass done at the end)."""
        if not hasattr(self.program, "train_run"):
            return self._call_steps(k), False
        m, opt, mon = self.model, self.optimizer, self.monitors
        lrs, moms = self.schedule.values(self.step_count, k, opt.learning_rate, opt.momentum_value())
        lrs, moms = np.ascontiguousarray(lrs, np.float64), np.ascontiguousarray(moms, np.float64)
        batchable = self._epochs_batchable()
        icfg = self._icfg(k)
        icfg[[P.I_N, P.I_BATCH, P.I_SHUFFLE, P.I_EPOCHS, P.I_EPOCH_STOP, P.I_MON_EVERY,
              P.I_PASS_EVERY, P.I_PASS_END]] = [
            self.n, self.batch_size, int(self.shuffle), self.epochs, int(not batchable),
            self.monitor_every, self.monitor_pass_every if self.monitor_every > 0 else 0,
            int(pass_end and mon.xm.shape[0] > 0)]
        perm = self._perm_buffer()
        cnt = np.zeros(P.CNT_LEN, np.int64)
        cnt[[P.K_EPOCH, P.K_POS, P.K_PERM_EPOCH, P.K_GROWS, P.K_PROWS]] = [
            self.epoch, self.pos, P.PERM_NONE if self._perm_epoch is None else self._perm_epoch,
            mon.grows, mon.prows]
        ep = np.array([self._ep[0], self._ep[1], float(self._ep[2])])
        losses, accs = np.empty(k), np.empty(k)
        epout = np.empty((2 + k // max(self.steps_per_epoch, 1), P.EPOUT_COLS))
        res = np.zeros(P.RES_LEN, np.int64)
        gring, gstep, phist, pamon, pstep = mon.rings(icfg[P.I_MON_EVERY] > 0,
                                                      icfg[P.I_PASS_EVERY] > 0)
        self.program.train_run(
            m.ip, m.fp, m.ptab, m.lay, m.params, m.grads, m.state, m.work, self.slots, self.wprev,
            self.x, self.y, self.sw, perm, _NO_ROWS, _NO_ROWS, lrs, moms, opt.hparams(),
            self.ostate, icfg, np.array(opt.clip_values(), np.float64), cnt, ep, losses, accs,
            epout, mon.pmon, gring, gstep, mon.xm, mon.edges, mon.hist, mon.amon, phist, pamon,
            pstep, res)
        done = int(res[P.R_DONE])
        self._perm_epoch = int(cnt[P.K_PERM_EPOCH])
        mon.grows, mon.prows = int(cnt[P.K_GROWS]), int(cnt[P.K_PROWS])
        mon.note_call(self.step_count, losses[:done])
        self.step_count += done
        self.iterations += done
        self.pos = int(cnt[P.K_POS])
        self._ep = [float(ep[0]), float(ep[1]), int(ep[2])]
        self._epochs_ended(epout[:int(cnt[P.K_ENDED])])
        self._after_call(k, done, res, losses, accs, lrs, moms)
        passed = res[P.R_PASSED] != 0
        if passed:
            mon.have_pass = True
        return done, passed

    def _icfg(self, k: int) -> np.ndarray:
        icfg = np.zeros(P.ICFG_LEN, np.int64)
        icfg[[P.I_SEED, P.I_STEP0, P.I_LOSS, P.I_FUSED, P.I_OPT, P.I_T0, P.I_NFWD, P.I_APPLY,
              P.I_MONITOR]] = [self.seed, self.step_count, self.loss.code, self.fused,
                               self.optimizer.code, self.iterations, self.n_fwd, 1,
                               1 if self.monitor_every > 0 else 0]
        return icfg

    def _perm_buffer(self) -> np.ndarray:
        perm = self.__dict__.get("_perm")
        if perm is None or perm.shape[0] != self.n:
            perm = self._perm = np.empty(self.n, np.int64)
            self._perm_epoch = None
        return perm

    def _after_call(self, k: int, done: int, res: np.ndarray, losses: np.ndarray,
                    accs: np.ndarray, lrs: np.ndarray, moms: np.ndarray) -> None:
        """Last loss, accuracy, rate and momentum; gradient figures; divergence."""
        diverged = res[P.R_STATUS] != 0
        last = done if diverged else done - 1
        if last >= 0:
            self.last_loss = float(losses[last])
            self.last_acc = None if math.isnan(accs[last]) else float(accs[last])
            self.last_lr, self.last_mom = float(lrs[last]), float(moms[last])
        self.monitors.have_grads = self.monitor_every > 0 and done == k
        if diverged:
            self._diverged(int(res[P.R_LAYER]), int(res[P.R_WHAT]))

    def _pass_now(self) -> None:
        """A monitor pass on the current weights (a call of no steps on the CPU program)."""
        mon = self.monitors
        if mon.xm.shape[0] == 0:
            return
        if not hasattr(self.program, "train_run"):
            mon.run_pass()
            return
        m = self.model
        icfg = self._icfg(0)
        icfg[[P.I_N, P.I_BATCH, P.I_EPOCHS, P.I_PASS_END]] = [self.n, 1, self.epochs, 1]
        cnt = np.zeros(P.CNT_LEN, np.int64)
        cnt[P.K_PERM_EPOCH] = P.PERM_NONE
        gring, gstep, phist, pamon, pstep = mon.rings(False, False)
        self.program.train_run(
            m.ip, m.fp, m.ptab, m.lay, m.params, m.grads, m.state, m.work, self.slots, self.wprev,
            self.x, self.y, self.sw, _NO_ROWS, _NO_ROWS, _NO_ROWS, _NO_RATES, _NO_RATES,
            self.optimizer.hparams(), self.ostate, icfg, np.full(3, np.nan), cnt, np.zeros(3),
            _NO_RATES, _NO_RATES, np.empty((1, P.EPOUT_COLS)), mon.pmon, gring, gstep, mon.xm,
            mon.edges, mon.hist, mon.amon, phist, pamon, pstep, np.zeros(P.RES_LEN, np.int64))
        mon.have_pass = True

    # ------------------------------------------------------------------ epochs
    def _epochs_ended(self, rows: np.ndarray) -> None:
        """Counters, history and end-of-epoch work for the epochs a call ended (rows of epout)."""
        if rows.shape[0] == 0:
            return
        if rows.shape[0] == 1 or not self._epochs_batchable():
            for loss, acc, step, lr in rows.tolist():
                self._end_epoch(loss, acc, int(step), lr)
            return
        e0, cls = self.epoch, self._classifies
        vl, va = self.val_loss, self.val_acc
        new = [{"epoch": e0 + j + 1, "step": int(step), "loss": loss, "val_loss": vl,
                "accuracy": acc if cls else None, "val_accuracy": va, "lr": lr}
               for j, (loss, acc, step, lr) in enumerate(rows.tolist())]
        self.history.extend(new)
        bound_history(self.history)
        self.epoch = e0 + len(new)
        self.epoch_loss, self.epoch_acc = new[-1]["loss"], new[-1]["accuracy"]
        if self.status == "running" and self.epoch >= self.epochs:
            self.status = "finished"

    def _end_epoch(self, loss: float, acc: float, step: int, lr: float) -> None:
        """One epoch ended at global step ``step`` (mean loss and accuracy, last step's rate):
        validation, history row, the schedule's and early stopping's epoch hooks."""
        self.epoch += 1
        self.epoch_loss = loss
        self.epoch_acc = acc if self._classifies else None
        if self.x_val.shape[0] > 0:
            self.val_loss, self.val_acc = self.evaluate(self.x_val, self.y_val)
        logs = {"loss": self.epoch_loss, "val_loss": self.val_loss, "accuracy": self.epoch_acc,
                "val_accuracy": self.val_acc}
        append_bounded(self.history, {"epoch": self.epoch, "step": step, **logs, "lr": lr})
        self.schedule.on_epoch_end(self.epoch, {k: v for k, v in logs.items() if v is not None})
        if self.early_stopping:
            self._early_stopping(logs)
        if self.status == "running" and self.epoch >= self.epochs:
            self.status = "finished"

    # ------------------------------------------------------------------ train_steps programs
    def _call_steps(self, k: int) -> int:
        """Up to ``k`` steps through ``program.train_steps`` (explicit batches of the same epoch
        orders, accounting here as train_run does it)."""
        m, opt = self.model, self.optimizer
        segs = self._segments(k)
        k = sum(s[2] for s in segs)
        if k == 0:
            return 0
        bidx, bstart = self._batches(segs)
        lrs, moms = self.schedule.values(self.step_count, k, opt.learning_rate, opt.momentum_value())
        losses, accs = np.zeros(k), np.zeros(k)
        res = np.zeros(P.RES_LEN, np.int64)
        self.program.train_steps(
            m.ip, m.fp, m.ptab, m.lay, m.params, m.grads, m.state, m.work, self.slots, self.wprev,
            self.x, self.y, self.sw, bidx, bstart, np.ascontiguousarray(lrs),
            np.ascontiguousarray(moms), opt.hparams(), self.ostate, self._icfg(k),
            np.array(opt.clip_values(), np.float64), losses, accs, self.monitors.pmon, res)
        done = int(res[P.R_DONE])
        sizes = np.diff(bstart)
        for s in range(done):  # the order of train_run's sums: bit-identical epoch figures
            nb = int(sizes[s])
            self._ep[0] += float(losses[s]) * nb
            self._ep[1] += (0.0 if math.isnan(accs[s]) else float(accs[s])) * nb
            self._ep[2] += nb
            self.pos += nb
            self.step_count += 1
            self.iterations += 1
            if self.pos >= self.n:
                ls, acs, cnt = self._ep
                self._ep, self.pos = [0.0, 0.0, 0], 0
                self._end_epoch(ls / max(cnt, 1), acs / max(cnt, 1), self.step_count,
                                float(lrs[s]))
        self._after_call(k, done, res, losses, accs, lrs, moms)
        return done

    def _segments(self, k: int) -> list[tuple[int, int, int]]:
        """(epoch, first sample position, steps) for the next ``k`` steps, ending at the last
        epoch, and at the running epoch's end unless epochs are batchable."""
        segs = []
        epoch, pos = self.epoch, self.pos
        while k > 0 and epoch < self.epochs:
            steps = min(k, -(-(self.n - pos) // self.batch_size))
            segs.append((epoch, pos, steps))
            k -= steps
            pos = min(pos + steps * self.batch_size, self.n)
            if pos >= self.n:
                epoch, pos = epoch + 1, 0
                if not self._epochs_batchable():
                    break
        return segs

    def _batches(self, segs: list[tuple[int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
        """Sample indices of all batches and each batch's start in them (int64)."""
        B = self.batch_size
        idx, starts, base = [], [np.zeros(1, np.int64)], 0
        for epoch, pos, steps in segs:
            ends = np.minimum(pos + np.arange(1, steps + 1, dtype=np.int64) * B, self.n)
            idx.append(epoch_order(self.seed, epoch, self.n, self.shuffle)[pos:int(ends[-1])])
            starts.append(ends - pos + base)
            base += int(ends[-1]) - pos
        return np.concatenate(idx), np.concatenate(starts)


_NO_ROWS = np.zeros(0, np.int64)
_NO_RATES = np.zeros(0, np.float64)
