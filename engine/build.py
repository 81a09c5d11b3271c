"""The one assembler: a design (or configs) -> model, optimiser, loss, schedule, data -> session.

``build_session`` validates the design once (nothing compiled or allocated for a bad one),
loads the data (engine.data), builds the layers, loss, optimiser and schedule from their
registries and hands the built objects with the training options to
``engine.session.TrainingSession``, which takes nothing else. ``session_from_configs`` does the
same for configs given one by one (tests, the warm-up, benchmarks).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from engine.design import Design
from engine.errors import BadInput
from engine.guard import check_dataset
from engine.layers import Layer, from_config as layer_from_config
from engine.losses import LOSSES
from engine.model import Model
from engine.optimizers import OPTIMIZERS
from engine.schedules import SCHEDULES
from engine.session import TrainingSession
from engine.validation import config_errors

__all__ = ["build_session", "session_from_configs", "build_model", "apply_overrides",
           "check_device", "load_design_data"]


def check_device(device: str, layer_widths: list[int] | None = None, batch_size: int = 32) -> str:
    """``cpu | cuda | auto`` -> ``cpu`` or ``cuda``; ``cuda`` without a usable GPU is BadInput."""
    from engine.backends.device import cuda_status, resolve_device
    if device == "cuda":
        usable, reason = cuda_status()
        if not usable:
            raise BadInput(f"no usable CUDA GPU ({reason})", "--device cuda")
    try:
        return resolve_device(device, layer_widths, batch_size)
    except BadInput as err:
        raise BadInput(err.message, "--device") from err


def apply_overrides(design: Design | dict[str, Any], data_override: dict[str, Any] | None = None,
                    seed: int | None = None, epochs: int | None = None) -> Design:
    """The design with the command line's replacements applied (a dict is validated here; a
    Design again only when something is replaced).

    ``data_override`` replaces keys of the ``data`` section (``{"dataset": {"path": ...}}`` for
    ``--data FILE``: the features then default to the file's own columns).
    """
    design = design if isinstance(design, Design) else Design.from_dict(design)
    if data_override is None and seed is None and epochs is None:
        return design
    d = design.to_dict()
    if data_override:
        data = dict(d["data"])
        if "dataset" in data_override:
            data["features"] = None
        data.update(data_override)
        d["data"] = data
    if seed is not None:
        d["seed"] = seed
    if epochs is not None:
        d["training"] = {**d["training"], "epochs": epochs}
    return Design.from_dict(d)


def load_design_data(design: Design, base_dir: str | os.PathLike[str] | None) -> Any:
    """The DataSet of the design (files relative to ``base_dir``), fully read and validated,
    targets encoded for the design's loss; input_dim checked against it. Nothing of a session
    or of the design changes (``TrainingSession.set_data`` / ``set_loss`` take the result).

    The design's loss type decides the form of class targets (engine.data.load_dataset):
    indices for sparse categorical cross-entropy, one-hot rows for categorical cross-entropy,
    the data's own numbers for mse, mae and binary cross-entropy.
    """
    from engine.data import DataConfig, load_dataset
    cfg = DataConfig.from_config(design.data)
    try:
        data = load_dataset(cfg, Path(base_dir) if base_dir is not None else None, design.seed,
                            input_dim_hint=design.input_dim, loss=design.loss.get("type"))
    except BadInput as err:
        raise err.at("data") from err
    n_features = int(data.x_train.shape[1])
    if n_features != design.input_dim:
        raise BadInput(f"is {design.input_dim} but the data give {n_features} features",
                       "model.input_dim")
    return data


def build_model(layers: list[Any], input_dim: int, seed: int = 0, dtype: Any = np.float32) -> Model:
    """A Model of ``layers`` (configs or Layer objects, in order) on ``input_dim`` features,
    its weights drawn from ``seed``; BadInput at ``model.layers[i]`` for a bad config."""
    built = []
    for i, layer in enumerate(layers):
        with config_errors(f"model.layers[{i}]", "invalid layer config"):
            built.append(layer if isinstance(layer, Layer) else layer_from_config(dict(layer)))
    return Model(built, int(input_dim), dtype, seed)


def session_from_configs(layers: list[Any], optimizer: Any, schedule: Any = None,
                         loss: Any = None, data: Any = None, seed: int = 0,
                         dtype: Any = np.float32, **options: Any) -> TrainingSession:
    """A TrainingSession of ``layers`` (configs or Layer objects) on ``data`` (a DataSet), the
    optimiser, schedule and loss built from configs or type names (``None``: constant schedule,
    mse); ``options``: the session's keyword arguments (batch_size, epochs, program, ...)."""
    check_dataset(data)
    model = build_model(layers, int(data.x_train.shape[1]), seed, dtype)
    return TrainingSession(
        model, OPTIMIZERS.build(optimizer, "optimizer"),
        SCHEDULES.build("constant" if schedule is None else schedule, "schedule"),
        LOSSES.build("mse" if loss is None else loss, "loss"), data, seed=seed, **options)


def build_session(design: Design | dict[str, Any], base_dir: str | os.PathLike[str] | None = None,
                  device: str = "cpu", data_override: dict[str, Any] | None = None,
                  seed: int | None = None, epochs: int | None = None) -> TrainingSession:
    """Build the TrainingSession of ``design``.

    Parameters
    ----------
    design : Design, or a design dict (validated here, once).
    base_dir : folder that relative data paths are resolved against (the design file's folder).
    device : ``cpu``, ``cuda`` or ``auto``; ``cuda`` without a usable GPU is BadInput.
    data_override, seed, epochs : replacements for ``data`` keys, ``seed``, ``training.epochs``.

    Returns
    -------
    TrainingSession, with ``design`` (the validated Design it was built from), ``base_dir`` and
    ``device`` attributes set.
    """
    design = apply_overrides(design, data_override, seed, epochs)
    training = design.training
    widths = [design.input_dim] + [int(c["units"]) for c in design.layers if "units" in c]
    batch = training["batch_size"]
    resolved = check_device(device, widths, batch if isinstance(batch, int) else 256)
    data = load_design_data(design, base_dir)
    model = build_model(design.layers, design.input_dim, design.seed)
    try:
        session = TrainingSession(
            model, OPTIMIZERS.build(design.optimizer, "optimizer"),
            SCHEDULES.build(design.schedule, "schedule"), LOSSES.build(design.loss, "loss"),
            data, seed=design.seed, batch_size=batch, shuffle=training["shuffle"],
            epochs=training["epochs"], early_stopping=training["early_stopping"])
    except BadInput as err:
        raise _locate(err) from err
    if resolved == "cuda":
        _use_cuda(session)
    session.design = design
    session.base_dir = Path(base_dir) if base_dir is not None else None
    session.device = resolved
    return session


def _use_cuda(session: TrainingSession) -> None:
    """Switch a built session to the GPU program (engine.backends.cuda_session)."""
    from engine.backends.cuda_session import use_cuda
    try:
        use_cuda(session)
    except BadInput as err:
        raise BadInput(err.message, "--device cuda") from err


def _locate(err: BadInput) -> BadInput:
    """Session errors name session arguments (``batch_size``); give them their design path."""
    paths = {"batch_size": "training.batch_size", "data": "data", "targets": "loss",
             "y": "data", "loss": "loss"}
    if err.path in paths:
        return BadInput(err.message, paths[err.path])
    return err
