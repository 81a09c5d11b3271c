"""The reference implementations behind one interface: ``run(n)``, ``reset()``, ``compile_s``."""
from __future__ import annotations

from pathlib import Path

from benchmarks import pytorch_reference
from benchmarks.data import training_arrays
from benchmarks.numpy_reference import NumpyNet


class ReferenceRunner:
    """A numpy or PyTorch net that can be put back to its initial state (``reset``) between repeats."""

    compile_s = None

    def __init__(self, impl: str, design: dict, base_dir: Path):
        self.x, self.y = training_arrays(design, base_dir)
        self.make = NumpyNet if impl == "numpy_reference" else pytorch_reference.TorchNet
        self.design = design
        self.reset()

    def reset(self) -> None:
        self.net = self.make(self.design, self.x, self.y)

    def run(self, n: int) -> float:
        return self.net.run(n)

    def __repr__(self) -> str:
        return f"ReferenceRunner({self.make.__name__})"


def _runner(impl: str, design: dict, base_dir: Path):
    """An object with ``run(n)``, ``reset()`` and ``compile_s`` (None for the references)."""
    if impl in ("engine", "engine+monitors"):
        every = 1 if impl == "engine+monitors" else engine_bench.MONITORS_OFF
        return engine_bench.EngineRunner(design, base_dir, monitor_every=every)
    return ReferenceRunner(impl, design, base_dir)
