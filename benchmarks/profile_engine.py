"""Where the engine's training step spends its time: ``python -m benchmarks.profile_engine [A D-adam ...]``.

numba code is opaque to cProfile, so this times the engine's own compiled pieces (the same kernels
``train_run`` calls) in small compiled drivers, over the session's real buffers, and compares them
with the whole ``session.run(n)``:

- ``full``: ``session.run(n)`` (the benchmark's engine row);
- ``fwd+bwd+update``: gather, forward + loss, backward and the optimiser update only (no finiteness
  checks, no weight backup, no penalty passes);
- ``optimizer update``: ``update_params`` alone (the optimiser over every parameter);
- ``checks``: the per-step finiteness scans over all gradients and all weights plus the weight backup
  (``wprev[:] = params``) that ``train_run`` does for divergence reporting;
- ``dense matmuls``: the three products per dense layer alone (``dense_forward``/``dense_backward``).

Figures are CPU microseconds per step (process time, all threads: run it with
``OPENBLAS_NUM_THREADS=1`` on a busy machine, where spinning BLAS threads would count as work).
It reads engine internals and is a diagnostic, not part of ``make bench``.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from numba import njit

from benchmarks.data import ensure_design_data
from benchmarks.workloads import Workload
from engine.kernels.cpu.layers_dense import dense_backward, dense_forward
from engine.program import plan as P
from engine.program.step import (all_finite, backward_all, forward_loss, gather_batch,
                                 update_params)


@njit(cache=True, nogil=True)
def core_steps(ip, fp, ptab, lay, params, grads, state, work, slots, x, y, sw, bidx, bstart, hp,
               ostate, icfg, lr, mom, n):
    """n steps of gather + forward/loss + backward + update (nothing else)."""
    total = 0.0
    nbatches = bstart.shape[0] - 1
    for s in range(n):
        b = s % nbatches
        nb = bstart[b + 1] - bstart[b]
        gather_batch(lay, work, x, y, sw, bidx, bstart[b], nb)
        loss, acc = forward_loss(ip, fp, lay, params, state, work, nb, icfg, s)
        backward_all(ip, fp, lay, params, grads, state, work, nb, icfg[P.I_NFWD])
        update_params(ptab, ip, fp, params, grads, slots, hp, ostate, icfg[P.I_OPT], s + 1, lr, mom)
        total += loss
    return total


@njit(cache=True, nogil=True)
def update_steps(ptab, ip, fp, params, grads, slots, hp, ostate, opt, lr, mom, n):
    """n optimiser updates of every parameter (the engine's ``update_params``)."""
    for s in range(n):
        update_params(ptab, ip, fp, params, grads, slots, hp, ostate, opt, s + 1, lr, mom)


@njit(cache=True, nogil=True)
def check_steps(params, grads, wprev, n):
    """n times the per-step divergence bookkeeping: two finiteness scans and the weight backup."""
    ok = 0
    for _ in range(n):
        ok += all_finite(grads)
        wprev[:] = params
        ok += all_finite(params)
    return ok


@njit(cache=True, nogil=True)
def matmul_steps(ip, params, grads, work, scratch, nb, n):
    """n times the dense layers' forward and backward products (outputs into ``scratch``)."""
    for _ in range(n):
        for i in range(ip.shape[0]):
            if ip[i, P.C_CODE] != P.DENSE:
                continue
            din, dout = ip[i, P.C_IN], ip[i, P.C_OUT]
            x = work[ip[i, P.C_IN_OFF]:ip[i, P.C_IN_OFF] + nb * din]
            y = scratch[:nb * dout]
            dx = scratch[nb * dout:nb * (dout + din)]
            w = params[ip[i, P.C_P0]:ip[i, P.C_P0] + din * dout]
            b = params[ip[i, P.C_P1]:ip[i, P.C_P1] + dout]
            dense_forward(x, w, b, True, y, nb, din, dout)
            y[:] *= 1e-3
            dense_backward(x, w, y, dx, grads[ip[i, P.C_P0]:ip[i, P.C_P0] + din * dout],
                           grads[ip[i, P.C_P1]:ip[i, P.C_P1] + dout], True, i > 0, nb, din, dout)


def _cpu_us(fn, n: int, repeats: int = 5) -> float:
    fn(1)
    best = []
    for _ in range(repeats):
        c0 = time.process_time()
        fn(n)
        best.append((time.process_time() - c0) / n * 1e6)
    return float(np.median(best))


def profile(w: Workload, n: int) -> dict[str, float]:
    """CPU microseconds per step of each part for workload ``w``."""
    from engine.build import build_session
    from engine.design import Design

    design = w.design_dict()
    ensure_design_data(design, w.path.parent)
    s = build_session(Design.from_dict(design), base_dir=w.path.parent)
    s.set_monitor_every(0)
    s.step()
    m, opt = s.model, s.optimizer
    bidx, bstart = s._batches(s._segments(min(s.steps_per_epoch, 64)))
    icfg = np.zeros(P.ICFG_LEN, np.int64)
    icfg[[P.I_LOSS, P.I_FUSED, P.I_OPT, P.I_NFWD]] = [s.loss.code, s.fused, opt.code, s.n_fwd]
    hp, lr, mom = opt.hparams(), float(opt.learning_rate), float(opt.momentum_value())
    nb = int(bstart[1] - bstart[0])
    wprev = m.params.copy()
    scratch = np.zeros(nb * 2 * int(m.ip[:, P.C_IN].max() + m.ip[:, P.C_OUT].max()), m.params.dtype)
    return {
        "full": _cpu_us(lambda k: s.run(k), n),
        "fwd+bwd+update": _cpu_us(lambda k: core_steps(m.ip, m.fp, m.ptab, m.lay, m.params, m.grads,
                                                       m.state, m.work, s.slots, s.x, s.y, s.sw, bidx,
                                                       bstart, hp, s.ostate, icfg, lr, mom, k), n),
        "optimizer update": _cpu_us(lambda k: update_steps(m.ptab, m.ip, m.fp, m.params.copy(),
                                                           m.grads * 1e-3, s.slots.copy(), hp,
                                                           s.ostate.copy(), opt.code, lr, mom, k), n),
        "checks": _cpu_us(lambda k: check_steps(m.params, m.grads, wprev, k), n),
        "dense matmuls": _cpu_us(lambda k: matmul_steps(m.ip, m.params, m.grads.copy(), m.work, scratch,
                                                        nb, k), n),
    }


def main(argv: list[str]) -> None:
    names = argv or ["A", "B", "C", "D", "D-adam", "E", "E-adam"]
    steps = {"A": 20000, "B": 20000, "C": 2000, "D": 200, "E": 200}
    header = False
    for name in names:
        w = Workload(name[0], "adam" if name.endswith("adam") else "sgd")
        parts = profile(w, steps.get(name[0], 1000))
        if not header:
            print("CPU us/step   " + "  ".join(f"{k:>16}" for k in parts))
            header = True
        print(f"{name:<12}  " + "  ".join(f"{v:>16.1f}" for v in parts.values()), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
