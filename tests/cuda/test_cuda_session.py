"""A TrainingSession on the GPU program gives the CPU session's losses (1e-4 relative).

The issue's criterion: a small design (16 samples, batch norm, Adam) trained for 2 steps with
device cuda under the simulator gives the same loss as the CPU within 1e-4 relative; also the
monitors, validation loss and predictions agree, and CPU sessions are left untouched.
"""
from __future__ import annotations

import copy
from types import SimpleNamespace

import numpy as np
import pytest

import engine.program

from engine.backends.cuda import CudaProgram
from engine.layers import from_config as layer_from_config
from engine.build import session_from_configs
from tests.helpers.cuda_program import SMALL_DESIGN_LAYERS, make_cuda_session, make_data

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(300)]


def _args():
    x, y, _ = make_data(20)
    data = SimpleNamespace(x_train=x[:16], y_train=y[:16], x_val=x[16:], y_val=y[16:])
    layers = [layer_from_config(copy.deepcopy(c)) for c in SMALL_DESIGN_LAYERS]
    return dict(layers=layers, optimizer={"type": "adam", "learning_rate": 0.01},
                loss={"type": "binary_crossentropy"}, data=data, seed=0, batch_size=8, epochs=3)


def test_two_steps_on_cuda_give_the_cpu_loss():
    cpu = session_from_configs(**_args())
    gpu = make_cuda_session(**_args())
    assert isinstance(gpu.program, CudaProgram)
    assert cpu.program is engine.program
    for _ in range(2):
        s_cpu, s_gpu = cpu.step(), gpu.step()
        assert s_gpu.loss == pytest.approx(s_cpu.loss, rel=1e-4)
    assert s_gpu.step == s_cpu.step == 2 and s_gpu.epoch == 1
    assert s_gpu.val_loss == pytest.approx(s_cpu.val_loss, rel=1e-4)
    assert s_gpu.status == s_cpu.status == "running"
    for lc, lg in zip(s_cpu.layers, s_gpu.layers):
        for field in ("grad_norm", "bias_grad_norm", "update_ratio", "dead_fraction"):
            vc, vg = getattr(lc, field), getattr(lg, field)
            assert (vc is None) == (vg is None), field
            if vc is not None:
                assert vg == pytest.approx(vc, rel=1e-3, abs=1e-7), (lc.index, field)
        assert np.abs(np.asarray(lc.act_hist_counts) - np.asarray(lg.act_hist_counts)).sum() <= 2
    wc, wg = cpu.get_weights(), gpu.get_weights()
    for key in wc:
        np.testing.assert_allclose(wg[key], wc[key], rtol=1e-4, atol=1e-5, err_msg=key)
    # the device really ran: data and buffers live on it, the monitors call it
    assert gpu.program.buf.data_key is not None and gpu.program.buf.work is not None
    assert gpu.monitors.program is gpu.program and cpu.monitors.program is engine.program
    x = np.linspace(-1, 1, 10).reshape(5, 2)
    np.testing.assert_allclose(gpu.predict(x)[0], cpu.predict(x)[0], rtol=1e-4, atol=1e-6)


def test_layer_option_changes_reach_the_device():
    cpu = session_from_configs(**_args())
    gpu = make_cuda_session(**_args())
    for s in (cpu, gpu):
        s.step()
        s.set_layer_option("bn1", renorm=True)
        s.set_layer_option("do1", enabled=False)
    s_cpu, s_gpu = cpu.step(), gpu.step()
    assert s_gpu.loss == pytest.approx(s_cpu.loss, rel=1e-4)


def test_monte_carlo_dropout_prediction_matches_cpu():
    """MC dropout draws with negative steps (-1, -2, ...): the counters wrap as uint64 like the CPU's."""
    cpu = session_from_configs(**_args())
    gpu = make_cuda_session(**_args())
    x = np.linspace(-1, 1, 8).reshape(4, 2)
    (m_c, s_c), (m_g, s_g) = cpu.predict(x, mc_dropout=3), gpu.predict(x, mc_dropout=3)
    assert s_c is not None and np.any(s_c > 0)
    np.testing.assert_allclose(m_g, m_c, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(s_g, s_c, rtol=1e-3, atol=1e-6)


def test_structure_changes_and_checkpoints_follow_the_cpu():
    """apply_model (a layer inserted), set_batch_size, reset and a state_dict round trip on the
    GPU session give the CPU session's losses; the monitors stay on the device after rebuilds."""
    cpu = session_from_configs(**_args())
    gpu = make_cuda_session(**_args())
    layers = [dict(c) for c in SMALL_DESIGN_LAYERS]
    layers.insert(3, {"type": "layer_norm", "id": "ln1"})
    for s in (cpu, gpu):
        s.step()
        s.apply_model(layers)
        s.set_batch_size(4)
    a, b = cpu.step(), gpu.step()
    assert b.loss == pytest.approx(a.loss, rel=1e-4)
    assert gpu.monitors.program is gpu.program
    saved_c, saved_g = cpu.state_dict(), gpu.state_dict()
    a, b = cpu.step(), gpu.step()
    assert b.loss == pytest.approx(a.loss, rel=1e-4)
    gpu.load_state_dict(saved_g)
    b2 = gpu.step()
    assert b2.loss == b.loss  # resumed: the same step again, bit for bit
    for s in (cpu, gpu):
        s.reset(seed=9)
    a, b = cpu.step(), gpu.step()
    assert b.loss == pytest.approx(a.loss, rel=1e-4)
    assert saved_c.keys() == saved_g.keys()
