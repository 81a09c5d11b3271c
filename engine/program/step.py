"""One optimiser step of the compiled training program, and its parts (engine/program/train.py runs
them in its loops).

The parts called once per step are inlined into the loop (``inline="always"``, numba IR inlining):
a separately compiled function would carry its own copy of every kernel below it, compiled and
optimised again (docs/PERF_NOTES.md, "Compile time"). Flags passed to compiled callees are run-time
values (``np.bool_``): a constant would make numba compile the callee once per literal value.
"""
from __future__ import annotations

# numba's on-disk cache keys a function on the text of its own file only, and a cached caller
# holds its callees' code: after changing a kernel in engine/kernels/cpu, bump this revision in
# every engine/program module, or callers keep running the old kernel (docs/PERF_NOTES.md).
KERNELS_REVISION = 14

import math

import numpy as np
from numba import njit

from engine.kernels.cpu.layers_dense import max_norm_columns
from engine.kernels.cpu.layers_norm import bn_update_moving
from engine.kernels.cpu.losses import loss_correct, loss_forward_backward
from engine.kernels.cpu.monitors import diff_sumsq, sumsq
from engine.kernels.cpu.optim import clip_gradients, optimizer_begin_step, optimizer_update
from engine.program.layer_ops import bn_training_mode, layer_backward, layer_forward, pview
from engine.program.plan import (BATCH_NORM, C_CODE, C_FLAGS, C_IN, C_OUT, C_OUT_OFF, C_S0,
                                 C_STATS, F_RENORM, G_GRAD2, G_UPD2, G_W2, I_APPLY, I_FUSED,
                                 I_LOSS, I_NFWD, I_OPT, I_SEED, I_T0, L_GA, L_GB, L_IN, L_SW, L_T,
                                 L_X, L_Y, P_L1, P_L2, P_MAXNORM, P_MOM, P_RMOM, PT_KERNEL,
                                 PT_TRAINABLE, R_LAYER, R_STATUS, R_WHAT, WHAT_GRAD, WHAT_LOSS,
                                 WHAT_WEIGHTS)


@njit(cache=True, nogil=True)
def gather_batch(lay, work, x, y, sw, rows, start, nb):
    """Copy rows rows[start:start+nb] of x, y, sw into the work buffer's batch area."""
    nin = x.shape[1]
    nt = y.shape[1]
    xo = lay[L_X]
    yo = lay[L_Y]
    so = lay[L_SW]
    for r in range(nb):
        k = rows[start + r]
        for c in range(nin):
            work[xo + r * nin + c] = x[k, c]
        for c in range(nt):
            work[yo + r * nt + c] = y[k, c]
        work[so + r] = sw[k]


@njit(cache=True, nogil=True)
def all_finite(a):
    """True when every element of the 1-D array is finite.

    ``a[i] - a[i]`` is NaN exactly for inf and NaN; OR-ing the NaN tests is an integer reduction,
    which LLVM vectorises (a float sum would be a serial chain without fastmath): ~10x faster.
    """
    bad = 0
    for i in range(a.shape[0]):
        d = a[i] - a[i]
        bad |= d != d
    return bad == 0


@njit(cache=True, nogil=True)
def first_nonfinite_output(ip, work, nb, n_layers):
    """Index of the first layer whose output has a non-finite value (-1: none)."""
    for i in range(n_layers):
        if not all_finite(work[ip[i, C_OUT_OFF]:ip[i, C_OUT_OFF] + nb * ip[i, C_OUT]]):
            return i
    return -1


@njit(cache=True, nogil=True, inline="always")
def penalty_and_grad(ip, fp, ptab, params, grads, add_grad):
    """Sum of l1|w| + l2 w^2 over kernels; adds l1 sign(w) + 2 l2 w into grads when asked."""
    total = 0.0
    for r in range(ptab.shape[0]):
        if (ptab[r, 3] & PT_KERNEL) == 0:
            continue
        i = ptab[r, 2]
        l1 = fp[i, P_L1]
        l2 = fp[i, P_L2]
        if l1 == 0.0 and l2 == 0.0:
            continue
        off = ptab[r, 0]
        for k in range(off, off + ptab[r, 1]):
            w = float(params[k])
            total += l1 * abs(w) + l2 * w * w
            if add_grad:
                sg = 1.0 if w > 0.0 else (-1.0 if w < 0.0 else 0.0)
                grads[k] += l1 * sg + 2.0 * l2 * w
    return total


