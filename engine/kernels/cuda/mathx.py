"""Small device helpers: engine/kernels/scalar/mathx.py's ``fmax``/``fmin`` (numba's builtin
semantics; numba 0.68's built-in CUDA target fails to type the two-argument builtins) compiled as
device functions."""
from __future__ import annotations

from numba import cuda

from engine.kernels.scalar import mathx as _mathx

fmax = cuda.jit(device=True)(_mathx.fmax)
fmin = cuda.jit(device=True)(_mathx.fmin)
