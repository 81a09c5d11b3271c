"""Bounded history: rows that grow with training are decimated, never dropped wholesale.

A session keeps one row per epoch; a lesson left running for hours would grow it without end.
``bound_history`` keeps at most ``MAX_HISTORY`` rows: when the list passes the limit, every other
row of its older half goes, except the first row and rows that carry an ``"event"`` key (markers:
a restored best epoch, a model edit ...), which go only when nothing but events is left to thin. Recent rows stay dense, old ones thin out
geometrically, so a curve drawn from them keeps its shape.
"""
from __future__ import annotations

from typing import Any

from engine.limits import MAX_HISTORY


def bound_history(rows: list[dict[str, Any]], limit: int = MAX_HISTORY) -> list[dict[str, Any]]:
    """``rows`` itself, thinned in place until at most ``limit`` rows (events kept) remain."""
    limit = max(int(limit), 4)
    spare_events = True
    while len(rows) > limit:
        half = len(rows) // 2
        old = rows[:half]
        kept = [r for k, r in enumerate(old)
                if k == 0 or k % 2 == 1 or (spare_events and "event" in r)]
        if len(kept) == len(old):  # nothing but events in the old half: thin those too
            spare_events = False
            continue
        rows[:half] = kept
    return rows


def append_bounded(rows: list[dict[str, Any]], row: dict[str, Any],
                   limit: int = MAX_HISTORY) -> None:
    """Append ``row`` and thin ``rows`` when it passed ``limit`` (amortised O(1) per row)."""
    rows.append(row)
    if len(rows) > limit:
        bound_history(rows, limit)
