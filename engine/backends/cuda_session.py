"""Run a TrainingSession on the GPU: ``use_cuda(session)`` (or pass ``program=make_cuda_program()``).

The session runs its steps, evaluation, predictions and monitor passes on ``session.program``
(engine/session/backend.py); ``use_cuda`` sets it to a ``CudaProgram``. In resident mode the
weights stay on the device between calls and the session synchronises the host arrays around every
read and write of them (get_weights, state_dict, set_weights, reset, ...).
"""
from __future__ import annotations

from typing import Any

from engine.backends.cuda import make_cuda_program


def use_cuda(session: Any, resident: bool = False) -> Any:
    """Switch ``session`` (a TrainingSession) to the GPU program; returns the session.

    Raises ``BadInput(..., "device")`` when no GPU (or simulator) is usable.
    """
    session.program = make_cuda_program(resident=resident)
    return session
