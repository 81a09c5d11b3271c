"""CUDA kernel tests: run under numba's simulator (NUMBA_ENABLE_CUDASIM=1 before numba is imported)
or on a real GPU; skipped where neither is available. Small launch geometry keeps the simulator fast."""
from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest

from engine.backends import cuda_status


@pytest.fixture(autouse=True)
def _cuda_or_skip():
    usable, reason = cuda_status()
    if not usable:
        pytest.skip(f"no CUDA (real or simulated): {reason}")
    from engine.kernels.cuda.launch import CONFIG, set_launch_config
    saved = (CONFIG.tile, CONFIG.threads, CONFIG.max_blocks)
    set_launch_config(tile=8, threads=16, max_blocks=2)
    with warnings.catch_warnings():
        # uint64 wrap-around in the simulated splitmix64 is intended (numpy scalars warn).
        warnings.filterwarnings("ignore", "overflow encountered", RuntimeWarning)
        yield
    set_launch_config(*saved)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def to_dev(a):
    """Copy a host array to the device (C-contiguous)."""
    from numba import cuda
    return cuda.to_device(np.ascontiguousarray(a))


def host(d):
    """Copy a device array back to the host."""
    return d.copy_to_host()


def call_both(module: str, name: str, *args):
    """Call kernel ``name`` of engine.kernels.cpu.<module> and the same-named kernel of
    engine.kernels.cuda.<module> with the same arguments: copies of the host arrays in ``args``
    for the CPU, device copies for CUDA (other arguments as given).

    Returns ``(cpu, gpu)``: each a list of every argument after the call (arrays back on the
    host) followed by the kernel's return value.
    """
    cpu_fn = getattr(importlib.import_module(f"engine.kernels.cpu.{module}"), name)
    gpu_fn = getattr(importlib.import_module(f"engine.kernels.cuda.{module}"), name)
    cpu_args = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    gpu_args = [to_dev(a) if isinstance(a, np.ndarray) else a for a in args]
    cpu_ret = cpu_fn(*cpu_args)
    gpu_ret = gpu_fn(*gpu_args)
    gpu_out = [host(d) if isinstance(a, np.ndarray) else d for a, d in zip(args, gpu_args)]
    return cpu_args + [cpu_ret], gpu_out + [gpu_ret]
