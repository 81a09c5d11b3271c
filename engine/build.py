"""Design -> TrainingSession: the one way the app, the CLI and the benchmarks build a session.

``build_session`` validates first (nothing compiled or allocated for a bad design), loads the data
(engine.data), builds the layers (LAYERS), loss, optimiser and schedule from their registries and
hands them with the training options to ``engine.session.TrainingSession``.
"""
from __future__ import annotations

import inspect
import os
from pathlib import Path
from typing import Any

import numpy as np

from engine.design import Design
from engine.errors import BadInput

__all__ = ["build_session", "apply_overrides", "check_device", "load_design_data"]


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
    """The design with the command line's replacements applied (and validated again).

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


def build_session(design: Design | dict[str, Any], base_dir: str | os.PathLike[str] | None = None,
                  device: str = "cpu", data_override: dict[str, Any] | None = None,
                  seed: int | None = None, epochs: int | None = None) -> Any:
    """Build the TrainingSession of ``design``.

    Parameters
    ----------
    design : Design or a design dict (validated here).
    base_dir : folder that relative data paths are resolved against (the design file's folder).
    device : ``cpu``, ``cuda`` or ``auto``; ``cuda`` without a usable GPU is BadInput.
    data_override, seed, epochs : replacements for ``data`` keys, ``seed``, ``training.epochs``.

    Returns
    -------
    TrainingSession, with ``design`` (the validated Design it was built from), ``base_dir`` and
    ``device`` attributes set.
    """
    from engine.layers import from_config as layer_from_config
    from engine.model import Model
    from engine.session import TrainingSession

    design = apply_overrides(design, data_override, seed, epochs)
    training = design.training
    widths = [design.input_dim] + [int(c["units"]) for c in design.layers if "units" in c]
    batch = training["batch_size"]
    resolved = check_device(device, widths, batch if isinstance(batch, int) else 256)
    data = load_design_data(design, base_dir)
    layers = [layer_from_config(cfg) for cfg in design.layers]
    model = Model(layers, design.input_dim, np.float32, design.seed)
    native = "device" in inspect.signature(TrainingSession).parameters
    kwargs: dict[str, Any] = {"device": resolved} if native and resolved != "cpu" else {}
    try:
        session = TrainingSession(
            model, design.optimizer, design.schedule, design.loss, data, seed=design.seed,
            batch_size=batch, shuffle=training["shuffle"], epochs=training["epochs"],
            early_stopping=training["early_stopping"], **kwargs)
    except BadInput as err:
        raise _locate(err) from err
    if resolved == "cuda" and not native:
        _use_cuda(session)
    session.design = design
    session.base_dir = Path(base_dir) if base_dir is not None else None
    session.device = resolved
    return session


def _use_cuda(session: Any) -> None:
    """Switch a built session to the GPU program (engine.backends.cuda_session)."""
    try:
        from engine.backends.cuda_session import use_cuda
    except ImportError as err:
        raise BadInput(f"the GPU backend is not available in this build ({err})",
                       "--device cuda") from err
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
