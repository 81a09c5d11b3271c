"""The compiled training program: N optimiser steps in one call, specialised on dtype only."""
from __future__ import annotations

# numba's on-disk cache keys a function on the text of its own file only, and a cached caller
# holds its callees' code: after changing a kernel in engine/kernels/cpu, bump this revision in
# every engine/program module, or callers keep running the old kernel (docs/PERF_NOTES.md).
KERNELS_REVISION = 12

import math

from numba import njit

from engine.kernels.cpu.layers_dense import max_norm_columns
from engine.kernels.cpu.layers_norm import bn_update_moving
from engine.kernels.cpu.losses import loss_correct, loss_forward_backward
from engine.kernels.cpu.optim import clip_gradients, optimizer_begin_step, optimizer_update
from engine.program.guard import check_train_call
from engine.program.layer_ops import bn_training_mode, layer_backward, layer_forward, pview
from engine.program.plan import (BATCH_NORM, C_CODE, C_FLAGS, C_IN, C_OUT, C_OUT_OFF,
                                 C_S0, C_STATS, F_RENORM, I_APPLY, I_FUSED,
                                 I_LOSS, I_MONITOR, I_NFWD, I_OPT, I_SEED, I_STEP0, I_T0, L_GA, L_IN,
                                 L_GB, L_SW, L_T, L_X, L_Y, P_L1, P_L2, P_MAXNORM, P_MOM, P_RMOM,
                                 PT_KERNEL, PT_TRAINABLE, R_DONE, R_LAYER, R_STATUS, R_WHAT,
                                 WHAT_GRAD, WHAT_LOSS, WHAT_WEIGHTS)


@njit(cache=True, nogil=True)
def gather_batch(lay, work, x, y, sw, bidx, start, nb):
    """Copy rows bidx[start:start+nb] of x, y, sw into the work buffer's batch area."""
    nin = x.shape[1]
    nt = y.shape[1]
    xo = lay[L_X]
    yo = lay[L_Y]
    so = lay[L_SW]
    for r in range(nb):
        k = bidx[start + r]
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


@njit(cache=True, nogil=True)
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


@njit(cache=True, nogil=True)
def forward_loss(ip, fp, ptab, lay, params, grads, state, work, nb, icfg, step, want_grad):
    """Training forward through the first icfg[I_NFWD] layers, then the (fused) loss and its
    gradient into the GA buffer. Returns (loss without penalties, accuracy or NaN)."""
    nfwd = icfg[I_NFWD]
    for i in range(nfwd):
        layer_forward(ip, fp, i, params, state, work, nb, True, True, icfg[I_SEED], step)
    last = nfwd - 1
    k = ip[last, C_OUT] if nfwd > 0 else lay[L_IN]
    out_off = ip[last, C_OUT_OFF] if nfwd > 0 else lay[L_X]
    out = work[out_off:out_off + nb * k].reshape((nb, k))
    yb = work[lay[L_Y]:lay[L_Y] + nb * lay[L_T]].reshape((nb, lay[L_T]))
    swb = pview(work, lay[L_SW], nb)
    gout = work[lay[L_GA]:lay[L_GA] + nb * k].reshape((nb, k))
    loss = loss_forward_backward(icfg[I_LOSS], icfg[I_FUSED], out, yb, swb, gout, want_grad)
    acc = loss_correct(icfg[I_LOSS], icfg[I_FUSED], out, yb)
    return loss, acc


@njit(cache=True, nogil=True)
def backward_all(ip, fp, lay, params, grads, state, work, nb, nfwd):
    """Backward from the GA buffer through layers nfwd-1 .. 0 (ping-pong GA/GB)."""
    ga = lay[L_GA]
    gb = lay[L_GB]
    for i in range(nfwd - 1, -1, -1):
        g = pview(work, ga, nb * ip[i, C_OUT])
        dx = pview(work, gb, nb * ip[i, C_IN])
        layer_backward(ip, fp, i, params, grads, state, work, nb, g, dx, i > 0)
        ga, gb = gb, ga


@njit(cache=True, nogil=True)
def grad_sums(ptab, grads, params, pmon, col):
    """pmon[r, col] = sum of squares of the grads (col 0) or of the params (col 3) of each row."""
    for r in range(ptab.shape[0]):
        off = ptab[r, 0]
        s = 0.0
        for k in range(off, off + ptab[r, 1]):
            v = float(grads[k]) if col == 0 else float(params[k])
            s += v * v
        pmon[r, col] = s
        pmon[r, 1] = ptab[r, 1]


@njit(cache=True, nogil=True)
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
        if ip[i, C_CODE] != BATCH_NORM or not bn_training_mode(ip[i, C_FLAGS], True):
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
def train_steps(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, bidx,
                bstart, lrs, moms, hp, ostate, icfg, fcfg, losses, accs, pmon, res):
    """Run len(lrs) training steps (or stop at divergence); see engine/program/__init__.py."""
    n_steps = lrs.shape[0]
    n_layers = ip.shape[0]
    nfwd = icfg[I_NFWD]
    apply = icfg[I_APPLY] != 0
    res[R_DONE] = 0
    res[R_STATUS] = 0
    check_train_call(ip, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, bidx,
                     bstart, lrs, moms, losses, accs, pmon, nfwd, icfg[I_LOSS])
    for s in range(n_steps):
        nb = bstart[s + 1] - bstart[s]
        step = icfg[I_STEP0] + s
        gather_batch(lay, work, x, y, sw, bidx, bstart[s], nb)
        loss, acc = forward_loss(ip, fp, ptab, lay, params, grads, state, work, nb, icfg, step, True)
        penalty = penalty_and_grad(ip, fp, ptab, params, grads, False)
        losses[s] = loss + penalty
        accs[s] = acc
        if not math.isfinite(losses[s]):
            layer = first_nonfinite_output(ip, work, nb, nfwd)
            res[R_STATUS] = 1
            res[R_LAYER] = layer if layer >= 0 else n_layers - 1
            res[R_WHAT] = WHAT_LOSS
            return
        backward_all(ip, fp, lay, params, grads, state, work, nb, nfwd)
        penalty_and_grad(ip, fp, ptab, params, grads, True)
        if not all_finite(grads):
            res[R_STATUS] = 1
            res[R_LAYER] = grad_culprit(ip, ptab, grads)
            res[R_WHAT] = WHAT_GRAD
            return
        last = s == n_steps - 1
        if last and icfg[I_MONITOR] != 0:
            grad_sums(ptab, grads, params, pmon, 0)
        if not apply:
            res[R_DONE] = s + 1
            continue
        clip_gradients(grads, ptab, fcfg[0], fcfg[1], fcfg[2])
        wprev[:] = params
        update_params(ptab, ip, fp, params, grads, slots, hp, ostate, icfg[I_OPT],
                      icfg[I_T0] + s + 1, lrs[s], moms[s])
        if not all_finite(params):
            res[R_LAYER] = grad_culprit(ip, ptab, params)
            params[:] = wprev
            res[R_STATUS] = 1
            res[R_WHAT] = WHAT_WEIGHTS
            return
        update_moving_stats(ip, fp, state, work, nb, n_layers)
        if last and icfg[I_MONITOR] != 0:
            for r in range(ptab.shape[0]):
                off = ptab[r, 0]
                d2 = 0.0
                w2 = 0.0
                for k in range(off, off + ptab[r, 1]):
                    dv = float(params[k]) - float(wprev[k])
                    d2 += dv * dv
                    w2 += float(wprev[k]) * float(wprev[k])
                pmon[r, 2] = d2
                pmon[r, 3] = w2
        res[R_DONE] = s + 1
