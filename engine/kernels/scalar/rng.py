"""Counter-based random numbers: a pure function of ``(seed, step, layer_key, index)``.

splitmix64 with uint64 arithmetic only, so numba CPU code, numba.cuda kernels and any grouping of
steps into calls give the same numbers. Arguments are reinterpreted as uint64 (negative steps, used
by Monte-Carlo dropout, wrap around).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from numba.extending import register_jitable

# Run as Python (tests, the CUDA simulator), the uint64 wrap-around is intended; numpy scalars warn.
warnings.filterwarnings("ignore", message="overflow encountered in scalar", category=RuntimeWarning,
                        module=r"engine\.kernels\.scalar\.rng")


@register_jitable
def splitmix64(x):
    """One splitmix64 finalisation of the uint64 ``x``."""
    z = np.uint64(x) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@register_jitable
def hash4(seed, step, layer_key, index):
    """uint64 hash of four integers (each reinterpreted as uint64)."""
    h = splitmix64(np.uint64(seed))
    h = splitmix64(h ^ np.uint64(step))
    h = splitmix64(h ^ np.uint64(layer_key))
    return splitmix64(h ^ np.uint64(index))


@register_jitable
def uniform01(seed, step, layer_key, index):
    """Uniform float64 in [0, 1) with 53 random bits."""
    h = hash4(seed, step, layer_key, index)
    return float(h >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@register_jitable
def normal01(seed, step, layer_key, index):
    """Standard normal float64 by Box-Muller on counters ``2*index`` and ``2*index + 1``."""
    u1 = uniform01(seed, step, layer_key, 2 * index)
    u2 = uniform01(seed, step, layer_key, 2 * index + 1)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


# The shuffle stream (docs/NUMERICS.md "Shuffling"): epoch e's order of n samples is a Fisher-Yates
# (Durstenfeld) shuffle of 0..n-1 whose draw for position i (n-1 down to 1) is
# hash4(seed, e, SHUFFLE_KEY, i) mapped to [0, i] by a 64-bit multiply-high (Lemire, no rejection:
# bias below n / 2**64). SHUFFLE_KEY = engine.rng.key_int("shuffle").
SHUFFLE_KEY = 0xB4DA1EB0ABD1EDB


@register_jitable
def mulhi_small(u, m):
    """floor(u * m / 2**64) for uint64 ``u`` and ``m`` < 2**32 (no overflow in 64 bits)."""
    u = np.uint64(u)
    m = np.uint64(m)
    lo = (u & np.uint64(0xFFFFFFFF)) * m
    return ((u >> np.uint64(32)) * m + (lo >> np.uint64(32))) >> np.uint64(32)


@register_jitable
def shuffle_base(seed, epoch):
    """hash4(seed, epoch, SHUFFLE_KEY, i) is splitmix64(shuffle_base(seed, epoch) ^ i)."""
    h = splitmix64(np.uint64(seed))
    h = splitmix64(h ^ np.uint64(epoch))
    return splitmix64(h ^ np.uint64(SHUFFLE_KEY))


@register_jitable
def shuffle_into(perm, n, seed, epoch):
    """perm[:n] = epoch ``epoch``'s order of the samples 0..n-1 (n < 2**32)."""
    for i in range(n):
        perm[i] = i
    base = shuffle_base(seed, epoch)
    for i in range(n - 1, 0, -1):
        j = np.int64(mulhi_small(splitmix64(base ^ np.uint64(i)), i + 1))
        t = perm[i]
        perm[i] = perm[j]
        perm[j] = t
