"""Launch geometry of the CUDA kernels (tile size of the matmul, threads per block, grid limits)
and the launchers' shared helpers: flat buffers seen as matrices, stand-ins for empty arguments,
per-thread device scratch.

Every kernel takes its geometry from ``CONFIG`` so that tests under numba's CUDA simulator (which
runs each GPU thread as a Python thread) can use small blocks: ``set_launch_config(tile=4,
threads=32)``. Kernels are written with grid-stride loops, so any geometry gives the same numbers.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from numba import cuda

from engine.kernels.cuda.simulator import simulator_enabled


@dataclass
class LaunchConfig:
    """``tile``: side of the shared-memory matmul tile (tile x tile threads per block);
    ``threads``: threads per block of 1-D kernels; ``max_blocks``: grid limit of 1-D kernels."""

    tile: int = 16
    threads: int = 128
    max_blocks: int = 1024

    def __repr__(self) -> str:
        return f"LaunchConfig(tile={self.tile}, threads={self.threads}, max_blocks={self.max_blocks})"


CONFIG = LaunchConfig(tile=8, threads=16, max_blocks=2) if simulator_enabled() else LaunchConfig()


def set_launch_config(tile: int | None = None, threads: int | None = None,
                      max_blocks: int | None = None) -> LaunchConfig:
    """Change the launch geometry in place (values must be positive); returns ``CONFIG``."""
    for name, value in (("tile", tile), ("threads", threads), ("max_blocks", max_blocks)):
        if value is not None:
            if int(value) < 1:
                raise ValueError(f"{name} must be >= 1, got {value}")
            setattr(CONFIG, name, int(value))
    return CONFIG


def grid1d(n: int) -> tuple[int, int]:
    """(blocks, threads) for a grid-stride loop over ``n`` items."""
    threads = CONFIG.threads
    blocks = max(1, min(CONFIG.max_blocks, (int(n) + threads - 1) // threads))
    return blocks, threads


def matrix(flat, rows: int, cols: int):
    """The first rows*cols elements of the flat (row-major) device array ``flat`` as a (rows,
    cols) view: the CPU kernels' flat convention read by a 2-D kernel."""
    rows, cols = int(rows), int(cols)
    return flat[:rows * cols].reshape((rows, cols))


def or_stand_in(a, stand_in):
    """``a``, or ``stand_in`` (an array of the same type) when ``a`` is empty: the CPU kernels
    take empty views for absent parameters (no bias, no gamma), the kernels a real array that
    they then do not touch."""
    return a if a.shape[0] else stand_in


_SCRATCH = threading.local()


def scratch(name: str, n: int, dtype=np.float64):
    """A 1-D device array of ``n`` elements for the launcher ``name``, kept per thread and grown
    when too small (its contents are undefined: launchers write it before reading it)."""
    pool = getattr(_SCRATCH, "pool", None)
    if pool is None:
        pool = _SCRATCH.pool = {}
    n = max(int(n), 1)
    arr = pool.get(name)
    if arr is None or arr.shape[0] < n or arr.dtype != np.dtype(dtype):
        arr = pool[name] = cuda.device_array(n, dtype)
    return arr[:n]
