"""TF Playground's feature crosses and the standardiser fitted on the training part."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class Cross:
    """A derived feature: the raw columns it ``uses`` and how it is computed from them."""

    uses: tuple[str, ...]
    function: Callable[[np.ndarray, np.ndarray], np.ndarray]


CROSSES: dict[str, Cross] = {
    "x1": Cross(("x1",), lambda a, b: a),
    "x2": Cross(("x2",), lambda a, b: b),
    "x1^2": Cross(("x1",), lambda a, b: a * a),
    "x2^2": Cross(("x2",), lambda a, b: b * b),
    "x1*x2": Cross(("x1", "x2"), lambda a, b: a * b),
    "sin(x1)": Cross(("x1",), lambda a, b: np.sin(a)),
    "sin(x2)": Cross(("x2",), lambda a, b: np.sin(b)),
}


def apply_crosses(raw: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Compute generator features from raw coordinates.

    Parameters
    ----------
    raw : (n, 1) or (n, 2) float64, columns x1 (, x2).
    features : names from ``CROSSES``.

    Returns
    -------
    (n, len(features)) float64, C-contiguous.
    """
    a = raw[:, 0]
    b = raw[:, 1] if raw.shape[1] > 1 else np.zeros_like(a)
    out = np.empty((raw.shape[0], len(features)), dtype=np.float64)
    for j, name in enumerate(features):
        out[:, j] = CROSSES[name].function(a, b)
    return out


class Standardizer:
    """Per-column ``(x - mean) / std`` fitted on training rows; constant columns keep scale 1.

    Attributes
    ----------
    mean, std : (k,) float64. ``std`` is the population standard deviation, 1.0 for a constant
        column (which is then only centred, never divided by zero). Identity when ``enabled`` is
        False (mean 0, std 1).
    """

    def __init__(self, x_train: np.ndarray, enabled: bool = True):
        k = x_train.shape[1]
        self.enabled = bool(enabled)
        if enabled and x_train.shape[0] > 0:
            self.mean = x_train.mean(axis=0)
            std = x_train.std(axis=0)
            scale = np.maximum(np.abs(self.mean), 1.0)
            self.std = np.where(std > 1e-12 * scale, std, 1.0)
        else:
            self.mean = np.zeros(k)
            self.std = np.ones(k)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """(n, k) -> (n, k) float64, C-contiguous."""
        return np.ascontiguousarray((x - self.mean) / self.std, dtype=np.float64)

    def __repr__(self) -> str:
        return f"Standardizer(enabled={self.enabled}, columns={self.mean.shape[0]})"
