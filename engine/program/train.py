"""The compiled training program: steps across epochs in one call, shuffles and epoch sums inside,
monitor figures into per-step buffers; specialised on dtype only (engine/program/__init__.py)."""
from __future__ import annotations

# numba's on-disk cache keys a function on the text of its own file only, and a cached caller
# holds its callees' code: after changing a kernel in engine/kernels/cpu, bump this revision in
# every engine/program module, or callers keep running the old kernel (docs/PERF_NOTES.md).
KERNELS_REVISION = 14

import math

import numpy as np
from numba import njit

from engine.kernels.cpu.monitors import AMON_COLS
from engine.kernels.cpu.rng import shuffle_into
from engine.program.guard import check_run_call
from engine.program.infer import monitor_pass
from engine.program.plan import (CNT_LEN, E_ACC, E_LOSS, E_LR, E_STEP, EPOUT_COLS, I_BATCH,
                                 I_EPOCH_STOP, I_EPOCHS, I_EXPLICIT, I_MON_EVERY, I_MONITOR, I_N,
                                 I_PASS_END, I_PASS_EVERY, I_SEED, I_SHUFFLE, I_STEP0, I_T0,
                                 ICFG_LEN, K_ENDED, K_EPOCH, K_GROWS, K_PERM_EPOCH, K_POS, K_PROWS,
                                 PERM_IDENTITY, R_DONE, R_PASSED, R_STATUS)
from engine.program.step import record_figures, train_one


@njit(cache=True, nogil=True, inline="always")
def ensure_permutation(perm, n, shuffle, seed, epoch, cnt):
    """perm[:n] holds epoch ``epoch``'s sample order (identity without shuffling)."""
    want = epoch if shuffle else PERM_IDENTITY
    if cnt[K_PERM_EPOCH] == want:
        return
    if shuffle:
        shuffle_into(perm, n, seed, epoch)
    else:
        for i in range(n):
            perm[i] = i
    cnt[K_PERM_EPOCH] = want


@njit(cache=True, nogil=True, inline="always")
def record_pass(ip, fp, lay, params, state, work, xm, edges, hist, amon, phist, pamon, pstep,
                cnt, step):
    """Monitor pass after global step ``step``, copied into the next row of the pass rings."""
    monitor_pass(ip, fp, lay, params, state, work, xm, edges, hist, amon)
    row = cnt[K_PROWS] % pstep.shape[0]
    for i in range(hist.shape[0]):
        for b in range(hist.shape[1]):
            phist[row, i, b] = hist[i, b]
        for c in range(amon.shape[1]):
            pamon[row, i, c] = amon[i, c]
    pstep[row] = step
    cnt[K_PROWS] += 1


@njit(cache=True, nogil=True, inline="always")
def end_epoch(ep, epout, cnt, step, lr):
    """Close the running epoch: its mean loss and accuracy, last step and rate into epout."""
    e = cnt[K_ENDED]
    samples = max(ep[2], 1.0)
    epout[e, E_LOSS] = ep[0] / samples
    epout[e, E_ACC] = ep[1] / samples
    epout[e, E_STEP] = step
    epout[e, E_LR] = lr
    cnt[K_ENDED] = e + 1
    cnt[K_EPOCH] += 1
    cnt[K_POS] = 0
    ep[0] = 0.0
    ep[1] = 0.0
    ep[2] = 0.0


