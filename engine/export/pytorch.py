"""Export a design to a standalone, readable PyTorch training script (``--export-pytorch OUT.py``).

``export_pytorch(design, "out.py")`` writes ``out.py`` and ``out_data.npz`` beside it (the design's
data, already split and standardised: ``x_train``, ``y_train``, ``x_val``, ``y_val``). The script
needs only numpy and torch; run it as ``python out.py [--steps N] [--weights W.npz]
[--print-losses]``. It mirrors docs/NUMERICS.md (Keras 3 where it is
silent): layers map onto ``torch.nn`` modules where PyTorch agrees and onto small classes of the
script's own where it does not (batch renorm, Gaussian noise, every optimiser, the losses with
per-sample class weights). Those classes are copied from ``engine/export/templates/pytorch_*.py``.
"""
from __future__ import annotations

import ast
import functools
import os
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from engine.atomic import atomic_open, atomic_write
from engine.errors import BadInput
from engine.export.pytorch_layers import LayerCode, fused_output, render_layers
from engine.export.pytorch_settings import (OPTIMIZER_CLASSES, SCHEDULE_CLASSES, class_weight_table,
                                            momentum_value, optimizer_call, schedule_call)

__all__ = ["export_pytorch", "render_pytorch_script", "runtime_source", "data_arrays"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE_FILES = ("pytorch_layers.py", "pytorch_optim.py", "pytorch_training.py")
# Names the templates only declare (the exporter writes them per design).
SCRIPT_NAMES = frozenset({"SEED", "DATA_FILE", "DEFAULT_WEIGHTS", "LOSS_TYPE", "FUSED_OUTPUT",
                          "CLASS_WEIGHTS", "PENALTIES", "MAX_NORMS", "BATCH_SIZE", "EPOCHS",
                          "SHUFFLE", "EARLY_STOPPING", "build_model", "make_optimizer",
                          "make_schedule", "per_sample_loss"})
LOSS_TYPES = ("mse", "mae", "binary_crossentropy", "categorical_crossentropy",
              "sparse_categorical_crossentropy")
TRAINING_BLOCKS = ("WEIGHT_NAMES", "sample_weights", "penalty", "apply_max_norm",
                   "epoch_order", "load_data", "load_weights", "forward", "training_loss", "accuracy", "evaluate",
                   "EarlyStopping", "train_epoch", "train", "main")


@functools.lru_cache(maxsize=None)
def _template_blocks() -> dict[str, str]:
    """Top-level classes, functions and constants of the template files, by name, as source."""
    blocks: dict[str, str] = {}
    for name in TEMPLATE_FILES:
        text = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
        lines = text.splitlines()
        for node in ast.parse(text).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                key = node.name
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                key = node.targets[0].id
            else:
                continue
            if key in SCRIPT_NAMES:
                continue
            start = min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno])
            blocks[key] = "\n".join(lines[start - 1:node.end_lineno])
    return blocks


def runtime_source(names: list[str] | tuple[str, ...]) -> str:
    """The source of the named template blocks, in the order given, without repeats."""
    blocks = _template_blocks()
    seen: list[str] = []
    for name in names:
        if name not in blocks:
            raise KeyError(f"no block {name!r} in the PyTorch templates")
        if name not in seen:
            seen.append(name)
    return "\n\n\n".join(blocks[name] for name in seen)


