"""The compiled program: one generic numba interpreter over plan tables and flat buffers.

``train_steps(ip, fp, ptab, lay, params, grads, state, work, slots, wprev, x, y, sw, bidx, bstart,
lrs, moms, hp, ostate, icfg, fcfg, losses, accs, pmon, res)`` runs ``len(lrs)`` optimiser steps:
step s uses the rows ``bidx[bstart[s]:bstart[s+1]]`` of x/y/sw, learning rate ``lrs[s]`` and momentum
``moms[s]``; per step: gather, training forward (layers ``icfg[I_NFWD]``; the fused output activation
is skipped), loss (+ l1/l2 penalties), backward, regularisation gradients, gradient monitors on the
call's last step (``pmon`` (n_params, 4): grad sum of squares before clipping, size, update sum of
squares, weight sum of squares), clipping, optimiser update, max-norm, batch-norm moving statistics.
A non-finite loss, gradient or weight stops the call before that step's update is kept:
``res[R_STATUS] = 1``, ``res[R_LAYER]`` the layer, ``res[R_WHAT]`` what went non-finite.

Compiled code is specialised on the float dtype only (float32 default, float64 for gradient checks);
layer sizes and the layer sequence are data, so a new design never recompiles.
"""
from engine.program.infer import evaluate_program, monitor_program, predict_program
from engine.program.train import train_steps

__all__ = ["train_steps", "predict_program", "evaluate_program", "monitor_program"]
