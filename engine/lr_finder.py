"""The learning-rate finder: Smith's range test (2015; the textbook's "finding a good learning
rate").

Train for a few hundred steps while the learning rate grows exponentially from ``lr_start`` to
``lr_end``, record the loss of every step, then restore the session to where it was. Suggestions:
``suggested_lr`` = (lr at the minimum of the smoothed loss) / 10, the textbook's "about an order of
magnitude below the rate where the loss is lowest / starts to climb", and ``steepest_lr``, the rate
where the smoothed loss falls fastest per decade of learning rate.

Works on anything with the session API of docs/ARCHITECTURE.md: ``set_learning_rate(lr)``,
``step() -> snapshot`` (with ``.loss`` and ``.status``), ``state_dict()``/``load_state_dict(d)``, and
where present ``set_schedule(cfg)`` (a constant schedule is used during the test, so the schedule
does not fight the sweep), ``schedule.get_config()``, ``optimizer.learning_rate`` and ``finished``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from engine.errors import BadInput, Diverged


@dataclass(frozen=True)
class LRFinderResult:
    """lrs, losses, smoothed: float64 (n,) for the n steps taken (n <= steps)."""

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    lr_at_min: float
    suggested_lr: float
    steepest_lr: float | None
    diverged: bool


def lr_schedule(lr_start: float, lr_end: float, steps: int) -> np.ndarray:
    """(steps,) rates growing exponentially from lr_start to lr_end (both included)."""
    if not (math.isfinite(lr_start) and lr_start > 0):
        raise BadInput(f"must be finite and > 0, got {lr_start!r}", "lr_start")
    if not (math.isfinite(lr_end) and lr_end > lr_start):
        raise BadInput(f"must be finite and > lr_start ({lr_start}), got {lr_end!r}", "lr_end")
    if int(steps) < 2:
        raise BadInput(f"must be >= 2, got {steps!r}", "steps")
    return lr_start * (lr_end / lr_start) ** (np.arange(int(steps)) / (int(steps) - 1))


def smooth(losses: np.ndarray, half_width: int) -> np.ndarray:
    """Centred moving average of ``losses`` (n,) over 2*half_width+1 points (fewer at the ends).

    Centred, so the smoothed minimum does not lag behind the raw one (an exponential average
    would shift it by about 1/(1-beta) steps, more than a decade of learning rate on short sweeps).
    """
    losses = np.asarray(losses, dtype=np.float64)
    half_width = min(int(half_width), (len(losses) - 1) // 2)  # the window fits the losses
    if half_width <= 0:
        return losses.copy()
    kernel = np.ones(2 * half_width + 1)
    sums = np.convolve(losses, kernel, mode="same")
    counts = np.convolve(np.ones(len(losses)), kernel, mode="same")
    return sums / counts


def analyse(lrs: np.ndarray, losses: np.ndarray, half_width: int | None = None, diverged: bool = False,
            skip: int = 5) -> LRFinderResult:
    """Suggestions from recorded (lrs, losses), both (n,) with n >= 1; ``half_width`` of the
    smoothing window defaults to 2 % of the steps (at least 1)."""
    lrs = np.asarray(lrs, dtype=np.float64)
    losses = np.asarray(losses, dtype=np.float64)
    finite = np.isfinite(losses)
    n = int(np.argmin(finite)) if not finite.all() else len(losses)
    if half_width is None:
        half_width = max(1, len(losses) // 50)
    sm = smooth(losses[:n], half_width)
    if n == 0:
        raise BadInput("the loss was not finite even at the smallest learning rate", "lr_start")
    i_min = int(np.argmin(sm))
    steep = None
    lo = min(skip, max(i_min - 1, 0))
    if i_min - lo >= 2:  # central differences only, so the minimum itself is never chosen
        slope = np.gradient(sm[lo:i_min + 1], np.log10(lrs[lo:i_min + 1]))[:-1]
        steep = float(lrs[lo + int(np.argmin(slope))])
    full_sm = np.concatenate([sm, np.full(len(losses) - n, np.nan)])
    return LRFinderResult(lrs=lrs, losses=losses, smoothed=full_sm, lr_at_min=float(lrs[i_min]),
                         suggested_lr=float(lrs[i_min]) / 10.0, steepest_lr=steep, diverged=diverged)


Progress = Callable[[int, int, float], bool]


def find_lr(session: Any, lr_start: float = 1e-6, lr_end: float = 1.0, steps: int = 200,
            beta: float = 0.98, diverge_factor: float = 4.0, restore: bool = True,
            progress: Progress | None = None) -> LRFinderResult:
    """Run the range test on ``session`` and (by default) restore it afterwards.

    Stops early when the loss is not finite, the session reports divergence, the loss's
    exponential average (``beta``) exceeds ``diverge_factor`` times its best value, or
    ``progress(step, steps, loss)`` (called after every step) returns False (cancelled: the
    result holds the steps taken so far, at least one).
    """
    lrs = lr_schedule(lr_start, lr_end, steps)
    saved = session.state_dict() if restore else None
    schedule_cfg = getattr(getattr(session, "schedule", None), "get_config", lambda: None)()
    old_lr = getattr(getattr(session, "optimizer", None), "learning_rate", None)
    if schedule_cfg is not None and hasattr(session, "set_schedule"):
        session.set_schedule({"type": "constant"})
    try:
        losses, diverged = _sweep(session, lrs, beta, diverge_factor, progress)
    finally:
        if restore:
            if schedule_cfg is not None and hasattr(session, "set_schedule"):
                session.set_schedule(schedule_cfg)
            if old_lr is not None:
                session.set_learning_rate(old_lr)
            session.load_state_dict(saved)
    return analyse(lrs[:len(losses)], np.asarray(losses), max(1, steps // 50), diverged)


def _sweep(session: Any, lrs: np.ndarray, beta: float, diverge_factor: float,
           progress: Progress | None) -> tuple[list[float], bool]:
    """One step at each rate of ``lrs``: (losses, diverged)."""
    losses: list[float] = []
    best, avg = math.inf, 0.0
    for i, lr in enumerate(lrs):
        if getattr(session, "finished", False) and i > 0:
            break
        session.set_learning_rate(float(lr))
        try:
            snap = session.step()
        except Diverged:
            losses.append(math.nan)
            return losses, True
        loss = float(snap.loss)
        losses.append(loss)
        if getattr(snap, "status", "running") == "diverged" or not math.isfinite(loss):
            return losses, True
        avg = beta * avg + (1.0 - beta) * loss
        sm = avg / (1.0 - beta ** (i + 1))
        best = min(best, sm)
        if i > 5 and sm > diverge_factor * best:
            return losses, True
        if progress is not None and not progress(i + 1, len(lrs), loss):
            break
    return losses, False
