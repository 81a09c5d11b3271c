"""Timing helpers: machine facts, matmul GFLOP/s, and median steps/s after warm-up."""
from __future__ import annotations

import os
import platform
import statistics
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np


def cpu_name() -> str:
    """The CPU model name (from /proc/cpuinfo on Linux)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def matmul_gflops(n: int = 1024, repeats: int = 7) -> float:
    """GFLOP/s of a float32 ``(n, n) @ (n, n)`` numpy matmul (2 n^3 FLOPs), median of ``repeats``."""
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    c = np.empty((n, n), np.float32)
    np.matmul(a, b, out=c)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t0)
    return 2.0 * n ** 3 / statistics.median(times) / 1e9


def machine_info(matmul_n: int = 1024) -> dict:
    """``{"cpu", "cores", "matmul_gflops", ...}`` for results.json."""
    import numba

    info = {"cpu": cpu_name(), "cores": os.cpu_count(), "matmul_gflops": round(matmul_gflops(matmul_n), 2),
            "python": platform.python_version(), "numpy": np.__version__, "numba": numba.__version__,
            "platform": platform.platform()}
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    except ImportError:
        info["torch"] = None
    return info


@dataclass(frozen=True)
class Timing:
    """Median steps/s over ``repeats`` timed runs of ``steps`` steps each, after warm-up."""

    steps_per_s: float
    steps: int
    repeats: int
    spread: float  # (max - min) / median of the repeats' steps/s

    def as_dict(self) -> dict:
        return {"steps_per_s": round(self.steps_per_s, 2), "steps": self.steps, "repeats": self.repeats,
                "spread": round(self.spread, 3)}


def time_steps(run: Callable[[int], object], target_s: float = 0.4, repeats: int = 5,
               max_steps: int = 10_000_000) -> Timing:
    """Time ``run(n)`` (n training steps): warm up, size n to ~``target_s`` per repeat, take the median.

    The warm-up doubles n from 1 until one call takes >= ``target_s / 8`` (at least one call after the
    first, which may compile or allocate), and its rate sets n for the timed repeats.
    """
    n, elapsed = 1, 0.0
    run(1)
    while n < max_steps:
        t0 = time.perf_counter()
        run(n)
        elapsed = time.perf_counter() - t0
        if elapsed >= target_s / 8:
            break
        n *= 2
    steps = int(min(max_steps, max(1, n * target_s / max(elapsed, 1e-9))))
    rates = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(steps)
        rates.append(steps / (time.perf_counter() - t0))
    med = statistics.median(rates)
    return Timing(med, steps, repeats, (max(rates) - min(rates)) / med)
