"""The GPU program: ``CudaProgram`` runs the CPU program's calls with numba.cuda kernels.

Its methods ``train_steps``, ``predict_program``, ``evaluate_program`` and ``monitor_program`` take
exactly the arguments of engine.program's compiled functions (the same Model plan tables and host
buffers) and leave the same results in them, so a session drives either one. Kernels are launched
layer by layer from Python; the batch rows are gathered on the device from data uploaded once.

Residency: with ``resident=False`` (the default, a drop-in for the CPU functions) every call uploads
the weights, optimiser slots and state from the host arrays it is given; ``train_steps`` copies
weights, gradients, state, slots and the work buffer (batch-norm statistics) back at the end, the
inference calls copy back only their results. With ``resident=True`` weights, gradients, slots,
state and the work buffer stay on the device between calls and only the small results (losses,
accuracies, monitors, status) come back; host arrays are uploaded when a call passes a different
array object or after ``mark_host_changed()``. The session then calls ``sync_to_host()`` before it
reads or saves weights and ``mark_host_changed()`` after it writes them (set_weights, reset,
load_state_dict, early-stopping restore).
"""
from __future__ import annotations

import math

import numpy as np
from numba import cuda

from engine.backends import cuda_infer
from engine.backends.cuda_buffers import SYNC_ALL, DeviceBuffers
from engine.backends.cuda_layers import bn_training_mode, layer_backward, layer_forward
from engine.kernels.cuda import reduce as cred
from engine.kernels.cuda.gather import gather_rows, subtract_into
from engine.kernels.cuda.layers_dense import max_norm_columns
from engine.kernels.cuda.layers_norm import bn_update_moving
from engine.kernels.cuda.optim import clip_gradients, optimizer_begin_step, optimizer_update
from engine.program.plan import (BATCH_NORM, C_CODE, C_FLAGS, C_IN, C_OUT, C_OUT_OFF, C_S0,
                                 C_STATS, F_RENORM, I_APPLY, I_FUSED, I_LOSS, I_MONITOR, I_NFWD,
                                 I_OPT, I_SEED, I_STEP0, I_T0, L_GA, L_GB, L_SW, L_X, L_Y, P_L1,
                                 P_L2, P_MAXNORM, P_MOM, P_RMOM, PT_KERNEL, PT_TRAINABLE, R_DONE,
                                 R_LAYER, R_STATUS, R_WHAT, WHAT_GRAD, WHAT_LOSS, WHAT_WEIGHTS)


