"""Small device helpers. numba 0.68's built-in CUDA target fails to type the two-argument builtins
``max(a, b)`` / ``min(a, b)``, so kernels use these (same result as numba's builtins, NaN in the
first argument included: a later argument replaces the current one only when strictly
greater/smaller)."""
from __future__ import annotations

from numba import cuda


@cuda.jit(device=True)
def fmax(a, b):
    """max(a, b) as numba's builtin: b if b > a else a."""
    return b if b > a else a


@cuda.jit(device=True)
def fmin(a, b):
    """min(a, b) as numba's builtin: b if b < a else a."""
    return b if b < a else a
