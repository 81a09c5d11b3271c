"""Entry checks of the compiled program: the shapes and offsets it relies on, once per call.

The session validates everything before it calls the program (engine.guard); these checks
are the last line: no caller, present or future, can make the interpreter read or write outside
its buffers. Cost: O(layers + rows of the call), nothing per element of a layer. A failed check
raises ValueError("program: ...") naming what does not fit.

These functions are callees of the cached program functions (train.py, infer.py and the session's
train_forward_program): after changing one, bump KERNELS_REVISION in those modules, as for a kernel
(numba's cache keys a function on its own file's text only; docs/PERF_NOTES.md).
"""
from __future__ import annotations

import numpy as np
from numba import njit

from engine.kernels.cpu.losses import SPARSE_CCE
from engine.kernels.cpu.monitors import AMON_COLS
from engine.program.plan import (BATCH_NORM, C_CODE, C_IN, C_IN_OFF, C_CACHE, C_OUT, C_OUT_OFF,
                                 C_P0, C_P1, C_S0, C_STATS, CNT_LEN, DENSE, EPOUT_COLS, I_BATCH,
                                 I_EXPLICIT, I_LOSS, I_MON_EVERY, I_N, I_NFWD, I_PASS_END,
                                 I_PASS_EVERY, ICFG_LEN, K_EPOCH, K_PERM_EPOCH, K_POS, L_CAP, L_GA,
                                 L_GB, L_IN, L_SW, L_T, L_X, L_Y, PERM_NONE, RES_LEN)


@njit(cache=True, nogil=True)
def _inside(off, size, total):
    return off >= 0 and size >= 0 and off + size <= total


@njit(cache=True, nogil=True)
def check_plan(ip, lay, params, state, work, n_run):
    """The plan tables fit the buffers: widths chain from the input, every layer's output,
    input, cache, statistics, parameters and state lie inside their arrays; ``n_run`` (the
    layers a call runs) is within the plan."""
    n_layers = ip.shape[0]
    cap = lay[L_CAP]
    ws = work.shape[0]
    if n_run < 0 or n_run > n_layers or cap < 1 or lay[L_IN] < 1:
        raise ValueError("program: bad plan header (layers, capacity or input width)")
    if not (_inside(lay[L_X], cap * lay[L_IN], ws) and _inside(lay[L_Y], cap * lay[L_T], ws)
            and _inside(lay[L_SW], cap, ws) and lay[L_Y] + cap * lay[L_T] <= lay[L_SW]):
        raise ValueError("program: the batch area does not fit the work buffer")
    prev = lay[L_IN]
    gmax = prev
    for i in range(n_layers):
        din = ip[i, C_IN]
        dout = ip[i, C_OUT]
        if din != prev or dout < 1:
            raise ValueError("program: layer widths do not chain")
        prev = dout
        gmax = max(gmax, dout)
        if not (_inside(ip[i, C_OUT_OFF], cap * dout, ws) and _inside(ip[i, C_IN_OFF], cap * din, ws)
                and _inside(ip[i, C_CACHE], cap * max(dout, 2), ws)
                and _inside(ip[i, C_STATS], 4 * dout, ws)):
            raise ValueError("program: a layer's output, cache or statistics lie outside the "
                             "work buffer")
        width = din * dout if ip[i, C_CODE] == DENSE else dout
        if (ip[i, C_P0] >= 0 and not _inside(ip[i, C_P0], width, params.shape[0])) or (
                ip[i, C_P1] >= 0 and not _inside(ip[i, C_P1], dout, params.shape[0])):
            raise ValueError("program: a layer's weights lie outside the parameter buffer")
        if ip[i, C_CODE] == BATCH_NORM and not _inside(ip[i, C_S0], 2 * din, state.shape[0]):
            raise ValueError("program: batch-norm statistics lie outside the state buffer")
    if not (_inside(lay[L_GA], cap * gmax, ws) and _inside(lay[L_GB], cap * gmax, ws)):
        raise ValueError("program: the gradient buffers do not fit the work buffer")


@njit(cache=True, nogil=True)
def output_width(ip, lay, n_run):
    """Width of the output of the first ``n_run`` layers (the input width when 0)."""
    return ip[n_run - 1, C_OUT] if n_run > 0 else lay[L_IN]


