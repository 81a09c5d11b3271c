"""The GPU program's inference passes: engine/program/infer.py with the same-named CUDA kernels on
the device buffers (engine/backends/cuda_buffers.py), in chunks of the work buffer's capacity.
``CudaProgram`` (engine/backends/cuda.py) binds the host arrays and calls these."""
from __future__ import annotations

import math

import numpy as np
from numba import cuda

from engine.backends.cuda_layers import layer_forward
from engine.kernels.cuda.layers_noise import fill_flat
from engine.kernels.cuda.losses import loss_correct, loss_forward_backward
from engine.kernels.cuda.monitors import activation_figures, histogram_fixed, output_summary
from engine.program.plan import (ACTIVATION, C_ACT, C_CODE, C_IN, C_IN_OFF, C_OUT, C_OUT_OFF,
                                 L_CAP, L_GA, L_IN, L_SW, L_T, L_X, L_Y)


def forward_rows(buf, ip, fp, lay, x, start, nb, n_layers, mc, seed, step) -> None:
    """Inference forward of rows start..start+nb of x (host) through the first ``n_layers``
    layers. ``mc``: dropout / noise layers active (Monte-Carlo dropout)."""
    xb = buf.mview(buf.work, lay[L_X], nb, x.shape[1])
    xb.copy_to_device(np.ascontiguousarray(x[start:start + nb], dtype=buf.work.dtype))
    for i in range(n_layers):
        layer_forward(buf, ip, fp, i, nb, False, mc, seed, step)


def output_view(buf, ip, lay, nb, n_layers):
    """(nb, K) device view of the output of layer n_layers-1 (the input when n_layers == 0)."""
    if n_layers == 0:
        return buf.mview(buf.work, lay[L_X], nb, lay[L_IN])
    return buf.mview(buf.work, ip[n_layers - 1, C_OUT_OFF], nb, ip[n_layers - 1, C_OUT])


def loss_and_accuracy(buf, ip, lay, loss_code, fused, nb, n_fwd, want_grad) -> tuple[float, float]:
    """The (fused) loss of the batch in the work buffer after ``n_fwd`` layers, its gradient into
    the GA buffer when ``want_grad``, and the accuracy (NaN for regression)."""
    out = output_view(buf, ip, lay, nb, n_fwd)
    yb = buf.mview(buf.work, lay[L_Y], nb, lay[L_T])
    swb = buf.pview(buf.work, lay[L_SW], nb)
    gout = buf.mview(buf.work, lay[L_GA], nb, out.shape[1])
    loss = loss_forward_backward(loss_code, fused, out, yb, swb, gout, want_grad)
    return loss, loss_correct(loss_code, fused, out, yb)


def predict(buf, ip, fp, lay, x, out, mc, seed, step) -> None:
    """out (n, K) = the network's output for x (n, F), as engine.program.predict_program."""
    cap = int(lay[L_CAP])
    for start in range(0, x.shape[0], cap):
        nb = min(cap, x.shape[0] - start)
        forward_rows(buf, ip, fp, lay, x, start, nb, ip.shape[0], bool(mc), int(seed), int(step))
        out[start:start + nb] = output_view(buf, ip, lay, nb, ip.shape[0]).copy_to_host()


def evaluate(buf, ip, fp, lay, x, y, loss_code, fused, n_fwd, result) -> None:
    """result[0] mean loss (sample weights 1), result[1] accuracy (NaN for regression) over x, y."""
    cap = int(lay[L_CAP])
    n = x.shape[0]
    tot_loss = tot_acc = 0.0
    for start in range(0, n, cap):
        nb = min(cap, n - start)
        forward_rows(buf, ip, fp, lay, x, start, nb, int(n_fwd), False, 0, 0)
        buf.mview(buf.work, lay[L_Y], nb, y.shape[1]).copy_to_device(
            np.ascontiguousarray(y[start:start + nb], dtype=buf.work.dtype))
        fill_flat(buf.pview(buf.work, lay[L_SW], nb), 1.0, nb)
        loss, acc = loss_and_accuracy(buf, ip, lay, int(loss_code), int(fused), nb, int(n_fwd),
                                      False)
        tot_loss += loss * nb
        tot_acc += acc * nb
    result[0] = tot_loss / max(n, 1)
    result[1] = tot_acc / max(n, 1)


def monitor(buf, ip, fp, lay, xm, edges, hist, amon) -> None:
    """Monitor pass over xm (m, F): per layer a histogram of the output with fixed edges (L, 2)
    into hist (L, n_bins), figures into amon (L, AMON_COLS), as engine.program.monitor_program."""
    nb = xm.shape[0]
    n_layers = ip.shape[0]
    hist_d = cuda.device_array(hist.shape, np.int64)
    amon_d = cuda.to_device(np.ascontiguousarray(amon, np.float64))
    forward_rows(buf, ip, fp, lay, xm, 0, nb, n_layers, False, 0, 0)
    for i in range(n_layers):
        y = buf.mview(buf.work, ip[i, C_OUT_OFF], nb, ip[i, C_OUT])
        x = buf.mview(buf.work, ip[i, C_IN_OFF], nb, ip[i, C_IN])
        histogram_fixed(y, float(edges[i, 0]), float(edges[i, 1]), hist_d[i])
        output_summary(y, amon_d[i])
        if ip[i, C_CODE] == ACTIVATION:
            activation_figures(int(ip[i, C_ACT]), x, y, amon_d[i])
        else:
            fill_flat(amon_d[i, 2:4], math.nan, 2)
    hist[...] = hist_d.copy_to_host()
    amon[...] = amon_d.copy_to_host()
