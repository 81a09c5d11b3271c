"""Random numbers: SeedSequence streams for Python-side draws, a counter-based hash for kernels.

Kernel randomness (dropout masks, Gaussian noise, rrelu slopes) is a pure function of
``(seed, step, layer_key, index)`` built on splitmix64 with uint64 arithmetic only, so the same
numbers come out of numba CPU code, numba.cuda kernels and any grouping of steps into calls.
"""
from __future__ import annotations

import hashlib
import math

import numpy as np
from numba import njit

_MASK63 = (1 << 63) - 1


def key_int(key: object) -> int:
    """Stable 63-bit integer for a string/int key (blake2b of its text)."""
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        return int(key) & _MASK63
    digest = hashlib.blake2b(str(key).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little") & _MASK63


def layer_key(layer_id: str) -> int:
    """Stable 63-bit hash of a layer id, the ``layer_key`` of in-kernel randomness."""
    return key_int("layer:" + str(layer_id))


def stream(seed: int, *keys: object) -> np.random.Generator:
    """Independent PCG64 generator for ``seed`` and fixed keys, e.g. ``stream(0, "shuffle", 3)``."""
    entropy = [int(seed) & _MASK63] + [key_int(k) for k in keys]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy)))


@njit(cache=True, nogil=True)
def splitmix64(x: np.uint64) -> np.uint64:
    """One splitmix64 finalisation of the uint64 ``x``."""
    z = np.uint64(x) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@njit(cache=True, nogil=True)
def hash4(seed: int, step: int, layer_key: int, index: int) -> np.uint64:
    """uint64 hash of four integers (each reinterpreted as uint64)."""
    h = splitmix64(np.uint64(seed))
    h = splitmix64(h ^ np.uint64(step))
    h = splitmix64(h ^ np.uint64(layer_key))
    return splitmix64(h ^ np.uint64(index))


@njit(cache=True, nogil=True)
def uniform01(seed: int, step: int, layer_key: int, index: int) -> float:
    """Uniform float64 in [0, 1) with 53 random bits; pure function of its arguments."""
    h = hash4(seed, step, layer_key, index)
    return float(h >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, nogil=True)
def normal01(seed: int, step: int, layer_key: int, index: int) -> float:
    """Standard normal float64 by Box-Muller on counters ``2*index`` and ``2*index + 1``."""
    u1 = uniform01(seed, step, layer_key, 2 * index)
    u2 = uniform01(seed, step, layer_key, 2 * index + 1)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


__all__ = ["stream", "layer_key", "key_int", "splitmix64", "hash4", "uniform01", "normal01"]
