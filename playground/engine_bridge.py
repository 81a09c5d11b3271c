"""The app's few entry points into the engine: load/save/validate designs and build sessions."""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from engine.errors import BadInput
from playground.document import DEFAULT_DESIGN

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEFAULT_NAMES = ("default.json", "tf_playground_default.json", "spiral_relu_batchnorm.json")


def default_design() -> dict:
    """The shipped default design (resources/designs/), else the built-in one."""
    folder = RESOURCES / "designs"
    for name in DEFAULT_NAMES:
        path = folder / name
        if path.is_file():
            try:
                return load_design_dict(str(path))
            except (BadInput, OSError):
                break
    return copy.deepcopy(DEFAULT_DESIGN)


def load_design_dict(path: str) -> dict:
    """Read and validate a design file; returns the normalised dict (every key).

    Raises
    ------
    BadInput
        Naming the file and the field that is wrong; OSError when unreadable.
    """
    try:
        from engine.design import load_design
    except ImportError:
        with open(path, encoding="utf-8") as fh:
            try:
                return json.load(fh)
            except json.JSONDecodeError as err:
                raise BadInput(f"invalid JSON at line {err.lineno}: {err.msg}", path) from err
    return load_design(path).to_dict()


def normalize_design(design: dict) -> dict:
    """Validate a design dict with the engine (raises BadInput); identity without the engine."""
    try:
        from engine.design import Design
    except ImportError:
        return copy.deepcopy(design)
    return Design.from_dict(copy.deepcopy(design)).to_dict()


def save_design_dict(design: dict, path: str) -> dict:
    """Validate and write ``design`` (every key); returns what was written."""
    full = normalize_design(design)
    try:
        from engine.design import Design, save_design
        save_design(Design.from_dict(full), path)
    except ImportError:
        from engine.atomic import atomic_write
        atomic_write(path, json.dumps(full, indent=2))
    return full


def make_session(design: dict, base_dir: str | None, device: str = "cpu") -> Any:
    """Build the TrainingSession of ``design`` (runs in the worker thread)."""
    from engine.build import build_session
    return build_session(copy.deepcopy(design), base_dir, device=device)


def warm_up() -> float:
    """Compile (or load from numba's cache) the engine; runs in the worker thread at start-up.
    The window shows how many functions numba compiled so far (compiled_cache.compiled_count)."""
    from playground.compiled_cache import install_counter
    install_counter()
    from engine.warmup import warm_up as engine_warm_up
    return float(engine_warm_up())
