"""The benchmark workloads: which design file, which optimiser, how many FLOPs a step costs."""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

DESIGN_DIR = Path(__file__).resolve().parent / "designs"

#: Adam settings used for the "adam" variants (Keras defaults).
ADAM = {"type": "adam", "learning_rate": 0.001, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7,
        "clipnorm": None, "clipvalue": None, "global_clipnorm": None}


@dataclass(frozen=True)
class Workload:
    """One benchmark row group: a design file, an optimiser, and which implementations run it.

    ``monitors_only`` marks workload F: only the engine with every monitor at every step.
    ``runs`` > 1 (workload G): that many sessions of the design ``base`` trained in lockstep, in
    parallel (``engine.lockstep``, as a comparison runs them); its rate is the total of all runs.
    """

    name: str
    optimizer: str = "sgd"
    monitors_only: bool = False
    runs: int = 1
    base: str | None = None

    @property
    def path(self) -> Path:
        return DESIGN_DIR / f"{self.base or self.name}.json"

    @property
    def engine_only(self) -> bool:
        """Only the engine runs this workload (F and G)."""
        return self.monitors_only or self.runs > 1

    def design_dict(self) -> dict:
        """The design as a dict, with the optimiser section replaced for the Adam variants."""
        with open(self.path, encoding="utf-8") as f:
            design = json.load(f)
        if self.optimizer == "adam":
            design["optimizer"] = copy.deepcopy(ADAM)
        elif design["optimizer"]["type"] != self.optimizer:
            raise ValueError(f"{self.path.name} uses {design['optimizer']['type']}, not {self.optimizer}")
        return design


WORKLOADS: tuple[Workload, ...] = (
    Workload("A"), Workload("B"), Workload("C"),
    Workload("D"), Workload("D", "adam"),
    Workload("E"), Workload("E", "adam"),
    Workload("F", monitors_only=True),
    Workload("G", runs=4, base="B"),
)


def dense_sizes(design: dict) -> list[tuple[int, int]]:
    """(in, out) of every dense layer in order, following ``input_dim`` through the stack."""
    width = int(design["model"]["input_dim"])
    sizes = []
    for layer in design["model"]["layers"]:
        if layer["type"] == "dense":
            sizes.append((width, int(layer["units"])))
            width = int(layer["units"])
    return sizes


def batch_size(design: dict) -> int:
    """The design's training batch size (an int; the benchmarks never use ``"full"``)."""
    return int(design["training"]["batch_size"])


def flops_per_step(design: dict) -> float:
    """6 * batch * sum(in * out): forward (2), input gradient (2) and kernel gradient (2) FLOPs."""
    return 6.0 * batch_size(design) * sum(i * o for i, o in dense_sizes(design))
