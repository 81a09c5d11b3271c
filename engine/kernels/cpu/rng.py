"""The counter-based random numbers of engine/kernels/scalar/rng.py compiled for the CPU."""
from __future__ import annotations

from numba import njit

from engine.kernels.scalar import rng as _rng

splitmix64 = njit(cache=True, nogil=True)(_rng.splitmix64)
hash4 = njit(cache=True, nogil=True)(_rng.hash4)
uniform01 = njit(cache=True, nogil=True)(_rng.uniform01)
normal01 = njit(cache=True, nogil=True)(_rng.normal01)

__all__ = ["splitmix64", "hash4", "uniform01", "normal01"]

shuffle_into = njit(cache=True, nogil=True)(_rng.shuffle_into)
__all__ += ["shuffle_into"]