@njit(cache=True, nogil=True, inline="always")
def forward_loss(ip, fp, lay, params, state, work, nb, icfg, step):
    """Training forward through the first icfg[I_NFWD] layers, then the (fused) loss and its
    gradient into the GA buffer. Returns (loss without penalties, accuracy or NaN)."""
    nfwd = icfg[I_NFWD]
    on = np.bool_(True)
    for i in range(nfwd):
        layer_forward(ip, fp, i, params, state, work, nb, on, on, icfg[I_SEED], step)
    last = nfwd - 1
    k = ip[last, C_OUT] if nfwd > 0 else lay[L_IN]
    out_off = ip[last, C_OUT_OFF] if nfwd > 0 else lay[L_X]
    out = work[out_off:out_off + nb * k].reshape((nb, k))
    yb = work[lay[L_Y]:lay[L_Y] + nb * lay[L_T]].reshape((nb, lay[L_T]))
    swb = pview(work, lay[L_SW], nb)
    gout = work[lay[L_GA]:lay[L_GA] + nb * k].reshape((nb, k))
    loss = loss_forward_backward(icfg[I_LOSS], icfg[I_FUSED], out, yb, swb, gout, on)
    acc = loss_correct(icfg[I_LOSS], icfg[I_FUSED], out, yb)
    return loss, acc


@njit(cache=True, nogil=True, inline="always")
def backward_all(ip, fp, lay, params, grads, state, work, nb, nfwd):
    """Backward from the GA buffer through layers nfwd-1 .. 0 (ping-pong GA/GB)."""
    ga = lay[L_GA]
    gb = lay[L_GB]
    for i in range(nfwd - 1, -1, -1):
        g = pview(work, ga, nb * ip[i, C_OUT])
        dx = pview(work, gb, nb * ip[i, C_IN])
        layer_backward(ip, fp, i, params, grads, state, work, nb, g, dx, i > 0)
        ga, gb = gb, ga


@njit(cache=True, nogil=True, inline="always")
def update_params(ptab, ip, fp, params, grads, slots, hp, ostate, opt, t, lr, mom):
    """Optimiser update of every trainable parameter, then max-norm on constrained kernels."""
    optimizer_begin_step(opt, hp, ostate, t, mom)
    for r in range(ptab.shape[0]):
        if (ptab[r, 3] & PT_TRAINABLE) == 0:
            continue
        off = ptab[r, 0]
        n = ptab[r, 1]
        optimizer_update(opt, hp, ostate, params[off:off + n], grads[off:off + n],
                         slots[0, off:off + n], slots[1, off:off + n], slots[2, off:off + n], t, lr,
                         mom)
        i = ptab[r, 2]
        if (ptab[r, 3] & PT_KERNEL) != 0 and not math.isnan(fp[i, P_MAXNORM]):
            max_norm_columns(params[off:off + n], fp[i, P_MAXNORM], ip[i, C_IN], ip[i, C_OUT])


@njit(cache=True, nogil=True)
def update_moving_stats(ip, fp, state, work, nb, n_layers):
    """Batch-norm moving statistics from this batch (momentum, or renorm_momentum under renorm)."""
    for i in range(n_layers):
        if ip[i, C_CODE] != BATCH_NORM or not bn_training_mode(ip[i, C_FLAGS], nb > 0):
            continue
        d = ip[i, C_IN]
        mom = fp[i, P_RMOM] if (ip[i, C_FLAGS] & F_RENORM) != 0 else fp[i, P_MOM]
        bn_update_moving(state[ip[i, C_S0]:ip[i, C_S0] + d], state[ip[i, C_S0] + d:ip[i, C_S0] + 2 * d],
                         pview(work, ip[i, C_STATS], 4 * d), mom, nb)


