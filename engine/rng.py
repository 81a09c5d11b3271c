"""Random numbers drawn in Python: independent ``SeedSequence`` streams keyed by name, and the
63-bit layer keys that the kernels' counter-based generator (engine/kernels/scalar/rng.py) takes.
"""
from __future__ import annotations

import hashlib

import numpy as np

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


__all__ = ["stream", "layer_key", "key_int"]
