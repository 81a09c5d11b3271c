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

from engine.backends.cuda_layers import (DeviceBuffers, bn_training_mode, layer_backward,
                                         layer_forward)
from engine.kernels.cuda import losses as closs
from engine.kernels.cuda import optim as coptim
from engine.kernels.cuda import reduce as cred
from engine.kernels.cuda.gather import gather_rows, subtract_into
from engine.kernels.cuda.norm import batch_norm_update_moving
from engine.program.plan import (ACTIVATION, BATCH_NORM, C_ACT, C_CODE, C_FLAGS, C_IN, C_IN_OFF,
                                 C_OUT, C_OUT_OFF, C_S0, C_STATS, F_RENORM, I_APPLY, I_FUSED,
                                 I_LOSS, I_MONITOR, I_NFWD, I_OPT, I_SEED, I_STEP0, I_T0, L_CAP,
                                 L_GA, L_GB, L_IN, L_SW, L_T, L_X, L_Y, P_L1, P_L2, P_MAXNORM,
                                 P_MOM, P_RMOM, PT_KERNEL, PT_TRAINABLE, R_DONE, R_LAYER, R_STATUS,
                                 R_WHAT, WHAT_GRAD, WHAT_LOSS, WHAT_WEIGHTS)

CHUNKS = 64  # partial sums per parameter (at least) in the deterministic reductions


def reduction_chunks(largest: int) -> int:
    """Partial sums per segment: ~2048 elements per thread, between CHUNKS and 4096. Depends only
    on the sizes, so a model always reduces in the same order (bit-identical runs)."""
    chunks = CHUNKS
    while chunks < 4096 and chunks * 2048 < largest:
        chunks *= 2
    return chunks


