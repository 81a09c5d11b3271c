"""The one place where the data part gets its random numbers."""
from __future__ import annotations

import numpy as np


def data_stream(seed: int) -> np.random.Generator:
    """Return the design's data stream: generation, subsampling, split and label flips.

    Uses ``engine.rng.stream(seed, "data")`` when the engine has it, otherwise
    ``default_rng(SeedSequence([seed, 1]))``.
    """
    try:
        from engine.rng import stream  # type: ignore[attr-defined]
    except ImportError:
        return np.random.default_rng(np.random.SeedSequence([int(seed), 1]))
    return stream(int(seed), "data")


def data_streams(seed: int) -> dict[str, np.random.Generator]:
    """Independent child streams of the data stream, one per purpose.

    Keys: ``generate``, ``subsample``, ``split``, ``flip``. Changing one step's settings
    (e.g. ``label_flip``) leaves the others' numbers unchanged.
    """
    parent = data_stream(seed)
    try:
        children = parent.spawn(4)
    except (AttributeError, TypeError, ValueError):   # a generator built without a SeedSequence
        children = [np.random.default_rng(int(s)) for s in parent.integers(0, 2**63, size=4)]
    return dict(zip(("generate", "subsample", "split", "flip"), children))
