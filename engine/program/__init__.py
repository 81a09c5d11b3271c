"""The compiled program: one generic numba interpreter over plan tables and flat buffers.

``train_run(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, perm, bidx,
bstart, lrs, moms, hp, ostate, icfg, fcfg, cnt, ep, losses, accs, epout, pmon, gring, gstep, xm,
edges, hist, amon, phist, pamon, pstep, res)`` runs up to ``len(lrs)`` optimiser steps in one call,
step s with learning rate ``lrs[s]`` and momentum ``moms[s]``. Per step: gather, training forward
(layers ``icfg[I_NFWD]``; the fused output activation is skipped), loss (+ l1/l2 penalties),
backward, regularisation gradients, gradient figures, clipping, optimiser update, max-norm,
batch-norm moving statistics, update figures. The settings are ``icfg`` (plan.py ``I_*``).

- Batches: in epoch mode the call walks the epochs itself: epoch e's order of the ``icfg[I_N]``
  training rows is the counter-based shuffle of (seed, e) (engine/kernels/scalar/rng.py,
  ``shuffle_into``; the identity without shuffling), generated into ``perm`` when an epoch
  starts; batches of ``icfg[I_BATCH]`` rows from position ``cnt[K_POS]`` (the last one of an epoch
  shorter). ``cnt`` (plan.py ``K_*``) holds the epoch, the position and which epoch ``perm`` holds,
  and is advanced by the call; ``ep`` the running epoch's sums (loss x rows, accuracy x rows, rows).
  Each epoch that ends writes a row of ``epout`` (mean loss, mean accuracy, its last step, that
  step's rate); the call stops at the first epoch end when ``icfg[I_EPOCH_STOP]``, and at
  ``icfg[I_EPOCHS]`` epochs. With ``icfg[I_EXPLICIT]`` step s uses the rows
  ``bidx[bstart[s]:bstart[s+1]]`` instead and nothing of the epochs is touched (``train_steps``).
- Monitors: ``pmon`` (n_params, 4) gets the gradient sum of squares before clipping, the size, the
  update's and the previous weights' sums of squares of every recorded step (every
  ``icfg[I_MON_EVERY]``-th global step, and the call's last step when ``icfg[I_MONITOR]``); each
  recorded cadence step is also written to row ``cnt[K_GROWS] % len(gstep)`` of the ring ``gring``
  (steps, rows, 3) with its global step in ``gstep``. The monitor pass (inference over the monitor
  batch ``xm``: histograms over ``edges`` into ``hist``, figures into ``amon``; NaN edges are fixed
  by the pass) runs after every ``icfg[I_PASS_EVERY]``-th global step into the rings ``phist``,
  ``pamon``, ``pstep`` (row ``cnt[K_PROWS] % len(pstep)``), and once after the call's steps when
  ``icfg[I_PASS_END]`` (``res[R_PASSED]``).
- A non-finite loss, gradient or weight stops the call before that step's update is kept:
  ``res[R_STATUS] = 1``, ``res[R_LAYER]`` the layer, ``res[R_WHAT]`` what went non-finite;
  ``res[R_DONE]`` counts the steps done.

``train_steps(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, bidx, bstart,
lrs, moms, hp, ostate, icfg, fcfg, losses, accs, pmon, res)``: the per-step interface (explicit
batches, figures of the last step), as the GPU program has it; a Python wrapper of ``train_run``.

Compiled code is specialised on the float dtype only (float32 default, float64 for gradient checks);
layer sizes and the layer sequence are data, so a new design never recompiles.
"""
from engine.program.infer import evaluate_program, monitor_program, predict_program
from engine.program.train import train_run, train_steps

__all__ = ["train_run", "train_steps", "predict_program", "evaluate_program", "monitor_program"]