class CudaProgram:
    """Device twin of engine.program (see the module docstring for ``resident``)."""

    def __init__(self, resident: bool = False) -> None:
        self.buf = DeviceBuffers(resident)
        self._seg = self._partials = None  # per-parameter reduction scratch of train_steps

    @property
    def resident(self) -> bool:
        """Whether weights, gradients, slots and state stay on the device between calls."""
        return self.buf.resident

    def __repr__(self) -> str:
        return f"CudaProgram(resident={self.resident}, on_device={sorted(self.buf.host)})"

    def mark_host_changed(self) -> None:
        """The host arrays were written (weights, slots, state): upload them on their next use."""
        self.buf.mark_host_changed()

    def sync_to_host(self, names: tuple[str, ...] = SYNC_ALL) -> None:
        """Copy the device buffers ``names`` to the host arrays last passed in (skipping those
        the host owns after ``mark_host_changed``, and those never passed)."""
        self.buf.sync_to_host(names)

    # ------------------------------------------------------------------ training
    def train_steps(self, ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw,
                    bidx, bstart, lrs, moms, hp, ostate, icfg, fcfg, losses, accs, pmon, res):
        """``len(lrs)`` training steps; arguments and results as engine.program.train_steps."""
        b = self.buf
        b.bind(params=params, grads=grads, state=state, work=work, slots=slots, wprev=wprev,
               hp=hp, ostate=ostate)
        data = b.data_on_device(x, y, sw)
        bidx_d = cuda.to_device(np.ascontiguousarray(bidx))
        ptab_d = cuda.to_device(np.ascontiguousarray(ptab))
        n_params = ptab.shape[0]
        self._seg = cuda.device_array(max(n_params, 1), np.float64)
        largest = int(ptab[:, 1].max()) if n_params else 1
        self._partials = cuda.device_array((max(n_params, 1), cred.reduction_chunks(largest)),
                                           np.float64)
        res[R_DONE] = 0
        res[R_STATUS] = 0
        try:
            for s in range(lrs.shape[0]):
                if not self._one_step(s, ip, fp, ptab, ptab_d, lay, data, bidx_d, bstart, lrs,
                                      moms, icfg, fcfg, losses, accs, pmon, res):
                    return
                res[R_DONE] = s + 1
        finally:
            b.finish(("params", "grads", "state", "work", "slots", "ostate"))

    def _one_step(self, s, ip, fp, ptab, ptab_d, lay, data, bidx_d, bstart, lrs, moms, icfg,
                  fcfg, losses, accs, pmon, res) -> bool:
        b = self.buf
        nb = int(bstart[s + 1] - bstart[s])
        step = int(icfg[I_STEP0]) + s
        nfwd = int(icfg[I_NFWD])
        monitor = s == lrs.shape[0] - 1 and icfg[I_MONITOR] != 0
        gather_rows((lay[L_X], lay[L_Y], lay[L_SW]), b.work, *data, bidx_d, int(bstart[s]), nb)
        for i in range(nfwd):
            layer_forward(b, ip, fp, i, nb, True, True, int(icfg[I_SEED]), step)
        loss, accs[s] = cuda_infer.loss_and_accuracy(b, ip, lay, int(icfg[I_LOSS]),
                                                     int(icfg[I_FUSED]), nb, nfwd, True)
        losses[s] = loss + self._penalty(fp, ptab, ptab_d)
        if not math.isfinite(losses[s]):
            layer = self._first_nonfinite_output(ip, nb, nfwd)
            res[R_STATUS], res[R_WHAT] = 1, WHAT_LOSS
            res[R_LAYER] = layer if layer >= 0 else ip.shape[0] - 1
            return False
        self._backward(ip, fp, lay, nb, nfwd)
        self._penalty_grad(fp, ptab)
        culprit = self._nonfinite_layer(b.grads, ptab, ptab_d)
        if culprit is not None:
            res[R_STATUS], res[R_LAYER], res[R_WHAT] = 1, culprit, WHAT_GRAD
            return False
        if monitor:
            pmon[:, 0] = self._segment(b.grads, ptab_d, cred.SUMSQ)
            pmon[:, 1] = ptab[:, 1]
        if icfg[I_APPLY] == 0:
            return True
        clip_gradients(b.grads, ptab_d, float(fcfg[0]), float(fcfg[1]), float(fcfg[2]))
        b.wprev.copy_to_device(b.params)
        self._update(ptab, ip, fp, int(icfg[I_OPT]), int(icfg[I_T0]) + s + 1, float(lrs[s]),
                     float(moms[s]))
        culprit = self._nonfinite_layer(b.params, ptab, ptab_d)
        if culprit is not None:
            b.params.copy_to_device(b.wprev)
            res[R_STATUS], res[R_LAYER], res[R_WHAT] = 1, culprit, WHAT_WEIGHTS
            return False
        self._update_moving(ip, fp, nb)
        if monitor:
            subtract_into(b.diff, b.params, b.wprev)
            pmon[:, 2] = self._segment(b.diff, ptab_d, cred.SUMSQ)
            pmon[:, 3] = self._segment(b.wprev, ptab_d, cred.SUMSQ)
        return True

    def _segment(self, arr, ptab_d, mode) -> np.ndarray:
        cred.segment_reduce(arr, ptab_d, self._partials, self._seg, mode)
        return self._seg.copy_to_host()[:ptab_d.shape[0]]

    def _penalty(self, fp, ptab, ptab_d) -> float:
        rows = [r for r in range(ptab.shape[0]) if ptab[r, 3] & PT_KERNEL
                and (fp[ptab[r, 2], P_L1] != 0.0 or fp[ptab[r, 2], P_L2] != 0.0)]
        if not rows:
            return 0.0
        sabs = self._segment(self.buf.params, ptab_d, cred.SUMABS)
        ssq = self._segment(self.buf.params, ptab_d, cred.SUMSQ)
        return float(sum(fp[ptab[r, 2], P_L1] * sabs[r] + fp[ptab[r, 2], P_L2] * ssq[r]
                         for r in rows))

    def _penalty_grad(self, fp, ptab) -> None:
        b = self.buf
        for r in range(ptab.shape[0]):
            i = ptab[r, 2]
            if ptab[r, 3] & PT_KERNEL and (fp[i, P_L1] != 0.0 or fp[i, P_L2] != 0.0):
                off, n = int(ptab[r, 0]), int(ptab[r, 1])
                cred.add_regularization_grad(b.params[off:off + n], b.grads[off:off + n],
                                             float(fp[i, P_L1]), float(fp[i, P_L2]))

    def _nonfinite_layer(self, arr, ptab, ptab_d) -> int | None:
        """Highest layer index with a non-finite value in ``arr`` (None: all finite)."""
        bad = self._segment(arr, ptab_d, cred.NONFINITE)
        layers = [int(ptab[r, 2]) for r in range(ptab.shape[0]) if bad[r] > 0]
        return max(layers) if layers else None

    def _first_nonfinite_output(self, ip, nb, nfwd) -> int:
        work = self.buf.work.copy_to_host()
        for i in range(nfwd):
            off = int(ip[i, C_OUT_OFF])
            if not np.all(np.isfinite(work[off:off + nb * int(ip[i, C_OUT])])):
                return i
        return -1

    def _backward(self, ip, fp, lay, nb, nfwd) -> None:
        """Backward from the GA buffer through layers nfwd-1 .. 0 (ping-pong GA/GB)."""
        b = self.buf
        ga, gb = lay[L_GA], lay[L_GB]
        for i in range(nfwd - 1, -1, -1):
            g = b.pview(b.work, ga, nb * int(ip[i, C_OUT]))
            dx = b.pview(b.work, gb, nb * int(ip[i, C_IN]))
            layer_backward(b, ip, fp, i, nb, g, dx, i > 0)
            ga, gb = gb, ga

    def _update(self, ptab, ip, fp, opt, t, lr, mom) -> None:
        """Optimiser update of every trainable parameter, then max-norm on constrained kernels."""
        b = self.buf
        optimizer_begin_step(opt, b.hp, b.ostate, t, mom)
        total = b.params.shape[0]
        for r in range(ptab.shape[0]):
            if not ptab[r, 3] & PT_TRAINABLE:
                continue
            off, n = int(ptab[r, 0]), int(ptab[r, 1])
            sl = [b.slots[k * total + off:k * total + off + n] for k in range(3)]
            optimizer_update(opt, b.hp, b.ostate, b.params[off:off + n], b.grads[off:off + n],
                             sl[0], sl[1], sl[2], t, lr, mom)
            i = int(ptab[r, 2])
            if ptab[r, 3] & PT_KERNEL and not math.isnan(fp[i, P_MAXNORM]):
                max_norm_columns(b.params[off:off + n], fp[i, P_MAXNORM], ip[i, C_IN],
                                 ip[i, C_OUT])

    def _update_moving(self, ip, fp, nb) -> None:
        """Batch-norm moving statistics from this batch (momentum, or renorm_momentum)."""
        b = self.buf
        for i in range(ip.shape[0]):
            if ip[i, C_CODE] != BATCH_NORM or not bn_training_mode(int(ip[i, C_FLAGS]), True):
                continue
            d = int(ip[i, C_IN])
            mom = fp[i, P_RMOM] if ip[i, C_FLAGS] & F_RENORM else fp[i, P_MOM]
            s0 = int(ip[i, C_S0])
            bn_update_moving(b.state[s0:s0 + d], b.state[s0 + d:s0 + 2 * d],
                             b.pview(b.work, ip[i, C_STATS], 4 * d), mom, nb)

    # ------------------------------------------------------------------ inference
    def predict_program(self, ip, fp, lay, params, state, work, x, out, mc, seed, step) -> None:
        """out (n, K) = the network's output for x (n, F), as engine.program.predict_program."""
        self.buf.bind(params=params, state=state, work=work)
        try:
            cuda_infer.predict(self.buf, ip, fp, lay, x, out, mc, seed, step)
        finally:
            self.buf.finish(())

    def evaluate_program(self, ip, fp, lay, params, state, work, x, y, loss_code, fused, n_fwd,
                         result) -> None:
        """result[0] mean loss, result[1] accuracy (NaN for regression) over x, y."""
        self.buf.bind(params=params, state=state, work=work)
        try:
            cuda_infer.evaluate(self.buf, ip, fp, lay, x, y, loss_code, fused, n_fwd, result)
        finally:
            self.buf.finish(())

    def monitor_program(self, ip, fp, lay, params, state, work, xm, edges, hist, amon) -> None:
        """Monitor pass over xm (m, F): per layer histograms into hist (L, n_bins) and figures
        into amon (L, AMON_COLS), as engine.program.monitor_program."""
        self.buf.bind(params=params, state=state, work=work)
        try:
            cuda_infer.monitor(self.buf, ip, fp, lay, xm, edges, hist, amon)
        finally:
            self.buf.finish(())


