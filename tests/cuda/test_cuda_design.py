"""The issue's acceptance run: a small design (16 samples, batch norm, Adam) built with
``build_session(design, device="cuda")`` trains 2 steps under the simulator with the same loss as
the CPU build, within 1e-4 relative."""
from __future__ import annotations

import numpy as np
import pytest

from engine.backends.cuda import CudaProgram
from engine.build import build_session

pytestmark = [pytest.mark.cudasim, pytest.mark.timeout(300)]


def _design() -> dict:
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, (16, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)[:, None]
    return {
        "format": "network-playground/design", "version": 1, "name": "cuda acceptance",
        "seed": 3,
        "data": {"dataset": {"x_train": x.tolist(), "y_train": y.tolist()},
                 "train_fraction": 1.0, "standardize": True},
        "model": {"input_dim": 2, "layers": [
            {"id": "d1", "type": "dense", "units": 8, "use_bias": False},
            {"id": "bn1", "type": "batch_norm", "momentum": 0.9},
            {"id": "a1", "type": "activation", "function": "relu"},
            {"id": "do1", "type": "dropout", "rate": 0.2},
            {"id": "d2", "type": "dense", "units": 1},
            {"id": "a2", "type": "activation", "function": "sigmoid"}]},
        "loss": {"type": "binary_crossentropy"},
        "optimizer": {"type": "adam", "learning_rate": 0.01},
        "training": {"batch_size": 8, "epochs": 5, "shuffle": True},
    }


def test_two_steps_of_a_small_design_on_cuda_match_cpu():
    cpu = build_session(_design(), device="cpu")
    gpu = build_session(_design(), device="cuda")
    assert isinstance(getattr(gpu, "program", None), CudaProgram)
    losses = []
    for _ in range(2):
        a, b = cpu.step(), gpu.step()
        assert a.loss is not None and np.isfinite(a.loss)
        assert b.loss == pytest.approx(a.loss, rel=1e-4)
        losses.append(a.loss)
    assert losses[0] != losses[1]
    assert b.epoch_loss == pytest.approx(a.epoch_loss, rel=1e-4)
    bn_c = next(l for l in a.layers if l.id == "bn1").bn
    bn_g = next(l for l in b.layers if l.id == "bn1").bn
    for key in ("moving_mean", "moving_var"):
        np.testing.assert_allclose(bn_g[key], bn_c[key], rtol=1e-4, atol=1e-6)
