"""Compiled inference: predictions, evaluation (loss/accuracy) and the monitor pass, in chunks of
the work buffer's capacity."""
from __future__ import annotations

# numba's on-disk cache keys a function on the text of its own file only, and a cached caller
# holds its callees' code: after changing a kernel in engine/kernels/cpu, bump this revision in
# every engine/program module, or callers keep running the old kernel (docs/PERF_NOTES.md).
KERNELS_REVISION = 14

import math

import numpy as np
from numba import njit

from engine.kernels.cpu.monitors import (NOT_ACTIVATION, activation_figures, fixed_edges,
                                         histogram_fixed, output_summary)
from engine.kernels.cpu.losses import loss_correct, loss_forward_backward
from engine.program.guard import check_evaluate_call, check_monitor_call, check_rows_call
from engine.program.layer_ops import layer_forward, pview
from engine.program.plan import (ACTIVATION, C_ACT, C_CODE, C_IN, C_IN_OFF, C_OUT, C_OUT_OFF,
                                 L_CAP, L_GA, L_IN, L_SW, L_X, L_Y)

# Constant arguments of compiled callees are typed as literals, and numba compiles a callee once
# per literal value it meets (layer_forward once with training=True, again with False ...): the
# program passes such flags as run-time values (np.bool_(...), np.int64(...)) so that every callee
# has one signature per dtype (docs/PERF_NOTES.md, "Compile time").


@njit(cache=True, nogil=True)
def mview(buf, off, rows, cols):
    """2-D (rows, cols) view of buf from ``off`` (outside the per-step hot path)."""
    return buf[off:off + rows * cols].reshape((rows, cols))


@njit(cache=True, nogil=True)
def forward_rows(ip, fp, lay, params, state, work, x, start, nb, n_layers, mc, seed, step):
    """Inference forward of rows start..start+nb of x through the first ``n_layers`` layers.
    ``mc``: dropout / noise layers active (Monte-Carlo dropout)."""
    nin = x.shape[1]
    xb = mview(work, lay[L_X], nb, nin)
    for r in range(nb):
        for c in range(nin):
            xb[r, c] = x[start + r, c]
    for i in range(n_layers):
        layer_forward(ip, fp, i, params, state, work, nb, np.bool_(False), mc, seed, step)


@njit(cache=True, nogil=True)
def output_view(ip, lay, work, nb, n_layers):
    """(nb, K) view of the output of layer n_layers-1 (the input when n_layers == 0)."""
    if n_layers == 0:
        return mview(work, lay[L_X], nb, lay[L_IN])
    return mview(work, ip[n_layers - 1, C_OUT_OFF], nb, ip[n_layers - 1, C_OUT])


@njit(cache=True, nogil=True)
def predict_program(ip, fp, lay, params, state, work, x, out, mc, seed, step):
    """out (n, K) = the network's output (probabilities after sigmoid/softmax) for x (n, F)."""
    n = x.shape[0]
    cap = lay[L_CAP]
    n_layers = ip.shape[0]
    check_rows_call(ip, lay, params, state, work, x, n_layers, out)
    for start in range(0, n, cap):
        nb = min(cap, n - start)
        forward_rows(ip, fp, lay, params, state, work, x, start, nb, n_layers, mc, seed, step)
        o = output_view(ip, lay, work, nb, n_layers)
        for r in range(nb):
            for c in range(o.shape[1]):
                out[start + r, c] = o[r, c]


@njit(cache=True, nogil=True)
def evaluate_program(ip, fp, lay, params, state, work, x, y, loss_code, fused, n_fwd, result):
    """result[0] = mean loss (sample weights 1), result[1] = accuracy (NaN for regression) over
    x (n, F), y (n, T); the loss reads logits when ``fused`` (first n_fwd layers run)."""
    n = x.shape[0]
    cap = lay[L_CAP]
    check_evaluate_call(ip, lay, params, state, work, x, y, n_fwd, loss_code)
    tot_loss = 0.0
    tot_acc = 0.0
    nt = y.shape[1]
    for start in range(0, n, cap):
        nb = min(cap, n - start)
        forward_rows(ip, fp, lay, params, state, work, x, start, nb, n_fwd, np.bool_(False),
                     np.int64(0), np.int64(0))
        yb = mview(work, lay[L_Y], nb, nt)
        swb = pview(work, lay[L_SW], nb)
        for r in range(nb):
            swb[r] = 1.0
            for c in range(nt):
                yb[r, c] = y[start + r, c]
        o = output_view(ip, lay, work, nb, n_fwd)
        g = mview(work, lay[L_GA], nb, o.shape[1])
        tot_loss += loss_forward_backward(loss_code, fused, o, yb, swb, g, False) * nb
        tot_acc += loss_correct(loss_code, fused, o, yb) * nb
    result[0] = tot_loss / max(n, 1)
    result[1] = tot_acc / max(n, 1)


@njit(cache=True, nogil=True, inline="always")
def monitor_pass(ip, fp, lay, params, state, work, xm, edges, hist, amon):
    """Inference pass over the monitor batch xm (m, F); per layer: the output's figures into amon
    (L, AMON_COLS), its edges fixed where edges (L, 2) is NaN (the first pass of a model), the
    histogram of the output over the edges into hist (L, n_bins)."""
    nb = xm.shape[0]
    n_layers = ip.shape[0]
    forward_rows(ip, fp, lay, params, state, work, xm, 0, nb, n_layers, np.bool_(False),
                 np.int64(0), np.int64(0))
    for i in range(n_layers):
        y = mview(work, ip[i, C_OUT_OFF], nb, ip[i, C_OUT])
        x = mview(work, ip[i, C_IN_OFF], nb, ip[i, C_IN])
        output_summary(y, amon[i])
        if math.isnan(edges[i, 0]) or math.isnan(edges[i, 1]):
            fixed_edges(ip[i, C_ACT] if ip[i, C_CODE] == ACTIVATION else NOT_ACTIVATION,
                        amon[i, 0], amon[i, 1], edges[i])
        histogram_fixed(y, edges[i, 0], edges[i, 1], hist[i])
        if ip[i, C_CODE] == ACTIVATION:
            activation_figures(ip[i, C_ACT], x, y, amon[i])
        else:
            amon[i, 2] = math.nan
            amon[i, 3] = math.nan


@njit(cache=True, nogil=True)
def monitor_program(ip, fp, lay, params, state, work, xm, edges, hist, amon):
    """Inference pass over the monitor batch xm (m, F), m <= capacity; per layer: histogram of the
    output with fixed edges (L, 2) into hist (L, n_bins), figures into amon (L, AMON_COLS). Edges
    that are NaN are fixed from this pass's outputs first (engine.snapshot.edges_for)."""
    check_monitor_call(ip, lay, params, state, work, xm, edges, hist, amon)
    monitor_pass(ip, fp, lay, params, state, work, xm, edges, hist, amon)
