"""Every dense unit's output, in inference mode, through the compiled program (the network graph's
per-unit maps), and per-unit dead / saturated figures on the monitor batch.

A dense layer's *units* are its output columns; a unit's *output* is the value the next dense
layer reads from it: the output of the last layer of its block (the dense layer and the batch
norm, activation, dropout and noise layers after it, up to the next dense layer). The output
block's value is the network's output (after its sigmoid/softmax).

The program runs the first k layers when handed the first k rows of its plan tables, so each
block's output is one ``predict_program`` call on the host arrays (no new compiled code).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.layers import Activation, Dense
from engine.limits import MAX_PREDICT_ROWS
from engine.program.parallel import predict_rows

SATURATING = {"sigmoid": (0.05, 0.95), "tanh": (-0.95, 0.95)}


@dataclass(frozen=True)
class UnitBlock:
    """One dense layer's units: ``dense`` its index in the model's layers, ``tap`` the index of
    the layer whose output is the units' output, ``units`` how many, ``between`` the indices of
    the layers after the dense one inside the block."""

    dense: int
    layer_id: str
    tap: int
    units: int
    between: tuple[int, ...]


def unit_blocks(model: Any) -> list[UnitBlock]:
    """The dense blocks of ``model`` in order (layers before the first dense one belong to
    none)."""
    layers = model.layers
    starts = [i for i, layer in enumerate(layers) if isinstance(layer, Dense)]
    out = []
    for k, i in enumerate(starts):
        end = starts[k + 1] - 1 if k + 1 < len(starts) else len(layers) - 1
        out.append(UnitBlock(dense=i, layer_id=layers[i].id, tap=end, units=int(model.dims[i + 1]),
                             between=tuple(range(i + 1, end + 1))))
    return out


def _rows(model: Any, x: Any, where: str) -> np.ndarray:
    """``x`` as C-contiguous (n, input_dim) finite rows of the model's dtype (BadInput naming
    ``where`` and both shapes otherwise)."""
    a = np.asarray(x)
    if a.dtype.kind not in "biuf":
        raise BadInput(f"must be an array of numbers, got dtype {a.dtype}", where)
    if a.ndim != 2 or a.shape[1] != model.input_dim:
        raise BadInput(f"must have shape (n, {model.input_dim}), got {a.shape}", where)
    if a.shape[0] > MAX_PREDICT_ROWS:
        raise BadInput(f"{a.shape[0]:,} rows exceed the limit of {MAX_PREDICT_ROWS:,}", where)
    if not np.all(np.isfinite(a)):
        raise BadInput("must be finite", where)
    return np.ascontiguousarray(a, model.dtype)


def layer_output(session: Any, x: np.ndarray, index: int) -> np.ndarray:
    """(n, width) float64 output of layer ``index`` for the checked rows ``x`` in inference mode
    (the first ``index + 1`` layers of the compiled program on the host arrays; in parallel over
    row chunks when the rows are many, engine.program.parallel)."""
    m = session.model
    k = int(index) + 1
    if not 1 <= k <= len(m.layers):
        raise BadInput(f"no layer {index} (the model has {len(m.layers)})", "index")
    out = np.zeros((x.shape[0], int(m.dims[k])), m.dtype)
    predict_rows(np.ascontiguousarray(m.ip[:k]), np.ascontiguousarray(m.fp[:k]), m.lay, m.params,
                 m.state, m.work, x, out, False, 0, 0)
    return out.astype(np.float64)


def unit_outputs(session: Any, x: Any) -> list[np.ndarray]:
    """Every dense unit's output for the inputs ``x`` (n, input_dim) in inference mode: one
    (n, units) float64 array per dense block (:func:`unit_blocks`), the last one the network's
    output. BadInput when ``x`` does not fit the model."""
    session.sync_to_host()
    m = session.model
    rows = _rows(m, x, "x")
    return [layer_output(session, rows, b.tap) for b in unit_blocks(m)]


def _function(layer: Any) -> str | None:
    return layer.function if isinstance(layer, Activation) else None


def unit_figures(session: Any) -> list[dict[str, np.ndarray]]:
    """Per dense block, figures of each unit on the monitor batch (inference mode): ``mean`` and
    ``std`` of its output, ``dead`` (bool: a ReLU in the block whose input is <= 0 for every
    sample, as the dead-units monitor counts them; leaky kinds still learn: never dead here) and
    ``saturated`` (fraction of samples where a tanh/sigmoid in the block is saturated; NaN
    without one)."""
    session.sync_to_host()
    m = session.model
    xm = session.monitors.xm
    out = []
    for b in unit_blocks(m):
        y = layer_output(session, xm, b.tap) if len(xm) else np.zeros((0, b.units))
        fig = {"mean": y.mean(axis=0) if len(y) else np.zeros(b.units),
               "std": y.std(axis=0) if len(y) else np.zeros(b.units),
               "dead": np.zeros(b.units, bool), "saturated": np.full(b.units, np.nan)}
        for i in b.between:
            fn = _function(m.layers[i])
            if fn is None or not len(xm):
                continue
            if fn == "relu":
                pre = layer_output(session, xm, i - 1)
                fig["dead"] |= np.all(pre <= 0.0, axis=0)
            elif fn in SATURATING:
                lo, hi = SATURATING[fn]
                post = layer_output(session, xm, i)
                fig["saturated"] = np.mean((post < lo) | (post > hi), axis=0)
        out.append(fig)
    return out
