"""The session's program seam: which program runs the steps (engine.program on the CPU, a
``CudaProgram`` on the GPU) and host/device residency around it.

A program is any object with ``train_steps``, ``evaluate_program``, ``predict_program`` and
``monitor_program`` taking engine.program's arguments. A resident program (weights kept on the
device between calls) may also have ``sync_to_host()`` (bring the device buffers to the host arrays)
and ``mark_host_changed()`` (the host arrays were written: upload them on next use); the CPU program
has neither and both are no-ops then.
"""
from __future__ import annotations

from typing import Any

import numpy as np

import engine.program as cpu_program
from engine.model import Model
from engine.monitors import Monitors
from engine.snapshot import edges_for


class ProgramMonitors(Monitors):
    """Monitors whose monitor pass runs on the session's program (``self.program``)."""

    _program: Any = None  # None: the CPU program (a module is kept off the instance: copyable)

    def __init__(self, model: Model, x_monitor: Any, program: Any = cpu_program) -> None:
        super().__init__(model, x_monitor)
        self.program = program

    @property
    def program(self) -> Any:
        return cpu_program if self._program is None else self._program

    @program.setter
    def program(self, program: Any) -> None:
        self._program = None if program is None or program is cpu_program else program

    def run_pass(self) -> None:
        """Inference pass over the monitor batch on ``self.program`` (fixes the edges on the
        first pass); see Monitors.run_pass."""
        m = self.model
        if self.xm.shape[0] == 0:
            return
        run = self.program.monitor_program
        args = (m.ip, m.fp, m.lay, m.params, m.state, m.work, self.xm)
        if np.isnan(self.edges).any():
            run(*args, self.edges, self.hist, self.amon)
            for i in range(len(m.layers)):
                if np.isnan(self.edges[i]).any():
                    self.edges[i] = edges_for(self._function(i), self.amon[i, 0], self.amon[i, 1])
        run(*args, self.edges, self.hist, self.amon)
        self.have_pass = True


class ProgramSeam:
    """Mixin of TrainingSession: the ``program`` attribute and the residency hooks."""

    _program: Any = cpu_program

    @property
    def program(self) -> Any:
        """The program running steps, evaluation, predictions and monitor passes."""
        return self._program

    @program.setter
    def program(self, program: Any) -> None:
        old = self.__dict__.get("_program")
        if old is not None and old is not program:
            self._sync_host()  # the old program may hold the newest weights
        if program is None or program is cpu_program:
            self.__dict__.pop("_program", None)  # the class default: the CPU module
        else:
            self._program = program
        monitors = self.__dict__.get("monitors")
        if monitors is not None:
            monitors.program = self._program
        self._host_changed()

    def _sync_host(self, names: tuple[str, ...] | None = None) -> None:
        """Bring a resident program's device buffers (all, or ``names`` of params, grads,
        state, work, slots, wprev, ostate) to the host arrays (no-op on the CPU)."""
        sync = getattr(self._program, "sync_to_host", None)
        if sync is not None:
            sync() if names is None else sync(names)

    def _host_changed(self) -> None:
        """Tell a resident program that the host arrays were written (no-op on the CPU)."""
        mark = getattr(self._program, "mark_host_changed", None)
        if mark is not None:
            mark()

    def sync_to_host(self) -> None:
        """Make ``model.params`` / ``state`` / ``work`` and the optimiser slots current on the host
        (for code that reads the model's arrays directly while a resident GPU program runs)."""
        self._sync_host()

    def host_changed(self) -> None:
        """Call after writing the model's arrays directly (uploaded before the next step)."""
        self._host_changed()