@njit(cache=True, nogil=True)
def grad_culprit(ip, ptab, grads):
    """Layer index of the non-finite gradient met first in backward order (highest index)."""
    best = -1
    for r in range(ptab.shape[0]):
        off = ptab[r, 0]
        if not all_finite(grads[off:off + ptab[r, 1]]):
            best = max(best, ptab[r, 2])
    return best


@njit(cache=True, nogil=True)
def grad_figures(ptab, grads, pmon):
    """pmon[r] = (gradient sum of squares, size, -, -) of every parameter row (before clipping)."""
    for r in range(ptab.shape[0]):
        pmon[r, 0] = sumsq(grads, ptab[r, 0], ptab[r, 1])
        pmon[r, 1] = ptab[r, 1]


@njit(cache=True, nogil=True)
def update_figures(ptab, params, wprev, pmon):
    """pmon[r, 2:4] = (update sum of squares, sum of squares of the weights before the update)."""
    for r in range(ptab.shape[0]):
        pmon[r, 2] = diff_sumsq(params, wprev, ptab[r, 0], ptab[r, 1])
        pmon[r, 3] = sumsq(wprev, ptab[r, 0], ptab[r, 1])


@njit(cache=True, nogil=True)
def record_figures(pmon, n_rows, gring, row):
    """Copy the step's figures (pmon columns 0, 2, 3) into row ``row`` of the ring gring."""
    for r in range(n_rows):
        gring[row, r, G_GRAD2] = pmon[r, 0]
        gring[row, r, G_UPD2] = pmon[r, 2]
        gring[row, r, G_W2] = pmon[r, 3]


@njit(cache=True, nogil=True, inline="always")
def diverged(res, layer, what):
    """Mark the call as stopped by a non-finite loss, gradient or weight of ``layer``."""
    res[R_STATUS] = 1
    res[R_LAYER] = layer
    res[R_WHAT] = what


@njit(cache=True, nogil=True, inline="always")
def train_one(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, rows, r0,
              nb, lr, mom, hp, ostate, icfg, fcfg, step, t, figures, pmon, res):
    """One training step on rows rows[r0:r0+nb]: forward, loss (+ penalties), backward, gradient
    figures into pmon when ``figures``, clipping, update (icfg[I_APPLY]), max-norm, moving
    statistics, update figures. Returns (loss incl. penalties, accuracy, ok); a non-finite loss,
    gradient or weight stops before the update is kept (``res`` says which, ok False)."""
    nfwd = icfg[I_NFWD]
    gather_batch(lay, work, x, y, sw, rows, r0, nb)
    loss, acc = forward_loss(ip, fp, lay, params, state, work, nb, icfg, step)
    total = loss + penalty_and_grad(ip, fp, ptab, params, grads, False)
    if not math.isfinite(total):
        layer = first_nonfinite_output(ip, work, nb, nfwd)
        diverged(res, layer if layer >= 0 else ip.shape[0] - 1, WHAT_LOSS)
        return total, acc, False
    backward_all(ip, fp, lay, params, grads, state, work, nb, nfwd)
    penalty_and_grad(ip, fp, ptab, params, grads, True)
    if not all_finite(grads):
        diverged(res, grad_culprit(ip, ptab, grads), WHAT_GRAD)
        return total, acc, False
    if figures:
        grad_figures(ptab, grads, pmon)
    if icfg[I_APPLY] == 0:
        return total, acc, True
    clip_gradients(grads, ptab, fcfg[0], fcfg[1], fcfg[2])
    wprev[:] = params
    update_params(ptab, ip, fp, params, grads, slots, hp, ostate, icfg[I_OPT], t, lr, mom)
    if not all_finite(params):
        layer = grad_culprit(ip, ptab, params)
        params[:] = wprev
        diverged(res, layer, WHAT_WEIGHTS)
        return total, acc, False
    update_moving_stats(ip, fp, state, work, nb, ip.shape[0])
    if figures:
        update_figures(ptab, params, wprev, pmon)
    return total, acc, True
