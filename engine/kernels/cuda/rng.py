"""Counter-based random numbers inside CUDA kernels: engine/kernels/scalar/rng.py's functions
compiled as device functions (the CPU compiles the same ones), so a dropout mask drawn on the GPU
equals the CPU's, element for element, whatever the thread schedule.
"""
from __future__ import annotations

from numba import cuda

from engine.kernels.scalar import rng as _rng

MASK64 = 0xFFFF_FFFF_FFFF_FFFF


def counter(value: int) -> int:
    """A kernel's seed/step/key argument as the uint64 the CPU's ``np.uint64(int64)`` gives
    (negative steps, used by Monte-Carlo dropout, wrap around); the simulator's numpy would
    refuse a negative Python int."""
    return int(value) & MASK64


splitmix64 = cuda.jit(device=True)(_rng.splitmix64)
hash4 = cuda.jit(device=True)(_rng.hash4)
uniform01 = cuda.jit(device=True)(_rng.uniform01)
normal01 = cuda.jit(device=True)(_rng.normal01)


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