def warm_up_cuda(dtypes: tuple = (np.float32,)) -> int:
    """Compile (or load from numba's cache) every kernel for ``dtypes`` before the first step,
    e.g. off the UI thread at start-up; returns the number of kernels prepared (0 under the
    simulator, which compiles nothing)."""
    from numba import float32 as nb_float32, float64 as nb_float64
    from engine.backends.device import simulator_enabled
    from engine.kernels.cuda.launch import CONFIG
    from engine.kernels.cuda.ptx_check import kernel_signatures
    if simulator_enabled():
        return 0
    done: set = set()
    for dt in dtypes:
        nb_dt = nb_float32 if np.dtype(dt) == np.float32 else nb_float64
        for _name, disp, sig in kernel_signatures(nb_dt, CONFIG.tile):
            if (id(disp), sig) not in done:  # dtype-free kernels appear once per dtype
                disp.compile(sig)
                done.add((id(disp), sig))
    return len(done)


def make_cuda_program(resident: bool = False) -> CudaProgram:
    """A CudaProgram, after checking that a GPU (or the simulator) is usable.

    Raises ``BadInput(..., "device")`` with ``cuda_status()``'s reason otherwise.
    """
    from engine.backends.device import resolve_device
    resolve_device("cuda")
    return CudaProgram(resident=resident)
