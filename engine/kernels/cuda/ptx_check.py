"""Compile every CUDA kernel to PTX without a GPU: catches typing errors the simulator cannot see.

The simulator runs kernels as Python, so a construct that compiled numba.cuda rejects would pass
its tests. ``compile_all()`` types and compiles each kernel for the argument types the launchers
pass (C-contiguous arrays of the model dtype, float64 scalars, int64 codes, booleans). It needs
NVVM (e.g. the ``nvidia-cuda-nvcc-cu12`` and ``nvidia-cuda-nvrtc-cu12`` wheels with the numba-cuda
package, or a CUDA toolkit) but no driver. ``python -m engine.kernels.cuda.ptx_check`` prints a
report and exits 1 on a failure, 3 when NVVM is missing.
"""
from __future__ import annotations

import sys

from numba import boolean, cuda, float32, float64, int64, types, uint64


def _a(dt, nd: int = 1):
    return types.Array(dt, nd, "C")


def kernel_signatures(dt=float32, tile: int = 16) -> list[tuple[str, object, tuple]]:
    """(name, dispatcher, argument types) of every kernel for data dtype ``dt`` (the matmul for
    tiles of side ``tile``)."""
    from engine.kernels.cuda import gather as G
    from engine.kernels.cuda import layers_act as A
    from engine.kernels.cuda import layers_dense as M
    from engine.kernels.cuda import layers_noise as N
    from engine.kernels.cuda import layers_norm as NO
    from engine.kernels.cuda import losses as L
    from engine.kernels.cuda import monitors as MO
    from engine.kernels.cuda import optim as O
    from engine.kernels.cuda import reduce as R
    from engine.kernels.cuda import rng
    import numpy as np
    f, v, m = float64, _a(dt), _a(dt, 2)
    d1, d2, i1, i2 = _a(float64), _a(float64, 2), _a(int64), _a(int64, 2)
    b, n = boolean, int64
    gemm = M._gemm_kernel(tile, np.float32 if dt == float32 else np.float64)
    # counters >= 2**63 (negative steps of Monte-Carlo dropout) arrive as uint64: the "_u64" rows
    c64, u64 = (int64, int64, int64), (uint64, uint64, uint64)
    return [
        ("gemm", gemm, (m, m, m, v, b, b, b, b)),
        ("column_sums", M._column_sums_kernel, (m, v, b)),
        ("max_norm", M._max_norm_kernel, (m, f)),
        ("act_forward", A._act_forward_kernel, (n, v, v, v, f, f, v, b, *c64, n, n)),
        ("act_forward_u64", A._act_forward_kernel, (n, v, v, v, f, f, v, b, *u64, n, n)),
        ("act_backward", A._act_backward_kernel, (n, v, v, v, v, v, f, v, n, n)),
        ("softmax_forward", A._softmax_forward_kernel, (v, v, n, n)),
        ("softmax_backward", A._softmax_backward_kernel, (v, v, v, n, n)),
        ("prelu_alpha_grad", A._prelu_alpha_grad_kernel, (v, v, v, n, n)),
        ("dropout", N._dropout_kernel, (v, v, v, f, *c64, n)),
        ("dropout_u64", N._dropout_kernel, (v, v, v, f, *u64, n)),
        ("alpha_dropout", N._alpha_dropout_kernel, (v, v, v, f, *c64, n)),
        ("alpha_dropout_u64", N._alpha_dropout_kernel, (v, v, v, f, *u64, n)),
        ("gaussian_noise", N._gaussian_noise_kernel, (v, v, f, *c64, n)),
        ("gaussian_noise_u64", N._gaussian_noise_kernel, (v, v, f, *u64, n)),
        ("mask_backward", N._mask_backward_kernel, (v, v, v, n)),
        ("fill", N._fill_kernel, (v, f, n)),
        ("fill_random", rng._fill_uniform, (d1, *c64, b)),
        ("bn_train", NO._bn_train_kernel, (m, m, v, v, v, v, m, f, b, f, f, b, b, b)),
        ("bn_update_moving", NO._bn_update_moving_kernel, (v, v, m, f, n)),
        ("bn_infer", NO._bn_infer_kernel, (m, m, v, v, v, v, f, b, b)),
        ("bn_backward", NO._bn_backward_kernel, (m, m, m, v, v, v, m, f, b, b)),
        ("bn_infer_backward", NO._bn_infer_backward_kernel, (m, m, v, v, f, b)),
        ("ln_forward", NO._ln_forward_kernel, (m, m, v, v, m, f, b, b)),
        ("ln_backward_rows", NO._ln_backward_rows_kernel, (m, m, m, v, m, b)),
        ("ln_backward_cols", NO._ln_backward_cols_kernel, (m, m, v, v, m, b, b)),
        ("loss_rows", L._loss_rows_kernel, (n, n, m, m, v, m, b, d1)),
        ("scaled_sum", L._scaled_sum_kernel, (d1, n, f, d1)),
        ("correct_rows", L._correct_rows_kernel, (n, n, m, m, d1)),
        ("begin_step", O._begin_step_kernel, (n, d1, n, f)),
        ("optimizer_update", O._update_kernel, (n, d1, d1, v, v, v, v, v, n, f, f)),
        ("clip_value", O._clip_value_kernel, (v, i2, f)),
        ("clip_scale", O._clip_scale_kernel, (v, i2, d1, f, b)),
        ("segment_partials", R._segment_partials_kernel, (v, i2, d2, n)),
        ("rows_sum", R._rows_sum_kernel, (d2, d1)),
        ("regularize", R._regularize_kernel, (v, v, f, f)),
        ("histogram_fixed", MO._histogram_fixed_kernel, (m, f, f, i1)),
        ("zero_int", MO._zero_int_kernel, (i1,)),
        ("unit_counts", MO._unit_counts_kernel, (n, m, m, i1, i1)),
        ("summary_partials", MO._summary_partials_kernel, (m, d2)),
        ("summary_final", MO._summary_final_kernel, (d2, n, d1)),
        ("figures_final", MO._figures_final_kernel, (n, i1, i1, n, d1)),
        ("gather", G._gather_kernel, (m, m, v, m, m, v, i1, n)),
        ("subtract", G._subtract_kernel, (v, v, v)),
    ]


