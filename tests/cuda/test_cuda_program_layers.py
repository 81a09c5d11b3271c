"""CudaProgram against the CPU program for every layer type, activation, loss and optimiser.

Each case trains 2 steps (batch 8 of 16 samples) on both programs from the same initial weights:
losses within 1e-4 relative, weights within rtol 1e-4 / atol 1e-5 (float32, different summation
orders). Also: divergence is reported like the CPU's, and the resident mode keeps weights on the
device until ``sync_to_host``.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

import engine.program as cpu_program
from engine.backends.cuda import CudaProgram
from engine.backends.cuda_layers import bn_training_mode
from engine.program import plan as P
from tests.helpers.cuda_program import ProgramArgs, make_data, make_model

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(300)]

D = "dense"
CASES = {
    "layer_norm-prelu-alpha_dropout-softmax-sparse-sgd_nesterov-clipnorm": dict(
        layers=[{"type": D, "units": 5, "kernel_constraint": {"max_norm": 0.8}},
                {"type": "layer_norm"}, {"type": "activation", "function": "prelu"},
                {"type": "alpha_dropout", "rate": 0.3}, {"type": D, "units": 3},
                {"type": "activation", "function": "softmax"}],
        opt={"type": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": True,
             "clipnorm": 0.5},
        loss=4, fused=2, kind="sparse", n_out=3),
    "gaussian_noise-rrelu-elu-mse-rmsprop_centered-clipvalue": dict(
        layers=[{"type": "gaussian_noise", "stddev": 0.3}, {"type": D, "units": 6},
                {"type": "activation", "function": "rrelu"}, {"type": D, "units": 4},
                {"type": "activation", "function": "elu"}, {"type": D, "units": 2}],
        opt={"type": "rmsprop", "learning_rate": 0.01, "centered": True, "momentum": 0.5,
             "clipvalue": 0.05},
        loss=0, fused=0, kind="regression", n_out=2),
    "renorm-frozen_bn-tanh-gelu-swish-unfused_sigmoid-nadam-global_clipnorm": dict(
        layers=[{"type": D, "units": 5, "use_bias": False},
                {"type": "batch_norm", "renorm": True, "momentum": 0.9,
                 "renorm_clipping": {"rmax": 1.2, "dmax": 0.1}},
                {"type": "activation", "function": "tanh"}, {"type": D, "units": 4},
                {"type": "batch_norm", "trainable": False},
                {"type": "activation", "function": "gelu"}, {"type": D, "units": 4},
                {"type": "activation", "function": "swish"}, {"type": D, "units": 1},
                {"type": "activation", "function": "sigmoid"}],
        opt={"type": "nadam", "learning_rate": 0.01, "global_clipnorm": 0.3},
        loss=0, fused=0, kind="binary", n_out=1),
    "disabled_bn-selu-softplus-leaky-mae-adamax": dict(
        layers=[{"type": D, "units": 5}, {"type": "batch_norm", "enabled": False},
                {"type": "activation", "function": "selu"}, {"type": D, "units": 4},
                {"type": "activation", "function": "softplus"}, {"type": D, "units": 3},
                {"type": "activation", "function": "leaky_relu"},
                {"type": "dropout", "rate": 0.5, "enabled": False}, {"type": D, "units": 1}],
        opt={"type": "adamax", "learning_rate": 0.01},
        loss=1, fused=0, kind="regression", n_out=1),
    "layer_norm_plain-sigmoid2-bce-adagrad": dict(
        layers=[{"type": D, "units": 4}, {"type": "layer_norm", "center": False, "scale": False},
                {"type": "activation", "function": "relu"}, {"type": D, "units": 2},
                {"type": "activation", "function": "sigmoid"}],
        opt={"type": "adagrad", "learning_rate": 0.1},
        loss=2, fused=1, kind="binary2", n_out=2),
    "linear-softmax-cce-unfused-adamw": dict(
        layers=[{"type": D, "units": 4, "kernel_regularizer": {"l1": 0.01, "l2": 0.0}},
                {"type": "activation", "function": "linear"}, {"type": D, "units": 3},
                {"type": "activation", "function": "softmax"}],
        opt={"type": "adamw", "learning_rate": 0.01, "weight_decay": 0.01, "amsgrad": True},
        loss=3, fused=0, kind="onehot", n_out=3),
}


def _data(case):
    x, y, sw = make_data(16, kind="sparse" if case["kind"] in ("sparse", "onehot") else
                         ("binary" if case["kind"].startswith("binary") else "regression"),
                         n_out=case["n_out"])
    if case["kind"] == "onehot":
        y = np.eye(case["n_out"], dtype=np.float32)[y[:, 0].astype(int)]
    if case["kind"] == "binary2":
        y = np.hstack([y, 1 - y])
    return x, y, sw


@pytest.mark.parametrize("name", list(CASES))
def test_case_matches_cpu(name):
    case = CASES[name]
    x, y, sw = _data(case)
    runs = []
    for program in (cpu_program, CudaProgram()):
        args = ProgramArgs(make_model(case["layers"]), case["opt"], case["loss"], case["fused"])
        out = args.run(program, x, y, sw, np.arange(16)[::-1].copy(), [0, 8, 16], lr=0.01)
        runs.append((args, out))
    (a_cpu, (l_cpu, acc_cpu, pm_cpu, r_cpu)), (a_gpu, (l_gpu, acc_gpu, pm_gpu, r_gpu)) = runs
    assert r_cpu[P.R_STATUS] == 0 and r_gpu[P.R_STATUS] == 0
    assert np.all(np.isfinite(l_cpu))
    np.testing.assert_allclose(l_gpu, l_cpu, rtol=1e-4)
    np.testing.assert_allclose(acc_gpu, acc_cpu)
    np.testing.assert_allclose(a_gpu.model.params, a_cpu.model.params, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(a_gpu.model.state, a_cpu.model.state, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(a_gpu.ostate, a_cpu.ostate, rtol=1e-9)
    np.testing.assert_allclose(pm_gpu[:, 0], pm_cpu[:, 0], rtol=1e-3, atol=1e-10)
    _same_caches(a_cpu.model, a_gpu.model, nb=8)


def _same_caches(m_cpu, m_gpu, nb):
    """The last step's dropout masks and rrelu slopes, stored in the work buffer's cache areas by
    the forward pass and read by the backward pass on both devices, are equal; so are the batch
    norm statistics up to float32 rounding."""
    for i in range(m_cpu.ip.shape[0]):
        code, off, din = (int(m_cpu.ip[i, c]) for c in (P.C_CODE, P.C_CACHE, P.C_IN))
        rrelu = code == P.ACTIVATION and m_cpu.ip[i, P.C_ACT] == 4
        if code in (P.DROPOUT, P.ALPHA_DROPOUT) or rrelu:
            np.testing.assert_array_equal(m_gpu.work[off:off + nb * din],
                                          m_cpu.work[off:off + nb * din])
        if code == P.BATCH_NORM and bn_training_mode(int(m_cpu.ip[i, P.C_FLAGS]), True):
            off = int(m_cpu.ip[i, P.C_STATS])
            np.testing.assert_allclose(m_gpu.work[off:off + 4 * din],
                                       m_cpu.work[off:off + 4 * din], rtol=1e-4, atol=1e-5)


def test_divergence_is_reported_like_the_cpu():
    layers = [{"type": D, "units": 4}, {"type": "activation", "function": "relu"},
              {"type": D, "units": 1}]
    x, y, sw = make_data(16, kind="regression")
    # Row 3 (second batch) overflows float32 in the first dense layer: inf on both devices. (A huge
    # but finite loss is inf on the CPU and on a GPU, where float() of a float32 stays float32, but
    # finite under the simulator, where float() gives a Python float.)
    x[11, :] = 3.0e38
    results = []
    for program in (cpu_program, CudaProgram()):
        model = make_model(layers)
        model.layers[0].weights["kernel"][...] = 1.0
        args = ProgramArgs(model, {"type": "sgd", "learning_rate": 0.01}, 0, 0)
        start = model.params.copy()
        losses, _, _, res = args.run(program, x, y, sw, np.arange(16), [0, 8, 16])
        results.append((losses, res.copy(), model.params.copy(), start))
    (l_c, r_c, p_c, s_c), (l_g, r_g, p_g, s_g) = results
    assert r_g[P.R_STATUS] == r_c[P.R_STATUS] == 1
    assert r_g[P.R_DONE] == r_c[P.R_DONE] == 1
    assert r_g[P.R_WHAT] == r_c[P.R_WHAT] == P.WHAT_LOSS
    assert r_g[P.R_LAYER] == r_c[P.R_LAYER] == 0
    assert math.isfinite(l_g[0]) and not math.isfinite(l_g[1])
    np.testing.assert_allclose(p_g, p_c, rtol=1e-5, atol=1e-7)  # only the first step applied
    assert not np.array_equal(p_g, s_g)


def test_resident_mode_keeps_weights_on_the_device_until_sync():
    x, y, sw = make_data(16)
    ref = ProgramArgs(make_model(), {"type": "adam", "learning_rate": 0.01}, 2, 1)
    args = ProgramArgs(make_model(), {"type": "adam", "learning_rate": 0.01}, 2, 1)
    start = args.model.params.copy()
    prog = CudaProgram(resident=True)
    gpu_losses = []
    for s in range(2):  # two calls of one step: the second one starts from the device weights
        gpu_losses.append(args.run(prog, x, y, sw, np.arange(8 * s, 8 * s + 8), [0, 8])[0][0])
        ref.run(cpu_program, x, y, sw, np.arange(8 * s, 8 * s + 8), [0, 8])
    np.testing.assert_array_equal(args.model.params, start)  # host untouched so far
    prog.sync_to_host()
    np.testing.assert_allclose(args.model.params, ref.model.params, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(args.slots, ref.slots, rtol=1e-3, atol=1e-6)
    # a host-side change is uploaded after mark_host_changed
    args.model.params[:] = start
    args.step = 0  # same dropout masks as the first call
    prog.mark_host_changed()
    m = args.model
    out = np.zeros((16, 1), np.float32)
    prog.predict_program(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, out, False, 0, 0)
    assert {"slots", "ostate"} <= prog.buf.stale  # an inference call does not upload the optimiser
    prog.sync_to_host()  # the host owns the stale buffers: nothing is overwritten
    np.testing.assert_array_equal(m.params, start)
    again = args.run(prog, x, y, sw, np.arange(8), [0, 8])[0][0]
    assert again == pytest.approx(gpu_losses[0], rel=1e-4)
    assert not prog.buf.stale & {"params", "state", "slots", "ostate", "hp"}


@pytest.mark.parametrize("name", [n for n in CASES if "layer_norm-prelu" in n or "renorm" in n])
def test_output_only_device_buffers_are_written_before_read(monkeypatch, name):
    """Gradients, the work buffer and wprev are allocated on the device, never uploaded: filled
    with NaN they must leave the results unchanged."""
    from numba import cuda

    def nan_array(shape, dtype=np.float64, *args, **kwargs):
        return cuda.to_device(np.full(shape, np.nan, dtype))

    case = CASES[name]
    x, y, sw = _data(case)
    ref = ProgramArgs(make_model(case["layers"]), case["opt"], case["loss"], case["fused"])
    l_ref = ref.run(cpu_program, x, y, sw, np.arange(16), [0, 8, 16])[0]
    monkeypatch.setattr(cuda, "device_array", nan_array)
    args = ProgramArgs(make_model(case["layers"]), case["opt"], case["loss"], case["fused"])
    l_gpu = args.run(CudaProgram(), x, y, sw, np.arange(16), [0, 8, 16])[0]
    np.testing.assert_allclose(l_gpu, l_ref, rtol=1e-4)
    np.testing.assert_allclose(args.model.params, ref.model.params, rtol=1e-4, atol=1e-5)
