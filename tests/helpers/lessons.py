"""Helpers for the lesson effect tests (no tests here): lesson designs headless, shortened."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from engine.build import build_session
from engine.design import Design
from engine.design.lessons import Lesson, load_lesson

_CACHE: dict[int, Lesson] = {}


def lesson(number: int) -> Lesson:
    """The shipped lesson ``number`` (loaded once per test process)."""
    if number not in _CACHE:
        _CACHE[number] = load_lesson(number)
    return _CACHE[number]


def design_of(number: int, label: str) -> Design:
    """The design with ``label`` in lesson ``number``."""
    for entry in lesson(number).designs:
        if entry.label == label:
            return entry.design
    raise KeyError(label)


def with_units(design: Design, old: int, new: int) -> Design:
    """The design with every dense layer of ``old`` units narrowed to ``new`` (a shorter test)."""
    d = design.to_dict()
    for layer in d["model"]["layers"]:
        if layer["type"] == "dense" and layer["units"] == old:
            layer["units"] = new
    return Design.from_dict(d)


def edited(design: Design, edit: Callable[[dict[str, Any]], None]) -> Design:
    """The design after ``edit`` changed its dict in place (validated again)."""
    d = design.to_dict()
    edit(d)
    return Design.from_dict(d)


def session(number: int, label: str, seed: int | None = None, design: Design | None = None,
            monitor_every: int = 1) -> Any:
    """A TrainingSession of a lesson design (or of a shortened copy ``design``)."""
    d = design if design is not None else design_of(number, label)
    s = build_session(d, lesson(number).base_dir, seed=seed)
    s.set_monitor_every(monitor_every)
    return s


def run_epochs(s: Any, epochs: int) -> list[dict[str, Any]]:
    """Train ``epochs`` epochs (or until the session finishes); the session's history."""
    target = s.epoch + epochs
    while s.epoch < target and not s.finished:
        s.run_epoch()
    return s.history


def first_epoch_below(history: list[dict[str, Any]], threshold: float,
                      key: str = "loss") -> int | None:
    """First epoch whose ``key`` is below ``threshold``, or None."""
    for h in history:
        if h.get(key) is not None and h[key] < threshold:
            return int(h["epoch"])
    return None


def kernels(s: Any) -> np.ndarray:
    """All dense kernels of the session, flattened into one float64 array."""
    return np.concatenate([v.ravel().astype(np.float64) for k, v in s.get_weights().items()
                           if k.endswith(".kernel")])


def hist_std(counts: np.ndarray, edges: np.ndarray) -> float:
    """Standard deviation of a histogram (bin centres weighted by counts)."""
    centres = 0.5 * (edges[1:] + edges[:-1])
    w = counts.astype(np.float64)
    mean = float(np.sum(w * centres) / w.sum())
    return float(np.sqrt(np.sum(w * (centres - mean) ** 2) / w.sum()))