def _as_dict(design: Any, base_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The validated, normalised design dict (every key, the engine's defaults filled in).

    A ``Design`` gives its ``to_dict()``; a plain dict goes through ``Design.from_dict`` first, so
    a bad design is ``BadInput`` naming the field, as everywhere else.
    """
    if hasattr(design, "to_dict"):
        return design.to_dict()
    if isinstance(design, Mapping):
        from engine.design import Design
        return Design.from_dict(dict(design), base_dir).to_dict()
    raise BadInput(f"expected a design or a design dict, got {type(design).__name__}", "design")


def _docstring_safe(text: str) -> str:
    """``text`` fit to stand inside the script's triple-quoted docstring: printable characters
    only (no lone surrogates), no backslashes, no closing quotes."""
    text = "".join(c if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF else " "
                   for c in str(text))
    return text.replace("\\", "/").replace('"""', "'''")


def _header(d: dict[str, Any], script_name: str, data_file: str) -> str:
    name = _docstring_safe(d.get("name", "design"))
    script_name, data_file = _docstring_safe(script_name), _docstring_safe(data_file)
    return f'''#!/usr/bin/env python3
"""{name}: a Network Playground design exported to plain PyTorch.

Run:   python {script_name} [--steps N] [--epochs N] [--weights W.npz] [--print-losses] [--float64]
Data:  {data_file} beside this file (x_train, y_train, x_val, y_val; split and standardised).
Needs: numpy and torch (written for torch 2.13).

Conventions are the playground's (Keras 3 where it is silent): dense kernels are stored by PyTorch
as weight (out, in), the transpose of the playground's kernel (in, out); batch-norm momentum follows
Keras (moving = momentum * moving + (1 - momentum) * batch, torch's momentum is 1 - that); the
optimisers below are Keras's (torch.optim differs in epsilon placement and defaults); the loss is
the mean of per-sample losses times class weights, plus the L1/L2 penalties on the kernels.
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn'''


def _settings(d: dict[str, Any], codes: list[LayerCode], data_file: str, weights: str | None,
              loss_type: str, fused: bool, class_weights: list[float] | None) -> str:
    training = d.get("training") or {}
    batch = training.get("batch_size", 32)
    stopping = training.get("early_stopping")
    if stopping:
        stopping = {"monitor": stopping.get("monitor", "val_loss"),
                    "patience": int(stopping.get("patience", 0)),
                    "restore_best": bool(stopping.get("restore_best", False)),
                    "min_delta": float(stopping.get("min_delta", 0.0))}
    penalties = [(i, c.penalty[0], c.penalty[1]) for i, c in enumerate(codes) if c.penalty]
    max_norms = [(i, c.max_norm) for i, c in enumerate(codes) if c.max_norm is not None]
    return "\n".join([
        "# ---- Settings from the design " + "-" * 68,
        f"SEED = {int(d.get('seed', 0))}",
        f"DATA_FILE = {data_file!r}",
        f"DEFAULT_WEIGHTS = {weights!r}  # initial weights used when --weights is not given",
        f"LOSS_TYPE = {loss_type!r}",
        f"FUSED_OUTPUT = {fused}  # True: the loss takes the logits (the last layer is skipped)",
        f"CLASS_WEIGHTS = {class_weights!r}  # weight per class index (None: all 1)",
        f"PENALTIES = {penalties!r}  # (layer index, l1, l2) on dense kernels",
        f"MAX_NORMS = {max_norms!r}  # (layer index, max norm of each unit's incoming weights)",
        f"BATCH_SIZE = {None if batch == 'full' else int(batch)!r}  # None: the full training set",
        f"EPOCHS = {int(training.get('epochs', 1))}",
        f"SHUFFLE = {bool(training.get('shuffle', True))}",
        f"EARLY_STOPPING = {stopping!r}",
    ])


def _section(title: str, code: str) -> str:
    """A banner comment (99 characters wide) directly above ``code``."""
    banner = f"# ---- {title} "
    return banner + "-" * (99 - len(banner)) + "\n" + code


def _model_source(codes: list[LayerCode]) -> str:
    lines = ["def build_model() -> nn.Sequential:",
             '    """One module per design layer: model[i] is the design\'s layers[i]."""',
             "    model = nn.Sequential("]
    for code in codes:
        lines += [f"        # {code.comment}", f"        {code.module},"]
    lines += ["    )"]
    inits = [(i, code) for i, code in enumerate(codes) if code.init]
    if inits:
        lines.append("    with torch.no_grad():")
        for i, code in inits:
            lines.append(f"        m = model[{i}]")
            lines += ["        " + line for statement in code.init for line in statement.split("\n")]
    lines.append("    return model")
    return "\n".join(lines)


def render_pytorch_script(design: Any, data_file: str = "data.npz", weights: str | None = None,
                          class_weights: list[float] | None = None,
                          script_name: str = "network.py") -> str:
    """The script's source for ``design`` (nothing written). ``class_weights`` is the per-class
    weight table (fitted on the training targets for ``"balanced"``; see ``class_weight_table``)."""
    d = _as_dict(design)
    model = d.get("model") or {}
    layers = model.get("layers") or []
    if not layers:
        raise BadInput("the model has no layers", "model.layers")
    loss_type = (d.get("loss") or {}).get("type", "mse")
    if loss_type not in LOSS_TYPES:
        raise BadInput(f"cannot export loss {loss_type!r} (known: {', '.join(LOSS_TYPES)})",
                       "loss.type")
    spec = (d.get("loss") or {}).get("class_weight")
    if class_weights is None and isinstance(spec, Mapping):
        class_weights = [1.0] * (1 + max(int(k) for k in spec)) if spec else None
        for key, weight in spec.items():
            class_weights[int(key)] = float(weight)
    elif class_weights is None and spec is not None:
        raise BadInput(f"class weights {spec!r} need the training targets (see export_pytorch)",
                       "loss.class_weight")
    codes = render_layers(layers, int(model.get("input_dim", 0)))
    fused = fused_output(layers, loss_type)
    opt_cfg = d.get("optimizer") or {"type": "sgd"}
    sched_cfg = d.get("schedule") or {"type": "constant"}
    layer_blocks = sorted({b for c in codes for b in c.blocks})
    loss_fn = loss_type + ("_from_logits" if fused and loss_type != "mse" else "")
    opt_class = OPTIMIZER_CLASSES.get(opt_cfg.get("type"))
    sched_class = SCHEDULE_CLASSES.get(sched_cfg.get("type"))
    make_optimizer = optimizer_call(opt_cfg, opt_class)  # validates the optimiser first
    make_schedule = schedule_call(sched_cfg, sched_class, _learning_rate(opt_cfg),
                                  momentum_value(opt_cfg))
    opt_blocks = ["KerasOptimizer", *(["Adam"] if opt_class == "AdamW" else []), opt_class]
    sched_blocks = ["Schedule", sched_class] if sched_class != "Schedule" else ["Schedule"]
    parts = [
        _header(d, script_name, data_file),
        _settings(d, codes, data_file, weights, loss_type, fused, class_weights),
        _section("Layers and initialisers", runtime_source(["keras_init_", *layer_blocks])),
        _section("The network", _model_source(codes)),
        _section("Loss: per-sample values (batch,)", runtime_source([loss_fn])),
        f"per_sample_loss = {loss_fn}",
        _section("Optimiser (Keras 3 semantics)", runtime_source(opt_blocks)),
        make_optimizer,
        _section("Learning-rate schedule (t counts optimiser steps from 0)",
                 runtime_source(sched_blocks)),
        make_schedule,
        _section("Data, weights, training loop, command line", runtime_source(TRAINING_BLOCKS)),
        'if __name__ == "__main__":\n    main()',
    ]
    return "\n\n\n".join(parts) + "\n"


def _learning_rate(opt_cfg: dict[str, Any]) -> float:
    """The optimiser's configured rate (Keras 3 defaults: sgd 0.01, the others 0.001)."""
    lr = opt_cfg.get("learning_rate")
    return float(lr) if lr is not None else (0.01 if opt_cfg.get("type") == "sgd" else 0.001)


def data_arrays(design: Any, base_dir: str | os.PathLike[str] | None = None,
                data: Any = None) -> dict[str, np.ndarray]:
    """``x_train, y_train, x_val, y_val`` (float32, 2-D) as the playground trains on them.

    ``data``: a DataSet or a mapping with those keys; otherwise the design's data section is loaded
    with ``engine.data.load_dataset`` (split, features and standardisation as the playground does).
    Categorical cross-entropy gets one-hot targets, as the session gives the loss.
    """
    d = _as_dict(design)
    if data is None:
        from engine.data import DataConfig, load_dataset
        cfg = DataConfig.from_config(d.get("data") or {})
        data = load_dataset(cfg, Path(base_dir) if base_dir else None, int(d.get("seed", 0)),
                            (d.get("model") or {}).get("input_dim"))
    get = data.get if isinstance(data, Mapping) else lambda k, default=None: getattr(data, k, default)
    out: dict[str, np.ndarray] = {}
    for key in ("x_train", "y_train", "x_val", "y_val"):
        value = get(key)
        if value is None:
            continue
        a = np.asarray(value, dtype=np.float64)
        out[key] = np.ascontiguousarray(a.reshape(a.shape[0], -1) if a.ndim != 2 else a)
    if "x_train" not in out or "y_train" not in out:
        raise BadInput("the data have no x_train/y_train", "data")
    layers = (d.get("model") or {}).get("layers") or []
    if (d.get("loss") or {}).get("type") == "categorical_crossentropy":
        n_out = _output_width(layers, int((d.get("model") or {}).get("input_dim", 0)))
        for key in ("y_train", "y_val"):
            y = out.get(key)
            if y is not None and y.shape[1] == 1 and n_out > 1:
                out[key] = np.eye(n_out)[np.rint(y[:, 0]).astype(np.int64)]
    return {k: v.astype(np.float32) for k, v in out.items()}


def _output_width(layers: list[dict[str, Any]], width: int) -> int:
    for cfg in layers:
        if cfg.get("type") == "dense":
            width = int(cfg["units"])
    return width


def export_pytorch(design: Any, path: str | os.PathLike[str],
                   weights_path: str | os.PathLike[str] | None = None, *,
                   weights: Mapping[str, np.ndarray] | None = None,
                   base_dir: str | os.PathLike[str] | None = None, data: Any = None) -> str:
    """Write a standalone PyTorch script for ``design`` to ``path`` and its data beside it.

    Parameters
    ----------
    design : a ``Design`` or its plain normalised dict (``Design.to_dict()``).
    path : the script to write; ``<stem>_data.npz`` is written in the same folder.
    weights_path : initial weights (.npz, docs/FORMAT.md keys) the script loads unless ``--weights``
        says otherwise; stored relative to the script's folder when it lies below it.
    weights : initial weights as arrays (``session.get_weights()``): written to
        ``<stem>_weights.npz`` beside the script, which then loads them by default.
    base_dir : the design file's folder (for data files named relative to it).
    data : the data to write (a DataSet or mapping with ``x_train`` ...); loaded from the design
        when None.

    Returns
    -------
    str : the script's source.
    """
    d = _as_dict(design, base_dir)
    path = Path(path)
    arrays = data_arrays(d, base_dir, data)
    loss_cfg = d.get("loss") or {}
    table = class_weight_table(loss_cfg, arrays["y_train"])
    if weights is not None and weights_path is not None:
        raise BadInput("give weights_path or weights, not both", "weights")
    if weights is not None:
        weights_path = path.parent / f"{path.stem}_weights.npz"
    default_weights = None
    if weights_path is not None:
        w = Path(weights_path).resolve()
        try:
            default_weights = str(w.relative_to(path.resolve().parent))
        except ValueError:
            default_weights = str(w)
    data_file = f"{path.stem}_data.npz"
    source = render_pytorch_script(d, data_file, default_weights, table, path.name)
    compile(source, "<exported script>", "exec")  # a broken template is our bug: fail first
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path.parent / data_file, "wb") as fh:
        np.savez(fh, **arrays)
    if weights is not None:
        with atomic_open(weights_path, "wb") as fh:
            np.savez(fh, **{str(k): np.asarray(v, dtype=np.float32) for k, v in weights.items()})
    atomic_write(path, source)
    return source
