"""Inference over many rows in parallel: ``prange`` over the work buffer's row chunks, and over
the passes of Monte-Carlo dropout.

``predict_program`` walks x in chunks of the work buffer's capacity, one after another, through
one work buffer. ``predict_chunks`` runs the same chunks (same boundaries, same kernels, same
dropout masks: a chunk's numbers do not depend on who computes it) on numba's threads, each
thread with its own copy of the work buffer, so its output equals the serial one bit for bit.
``predict_passes`` does the same for MC dropout, one pass per task (a 96-point grid is one chunk,
its 30 passes are the parallel work).

:func:`predict_rows` / :func:`mc_passes` decide per call: parallel only when the call is large
enough to pay
(``PARALLEL_MIN_WORK`` multiply-adds, measured by ``benchmarks/parallel_threshold.py``,
docs/PERF_NOTES.md "Parallel"), when it has at least two chunks, and when no product of a chunk
would use OpenBLAS's own threads (``BLAS_THREADS_MIN_WORK``): prange is never nested with
multi-threaded BLAS. Launches are serialised by a lock (numba's ``workqueue`` threading layer,
the fallback without TBB/OpenMP, must not be entered from two threads at once). The parallel
functions are not part of the start-up warm-up: the first call that would pay compiles (or loads
from numba's cache) them on a background thread and runs serially until they are ready, so a
worker never stalls on a compile.
"""
from __future__ import annotations

# numba keys a cached function on its own file's text: bump after changing a kernel or
# engine/program code that predict_chunks calls (docs/PERF_NOTES.md).
KERNELS_REVISION = 14

import os
import threading

import numba
import numpy as np
from numba import njit, prange

from engine.kernels.cpu.layers_dense import BLAS_THREADS_MIN_WORK
from engine.program.guard import check_rows_call
from engine.program.infer import forward_rows, output_view, predict_program
from engine.program.plan import C_CODE, C_IN, C_OUT, DENSE, L_CAP

#: Multiply-adds (rows x sum of the dense layers' in*out, x passes) from which a prediction runs
#: in parallel: benchmarks/parallel_threshold.py on the 2-core development machine found every
#: measured call from 11.3M on >= 1.2x faster on two threads, and one at 8.7M not (C, 512 rows:
#: x1.02); below, the launch (~50 us) eats the gain (docs/PERF_NOTES.md "Parallel").
PARALLEL_MIN_WORK = 10_000_000
#: ``NETWORK_PLAYGROUND_PARALLEL_ROWS=0`` turns the parallel path off (1: always when possible).
ENV_SWITCH = "NETWORK_PLAYGROUND_PARALLEL_ROWS"

_LAUNCH = threading.Lock()
_COMPILING: set = set()


@njit(cache=True, nogil=True)
def copy_out(ip, lay, work, nb, n_layers, out, start):
    """out[start:start + nb] = the chunk's output in ``work``."""
    o = output_view(ip, lay, work, nb, n_layers)
    for r in range(nb):
        for k in range(o.shape[1]):
            out[start + r, k] = o[r, k]


@njit(cache=True, nogil=True, parallel=True)
def predict_chunks(ip, fp, lay, params, state, works, x, out, mc, seed, step):
    """out (n, K) = predict_program's output for x (n, F), the capacity-sized chunks spread over
    ``works.shape[0]`` threads (thread t: chunks t, t + T, ...; its own work buffer works[t])."""
    n = x.shape[0]
    cap = lay[L_CAP]
    n_layers = ip.shape[0]
    check_rows_call(ip, lay, params, state, works[0], x, n_layers, out)
    n_chunks = (n + cap - 1) // cap
    n_threads = works.shape[0]
    for t in prange(n_threads):
        work = works[t]
        for c in range(t, n_chunks, n_threads):
            start = c * cap
            nb = min(cap, n - start)
            forward_rows(ip, fp, lay, params, state, work, x, start, nb, n_layers, mc, seed, step)
            copy_out(ip, lay, work, nb, n_layers, out, start)


@njit(cache=True, nogil=True, parallel=True)
def predict_passes(ip, fp, lay, params, state, works, x, outs, seed, step0):
    """outs[p] (n, K) = predict_program's MC-dropout output for x with step ``step0 - p`` (the
    serial loop's pass -step0 + p), the passes spread over ``works.shape[0]`` threads."""
    n = x.shape[0]
    cap = lay[L_CAP]
    n_layers = ip.shape[0]
    check_rows_call(ip, lay, params, state, works[0], x, n_layers, outs[0])
    n_passes = outs.shape[0]
    n_threads = works.shape[0]
    for t in prange(n_threads):
        work = works[t]
        for p in range(t, n_passes, n_threads):
            out = outs[p]
            for start in range(0, n, cap):
                nb = min(cap, n - start)
                forward_rows(ip, fp, lay, params, state, work, x, start, nb, n_layers,
                             np.bool_(True), seed, step0 - p)
                copy_out(ip, lay, work, nb, n_layers, out, start)


