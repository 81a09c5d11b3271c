"""The one kernel contract: the kernels both targets define, by module, with the same names and
the same parameters in the same order.

``engine/kernels/cpu/<module>`` holds the numba (njit) kernels, ``engine/kernels/cuda/<module>``
the numba.cuda ones (a Python launcher where a raw kernel cannot take the CPU's arguments, e.g. a
tiled matmul on flat buffers). Arrays follow the CPU's conventions on both: layer kernels take flat
row-major buffers followed by their sizes (``nb`` rows, ``din``/``dout`` or ``dim`` columns, ``n``
elements); empty views stand for absent parameters; outputs are written in place; losses and
accuracies come back as floats. tests/cuda/test_kernel_contract.py checks the signatures, the
kernel tests call the same name on both targets.
"""
from __future__ import annotations

SHARED_KERNELS: dict[str, tuple[str, ...]] = {
    "layers_dense": ("dense_forward", "dense_backward", "max_norm_columns"),
    "layers_act": ("act_forward", "act_backward", "act_value", "act_derivative"),
    "layers_noise": ("dropout_forward", "alpha_dropout_forward", "gaussian_noise_forward",
                     "mask_backward", "copy_flat", "fill_flat"),
    "layers_norm": ("bn_forward_train", "bn_forward_infer", "bn_backward", "bn_infer_backward",
                    "bn_update_moving", "ln_forward", "ln_backward"),
    "losses": ("loss_forward_backward", "loss_correct", "elementwise_row", "categorical_row",
               "correct_row"),
    "optim": ("optimizer_begin_step", "optimizer_update", "clip_gradients"),
    "monitors": ("histogram_fixed", "output_summary", "activation_figures"),
    "rng": ("splitmix64", "hash4", "uniform01", "normal01"),
}
