"""Compute backends: the CPU program and the numba.cuda program, and which one to use."""
from engine.backends.device import DEVICES, cuda_status, resolve_device, simulator_enabled

__all__ = ["DEVICES", "cuda_status", "resolve_device", "simulator_enabled"]