@njit(cache=True, nogil=True)
def check_targets(y, rows, n_rows, loss_code, k):
    """Targets y (n, T) fit a loss over k outputs: T == k, or for sparse categorical
    cross-entropy one column of class indices in [0, k) for the rows used (``rows[:n_rows]``,
    or all rows when ``rows`` is empty)."""
    if loss_code != SPARSE_CCE:
        if y.shape[1] != k:
            raise ValueError("program: target columns differ from the network's outputs")
        return
    if y.shape[1] != 1:
        raise ValueError("program: sparse targets need one column")
    n = y.shape[0] if rows.shape[0] == 0 else n_rows
    for j in range(n):
        r = j if rows.shape[0] == 0 else rows[j]
        c = y[r, 0]
        if not (c >= 0 and c < k):
            raise ValueError("program: a class index lies outside the network's outputs")


@njit(cache=True, nogil=True)
def check_params(ip, ptab, params, grads, slots, wprev, pmon):
    """Gradients, optimiser slots, weight backup and monitor rows match the parameters; the
    parameter table points inside them."""
    n_p = params.shape[0]
    if grads.shape[0] != n_p or wprev.shape[0] != n_p or slots.shape[0] < 3 \
            or slots.shape[1] < n_p or pmon.shape[0] < ptab.shape[0] or pmon.shape[1] < 4:
        raise ValueError("program: gradient, slot or monitor buffers do not match the parameters")
    for r in range(ptab.shape[0]):
        if not _inside(ptab[r, 0], ptab[r, 1], n_p) or ptab[r, 2] < 0 \
                or ptab[r, 2] >= ip.shape[0]:
            raise ValueError("program: the parameter table points outside the parameters")


@njit(cache=True, nogil=True)
def check_batches(ip, lay, y, bidx, bstart, k, loss_code, nfwd):
    """Explicit batches: 1..capacity rows each, sample indices inside the data, their targets."""
    cap = lay[L_CAP]
    n = y.shape[0]
    if bstart.shape[0] != k + 1:
        raise ValueError("program: per-step arrays are shorter than the steps")
    if k > 0 and (bstart[0] < 0 or bstart[k] > bidx.shape[0]):
        raise ValueError("program: batch starts lie outside the sample indices")
    for s in range(k):
        nb = bstart[s + 1] - bstart[s]
        if nb < 1 or nb > cap:
            raise ValueError("program: a batch is empty or larger than the work buffer")
    if k > 0:
        for j in range(bstart[0], bstart[k]):
            if bidx[j] < 0 or bidx[j] >= n:
                raise ValueError("program: a sample index lies outside the data")
        check_targets(y, bidx[bstart[0]:bstart[k]], bstart[k] - bstart[0], loss_code,
                      output_width(ip, lay, nfwd))


@njit(cache=True, nogil=True)
def check_epochs(ip, lay, y, perm, icfg, cnt, ep, epout, k):
    """Epoch mode: rows, batch size, position, the permutation kept from an earlier call, the
    epoch sums and per-epoch rows, every target (any row may come)."""
    n = icfg[I_N]
    if n != y.shape[0] or n < 1 or n >= 2**32 or perm.shape[0] < n:
        raise ValueError("program: the training rows do not match the data or the permutation")
    if icfg[I_BATCH] < 1 or icfg[I_BATCH] > lay[L_CAP]:
        raise ValueError("program: a batch is empty or larger than the work buffer")
    if cnt[K_POS] < 0 or cnt[K_POS] >= n or cnt[K_EPOCH] < 0 or ep.shape[0] < 3:
        raise ValueError("program: the epoch position lies outside the training rows")
    if k > 0 and (epout.shape[0] < 1 or epout.shape[1] < EPOUT_COLS):
        raise ValueError("program: no room for the epochs' figures")
    if cnt[K_PERM_EPOCH] != PERM_NONE:
        bad = 0
        for i in range(n):
            bad |= (perm[i] < 0) | (perm[i] >= n)
        if bad:
            raise ValueError("program: a sample index lies outside the data")
    check_targets(y, bstart_none(), 0, icfg[I_LOSS], output_width(ip, lay, icfg[I_NFWD]))


