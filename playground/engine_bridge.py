"""The app's calls into the engine's design and build modules, in one place: load, save and check
designs, build sessions, warm the compiled engine up (the worker threads call the last two)."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DEFAULT_FILE = RESOURCES / "designs" / "tf_playground_default.json"


def default_design() -> dict:
    """The design a new window starts with (resources/designs/tf_playground_default.json)."""
    return load_design_dict(str(DEFAULT_FILE))


def load_design_dict(path: str) -> dict:
    """Read, check and migrate a design file; returns the normalised dict (every key).

    Raises
    ------
    BadInput
        Naming the file and the field that is wrong; OSError when unreadable.
    """
    from engine.design import load_design
    return load_design(path).to_dict()


def save_design_dict(design: dict, path: str) -> dict:
    """Check and write ``design`` atomically (every key); returns what was written."""
    from engine.design import Design, save_design
    checked = Design.from_dict(copy.deepcopy(design))
    save_design(checked, path)
    return checked.to_dict()


def design_warnings(design: dict) -> list[str]:
    """The engine's warnings about a valid but dubious design ("model.layers[2]: ...")."""
    from engine.design import design_warnings as engine_warnings
    return [str(w) for w in engine_warnings(design)]


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