def nvvm_available() -> tuple[bool, str]:
    """Whether kernels can be compiled to PTX here (NVVM found, simulator off)."""
    from engine.kernels.cuda.simulator import simulator_enabled
    if simulator_enabled():
        return False, "the CUDA simulator is on"
    if not hasattr(cuda, "compile_ptx"):
        return False, "numba.cuda has no compile_ptx"
    try:
        cuda.compile_ptx(lambda a: None, (_a(float32),), cc=(7, 5))
    except Exception as err:  # NVVM / NVRTC libraries missing
        return False, f"NVVM unusable: {str(err).splitlines()[0] if str(err) else type(err).__name__}"
    return True, "NVVM found"


class _FakeDevice:
    """Stands in for the current device when device functions are compiled without a driver."""

    def __init__(self, cc: tuple[int, int]) -> None:
        self.compute_capability = cc


def compile_all(cc: tuple[int, int] = (7, 5), dtypes=(float32, float64)) -> list[str]:
    """Compile every kernel for each dtype; returns one line per failure (empty: all compiled).

    Device functions called by a kernel are compiled for the current device's compute capability,
    which needs a driver; without one the dispatcher module is told the device is ``cc``.
    """
    from numba.cuda import dispatcher
    saved = dispatcher.get_current_device
    dispatcher.get_current_device = lambda: _FakeDevice(cc)
    failures = []
    try:
        for dt in dtypes:
            for name, disp, sig in kernel_signatures(dt):
                try:
                    cuda.compile_ptx(disp.py_func, sig, cc=cc)
                except Exception as err:
                    first = str(err).strip().splitlines()
                    failures.append(f"{name} [{dt}]: {type(err).__name__}: "
                                    f"{' '.join(first[:3]) if first else ''}")
    finally:
        dispatcher.get_current_device = saved
    return failures


def main() -> int:
    ok, reason = nvvm_available()
    if not ok:
        print(f"ptx_check: cannot compile here ({reason})")
        return 3
    failures = compile_all()
    n = 2 * len(kernel_signatures())
    for line in failures:
        print(line)
    print(f"ptx_check: {n - len(failures)} of {n} kernel compilations succeeded")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
