"""Scalar math written once for both targets: plain Python functions registered with numba's
``register_jitable``, so that they stay ordinary functions when called from Python (tests use
them as references) and compile inside any ``njit`` or ``cuda.jit`` kernel that calls them.

``engine/kernels/cpu`` wraps the ones the CPU kernels call directly with ``njit`` and
``engine/kernels/cuda`` wraps the same function objects with ``cuda.jit(device=True)``.
Modules: ``rng`` (counter-based random numbers), ``activations``, ``losses``, ``mathx``.
"""
