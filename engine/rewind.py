"""Rewind points of a training run: in-memory checkpoints, bounded by a byte budget.

A :class:`RewindRing` keeps the state a checkpoint file holds (``session.state_dict()``: weights,
optimiser slots and counters, batch-norm statistics, the RNG counters step and epoch, schedule
and early-stopping state; engine/checkpoint.py writes the same dict to disk) every ``every`` steps.
When the kept points pass the byte budget, every other one goes and ``every`` doubles, so the
points always cover the whole run (from the first kept step to the newest) at an even spacing.
Restoring a kept point (``session.load_state_dict``) and stepping on gives the original run's
losses and weights bit for bit, up to the first change made after the point.
"""
from __future__ import annotations

import bisect
import json
import time
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.limits import MAX_REWIND_BYTES

DEFAULT_EVERY = 25
DEFAULT_BUDGET_BYTES = MAX_REWIND_BYTES
MIN_POINTS = 2  # thinning never goes below this many points (the first and the newest)


def state_bytes(state: dict[str, np.ndarray]) -> int:
    """Memory held by one kept state (its arrays' bytes, meta.json's text included)."""
    return int(sum(np.asarray(a).nbytes for a in state.values()))


class RewindRing:
    """Kept states of one run, keyed by the session's global step (ascending).

    ``every``: steps between kept points (doubles at each thinning); ``budget_bytes``: the most
    memory the kept states may hold (at least ``MIN_POINTS`` are kept whatever their size);
    ``max_share``: with it, the spacing also doubles while keeping a point (``state_dict``) took
    more than this share of the wall time since the previous one (the app: training at full
    speed is never slowed by more than about that); None: the spacing follows the steps only.
    """

    def __init__(self, every: int = DEFAULT_EVERY, budget_bytes: int = DEFAULT_BUDGET_BYTES,
                 max_share: float | None = None) -> None:
        if int(every) < 1 or int(budget_bytes) < 1:
            raise ValueError(f"every and budget_bytes must be positive, got {every}, "
                             f"{budget_bytes}")
        self.first_every = int(every)
        self.budget_bytes = int(budget_bytes)
        self.max_share = max_share
        self.version = 0  # changes whenever the kept steps do (a reader's cache key)
        self.clear()

    def __repr__(self) -> str:
        return (f"RewindRing(points={len(self._steps)}, every={self.every}, "
                f"bytes={self.nbytes:,}/{self.budget_bytes:,})")

    def clear(self) -> None:
        """Forget every kept point (a new run); the spacing starts at ``every`` again."""
        self.every = self.first_every
        self._kept_t = self._keep_s = 0.0  # when the last point was kept, and what it took
        self._steps: list[int] = []
        self._states: list[dict[str, np.ndarray]] = []
        self._sizes: list[int] = []
        self._nbytes = 0
        self._changed()

    def _changed(self) -> None:
        self.version += 1
        self._steps_tuple: tuple[int, ...] | None = None

    # ------------------------------------------------------------------ queries
    @property
    def steps(self) -> tuple[int, ...]:
        """The kept steps, ascending (the same tuple until they change)."""
        if self._steps_tuple is None:
            self._steps_tuple = tuple(self._steps)
        return self._steps_tuple

    @property
    def nbytes(self) -> int:
        return self._nbytes

    def __len__(self) -> int:
        return len(self._steps)

    def nearest(self, step: int) -> int | None:
        """The kept step closest to ``step`` (the earlier one on a tie), or None when empty."""
        if not self._steps:
            return None
        return min(self._steps, key=lambda s: (abs(s - int(step)), s))

    def state(self, step: int) -> dict[str, np.ndarray]:
        """The kept state of ``step`` (a copy; BadInput when no point was kept there)."""
        try:
            i = self._steps.index(int(step))
        except ValueError:
            raise BadInput(f"no rewind point was kept at step {step} (kept: "
                           f"{_listing(self._steps)})", "rewind") from None
        return {k: np.array(v, copy=True) for k, v in self._states[i].items()}

    # ------------------------------------------------------------------ keeping
    def due(self, step: int) -> bool:
        """Whether a point at ``step`` would be kept: the first one, and then one on (or just
        after) each multiple of ``every`` steps from the first kept step."""
        if not self._steps:
            return True
        first, last = self._steps[0], self._steps[-1]
        return int(step) >= first + ((last - first) // self.every + 1) * self.every

    def observe(self, session: Any) -> bool:
        """Keep the session's state when due (see :meth:`due`); True when it was kept."""
        step = int(session.step_count)
        if self._steps and step < self._steps[-1]:
            self.forget_after(step)  # the session went back (a reset, a restore elsewhere)
        if not self.due(step):
            return False
        now = time.perf_counter()
        if self._steps and self.max_share and self._keep_s > self.max_share * (now - self._kept_t):
            self.every *= 2  # keeping would cost too large a share of the time: space them out
            if not self.due(step):
                return False
        state = session.state_dict()
        self._kept_t = time.perf_counter()
        self._keep_s = self._kept_t - now
        self.keep(step, state)
        return True

    def keep(self, step: int, state: dict[str, np.ndarray]) -> None:
        """Add the state of ``step`` (after the last kept step), then thin to the budget."""
        if self._steps and int(step) <= self._steps[-1]:
            raise ValueError(f"step {step} is not after the last kept step {self._steps[-1]}")
        self._steps.append(int(step))
        self._states.append(state)
        self._sizes.append(state_bytes(state))
        self._nbytes += self._sizes[-1]
        while self._nbytes > self.budget_bytes and len(self._steps) > MIN_POINTS:
            self._thin()
        self._changed()

    def _thin(self) -> None:
        """The spacing doubles: of the points in each stretch of ``2 * every`` steps (counted
        from the first kept step) the first stays, and the newest point always stays."""
        self.every *= 2
        first, last = self._steps[0], len(self._steps) - 1
        keep, cell = [], -1
        for i, step in enumerate(self._steps):
            here = (step - first) // self.every
            if here != cell or i == last:
                keep.append(i)
                cell = here
        self._steps = [self._steps[i] for i in keep]
        self._states = [self._states[i] for i in keep]
        self._sizes = [self._sizes[i] for i in keep]
        self._nbytes = sum(self._sizes)

    def forget_after(self, step: int) -> None:
        """Drop the points after ``step`` (they belong to a branch the run left)."""
        n = bisect.bisect_right(self._steps, int(step))
        if n < len(self._steps):
            del self._steps[n:], self._states[n:], self._sizes[n:]
            self._nbytes = sum(self._sizes)
            self._changed()

    # ------------------------------------------------------------------ rewinding
    def restore(self, session: Any, step: int, keep_settings: bool = False) -> None:
        """Put the session back to kept point ``step``; the points after it are dropped (the
        run continues from there on a new branch). BadInput, session unchanged, when the point
        no longer fits the session (validated by ``load_state_dict`` first).

        ``keep_settings``: the session keeps its current layer options, learning rate and batch
        size (the app's window shows them); weights, optimiser state, statistics and counters
        come from the point. Without it the point's settings come back too, so that stepping on
        repeats the original run exactly."""
        state = self.state(step)
        if keep_settings:
            state = with_settings_of(session, state)
        session.load_state_dict(state)
        self.forget_after(step)


def with_settings_of(session: Any, state: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``state`` (a ``state_dict``) with the layer options, learning rate and batch size of
    ``session`` instead of its own: restoring it keeps the session's settings and takes the
    weights, optimiser state, statistics and counters (an A/B variant started from a kept
    point, the app's rewind). ``state`` itself is not changed."""
    meta = json.loads(str(state["meta.json"]))
    meta.pop("layer_configs", None)
    meta["learning_rate"] = float(session.optimizer.learning_rate)
    meta["batch_size"] = session.batch_size_option
    return {**state, "meta.json": np.array(json.dumps(meta))}


def _listing(steps: list[int], most: int = 8) -> str:
    if not steps:
        return "none"
    shown = ", ".join(str(s) for s in steps[:most])
    return shown + (f" … ({len(steps)} in all)" if len(steps) > most else "")