class CudaProgram:
    """Device twin of engine.program (see the module docstring for ``resident``)."""

    def __init__(self, resident: bool = False) -> None:
        self.resident = bool(resident)
        self.buf = DeviceBuffers()
        self._host: dict[str, np.ndarray] = {}
        self._stale: set[str] = set(self._NAMES)
        self._data_key: tuple | None = None
        self._data = None
        self.scal = cuda.to_device(np.zeros(4, np.float64))

    def __repr__(self) -> str:
        return f"CudaProgram(resident={self.resident}, on_device={sorted(self._host)})"

    # ------------------------------------------------------------------ residency
    _NAMES = ("params", "grads", "state", "work", "slots", "wprev", "hp", "ostate")
    # buffers the device only writes before it reads them: allocated, never uploaded
    _OUTPUT_ONLY = ("grads", "work", "wprev")

    def mark_host_changed(self) -> None:
        """The host arrays were written (weights, slots, state): upload them on their next use."""
        self._stale = set(self._NAMES)

    def sync_to_host(self, names: tuple[str, ...] = ("params", "grads", "state", "work", "slots",
                                                     "wprev", "ostate")) -> None:
        """Copy the device buffers ``names`` to the host arrays last passed in (skipping those
        the host owns after ``mark_host_changed``, and those never passed)."""
        b, h = self.buf, self._host
        for name in names:
            if name not in h or name in self._stale:
                continue
            if name in ("params", "grads", "state", "work"):
                getattr(b, name).copy_to_host(h[name].reshape(-1))
            elif name == "slots":
                h["slots"][...] = self.slots.copy_to_host().reshape(h["slots"].shape)
            else:
                h[name][...] = getattr(self, name).copy_to_host()

    def _bind(self, **arrays: np.ndarray) -> None:
        """Bring the host buffers of a call to the device.

        Drop-in mode uploads every input buffer on every call; resident mode only those that are
        stale or arrive as a different array object. Output-only buffers (gradients, the work
        buffer, wprev) are allocated to the host's size but never uploaded: every call writes them
        before reading them.
        """
        b = self.buf
        for name, arr in arrays.items():
            fresh = (not self.resident or name in self._stale
                     or self._host.get(name) is not arr)
            if not fresh:
                continue
            flat = np.ascontiguousarray(arr).reshape(-1)
            if name in self._OUTPUT_ONLY:
                dev = getattr(b, name, None) if name != "wprev" else getattr(self, "wprev", None)
                if dev is None or dev.shape != flat.shape or dev.dtype != flat.dtype:
                    dev = cuda.device_array(flat.shape, flat.dtype)
                if name == "wprev":
                    self.wprev = dev
                    self.scratch = cuda.device_array_like(dev)
                else:
                    setattr(b, name, dev)
            elif name in ("params", "state"):
                setattr(b, name, cuda.to_device(flat))
            elif name == "slots":
                self.slots = cuda.to_device(flat)
            else:  # hp, ostate
                setattr(self, name, cuda.to_device(np.ascontiguousarray(arr, np.float64)))
            self._host[name] = arr
            self._stale.discard(name)

    def _finish(self, names: tuple[str, ...]) -> None:
        """Drop-in mode: bring ``names`` back to the host arrays."""
        if not self.resident:
            self.sync_to_host(names)

    def _data_on_device(self, x: np.ndarray, y: np.ndarray, sw: np.ndarray):
        key = tuple((id(a), a.__array_interface__["data"][0], a.shape, a.dtype.str)
                    for a in (x, y, sw))
        if key != self._data_key:
            self._data = tuple(cuda.to_device(np.ascontiguousarray(a)) for a in (x, y, sw))
            self._data_key = key
        return self._data

    def renorm_clip_flags(self, layer_index: int) -> np.ndarray | None:
        """(2, D) float64 of the last training batch: 1.0 where batch renorm clipped r (row 0)
        or d (row 1) in batch-norm layer ``layer_index``; None before it trained."""
        flags = self.buf.clipped.get(int(layer_index))
        return None if flags is None else flags.copy_to_host()

    # ------------------------------------------------------------------ training
    def train_steps(self, ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw,
                    bidx, bstart, lrs, moms, hp, ostate, icfg, fcfg, losses, accs, pmon, res):
        """``len(lrs)`` training steps; arguments and results as engine.program.train_steps."""
        self._bind(params=params, grads=grads, state=state, work=work, slots=slots, wprev=wprev,
                   hp=hp, ostate=ostate)
        xd, yd, swd = self._data_on_device(x, y, sw)
        bidx_d = cuda.to_device(np.ascontiguousarray(bidx))
        ptab_d = cuda.to_device(np.ascontiguousarray(ptab))
        n_params = ptab.shape[0]
        self._seg = cuda.device_array(max(n_params, 1), np.float64)
        largest = int(ptab[:, 1].max()) if n_params else 1
        self._partials = cuda.device_array((max(n_params, 1), reduction_chunks(largest)),
                                           np.float64)
        res[R_DONE] = 0
        res[R_STATUS] = 0
        try:
            for s in range(lrs.shape[0]):
                if not self._one_step(s, ip, fp, ptab, ptab_d, lay, xd, yd, swd, bidx_d, bstart,
                                      lrs, moms, icfg, fcfg, losses, accs, pmon, res):
                    return
                res[R_DONE] = s + 1
        finally:
            self._finish(("params", "grads", "state", "work", "slots", "ostate"))

    def _one_step(self, s, ip, fp, ptab, ptab_d, lay, xd, yd, swd, bidx_d, bstart, lrs, moms,
                  icfg, fcfg, losses, accs, pmon, res) -> bool:
        b = self.buf
        nb = int(bstart[s + 1] - bstart[s])
        step = int(icfg[I_STEP0]) + s
        seed = int(icfg[I_SEED])
        nfwd = int(icfg[I_NFWD])
        last = s == lrs.shape[0] - 1
        monitor = last and icfg[I_MONITOR] != 0
        gather_rows((lay[L_X], lay[L_Y], lay[L_SW]), b.work, xd, yd, swd, bidx_d, int(bstart[s]),
                    nb)
        for i in range(nfwd):
            layer_forward(b, ip, fp, i, nb, True, True, seed, step)
        self._loss(ip, lay, icfg, nb, nfwd, True)
        penalty = self._penalty(fp, ptab, ptab_d)
        loss, acc = self.scal.copy_to_host()[:2]
        losses[s] = loss + penalty
        accs[s] = acc
        if not math.isfinite(losses[s]):
            layer = self._first_nonfinite_output(ip, nb, nfwd)
            res[R_STATUS], res[R_WHAT] = 1, WHAT_LOSS
            res[R_LAYER] = layer if layer >= 0 else ip.shape[0] - 1
            return False
        self._backward(ip, fp, lay, nb, nfwd, seed, step)
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
        coptim.clip_gradients(b.grads, ptab_d, float(fcfg[0]), float(fcfg[1]), float(fcfg[2]),
                              self._seg, self._partials)
        self.wprev.copy_to_device(b.params)
        self._update(ptab, ip, fp, int(icfg[I_OPT]), int(icfg[I_T0]) + s + 1, float(lrs[s]),
                     float(moms[s]))
        culprit = self._nonfinite_layer(b.params, ptab, ptab_d)
        if culprit is not None:
            b.params.copy_to_device(self.wprev)
            res[R_STATUS], res[R_LAYER], res[R_WHAT] = 1, culprit, WHAT_WEIGHTS
            return False
        self._update_moving(ip, fp, nb)
        if monitor:
            subtract_into(self.scratch, b.params, self.wprev)
            pmon[:, 2] = self._segment(self.scratch, ptab_d, cred.SUMSQ)
            pmon[:, 3] = self._segment(self.wprev, ptab_d, cred.SUMSQ)
        return True

    def _loss(self, ip, lay, icfg, nb, nfwd, want_grad) -> None:
        """Loss into scal[0] and accuracy into scal[1] (NaN without accuracy); gradient into GA."""
        b = self.buf
        k = int(ip[nfwd - 1, C_OUT]) if nfwd > 0 else int(lay[L_IN])
        out_off = ip[nfwd - 1, C_OUT_OFF] if nfwd > 0 else lay[L_X]
        out = b.mview(b.work, out_off, nb, k)
        yb = b.mview(b.work, lay[L_Y], nb, lay[L_T])
        swb = b.pview(b.work, lay[L_SW], nb)
        gout = b.mview(b.work, lay[L_GA], nb, k)
        per = self._per_sample(nb)
        code, fused = int(icfg[I_LOSS]), int(icfg[I_FUSED])
        closs.loss_forward_backward(code, fused, out, yb, swb, gout, want_grad, per, self.scal, 0)
        if not closs.loss_correct(code, fused, out, yb, per, self.scal, 1):
            cred.fill(self.scal[1:2], math.nan)

    def _per_sample(self, nb: int):
        per = getattr(self, "_per", None)
        if per is None or per.shape[0] < nb:
            per = self._per = cuda.device_array(max(nb, 1), np.float64)
        return per[:nb]

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

    def _backward(self, ip, fp, lay, nb, nfwd, seed, step) -> None:
        b = self.buf
        ga, gb = lay[L_GA], lay[L_GB]
        for i in range(nfwd - 1, -1, -1):
            g = b.mview(b.work, ga, nb, ip[i, C_OUT])
            dx = b.mview(b.work, gb, nb, ip[i, C_IN])
            layer_backward(b, ip, fp, i, nb, g, dx, i > 0, seed, step)
            ga, gb = gb, ga

    def _update(self, ptab, ip, fp, opt, t, lr, mom) -> None:
        b = self.buf
        coptim.optimizer_begin_step(opt, self.hp, self.ostate, t, mom)
        total = b.params.shape[0]
        for r in range(ptab.shape[0]):
            if not ptab[r, 3] & PT_TRAINABLE:
                continue
            off, n = int(ptab[r, 0]), int(ptab[r, 1])
            sl = [self.slots[k * total + off:k * total + off + n] for k in range(3)]
            coptim.optimizer_update(opt, self.hp, self.ostate, b.params[off:off + n],
                                    b.grads[off:off + n], sl[0], sl[1], sl[2], t, lr, mom)
            i = int(ptab[r, 2])
            if ptab[r, 3] & PT_KERNEL and not math.isnan(fp[i, P_MAXNORM]):
                cred.max_norm_columns(b.params[off:off + n].reshape((int(ip[i, C_IN]),
                                                                     int(ip[i, C_OUT]))),
                                      float(fp[i, P_MAXNORM]))

    def _update_moving(self, ip, fp, nb) -> None:
        b = self.buf
        for i in range(ip.shape[0]):
            if ip[i, C_CODE] != BATCH_NORM or not bn_training_mode(int(ip[i, C_FLAGS]), True):
                continue
            d = int(ip[i, C_IN])
            mom = fp[i, P_RMOM] if ip[i, C_FLAGS] & F_RENORM else fp[i, P_MOM]
            s0 = int(ip[i, C_S0])
            batch_norm_update_moving(b.state[s0:s0 + d], b.state[s0 + d:s0 + 2 * d],
                                     b.mview(b.work, ip[i, C_STATS], 4, d), float(mom), nb)

    # ------------------------------------------------------------------ inference
    def _forward_rows(self, ip, fp, lay, x, start, nb, n_layers, mc, seed, step) -> None:
        b = self.buf
        xb = b.mview(b.work, lay[L_X], nb, x.shape[1])
        xb.copy_to_device(np.ascontiguousarray(x[start:start + nb], dtype=b.work.dtype))
        for i in range(n_layers):
            layer_forward(b, ip, fp, i, nb, False, mc, seed, step)

    def _output_view(self, ip, lay, nb, n_layers):
        b = self.buf
        if n_layers == 0:
            return b.mview(b.work, lay[L_X], nb, lay[L_IN])
        return b.mview(b.work, ip[n_layers - 1, C_OUT_OFF], nb, ip[n_layers - 1, C_OUT])

    def predict_program(self, ip, fp, lay, params, state, work, x, out, mc, seed, step) -> None:
        """out (n, K) = the network's output for x (n, F), as engine.program.predict_program."""
        self._bind(params=params, state=state, work=work)
        cap = int(lay[L_CAP])
        try:
            for start in range(0, x.shape[0], cap):
                nb = min(cap, x.shape[0] - start)
                self._forward_rows(ip, fp, lay, x, start, nb, ip.shape[0], bool(mc), int(seed),
                                   int(step))
                out[start:start + nb] = self._output_view(ip, lay, nb, ip.shape[0]).copy_to_host()
        finally:
            self._finish(())

    def evaluate_program(self, ip, fp, lay, params, state, work, x, y, loss_code, fused, n_fwd,
                         result) -> None:
        """result[0] mean loss, result[1] accuracy (NaN for regression) over x, y."""
        self._bind(params=params, state=state, work=work)
        b = self.buf
        cap = int(lay[L_CAP])
        n = x.shape[0]
        tot_loss = tot_acc = 0.0
        icfg = {I_LOSS: int(loss_code), I_FUSED: int(fused)}
        try:
            for start in range(0, n, cap):
                nb = min(cap, n - start)
                self._forward_rows(ip, fp, lay, x, start, nb, int(n_fwd), False, 0, 0)
                b.mview(b.work, lay[L_Y], nb, y.shape[1]).copy_to_device(
                    np.ascontiguousarray(y[start:start + nb], dtype=b.work.dtype))
                cred.fill(b.pview(b.work, lay[L_SW], nb), 1.0)
                self._loss(ip, lay, icfg, nb, int(n_fwd), False)
                loss, acc = self.scal.copy_to_host()[:2]
                tot_loss += loss * nb
                tot_acc += acc * nb
        finally:
            self._finish(())
        result[0] = tot_loss / max(n, 1)
        result[1] = tot_acc / max(n, 1)

    def monitor_program(self, ip, fp, lay, params, state, work, xm, edges, hist, amon) -> None:
        """Monitor pass over xm (m, F): per layer histograms into hist (L, n_bins) and figures
        into amon (L, AMON_COLS), as engine.program.monitor_program."""
        self._bind(params=params, state=state, work=work)
        b = self.buf
        nb = xm.shape[0]
        n_layers = ip.shape[0]
        hist_d = cuda.device_array(hist.shape, np.int64)
        amon_d = cuda.to_device(np.ascontiguousarray(amon, np.float64))
        width = max(int(ip[i, C_OUT]) for i in range(n_layers))
        dead = cuda.device_array(width, np.int64)
        sat = cuda.device_array(width, np.int64)
        partials = cuda.device_array((reduction_chunks(nb * width), 4), np.float64)
        try:
            self._forward_rows(ip, fp, lay, xm, 0, nb, n_layers, False, 0, 0)
            for i in range(n_layers):
                yv = b.mview(b.work, ip[i, C_OUT_OFF], nb, ip[i, C_OUT])
                cred.histogram_uniform(yv, float(edges[i, 0]), float(edges[i, 1]), hist_d[i])
                is_act = ip[i, C_CODE] == ACTIVATION
                pre = b.mview(b.work, ip[i, C_IN_OFF], nb, ip[i, C_IN]) if is_act else None
                cred.layer_figures(yv, amon_d, i, partials, int(ip[i, C_ACT]) if is_act else -1,
                                   pre, dead, sat)
            hist[...] = hist_d.copy_to_host()
            amon[...] = amon_d.copy_to_host()
        finally:
            self._finish(())


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
