"""Counter-based random numbers inside CUDA kernels: the same integer arithmetic as engine/rng.py.

``uniform01(seed, step, layer_key, index)`` is splitmix64 applied four times over the uint64
reinterpretation of its arguments, exactly as the CPU's ``engine.rng.hash4``; so a dropout mask
drawn on the GPU equals the CPU's, element for element, whatever the thread schedule.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from numba import cuda

from engine.backends.device import simulator_enabled

if simulator_enabled():
    # The simulator runs splitmix64 on numpy uint64 scalars, which warn on the intended wrap-around.
    warnings.filterwarnings("ignore", message="overflow encountered in scalar",
                            category=RuntimeWarning, module=r"engine\.kernels\.cuda\.rng")


MASK64 = 0xFFFF_FFFF_FFFF_FFFF


def counter(value: int) -> int:
    """A kernel's seed/step/key argument as the uint64 the CPU's ``np.uint64(int64)`` gives
    (negative steps, used by Monte-Carlo dropout, wrap around); the simulator's numpy would
    refuse a negative Python int."""
    return int(value) & MASK64


@cuda.jit(device=True)
def splitmix64(x):
    """One splitmix64 finalisation of the uint64 ``x``."""
    z = np.uint64(x) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@cuda.jit(device=True)
def hash4(seed, step, layer_key, index):
    """uint64 hash of four integers (each reinterpreted as uint64), as engine.rng.hash4."""
    h = splitmix64(np.uint64(seed))
    h = splitmix64(h ^ np.uint64(step))
    h = splitmix64(h ^ np.uint64(layer_key))
    return splitmix64(h ^ np.uint64(index))


@cuda.jit(device=True)
def uniform01(seed, step, layer_key, index):
    """Uniform float64 in [0, 1) with 53 random bits."""
    h = hash4(seed, step, layer_key, index)
    return float(h >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@cuda.jit(device=True)
def normal01(seed, step, layer_key, index):
    """Standard normal by Box-Muller on counters ``2*index`` and ``2*index + 1``."""
    u1 = uniform01(seed, step, layer_key, 2 * index)
    u2 = uniform01(seed, step, layer_key, 2 * index + 1)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


@cuda.jit(cache=True)
def _fill_uniform(out, seed, step, layer_key, normal):
    i = cuda.grid(1)
    stride = cuda.gridsize(1)
    while i < out.shape[0]:
        if normal:
            out[i] = normal01(seed, step, layer_key, i)
        else:
            out[i] = uniform01(seed, step, layer_key, i)
        i += stride


def fill_random(out, seed: int, step: int, layer_key: int, normal: bool = False) -> None:
    """``out[i] = uniform01(seed, step, layer_key, i)`` (or ``normal01``) for a 1-D float64 device array."""
    from engine.kernels.cuda.launch import grid1d
    blocks, threads = grid1d(out.shape[0])
    _fill_uniform[blocks, threads](out, counter(seed), counter(step), counter(layer_key),
                                   bool(normal))
