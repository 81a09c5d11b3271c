"""Timing helpers: machine facts, matmul GFLOP/s, and median steps/s after warm-up."""
from __future__ import annotations

import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
#: Environment variables that size the thread pools of OpenBLAS, OpenMP (torch) and numba.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")


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


def matmul_gflops_in_child(threads: int | None, n: int = 1024) -> float:
    """``matmul_gflops`` measured in a fresh process whose BLAS uses ``threads`` threads (None: default)."""
    env = dict(os.environ)
    if threads:
        env.update({k: str(threads) for k in THREAD_VARS})
    code = f"from benchmarks.timing import matmul_gflops; print(matmul_gflops({int(n)}))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True, timeout=300)
    return float(out.stdout.strip().splitlines()[-1])


def machine_info(matmul_n: int = 1024, threads: int | None = None) -> dict:
    """``{"cpu", "cores", "matmul_gflops", ...}`` for results.json (matmul with ``threads`` threads)."""
    import numba

    info = {"cpu": cpu_name(), "cores": os.cpu_count(),
            "matmul_gflops": round(matmul_gflops_in_child(threads, matmul_n), 2),
            "threads": threads or "library defaults", "load_average": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "numpy": np.__version__, "numba": numba.__version__,
            "platform": platform.platform()}
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = None
    return info


@dataclass
class Timing:
    """Median steps/s over the timed repeats of ``steps`` steps each, after warm-up."""

    steps: int
    rates: list[float] = field(default_factory=list)
    cpu_rates: list[float] = field(default_factory=list)

    def add(self, wall_s: float, cpu_s: float) -> None:
        """Record one timed repeat of ``steps`` steps."""
        self.rates.append(self.steps / wall_s)
        self.cpu_rates.append(self.steps / max(cpu_s, 1e-9))

    @property
    def steps_per_cpu_s(self) -> float:
        return statistics.median(self.cpu_rates)

    @property
    def steps_per_s(self) -> float:
        return statistics.median(self.rates)

    @property
    def spread(self) -> float:
        """(max - min) / median of the repeats' steps/s: how much the machine's load moved them."""
        return (max(self.rates) - min(self.rates)) / self.steps_per_s


MIN_STEPS = 20


def calibrate(runner, target_s: float, max_steps: int) -> int:
    """Warm up ``runner`` (``reset()``, ``run(n)``) and return n such that ``run(n)`` takes ~``target_s``.

    n doubles from 1 until one call takes >= ``target_s / 8`` (the very first call may compile or
    allocate and is not counted); at least ``MIN_STEPS`` (a load spike during calibration must not
    leave a handful of steps per repeat), at most ``max_steps``.
    """
    runner.reset()
    runner.run(1)
    n, elapsed = 1, 0.0
    while n < max_steps:
        t0 = time.perf_counter()
        runner.run(n)
        elapsed = time.perf_counter() - t0
        if elapsed >= target_s / 8:
            break
        n *= 2
    return int(min(max_steps, max(MIN_STEPS, n * target_s / max(elapsed, 1e-9))))


def settle_steps(steps: int, wall_s: float, target_s: float, max_steps: int) -> int:
    """Steps per repeat after one untimed probe repeat of ``steps`` took ``wall_s``: scaled up to
    about ``target_s`` when the probe took less than half of it (a calibration slowed by another
    process's spinning BLAS threads picks too few steps, and short repeats then keep falling into
    the next process's spin), never down, at most ``max_steps``."""
    if wall_s <= 0 or wall_s >= target_s / 2 or steps >= max_steps:
        return steps
    return int(min(max_steps, math.ceil(steps * target_s / wall_s)))
