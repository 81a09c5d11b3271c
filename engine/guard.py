"""The one guard every model, data or loss change passes (building from a file included).

``check_fit`` says whether a model, a loss and data arrays can train together: input width vs the
data's features, output width vs the targets, class indices vs the output layer, target range vs
the loss, and the activation memory of the batch. It raises ``BadInput`` naming the layer and both
sizes, and changes nothing: callers validate first, then change (every refusal is transactional).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.limits import MAX_STEP_FLOPS, quote

SPARSE = "sparse_categorical_crossentropy"
CROSS_ENTROPIES = ("binary_crossentropy", "categorical_crossentropy")


def output_layer(model: Any) -> str:
    """Where the output width comes from: ``model.layers[i] ('id', dense)`` of the last layer
    that sets a width, or ``model.input_dim`` when none does."""
    for i in range(len(model.layers) - 1, -1, -1):
        layer = model.layers[i]
        if model.dims[i + 1] != model.dims[i] or hasattr(layer, "units"):
            return f"model.layers[{i}] ({layer.type_name} {layer.id!r})"
    return "model.input_dim"


def _targets(y: Any, part: str) -> np.ndarray:
    y = np.asarray(y)
    if y.dtype.kind not in "biuf":
        raise BadInput(f"the {part} targets must be numbers, got dtype {y.dtype}", "data")
    return y.reshape(len(y), -1) if y.ndim != 2 else y


def check_targets(loss: Any, y: Any, n_outputs: int, where: str, part: str = "training") -> None:
    """BadInput unless targets ``y`` (n, T) fit ``loss`` and a network of ``n_outputs`` outputs
    (``where``: the output layer, for the message)."""
    y = _targets(y, part)
    t = y.shape[1]
    name = loss.type_name
    if y.shape[0] and not np.all(np.isfinite(y)):
        raise BadInput(f"the {part} targets hold NaN or infinite values", "data")
    if name == SPARSE:
        if t != 1:
            raise BadInput(f"{name} needs one column of class indices, the {part} targets have "
                           f"{t} columns (use categorical_crossentropy for one-hot rows)", "loss.type")
        if y.shape[0] == 0:
            return
        lo, hi = float(y.min()), float(y.max())
        if lo < 0 or not np.all(np.rint(y) == y):
            bad = int(np.flatnonzero((y[:, 0] < 0) | (np.rint(y[:, 0]) != y[:, 0]))[0])
            raise BadInput(f"{part} target {y[bad, 0]!r} in row {bad} is not a class index "
                           f"(0, 1, 2, ...)", "data")
        if hi >= n_outputs:
            raise BadInput(f"{where} has {n_outputs} output{'s' * (n_outputs != 1)} but the "
                           f"{part} targets have class index {int(hi)} ({int(hi) + 1} classes): "
                           f"give it {int(hi) + 1} units or change the data", where)
        return
    if t != n_outputs:
        raise BadInput(f"{where} has {n_outputs} output{'s' * (n_outputs != 1)} but the {part} "
                       f"targets have {t} column{'s' * (t != 1)} ({name} compares them one to "
                       f"one)", where)
    if name in CROSS_ENTROPIES and y.shape[0] and (float(y.min()) < 0 or float(y.max()) > 1):
        raise BadInput(f"{name} needs targets in [0, 1], the {part} targets range over "
                       f"[{float(y.min()):g}, {float(y.max()):g}]", "loss.type")


def check_fit(model: Any, loss: Any, x_train: Any, y_train: Any, x_val: Any = None,
              y_val: Any = None, batch_rows: int | None = None) -> None:
    """BadInput unless ``model`` can train on these arrays with ``loss`` (nothing changes).

    Parameters
    ----------
    model : an engine Model (its layers, ``input_dim``, ``dims``, ``output_dim``).
    loss : an engine Loss.
    x_train (n, F), y_train (n, T), x_val (m, F), y_val (m, T) : the data as the session holds them.
    batch_rows : rows of the largest batch; the work buffer for it must fit MAX_WORK_BYTES.
    """
    x_train = np.asarray(x_train)
    if x_train.ndim != 2 or x_train.shape[0] < 1:
        raise BadInput(f"the training inputs must be a table with at least one row, got shape "
                       f"{x_train.shape}", "data")
    if x_train.shape[1] != model.input_dim:
        raise BadInput(f"is {model.input_dim} but the data give {x_train.shape[1]} features",
                       "model.input_dim")
    if np.asarray(y_train).shape[0] != x_train.shape[0]:
        raise BadInput(f"{x_train.shape[0]} training inputs but {np.asarray(y_train).shape[0]} "
                       f"targets", "data")
    where = output_layer(model)
    check_targets(loss, y_train, model.output_dim, where)
    if x_val is not None and np.asarray(x_val).shape[0]:
        xv, yv = np.asarray(x_val), _targets(y_val, "validation")
        if xv.ndim != 2 or xv.shape[1] != model.input_dim or yv.shape[0] != xv.shape[0]:
            raise BadInput(f"validation inputs {xv.shape} and targets {yv.shape} do not fit "
                           f"{model.input_dim} features", "data")
        check_targets(loss, yv, model.output_dim, where, "validation")
    if batch_rows is not None:
        check_batch(model, int(batch_rows), _targets(y_train, "training").shape[1])


def check_batch(model: Any, rows: int, targets: int = 1) -> None:
    """BadInput (path ``training.batch_size``) when a batch of ``rows`` needs more activation
    memory than MAX_WORK_BYTES or more work per step than MAX_STEP_FLOPS (about 6 multiply-adds
    per parameter and row: forward, backward and the update); nothing is allocated."""
    from engine.model import check_work_bytes
    flops = 6 * int(model.n_params) * int(rows)
    if flops > MAX_STEP_FLOPS:
        raise BadInput(f"a batch of {rows:,} rows through {model.n_params:,} parameters is "
                       f"{flops / 1e9:,.0f} GFLOP a step (limit {MAX_STEP_FLOPS / 1e9:,.0f}): use "
                       f"a smaller batch size or fewer units", "training.batch_size")
    check_work_bytes(model.work_bytes(max(rows, 256), targets), rows)


def check_dataset(data: Any) -> None:
    """BadInput unless ``data`` has the DataSet arrays the session reads."""
    for key in ("x_train", "y_train", "x_val", "y_val"):
        if not hasattr(data, key):
            raise BadInput(f"must be a DataSet (x_train, y_train, x_val, y_val), got "
                           f"{quote(data)}", "data")
