"""Colour-blind-safe colours (Okabe & Ito 2008) for the runs of a comparison."""
from __future__ import annotations

from playground.theme import LINE_COLORS

#: Okabe–Ito palette (black last).
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                              "#56B4E9", "#F0E442", "#000000")
#: Run colours: the plot line colours (Okabe–Ito readable on dark backgrounds).
RUN_COLORS: tuple[str, ...] = LINE_COLORS
LINE_STYLES = ("solid", "dash", "dot", "dashdot")


def run_color(i: int) -> str:
    """Colour of run ``i`` (Okabe–Ito, cycling)."""
    return RUN_COLORS[i % len(RUN_COLORS)]
