"""Which design the training session really runs (Qt-free).

The window sends the worker the difference between the design the session runs and the edited
one as a *batch* of commands, all carrying the batch's tag. The worker answers each command:
``accepted(tag)`` or ``failed(info)`` with the tag. A refused command leaves the session as it
was, so after a refusal the session runs the design from before the batch (commands of the batch
that did apply are sent again with the next batch: every live command sets a value, so sending
it twice is harmless). :class:`SyncTracker` keeps the batches in flight and says, for each
answer, what the session runs now.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

MAX_PENDING = 256  # batches in flight at most (the oldest are forgotten past it)


@dataclass
class Batch:
    """Commands sent together: the design before and after them, answers still due."""

    tag: int
    before: dict | None
    after: dict
    left: int
    label: str = ""
    refused: bool = False


class SyncTracker:
    """Batches in flight and the design the session is known to run (``confirmed``)."""

    def __init__(self) -> None:
        self.pending: dict[int, Batch] = {}
        self.confirmed: dict | None = None
        self._tags = itertools.count(1)

    def __repr__(self) -> str:
        return f"SyncTracker(pending={len(self.pending)})"

    def start(self, before: dict | None, after: dict, commands: int, label: str = "") -> int:
        """A batch of ``commands`` commands taking ``before`` to ``after`` (``label``: what
        the edit was, for messages); returns its tag."""
        tag = next(self._tags)
        self.pending[tag] = Batch(tag, before, after, max(int(commands), 1), label)
        while len(self.pending) > MAX_PENDING:
            self.pending.pop(next(iter(self.pending)))
        return tag

    def accepted(self, tag: int) -> Batch | None:
        """One command of batch ``tag`` applied; returns the batch once every command of it
        applied (the session runs ``batch.after`` then), else None."""
        batch = self.pending.get(tag)
        if batch is None:
            return None
        batch.left -= 1
        if batch.left > 0:
            return None
        del self.pending[tag]
        if batch.refused:
            return None
        self.confirmed = batch.after
        return batch

    def refused(self, tag: Any) -> Batch | None:
        """A command of batch ``tag`` was refused: returns the batch (the session runs
        ``batch.before`` as far as the window can tell), or None for an unknown tag. Batches
        sent after it were differences from the refused design: they are forgotten (the next
        batch is computed from ``before`` again)."""
        batch = self.pending.get(tag) if isinstance(tag, int) else None
        if batch is None:
            return None
        batch.refused = True
        batch.left -= 1
        for later in [t for t in self.pending if t > tag]:
            del self.pending[later]
        if batch.left <= 0:
            del self.pending[tag]
        self.confirmed = batch.before
        return batch

    @property
    def idle(self) -> bool:
        """No batch is waiting for answers."""
        return not self.pending
