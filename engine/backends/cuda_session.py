"""Run a TrainingSession on the GPU: ``use_cuda(session)`` / ``make_cuda_session(...)``.

The session calls four program functions (``train_steps``, ``evaluate_program``,
``predict_program`` and, through its ``Monitors``, ``monitor_program``) by their module-level names.
Until the session takes a ``program`` argument, ``use_cuda`` gives one session its own copies of
the methods that call them, with those names bound to a ``CudaProgram``'s methods (same code, other
globals); every other session keeps the CPU program. ``CudaProgram`` runs in its drop-in mode (host
arrays synchronised on every call), so the rest of the session reads weights as before.
"""
from __future__ import annotations

import types
from typing import Any, Callable

from engine.backends.cuda import CudaProgram, make_cuda_program

# method -> the program names it calls
_SESSION_METHODS = {"_call": ("train_steps",), "evaluate": ("evaluate_program",),
                    "predict": ("predict_program",)}
_MONITOR_METHODS = {"run_pass": ("monitor_program",)}


def _rebound(func: Callable, names: dict[str, Any]) -> Callable:
    """``func`` with some global names replaced (same code object, copied globals)."""
    glob = dict(func.__globals__)
    glob.update(names)
    new = types.FunctionType(func.__code__, glob, func.__name__, func.__defaults__,
                             func.__closure__)
    new.__kwdefaults__ = func.__kwdefaults__
    new.__doc__ = func.__doc__
    new.__qualname__ = func.__qualname__
    return new


def _patch(obj: Any, methods: dict[str, tuple[str, ...]], program: CudaProgram) -> None:
    for meth, names in methods.items():
        func = getattr(type(obj), meth)
        missing = [n for n in names if n not in func.__globals__]
        if missing:
            raise RuntimeError(f"{type(obj).__name__}.{meth} no longer calls {missing}: "
                               "engine/backends/cuda_session.py needs updating")
        bound = _rebound(func, {n: getattr(program, n) for n in names})
        setattr(obj, meth, types.MethodType(bound, obj))


def use_cuda(session: Any, resident: bool = False) -> Any:
    """Switch ``session`` (a TrainingSession) to the GPU program; returns the session.

    Raises ``BadInput(..., "device")`` when no GPU (or simulator) is usable. The monitors are
    re-bound whenever the session rebuilds them (new model, batch size).
    """
    program = make_cuda_program(resident=resident)
    session.program = program
    _patch(session, _SESSION_METHODS, program)
    _patch(session.monitors, _MONITOR_METHODS, program)
    prepare = type(session)._prepare_model

    def _prepare_model(self) -> None:
        prepare(self)
        _patch(self.monitors, _MONITOR_METHODS, program)
        program.mark_host_changed()

    session._prepare_model = types.MethodType(_prepare_model, session)
    return session


def make_cuda_session(*args: Any, **kwargs: Any) -> Any:
    """``TrainingSession(*args, **kwargs)`` running on the GPU (see ``use_cuda``)."""
    from engine.session import TrainingSession
    return use_cuda(TrainingSession(*args, **kwargs))
