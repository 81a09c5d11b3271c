"""numba.cuda twins of engine/kernels/cpu: same codes and conventions, device arrays in and out.

Modules: ``matmul`` (tiled dense forward/backward), ``activations``, ``noise`` (dropout family),
``norm`` (batch norm / renorm, layer norm), ``losses``, ``optim`` (updates, clipping), ``reduce``
(norms, penalties, histograms, unit counts), ``rng`` (splitmix64 counters as engine.rng),
``launch`` (tile and block sizes). Works with numba's built-in CUDA target and with the numba-cuda
package (both are reached through ``from numba import cuda``) and under the CUDA simulator.
"""
