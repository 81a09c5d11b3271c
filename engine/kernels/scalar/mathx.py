"""Two-argument max and min with numba's builtin semantics (``max(a, b)`` is ``b if b > a else a``,
NaN in the first argument included). numba 0.68's built-in CUDA target fails to type the builtins,
so the shared scalar code uses these."""
from __future__ import annotations

from numba.extending import register_jitable


@register_jitable
def fmax(a, b):
    """max(a, b) as numba's builtin: b if b > a else a."""
    return b if b > a else a


@register_jitable
def fmin(a, b):
    """min(a, b) as numba's builtin: b if b < a else a."""
    return b if b < a else a