@njit(cache=True, nogil=True)
def check_rings(ip, lay, params, state, work, ptab, icfg, gring, gstep, xm, edges, hist, amon,
                phist, pamon, pstep):
    """The monitor buffers a call writes: gradient-figure rings, the monitor batch and figures of
    a monitor pass, the pass rings."""
    if icfg[I_MON_EVERY] > 0 and (gstep.shape[0] < 1 or gring.shape[0] < gstep.shape[0]
                                  or gring.shape[1] < ptab.shape[0] or gring.shape[2] < 3):
        raise ValueError("program: the gradient-figure ring does not match the parameters")
    if icfg[I_PASS_EVERY] > 0 or icfg[I_PASS_END] != 0:
        check_monitor_call(ip, lay, params, state, work, xm, edges, hist, amon)
    if icfg[I_PASS_EVERY] > 0 and (pstep.shape[0] < 1 or phist.shape[0] < pstep.shape[0]
                                   or pamon.shape[0] < pstep.shape[0]
                                   or phist.shape[1] < hist.shape[0]
                                   or phist.shape[2] < hist.shape[1]
                                   or pamon.shape[1] < amon.shape[0]
                                   or pamon.shape[2] < amon.shape[1]):
        raise ValueError("program: the monitor-pass rings do not match the monitor figures")


@njit(cache=True, nogil=True)
def check_run_call(ip, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, perm, bidx,
                   bstart, lrs, moms, icfg, cnt, ep, losses, accs, epout, pmon, gring, gstep, xm,
                   edges, hist, amon, phist, pamon, pstep, res):
    """Everything train_run indexes: plan, parameter table, optimiser slots, data rows, the
    batches (explicit, or the epoch position and permutation), per-step and per-epoch arrays,
    the monitor buffers and the targets the loss reads."""
    if icfg.shape[0] < ICFG_LEN or cnt.shape[0] < CNT_LEN or res.shape[0] < RES_LEN:
        raise ValueError("program: the call's settings or counters are too short")
    nfwd = icfg[I_NFWD]
    check_plan(ip, lay, params, state, work, nfwd)
    check_params(ip, ptab, params, grads, slots, wprev, pmon)
    n = x.shape[0]
    if x.shape[1] != lay[L_IN] or y.shape[0] != n or sw.shape[0] != n or y.shape[1] != lay[L_T]:
        raise ValueError("program: the data do not match the plan (features or target columns)")
    k = lrs.shape[0]
    if moms.shape[0] < k or losses.shape[0] < k or accs.shape[0] < k:
        raise ValueError("program: per-step arrays are shorter than the steps")
    if icfg[I_EXPLICIT] != 0:
        check_batches(ip, lay, y, bidx, bstart, k, icfg[I_LOSS], nfwd)
    elif k > 0:
        check_epochs(ip, lay, y, perm, icfg, cnt, ep, epout, k)
    check_rings(ip, lay, params, state, work, ptab, icfg, gring, gstep, xm, edges, hist, amon,
                phist, pamon, pstep)


@njit(cache=True, nogil=True)
def check_rows_call(ip, lay, params, state, work, x, n_run, out):
    """Inference calls: the plan, inputs of the plan's width, an output array ``out`` (n, K)
    of the width of the layers run (a 0x0 array: no output array)."""
    check_plan(ip, lay, params, state, work, n_run)
    if x.shape[1] != lay[L_IN]:
        raise ValueError("program: the inputs do not have the model's input width")
    if out.shape[1] != 0 and (out.shape[1] != output_width(ip, lay, n_run)
                              or out.shape[0] < x.shape[0]):
        raise ValueError("program: the output array does not have the network's shape")


@njit(cache=True, nogil=True)
def check_evaluate_call(ip, lay, params, state, work, x, y, n_run, loss_code):
    """evaluate_program: the plan, inputs, targets of the loss's form and rows."""
    check_plan(ip, lay, params, state, work, n_run)
    if x.shape[1] != lay[L_IN] or y.shape[0] != x.shape[0] \
            or lay[L_Y] + lay[L_CAP] * y.shape[1] > lay[L_SW]:
        raise ValueError("program: evaluation inputs or targets do not match the plan")
    check_targets(y, bstart_none(), 0, loss_code, output_width(ip, lay, n_run))


@njit(cache=True, nogil=True)
def bstart_none():
    """An empty index array: "all rows" for check_targets."""
    return np.empty(0, np.int64)


@njit(cache=True, nogil=True)
def check_monitor_call(ip, lay, params, state, work, xm, edges, hist, amon):
    """monitor_program: the plan, the monitor batch within the capacity, per-layer outputs."""
    n_layers = ip.shape[0]
    check_plan(ip, lay, params, state, work, n_layers)
    if xm.shape[1] != lay[L_IN] or xm.shape[0] > lay[L_CAP] or edges.shape[0] < n_layers \
            or edges.shape[1] < 2 or hist.shape[0] < n_layers or amon.shape[0] < n_layers \
            or amon.shape[1] < AMON_COLS:
        raise ValueError("program: the monitor batch or its figures do not match the plan")
