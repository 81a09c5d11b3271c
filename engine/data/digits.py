"""The shipped 8x8 handwritten digits (UCI, via scikit-learn; CC BY 4.0; see DIGITS_SOURCE.md)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

import engine
from engine.errors import BadInput

DIGITS_PATH = Path(engine.__file__).resolve().parents[1] / "resources" / "data" / "digits.npz"
DIGITS_FEATURES: tuple[str, ...] = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
DIGITS_CLASSES: tuple[str, ...] = tuple(str(i) for i in range(10))


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return ``x`` (1797, 64) float64 pixel values 0..16 and ``y`` (1797, 1) float64 digits."""
    if not DIGITS_PATH.is_file():
        raise BadInput(f"the shipped digits file is missing ({DIGITS_PATH})", "dataset")
    with np.load(DIGITS_PATH, allow_pickle=False) as f:
        x = np.ascontiguousarray(f["x"], dtype=np.float64)
        y = np.ascontiguousarray(f["y"], dtype=np.float64).reshape(-1, 1)
    return x, y
