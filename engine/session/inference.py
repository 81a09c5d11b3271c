"""Predictions of a TrainingSession: inference mode, Monte-Carlo dropout and a training-mode
forward pass (batch statistics over consecutive batches) that changes nothing."""
from __future__ import annotations

from typing import Any

# numba keys a cached function on its own file's text: bump after changing a kernel or
# engine/program code that train_forward_program calls (docs/PERF_NOTES.md).
KERNELS_REVISION = 14

import numpy as np
from numba import njit

import engine.program as cpu_program
from engine.errors import BadInput
from engine.limits import MAX_MC_PASSES, MAX_PREDICT_ROWS, quote
from engine.program.layer_ops import layer_forward
from engine.program.parallel import mc_passes, predict_rows
from engine.validation import check_count, check_int
from engine.program.guard import check_rows_call
from engine.program.plan import BATCH_NORM, C_CODE, C_IN, C_OUT_OFF, C_STATS, L_CAP, L_X


@njit(cache=True, nogil=True)
def train_forward_program(ip, fp, lay, params, state, work, x, out, batch, seed, step0):
    """out (n, K) = the network's output for x (n, F) in training mode: consecutive batches of
    ``batch`` rows (batch <= capacity), batch norm with each batch's statistics, dropout/noise
    masks of step ``step0 + b`` for batch b. Reads params/state; writes only ``work``, ``out``."""
    n, nin = x.shape
    n_layers = ip.shape[0]
    k = out.shape[1]
    check_rows_call(ip, lay, params, state, work, x, n_layers, out)
    if batch < 1 or batch > lay[L_CAP]:
        raise ValueError("program: the batch is empty or larger than the work buffer")
    b = 0
    for start in range(0, n, batch):
        nb = min(batch, n - start)
        xb = work[lay[L_X]:lay[L_X] + nb * nin].reshape((nb, nin))
        for r in range(nb):
            for c in range(nin):
                xb[r, c] = x[start + r, c]
        for i in range(n_layers):
            layer_forward(ip, fp, i, params, state, work, nb, np.bool_(True), np.bool_(True),
                          seed, step0 + b)
        off = ip[n_layers - 1, C_OUT_OFF] if n_layers > 0 else lay[L_X]
        o = work[off:off + nb * k].reshape((nb, k))
        for r in range(nb):
            for c in range(k):
                out[start + r, c] = o[r, c]
        b += 1


def _serial_passes(run: Any, m: Any, x: np.ndarray, out: np.ndarray, n_mc: int, seed: int):
    """Yield ``out`` after MC-dropout pass k = 0 .. n_mc - 1 (step -(k + 1)) of ``run``."""
    for k in range(n_mc):
        run(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, out, True, seed, -(k + 1))
        yield out


class InferenceMixin:
    """Mixin of TrainingSession (uses model, program, seed, step_count)."""

    def predict(self, x: np.ndarray, mc_dropout: int = 0, training: bool = False,
                batch_size: int | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """(mean (n, K), std (n, K) | None): the network's outputs for x (n, F).

        Inference mode by default; with ``mc_dropout`` = N > 0 the mean and standard deviation
        over N passes with dropout/noise layers active. With ``training=True`` one pass in
        training mode (Keras ``model(x, training=True)``): batch norm normalises each run of
        ``batch_size`` consecutive rows (default: the session's batch size) with that batch's
        statistics (batch renorm corrects them with the moving statistics), dropout/noise layers
        are active with the masks the next steps would draw (step ``step_count + b`` for batch b).
        Nothing changes: moving statistics, weights, optimiser, counters and the monitors' figures
        stay as they were. std is None then.
        """
        m = self.model
        x = self._inputs(x)
        n_mc = check_count(mc_dropout, "mc_dropout", 0, MAX_MC_PASSES)
        out = np.zeros((x.shape[0], m.output_dim), m.dtype)
        if training:
            return self._predict_training(x, out, batch_size), None
        # the CPU program runs large predictions (grids, MC dropout) in parallel over row chunks
        run = predict_rows if self.program is cpu_program else self.program.predict_program
        if n_mc <= 0:
            run(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, out, False, 0, 0)
            return out.astype(np.float64), None
        acc = np.zeros(out.shape)
        acc2 = np.zeros(out.shape)
        if self.program is cpu_program:  # pass k: dropout masks of step -(k + 1), in parallel
            passes = mc_passes(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, out, n_mc,
                               self.seed)
        else:
            passes = _serial_passes(run, m, x, out, n_mc, self.seed)
        for o in passes:
            acc += o
            acc2 += o.astype(np.float64) ** 2
        mean = acc / n_mc
        return mean, np.sqrt(np.maximum(acc2 / n_mc - mean ** 2, 0.0))

    def _inputs(self, x: Any) -> np.ndarray:
        """``x`` as C-contiguous (n, F) rows of the model's dtype (a flat array of n*F values
        is n rows); BadInput naming both widths when it does not fit."""
        m = self.model
        try:
            a = np.asarray(x)
            if a.dtype.kind not in "biuf":
                raise TypeError(f"dtype {a.dtype}")
            a = a.astype(np.float64)
        except (TypeError, ValueError) as err:
            raise BadInput(f"must be an array of numbers ({quote(str(err))})", "x") from None
        if a.ndim == 1 and a.size % m.input_dim == 0:
            a = a.reshape(-1, m.input_dim)
        if a.ndim != 2 or a.shape[1] != m.input_dim:
            raise BadInput(f"the model takes rows of {m.input_dim} features, got an array of "
                           f"shape {a.shape}", "x")
        if a.shape[0] > MAX_PREDICT_ROWS:
            raise BadInput(f"{a.shape[0]:,} rows exceed the limit of {MAX_PREDICT_ROWS:,} per "
                           f"call", "x")
        if not np.all(np.isfinite(a)):
            raise BadInput("inputs must be finite", "x")
        return np.ascontiguousarray(a, m.dtype)

    def _predict_training(self, x: np.ndarray, out: np.ndarray,
                          batch_size: int | None) -> np.ndarray:
        """Training-mode pass on the host (CPU program) over the current weights; the work
        buffer (batch statistics the monitors show, masks) is restored afterwards."""
        b = self.batch_size if batch_size is None else batch_size
        b = check_int(b, "batch_size", 1)
        m = self.model
        b = min(int(b), max(x.shape[0], 1))
        self._sync_host()
        saved, saved_ip = m.work.copy(), m.ip.copy()
        if b > m.capacity:
            m.ensure_capacity(b)  # a new (zeroed) work buffer with other offsets
        try:
            train_forward_program(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, out, b,
                                  self.seed, self.step_count)
        finally:
            if m.work.shape == saved.shape:
                m.work[:] = saved
            else:  # keep what the monitors show: each batch-norm layer's last batch statistics
                m.work[:] = 0
                for i in range(len(m.layers)):
                    if m.ip[i, C_CODE] == BATCH_NORM:
                        size = 4 * int(m.ip[i, C_IN])
                        old, new = int(saved_ip[i, C_STATS]), int(m.ip[i, C_STATS])
                        m.work[new:new + size] = saved[old:old + size]
        return out.astype(np.float64)