@njit(cache=True, nogil=True)
def train_run(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, perm, bidx,
              bstart, lrs, moms, hp, ostate, icfg, fcfg, cnt, ep, losses, accs, epout, pmon,
              gring, gstep, xm, edges, hist, amon, phist, pamon, pstep, res):
    """Run len(lrs) training steps (fewer at an epoch end, the epochs limit or divergence); see
    engine/program/__init__.py for the arguments."""
    n_steps = lrs.shape[0]
    check_run_call(ip, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, perm, bidx,
                   bstart, lrs, moms, icfg, cnt, ep, losses, accs, epout, pmon, gring, gstep, xm,
                   edges, hist, amon, phist, pamon, pstep, res)
    res[R_DONE] = 0
    res[R_STATUS] = 0
    res[R_PASSED] = 0
    cnt[K_ENDED] = 0
    explicit = icfg[I_EXPLICIT] != 0
    shuffle = icfg[I_SHUFFLE] != 0
    n = icfg[I_N]
    every = icfg[I_MON_EVERY]
    pass_every = icfg[I_PASS_EVERY]
    seed = icfg[I_SEED]
    passed = -1
    for s in range(n_steps):
        if not explicit and cnt[K_EPOCH] >= icfg[I_EPOCHS]:
            break
        step = icfg[I_STEP0] + s + 1  # the global step count once this step is done
        if explicit:
            r0 = bstart[s]
            nb = bstart[s + 1] - r0
            rows = bidx
        else:
            ensure_permutation(perm, n, shuffle, seed, cnt[K_EPOCH], cnt)
            r0 = cnt[K_POS]
            nb = min(icfg[I_BATCH], n - r0)
            rows = perm
        ring = every > 0 and step % every == 0
        figures = ring or (s == n_steps - 1 and icfg[I_MONITOR] != 0)
        loss, acc, ok = train_one(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x,
                                  y, sw, rows, r0, nb, lrs[s], moms[s], hp, ostate, icfg, fcfg,
                                  step - 1, icfg[I_T0] + s + 1, figures, pmon, res)
        losses[s] = loss
        accs[s] = acc
        if not ok:
            return
        res[R_DONE] = s + 1
        if ring:
            row = cnt[K_GROWS] % gstep.shape[0]
            record_figures(pmon, ptab.shape[0], gring, row)
            gstep[row] = step
            cnt[K_GROWS] += 1
        if pass_every > 0 and step % pass_every == 0:
            record_pass(ip, fp, lay, params, state, work, xm, edges, hist, amon, phist, pamon,
                        pstep, cnt, step)
            passed = step
        if explicit:
            continue
        ep[0] += loss * nb
        ep[1] += (0.0 if math.isnan(acc) else acc) * nb
        ep[2] += nb
        cnt[K_POS] += nb
        if cnt[K_POS] >= n:
            end_epoch(ep, epout, cnt, step, lrs[s])
            if icfg[I_EPOCH_STOP] != 0 or cnt[K_ENDED] >= epout.shape[0]:
                break
    if icfg[I_PASS_END] != 0:
        if passed != icfg[I_STEP0] + res[R_DONE]:
            monitor_pass(ip, fp, lay, params, state, work, xm, edges, hist, amon)
        res[R_PASSED] = 1


def train_steps(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, bidx,
                bstart, lrs, moms, hp, ostate, icfg, fcfg, losses, accs, pmon, res):
    """Run len(lrs) steps on explicit batches: step s uses the rows bidx[bstart[s]:bstart[s+1]]
    (no epoch accounting, no shuffling); ``train_run`` with icfg[I_EXPLICIT] set. The per-step
    interface of engine/program/__init__.py (the GPU program has the same)."""
    run_icfg = np.zeros(ICFG_LEN, np.int64)
    m = min(icfg.shape[0], ICFG_LEN)
    run_icfg[:m] = icfg[:m]
    run_icfg[I_EXPLICIT] = 1
    run_icfg[I_MON_EVERY] = run_icfg[I_PASS_EVERY] = run_icfg[I_PASS_END] = 0
    run_icfg[I_N], run_icfg[I_BATCH], run_icfg[I_EPOCHS] = x.shape[0], 1, 1
    dt = params.dtype
    train_run(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw,
              np.zeros(0, np.int64), bidx, bstart, lrs, moms, hp, ostate, run_icfg, fcfg,
              np.zeros(CNT_LEN, np.int64), np.zeros(3), losses, accs,
              np.zeros((1, EPOUT_COLS)), pmon, np.zeros((1, 1, 3)), np.zeros(1, np.int64),
              np.zeros((0, x.shape[1]), dt), np.zeros((1, 2)), np.zeros((1, 1), np.int64),
              np.zeros((1, AMON_COLS)), np.zeros((1, 1, 1), np.int64),
              np.zeros((1, 1, AMON_COLS)), np.zeros(1, np.int64), res)