def row_work(ip: np.ndarray) -> tuple[int, int]:
    """(multiply-adds per row, largest in*out of a dense layer) of the plan rows ``ip``."""
    per_row, largest = 0, 0
    for i in range(ip.shape[0]):
        if ip[i, C_CODE] == DENSE:
            size = int(ip[i, C_IN]) * int(ip[i, C_OUT])
            per_row += size
            largest = max(largest, size)
    return per_row, largest


def parallel_threads(ip: np.ndarray, lay: np.ndarray, n_rows: int, passes: int = 0,
                     min_work: int | None = None) -> int:
    """Threads for ``n_rows`` rows through the plan rows ``ip`` (times ``passes`` MC passes, whose
    passes are the tasks; else the row chunks are): 1 (serial) below ``min_work`` (default
    PARALLEL_MIN_WORK) multiply-adds, with fewer than two tasks, when a chunk's product would use
    BLAS threads, or when switched off; else up to numba's threads, at most one per task."""
    switch = os.environ.get(ENV_SWITCH, "").strip()
    if switch == "0":
        return 1
    cap = int(lay[L_CAP])
    tasks = passes if passes else -(-int(n_rows) // max(cap, 1))
    per_row, largest = row_work(ip)
    if min(cap, max(n_rows, 1)) * largest >= BLAS_THREADS_MIN_WORK:
        return 1  # BLAS threads its products itself: never prange around them
    limit = 0 if switch == "1" else (PARALLEL_MIN_WORK if min_work is None else min_work)
    if tasks < 2 or n_rows * per_row * max(passes, 1) < limit:
        return 1
    return max(1, min(numba.get_num_threads(), tasks))


def ready(fn, args: tuple) -> bool:
    """Whether ``fn`` is compiled for ``args``' types; if not, start compiling it (or loading it
    from the cache) on a background thread, once, and answer False."""
    if os.environ.get(ENV_SWITCH, "").strip() == "1":
        return True  # forced: compile on the caller's thread
    sig = tuple(numba.typeof(a) for a in args)
    if sig in fn.overloads:
        return True
    with _LAUNCH:
        if (fn, sig) not in _COMPILING:
            _COMPILING.add((fn, sig))
            threading.Thread(target=fn.compile, args=(sig,), name="parallel-compile",
                             daemon=True).start()
    return False


def _launch(fn, t: int, *args) -> None:
    """``fn(*args)`` on ``t`` of numba's threads, one launch at a time."""
    with _LAUNCH:
        before = numba.get_num_threads()
        numba.set_num_threads(min(t, numba.config.NUMBA_NUM_THREADS))
        try:
            fn(*args)
        finally:
            numba.set_num_threads(before)


def _works(work: np.ndarray, t: int) -> np.ndarray:
    works = np.empty((t, work.shape[0]), work.dtype)
    works[:] = work
    return works


def predict_rows(ip, fp, lay, params, state, work, x, out, mc, seed, step,
                 threads: int | None = None) -> None:
    """``predict_program(...)`` with the same arguments and output, in parallel over row chunks
    when :func:`parallel_threads` says it pays (``threads`` forces a count; 1: serial). The serial
    path writes the work buffer as predict_program does; the parallel one leaves it untouched."""
    t = parallel_threads(ip, lay, x.shape[0]) if threads is None else int(threads)
    if t > 1:
        args = (ip, fp, lay, params, state, _works(work, t), x, out, mc, seed, step)
        if threads is not None or ready(predict_chunks, args):
            _launch(predict_chunks, t, *args)
            return
    predict_program(ip, fp, lay, params, state, work, x, out, mc, seed, step)


def mc_passes(ip, fp, lay, params, state, work, x, out, passes: int, seed: int,
              threads: int | None = None):
    """Yield the ``passes`` MC-dropout outputs (n, K) for x in pass order (pass k: step -(k+1)),
    each equal to ``predict_program(..., mc=True, seed, -(k+1))``; groups of passes run in
    parallel when it pays. ``out`` (n, K) is the serial path's buffer (the yielded array)."""
    t = parallel_threads(ip, lay, x.shape[0], passes) if threads is None else int(threads)
    if t > 1:
        works = _works(work, t)
        group = np.empty((min(t, passes),) + out.shape, out.dtype)
        args = (ip, fp, lay, params, state, works, x, group, seed, -1)
        if threads is None and not ready(predict_passes, args):
            t = 1
    if t <= 1:
        for k in range(passes):
            predict_program(ip, fp, lay, params, state, work, x, out, True, seed, -(k + 1))
            yield out
        return
    for first in range(0, passes, t):
        outs = group[:min(t, passes - first)]
        _launch(predict_passes, t, ip, fp, lay, params, state, works, x, outs, seed, -(first + 1))
        yield from outs
