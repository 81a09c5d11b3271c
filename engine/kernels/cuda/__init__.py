"""numba.cuda twins of engine/kernels/cpu: same codes and conventions, device arrays in and out.

Modules: ``matmul`` (tiled dense forward/backward), ``activations``, ``noise`` (dropout family),
``norm`` (batch norm / renorm, layer norm), ``losses``, ``optim`` (updates, clipping), ``reduce``
(norms, penalties, histograms, unit counts), ``rng`` (splitmix64 counters as engine.rng),
``launch`` (tile and block sizes). Works with numba's built-in CUDA target and with the numba-cuda
package (both are reached through ``from numba import cuda``) and under the CUDA simulator.

Typing note: compiled numba (CPU and CUDA alike) keeps ``float(x)`` of a float32 element float32
and promotes float32 with float64 to float64, so on a GPU these kernels round like their CPU twins.
The simulator runs the same code on numpy scalars, where ``float(x)`` is a Python float64: it may
round intermediates more finely (and overflow later) than compiled code; its tests therefore use
float32 tolerances rather than bit equality.
"""
