"""--export-pytorch: the generated script is valid Python for every design, and (with torch) trains
exactly as DESIGN.md's conventions say: same losses step by step, from the same initial weights, as
a plain-numpy reference (finite-difference gradients, the engine's optimiser and schedule classes)
and as the engine's own training session when it is available.
"""
from __future__ import annotations

import copy
import importlib.util
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import erf

from engine.errors import BadInput
from engine.export_pytorch import (TEMPLATE_FILES, _template_blocks, data_arrays, export_pytorch,
                                   render_pytorch_script)
from engine.export_pytorch_layers import ACTIVATION_MODULES

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "resources" / "designs").glob("*.json"))
SCHEDULES = [{"type": "constant"}, {"type": "power", "s": 3.0, "c": 1.5},
             {"type": "exponential", "s": 4.0},
             {"type": "piecewise_constant", "boundaries": [1, 3], "values": [0.05, 0.02, 0.01]},
             {"type": "reduce_on_plateau", "factor": 0.5, "patience": 1, "min_lr": 0.0},
             {"type": "one_cycle", "max_lr": 0.05, "total_steps": 10},
             {"type": "linear", "lr_high": 0.05, "lr_low": 0.005, "t_max": 4}]
OPTIMIZERS = [{"type": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": True, "clipnorm": 0.5},
              {"type": "sgd", "learning_rate": 0.1, "global_clipnorm": 0.3},
              {"type": "adagrad", "learning_rate": 0.1},
              {"type": "rmsprop", "learning_rate": 0.01, "centered": True, "momentum": 0.5},
              {"type": "rmsprop", "learning_rate": 0.01, "clipvalue": 0.05},
              {"type": "adam", "learning_rate": 0.02},
              {"type": "adam", "learning_rate": 0.02, "amsgrad": True},
              {"type": "adamax", "learning_rate": 0.02},
              {"type": "nadam", "learning_rate": 0.02},
              {"type": "adamw", "learning_rate": 0.02, "weight_decay": 0.05}]
ACTIVATIONS = sorted(ACTIVATION_MODULES)


def _dense(units, **kw):
    return {"type": "dense", "units": units, **kw}


def _act(function, **kw):
    return {"type": "activation", "function": function, **kw}


def make_design(layers, loss="binary_crossentropy", optimizer=None, schedule=None, input_dim=2,
                class_weight=None, batch_size="full", early_stopping=None):
    return {"format": "network-playground/design", "version": 1, "name": "test", "seed": 0,
            "data": {"dataset": "xor"}, "model": {"input_dim": input_dim, "layers": layers},
            "loss": {"type": loss, "class_weight": class_weight},
            "optimizer": optimizer or {"type": "sgd", "learning_rate": 0.1},
            "schedule": schedule or {"type": "constant"},
            "training": {"batch_size": batch_size, "epochs": 2, "shuffle": False,
                         "early_stopping": early_stopping}}


def synthetic_designs():
    """Designs that together use every layer type, activation, optimiser, loss and schedule."""
    every_layer = [_dense(8, kernel_initializer="he_normal", kernel_regularizer={"l1": 1e-3, "l2": 1e-3},
                          kernel_constraint={"max_norm": 2.0}),
                   {"type": "batch_norm", "momentum": 0.9, "scale": False},
                   {"type": "batch_norm", "renorm": True, "renorm_clipping": {"rmax": 2.0, "dmax": 1.0}},
                   {"type": "batch_norm", "enabled": False},
                   {"type": "layer_norm", "center": False}, _act("prelu"),
                   {"type": "dropout", "rate": 0.2}, {"type": "alpha_dropout", "rate": 0.1},
                   {"type": "gaussian_noise", "stddev": 0.1}, {"type": "dropout", "enabled": False},
                   _dense(3, use_bias=False, trainable=False,
                          kernel_initializer={"type": "variance_scaling", "scale": 2.0,
                                              "mode": "fan_avg", "distribution": "uniform"}),
                   _act("softmax")]
    yield "every_layer", make_design(every_layer, "sparse_categorical_crossentropy",
                                     class_weight="balanced")
    for f in ACTIVATIONS:
        yield f"act_{f}", make_design([_dense(4), _act(f), _dense(1)], "mse")
    for i, opt in enumerate(OPTIMIZERS):
        yield f"opt_{i}_{opt['type']}", make_design([_dense(4), _act("tanh"), _dense(1), _act("sigmoid")],
                                                   optimizer=opt)
    for sched in SCHEDULES:
        yield f"sched_{sched['type']}", make_design([_dense(1), _act("sigmoid")], schedule=sched)
    for loss, out in [("mse", "linear"), ("mae", "tanh"), ("binary_crossentropy", "tanh"),
                      ("categorical_crossentropy", "softmax"), ("categorical_crossentropy", "relu")]:
        yield f"loss_{loss}_{out}", make_design([_dense(3), _act(out)], loss,
                                                early_stopping={"monitor": "val_loss", "patience": 2,
                                                                "restore_best": True})
    for init in ["glorot_uniform", "glorot_normal", "he_uniform", "lecun_uniform", "lecun_normal",
                 {"type": "random_normal", "stddev": 0.1}, {"type": "random_uniform"},
                 {"type": "truncated_normal", "mean": 0.1, "stddev": 0.2}, "zeros", "ones",
                 {"type": "constant", "value": 0.3}]:
        name = init if isinstance(init, str) else init["type"]
        yield f"init_{name}", make_design([_dense(2, kernel_initializer=init, bias_initializer=init)], "mse")


SYNTHETIC = list(synthetic_designs())


# ------------------------------------------------------------------------------ no torch needed

@pytest.mark.parametrize("name,design", SYNTHETIC, ids=[n for n, _ in SYNTHETIC])
def test_generated_script_compiles(name, design):
    source = render_pytorch_script(design, "x_data.npz", class_weights=[1.0, 2.0])
    compile(source, f"{name}.py", "exec")
    assert "nn.Sequential(" in source and "def main(" in source
    # one module per design layer, so the weights keys layers.{i} address model[i]
    assert source.count("        # [") == len(design["model"]["layers"])


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_designs_compile(path):
    from engine.design import load_design
    source = render_pytorch_script(load_design(path), "data.npz")
    compile(source, path.name, "exec")


def test_templates_parse_and_blocks_are_unique():
    names = []
    for name in TEMPLATE_FILES:
        text = (Path(__file__).resolve().parents[2] / "engine" / "templates" / name).read_text()
        compile(text, name, "exec")
        names += [line.split()[1].split("(")[0].split(":")[0] for line in text.splitlines()
                  if line.startswith(("def ", "class "))]
    blocks = _template_blocks()
    assert {"BatchRenorm", "Nadam", "OneCycleSchedule", "train", "main"} <= set(blocks)
    stubs = {"build_model", "make_optimizer", "make_schedule", "per_sample_loss"}
    dupes = [n for n in set(names) - stubs if names.count(n) > 1]
    assert not dupes


def test_bad_designs_raise_bad_input():
    with pytest.raises(BadInput, match=r"model\.layers\[1\]\.type"):
        render_pytorch_script(make_design([_dense(2), {"type": "conv2d"}]))
    with pytest.raises(BadInput, match="function"):
        render_pytorch_script(make_design([_dense(2), _act("mish")]))
    with pytest.raises(BadInput, match="optimizer.type"):
        render_pytorch_script(make_design([_dense(1)], optimizer={"type": "lbfgs"}))
    with pytest.raises(BadInput, match="optimizer.foo"):
        render_pytorch_script(make_design([_dense(1)], optimizer={"type": "adam", "foo": 1}))
    with pytest.raises(BadInput, match="schedule.type"):
        render_pytorch_script(make_design([_dense(1)], schedule={"type": "cosine"}))
    with pytest.raises(BadInput, match="loss.type"):
        render_pytorch_script(make_design([_dense(1)], loss="hinge"))


def test_export_writes_script_and_standardised_data(tmp_path):
    from engine.design import load_design
    design = load_design(ROOT / "resources" / "designs" / "spiral_relu_batchnorm.json")
    out = tmp_path / "sub" / "spiral.py"
    source = export_pytorch(design, out, weights_path=tmp_path / "sub" / "w.npz")
    assert out.read_text() == source
    assert "DATA_FILE = 'spiral_data.npz'" in source and "DEFAULT_WEIGHTS = 'w.npz'" in source
    with np.load(tmp_path / "sub" / "spiral_data.npz", allow_pickle=False) as f:
        assert set(f.files) == {"x_train", "y_train", "x_val", "y_val"}
        x = f["x_train"]
        assert x.dtype == np.float32 and x.shape == (480, 2) and f["x_val"].shape == (120, 2)
        np.testing.assert_allclose(x.mean(0), 0.0, atol=1e-5)
        np.testing.assert_allclose(x.std(0), 1.0, atol=1e-4)


def test_categorical_targets_become_one_hot_and_balanced_weights_match_the_engine():
    from engine.export_pytorch_settings import class_weight_table
    y = np.array([[0.0], [2.0], [2.0], [1.0], [2.0], [2.0]])
    design = make_design([_dense(3), _act("softmax")], "categorical_crossentropy")
    arrays = data_arrays(design, data={"x_train": np.zeros((6, 2)), "y_train": y})
    np.testing.assert_array_equal(arrays["y_train"], np.eye(3)[[0, 2, 2, 1, 2, 2]])
    table = class_weight_table({"type": "categorical_crossentropy", "class_weight": "balanced"},
                               arrays["y_train"])
    np.testing.assert_allclose(table, [6 / 3, 6 / 3, 6 / 12])
    table = class_weight_table({"type": "binary_crossentropy", "class_weight": {"1": 19.0}},
                               np.array([[0.0], [1.0]]))
    assert table == [1.0, 19.0]
