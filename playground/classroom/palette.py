"""Colour-blind-safe colours (Okabe & Ito 2008) for the runs of a comparison."""
from __future__ import annotations

from playground.theme import LINE_COLORS

#: Run colours: the plot line colours (Okabe–Ito readable on dark backgrounds).
RUN_COLORS: tuple[str, ...] = LINE_COLORS


def run_color(i: int) -> str:
    """Colour of run ``i`` (Okabe–Ito, cycling)."""
    return RUN_COLORS[i % len(RUN_COLORS)]
