"""numba.cuda kernels with the CPU kernels' contract (engine/kernels/contract.py): modules of the
same names as engine/kernels/cpu define the shared kernels with the same names and parameters
(flat device buffers and their sizes, as the CPU's), as a Python launcher where a raw kernel cannot
take those arguments.

Shared modules: ``layers_dense`` (tiled matmul, max-norm), ``layers_act``, ``layers_noise``
(dropout family, flat copy and fill), ``layers_norm`` (batch norm / renorm, layer norm),
``losses``, ``optim`` (updates, clipping), ``monitors`` (histograms, output summaries, dead and
saturated units), ``rng`` (the counter-based generator, as the CPU's). The GPU program's own:
``reduce`` (per-parameter sums, non-finite counts, penalty gradients), ``gather`` (batch rows on
the device), ``launch`` (tile and block sizes, launcher helpers, device scratch), ``ptx_check``.
Works with numba's built-in CUDA target and with the numba-cuda package (both are reached
through ``from numba import cuda``) and under the CUDA simulator.

Typing note: compiled numba (CPU and CUDA alike) keeps ``float(x)`` of a float32 element float32
and promotes float32 with float64 to float64, so on a GPU these kernels round like their CPU twins.
The simulator runs the same code on numpy scalars, where ``float(x)`` is a Python float64: it may
round intermediates more finely (and overflow later) than compiled code; its tests therefore use
float32 tolerances rather than bit equality.
"""
