"""--export-pytorch: the generated script is valid Python for every design, and (with torch) trains
exactly as docs/NUMERICS.md says: same losses step by step, from the same initial weights, as
a plain-numpy reference (finite-difference gradients, the engine's optimiser and schedule classes)
and as the engine's own training session when it is available.
"""
from __future__ import annotations

import ast
import copy
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st
from scipy.special import erf

from engine.errors import BadInput
from engine.export.pytorch import (TEMPLATE_DIR, TEMPLATE_FILES, _template_blocks, data_arrays, export_pytorch,
                                   render_pytorch_script)
from engine.export.pytorch_layers import ACTIVATION_MODULES

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
                      ("categorical_crossentropy", "softmax"), ("categorical_crossentropy", "sigmoid")]:
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
    tree = ast.parse(compile(source, f"{name}.py", "exec", ast.PyCF_ONLY_AST))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, (ast.Import, ast.ImportFrom))
                for alias in ([ast.alias(node.module)] if isinstance(node, ast.ImportFrom) else node.names)}
    assert imported <= {"__future__", "argparse", "hashlib", "math", "pathlib", "numpy", "torch"}
    top = [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
    assert len(top) == len(set(top))  # every block once
    assert "nn.Sequential(" in source and "def main(" in source
    # one module per design layer, so the weights keys layers.{i} address model[i]
    assert source.count("        # [") == len(design["model"]["layers"])


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_designs_export_and_train(path, tmp_path):
    from engine.design import load_design
    design = load_design(path)
    source = export_pytorch(design, tmp_path / "net.py", base_dir=path.parent)
    compile(source, path.name, "exec")
    with np.load(tmp_path / "net_data.npz", allow_pickle=False) as f:
        assert f["x_train"].shape[1] == design.input_dim
    if importlib.util.find_spec("torch") is not None:
        losses, _ = run_in_process(tmp_path / "net.py", 2, float64=False, weights=None)
        assert len(losses) == 2 and np.all(np.isfinite(losses))


def test_templates_parse_and_blocks_are_unique():
    names = []
    for name in TEMPLATE_FILES:
        text = (TEMPLATE_DIR / name).read_text()
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
    from engine.export.pytorch_settings import class_weight_table
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


# ------------------------------------------------------------------------------ numpy reference
# Float64 training of a design exactly as docs/NUMERICS.md states it: the forward pass in plain numpy,
# gradients by central differences (renorm's r and d frozen per step), the engine's optimiser and
# schedule classes for the updates, max-norm after each update.

SELU_L, SELU_A = 1.0507009873554805, 1.6732632423543772


def act_np(cfg, z, alpha):
    f = cfg["function"]
    neg = {"relu": lambda: 0.0 * z, "leaky_relu": lambda: cfg.get("alpha", 0.2) * z,
           "prelu": lambda: alpha * z, "elu": lambda: cfg.get("alpha", 1.0) * np.expm1(z),
           "selu": lambda: SELU_A * np.expm1(z)}
    if f in neg:
        out = np.where(z > 0, z, neg[f]())
        return SELU_L * out if f == "selu" else out
    if f == "softmax":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return {"linear": lambda: z, "tanh": lambda: np.tanh(z), "sigmoid": lambda: 1 / (1 + np.exp(-z)),
            "gelu": lambda: 0.5 * z * (1 + erf(z / np.sqrt(2))), "softplus": lambda: np.logaddexp(0, z),
            "swish": lambda: z / (1 + np.exp(-z))}[f]()


def norm_np(cfg, i, h, p, state, new_state, training, frozen):
    k, eps = f"layers.{i}.", cfg.get("epsilon", 1e-3)
    gamma, beta = p.get(k + "gamma", 1.0), p.get(k + "beta", 0.0)
    if cfg["type"] == "layer_norm":
        mu, var = h.mean(1, keepdims=True), h.var(1, keepdims=True)
        return gamma * (h - mu) / np.sqrt(var + eps) + beta
    mm, mv = state[k + "moving_mean"], state[k + "moving_variance"]
    if not training or not cfg.get("trainable", True):  # frozen batch norm: inference mode
        return gamma * (h - mm) / np.sqrt(mv + eps) + beta
    m, mu, var = h.shape[0], h.mean(0), h.var(0)
    x_hat = (h - mu) / np.sqrt(var + eps)
    renorm = cfg.get("renorm", False)
    if renorm:
        if i not in frozen:  # from the unperturbed pass; constants in backprop
            clip, sigma = cfg.get("renorm_clipping", {}), np.sqrt(mv + eps)
            rmax, dmax = clip.get("rmax", 3.0), clip.get("dmax", 5.0)
            frozen[i] = (np.clip(np.sqrt(var + eps) / sigma, 1 / rmax, rmax),
                         np.clip((mu - mm) / sigma, -dmax, dmax))
        x_hat = x_hat * frozen[i][0] + frozen[i][1]
    mom = cfg.get("renorm_momentum", 0.99) if renorm else cfg.get("momentum", 0.99)
    new_state[k + "moving_mean"] = mom * mm + (1 - mom) * mu
    new_state[k + "moving_variance"] = mom * mv + (1 - mom) * var * m / (m - 1)
    return gamma * x_hat + beta


def forward_np(layers, p, state, x, training, frozen, fused):
    """(output, or logits when fused; the moving statistics after this batch)."""
    h, new_state = x, dict(state)
    for i, cfg in enumerate(layers[:-1] if fused else layers):
        k = f"layers.{i}."
        if cfg["type"] == "dense":
            h = h @ p[k + "kernel"] + p.get(k + "bias", 0.0)
        elif cfg["type"] == "activation":
            h = act_np(cfg, h, p.get(k + "alpha"))
        elif cfg["type"] in ("batch_norm", "layer_norm") and cfg.get("enabled", True):
            h = norm_np(cfg, i, h, p, state, new_state, training, frozen)
    return h, new_state


def loss_np(loss, fused, out, y, sw):
    if loss == "mse":
        per = ((out - y) ** 2).mean(1)
    elif loss == "binary_crossentropy":
        assert fused
        per = (np.maximum(out, 0) - out * y + np.log1p(np.exp(-np.abs(out)))).mean(1)
    else:
        assert fused
        lse = np.log(np.exp(out - out.max(1, keepdims=True)).sum(1)) + out.max(1)
        picked = (y * out).sum(1) if loss == "categorical_crossentropy" else \
            out[np.arange(len(out)), y[:, 0].astype(int)]
        per = lse - picked
    return float(np.mean(sw * per))


def reference_losses(design, params, state, x, y, sw, steps):
    """Losses (penalties included) of ``steps`` full-batch steps, and the final weights."""
    from engine.optimizers import from_config as optimizer_from_config
    from engine.schedules import from_config as schedule_from_config
    layers, loss = design["model"]["layers"], design["loss"]["type"]
    fused = layers[-1].get("function") in ("sigmoid", "softmax") and loss != "mse"
    opt = optimizer_from_config(design["optimizer"])
    sched = schedule_from_config(design["schedule"])
    p, state = {k: v.copy() for k, v in params.items()}, dict(state)
    regs = {f"layers.{i}.kernel": (c.get("kernel_regularizer") or {}) for i, c in enumerate(layers)
            if c["type"] == "dense"}
    trainable = [k for k in p if layers[int(k.split(".")[1])].get("trainable", True)]

    def total(q, frozen):
        out, new_state = forward_np(layers, q, state, x, True, frozen, fused)
        pen = sum(r.get("l1", 0) * np.abs(q[k]).sum() + r.get("l2", 0) * (q[k] ** 2).sum()
                  for k, r in regs.items())
        return loss_np(loss, fused, out, y, sw) + pen, new_state

    losses = []
    for t in range(steps):
        frozen = {}
        value, new_state = total(p, frozen)
        losses.append(value)
        grads = {}
        for k in trainable:
            g = np.zeros_like(p[k])
            for idx in np.ndindex(p[k].shape):
                plus, minus = {**p, k: p[k].copy()}, {**p, k: p[k].copy()}
                plus[k][idx] += 1e-6
                minus[k][idx] -= 1e-6
                g[idx] = (total(plus, frozen)[0] - total(minus, frozen)[0]) / 2e-6
            grads[k] = g
        state = new_state
        lr, mom = sched.values(t, 1, opt.learning_rate, opt.momentum_value())
        opt.apply({k: p[k] for k in trainable}, grads, lr=float(lr[0]), mom=float(mom[0]))
        for i, c in enumerate(layers):
            r = (c.get("kernel_constraint") or {}).get("max_norm") if c["type"] == "dense" else None
            if r is not None:
                w = p[f"layers.{i}.kernel"]
                norms = np.sqrt((w ** 2).sum(0))
                w *= np.where(norms > r, r / np.maximum(norms, 1e-30), 1.0)
    return losses, {**p, **state}


def initial_weights(design, rng):
    """Random weights with docs/FORMAT.md keys (moving statistics away from 0/1, so loading matters)."""
    params, state, width = {}, {}, design["model"]["input_dim"]
    for i, c in enumerate(design["model"]["layers"]):
        k = f"layers.{i}."
        if c["type"] == "dense":
            params[k + "kernel"] = rng.normal(0, 0.7, (width, c["units"]))
            width = c["units"]
            if c.get("use_bias", True):
                params[k + "bias"] = rng.normal(0, 0.1, width)
        elif c["type"] in ("batch_norm", "layer_norm"):
            if c.get("scale", True):
                params[k + "gamma"] = rng.uniform(0.8, 1.2, width)
            if c.get("center", True):
                params[k + "beta"] = rng.normal(0, 0.1, width)
            if c["type"] == "batch_norm":
                state[k + "moving_mean"] = rng.normal(0, 0.3, width)
                state[k + "moving_variance"] = rng.uniform(0.5, 1.5, width)
        elif c.get("function") == "prelu":
            params[k + "alpha"] = rng.uniform(0.1, 0.4, width)
    # float32 round trip: the weights file is float32, the reference starts from the same numbers
    return ({k: v.astype(np.float32).astype(np.float64) for k, v in params.items()},
            {k: v.astype(np.float32).astype(np.float64) for k, v in state.items()})


# ------------------------------------------------------------------------------ torch side

def make_data(design, rng, n=24):
    x = rng.normal(size=(n, design["model"]["input_dim"]))
    loss = design["loss"]["type"]
    k = [c for c in design["model"]["layers"] if c["type"] == "dense"][-1]["units"]
    if loss == "binary_crossentropy":
        y = (x[:, :1] * x[:, 1:2] > 0).astype(float)
    elif loss == "sparse_categorical_crossentropy":
        y = rng.integers(0, k, size=(n, 1)).astype(float)
    elif loss == "categorical_crossentropy":
        y = np.eye(k)[rng.integers(0, k, size=n)]
    else:
        y = np.sin(x[:, :1]) + 0.1 * x[:, 1:2]
    return {"x_train": x, "y_train": y, "x_val": x[:6], "y_val": y[:6]}


def load_script(path):
    spec = importlib.util.spec_from_file_location(f"exported_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torch_weights(model, keys):
    """The script's model as docs/FORMAT.md weights (only ``keys``), kernels back to (in, out)."""
    names = {"kernel": "weight", "bias": "bias", "gamma": "weight", "beta": "bias",
             "moving_mean": "running_mean", "moving_variance": "running_var", "alpha": "weight"}
    out = {}
    for key in keys:
        _, i, name = key.split(".")
        if not hasattr(model[int(i)], names[name]):  # a layer switched off: nn.Identity
            continue
        value = getattr(model[int(i)], names[name]).detach().double().numpy()
        out[key] = value.T if name == "kernel" else value
    return out


def export_and_reference(design, tmp_path, steps, seed=0):
    """Export ``design`` with random data and weights; the reference run on the same numbers."""
    rng = np.random.default_rng(seed)
    data = make_data(design, rng)
    path = tmp_path / "net.py"
    export_pytorch(design, path, data=data)
    with np.load(tmp_path / "net_data.npz", allow_pickle=False) as f:
        x, y = f["x_train"].astype(np.float64), f["y_train"].astype(np.float64)
    params, state = initial_weights(design, rng)
    np.savez(tmp_path / "w.npz", **{k: v.astype(np.float32) for k, v in {**params, **state}.items()})
    from engine.losses import LOSSES
    loss = LOSSES[design["loss"]["type"]](class_weight=design["loss"]["class_weight"])
    sw = loss.sample_weights(y)
    losses, final = reference_losses(design, params, state, x, y, sw, steps)
    return path, losses, final


def run_in_process(path, steps, float64=True, weights="w.npz"):
    torch = pytest.importorskip("torch")
    module = load_script(path)
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64 if float64 else torch.float32)
    try:
        torch.manual_seed(0)
        data = module.load_data(path.parent / module.DATA_FILE)
        model = module.build_model()
        if weights is not None:
            module.load_weights(model, path.parent / weights)
        losses = module.train(model, data, max_steps=steps)
    finally:
        torch.set_default_dtype(old)
    return losses, model


# No bias before batch norm: its gradient is 0 and Adam-type updates of rounding noise would differ.
NET = [_dense(6, use_bias=False, kernel_regularizer={"l1": 1e-3, "l2": 1e-2}), {"type": "batch_norm"}, _act("tanh"),
       {"type": "dropout", "rate": 0.0}, _dense(3), _act("softmax")]


@pytest.mark.parametrize("opt", OPTIMIZERS, ids=[f"{o['type']}{i}" for i, o in enumerate(OPTIMIZERS)])
def test_every_optimizer_matches_the_reference(opt, tmp_path):
    pytest.importorskip("torch")
    design = make_design(copy.deepcopy(NET), "sparse_categorical_crossentropy", optimizer=opt,
                         class_weight={"0": 2.0, "2": 0.5})
    path, expected, final = export_and_reference(design, tmp_path, steps=5)
    losses, model = run_in_process(path, 5)
    np.testing.assert_allclose(losses, expected, rtol=1e-6)
    got = torch_weights(model, final)
    for key, value in final.items():  # incl. moving statistics (unbiased variance rule)
        np.testing.assert_allclose(got[key], value, rtol=1e-5, atol=1e-7, err_msg=key)


@pytest.mark.parametrize("sched", [s for s in SCHEDULES if s["type"] != "reduce_on_plateau"],
                         ids=lambda s: s["type"])
def test_step_schedules_match_the_reference(sched, tmp_path):
    pytest.importorskip("torch")
    opt = {"type": "sgd", "learning_rate": 0.05, "momentum": 0.9}
    design = make_design([_dense(4), _act("relu"), _dense(1), _act("sigmoid")], optimizer=opt,
                         schedule=sched)
    path, expected, _ = export_and_reference(design, tmp_path, steps=6, seed=1)
    losses, _ = run_in_process(path, 6)
    np.testing.assert_allclose(losses, expected, rtol=1e-6)


@pytest.mark.parametrize("layers,loss", [
    ([_dense(5, use_bias=False, kernel_constraint={"max_norm": 0.8}), {"type": "batch_norm", "renorm": True,
      "renorm_clipping": {"rmax": 1.2, "dmax": 0.3}, "renorm_momentum": 0.9}, _act("prelu"),
      _dense(1), _act("sigmoid")], "binary_crossentropy"),
    ([_dense(4), {"type": "layer_norm"}, _act("elu"), _dense(4), _act("selu"), _dense(4), _act("gelu"),
      _dense(4), _act("swish"), _dense(3), _act("softplus"), _dense(3), _act("leaky_relu", alpha=0.1),
      _dense(2)], "mse"),
    ([_dense(4, use_bias=False), {"type": "batch_norm", "center": False, "momentum": 0.8},
      {"type": "batch_norm", "enabled": False}, {"type": "batch_norm", "trainable": False}, _act("relu"), _dense(3, trainable=False), _act("softmax")],
     "categorical_crossentropy"),
], ids=["renorm_prelu_maxnorm", "activations_layernorm", "bn_options_frozen"])
def test_layers_match_the_reference(layers, loss, tmp_path):
    pytest.importorskip("torch")
    design = make_design(layers, loss, optimizer={"type": "adam", "learning_rate": 0.05})
    path, expected, final = export_and_reference(design, tmp_path, steps=4, seed=2)
    losses, model = run_in_process(path, 4)
    np.testing.assert_allclose(losses, expected, rtol=1e-6)
    got = torch_weights(model, final)
    missing = {int(k.split(".")[1]) for k in set(final) - set(got)}
    assert all(not layers[i].get("enabled", True) for i in missing)
    for key, value in got.items():
        np.testing.assert_allclose(value, final[key], rtol=1e-5, atol=1e-7, err_msg=key)


def test_command_line_prints_one_loss_per_step_in_float32(tmp_path):
    pytest.importorskip("torch")
    design = make_design(copy.deepcopy(NET), "sparse_categorical_crossentropy",
                         optimizer={"type": "nadam", "learning_rate": 0.02})
    path, expected, _ = export_and_reference(design, tmp_path, steps=4)
    run = subprocess.run([sys.executable, str(path), "--steps", "4", "--weights", "w.npz",
                          "--print-losses"], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert [ln.split()[:2] for ln in lines] == [["step", str(i)] for i in range(1, 5)]
    np.testing.assert_allclose([float(ln.split()[3]) for ln in lines], expected, rtol=1e-4)


# ------------------------------------------------------------------------------ pieces of the script

def template_namespace(names, torch_needed=False):
    """Execute template blocks (as the script would hold them) in a fresh namespace."""
    from engine.export.pytorch import runtime_source
    import hashlib
    import math
    ns = {"math": math, "np": np, "hashlib": hashlib}
    if torch_needed:
        torch = pytest.importorskip("torch")
        ns.update(torch=torch, nn=torch.nn)
    exec(compile(runtime_source(names), "template", "exec"), ns)
    return ns


@pytest.mark.parametrize("cfg", SCHEDULES + [
    {"type": "one_cycle", "total_steps": None}, {"type": "one_cycle", "max_lr": 0.1, "total_steps": 7,
                                                 "start_factor": 4.0, "final_factor": 50.0},
    {"type": "linear", "t_max": 5}, {"type": "reduce_on_plateau", "factor": 0.3, "patience": 2,
                                     "min_lr": 0.004, "cooldown": 1, "monitor": "loss"}],
    ids=lambda c: c["type"])
@pytest.mark.parametrize("mom0", [0.0, 0.9])
def test_schedules_follow_the_engine(cfg, mom0):
    from engine.export.pytorch_settings import SCHEDULE_CLASSES, schedule_call
    from engine.schedules import from_config
    class_name = SCHEDULE_CLASSES[cfg["type"]]
    ns = template_namespace(["Schedule", class_name])
    exec(schedule_call(cfg, class_name, 0.02, mom0), ns)
    mine, engine = ns["make_schedule"](), from_config(cfg)
    mine.set_total_steps(20)
    if hasattr(engine, "set_total_steps"):
        engine.set_total_steps(20)
    losses = [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.5, 0.6, 0.7, 0.8, 0.9]
    for t in range(24):
        if t % 2 == 0 and t // 2 < len(losses):  # an epoch of 2 steps ended
            logs = {"loss": losses[t // 2], "val_loss": losses[t // 2] + 0.01}
            mine.epoch_end(logs)
            engine.on_epoch_end(t // 2, logs)
        lr, mom = engine.values(t, 1, 0.02, mom0)
        got_lr, got_mom = mine.rate(t)
        assert got_lr == pytest.approx(lr[0], rel=1e-12), t
        assert (mom0 if got_mom is None else got_mom) == pytest.approx(mom[0], rel=1e-12), t


INITS = [("glorot_uniform", "u", 6 / 300), ("he_uniform", "u", 6 / 200), ("lecun_uniform", "u", 3 / 200),
         ("glorot_normal", "t", 2 / 300), ("he_normal", "t", 2 / 200), ("lecun_normal", "t", 1 / 200),
         ({"type": "variance_scaling", "scale": 3.0, "mode": "fan_out", "distribution": "untruncated_normal"},
          "n", 3 / 100),
         ({"type": "variance_scaling", "scale": 0.5, "mode": "fan_avg", "distribution": "uniform"},
          "u", 1.5 / 150)]


@pytest.mark.parametrize("spec,kind,value", INITS, ids=[str(i) for i in range(len(INITS))])
def test_initializers_have_keras_statistics(spec, kind, value):
    ns = template_namespace(["keras_init_"], torch_needed=True)
    torch = ns["torch"]
    torch.manual_seed(0)
    w = torch.empty(100, 200, dtype=torch.float64)  # weight (out, in): fan_in 200, fan_out 100
    ns["keras_init_"](w, {"type": spec} if isinstance(spec, str) else spec, fan_in=200, fan_out=100)
    w = w.numpy()
    if kind == "u":  # value is limit**2
        assert np.abs(w).max() <= np.sqrt(value) and w.std() == pytest.approx(np.sqrt(value / 3), rel=0.02)
    else:  # value is the variance; truncated ones keep it (corrected) and stop at 2 untruncated std
        assert w.std() == pytest.approx(np.sqrt(value), rel=0.02)
        if kind == "t":
            assert np.abs(w).max() <= 2 * np.sqrt(value) / 0.87962566103423978 + 1e-12
    w = torch.empty(5000, dtype=torch.float64)
    ns["keras_init_"](w, {"type": "truncated_normal", "mean": 1.0, "stddev": 0.5}, 1, 1)
    assert w.min() >= 0.0 and w.max() <= 2.0 and float(w.mean()) == pytest.approx(1.0, abs=0.03)
    ns["keras_init_"](w, {"type": "constant", "value": 0.3}, 1, 1)
    assert bool((w == 0.3).all())


@pytest.mark.parametrize("monitor,values", [("val_loss", [1.0, 0.5, 0.6, 0.7]),
                                            ("val_accuracy", [0.5, 0.8, 0.7, 0.6])])
def test_early_stopping_stops_after_patience_and_restores_the_best(monitor, values):
    ns = template_namespace(["EarlyStopping"], torch_needed=True)
    model = ns["nn"].Linear(1, 1)
    stopper = ns["EarlyStopping"](monitor=monitor, patience=2, restore_best=True)
    stops = []
    for epoch, value in enumerate(values, start=1):
        with ns["torch"].no_grad():
            model.weight.fill_(float(epoch))
        stops.append(stopper.epoch_end({"loss": 9.0, monitor: value}, model, epoch))
    assert stops == [False, False, False, True]  # two epochs without improvement after epoch 2
    assert float(model.weight.detach()) == 2.0     # the best epoch's weights are back
    fallback = ns["EarlyStopping"](monitor="val_loss", patience=0)
    assert not fallback.epoch_end({"loss": 1.0}, model, 1)  # no validation data: watches loss
    assert fallback.epoch_end({"loss": 1.5}, model, 2)


def test_shipped_design_runs_end_to_end_with_given_weights(tmp_path):
    pytest.importorskip("torch")
    from engine.design import load_design
    design = load_design(ROOT / "resources" / "designs" / "tf_playground_default.json")
    d = design.to_dict()
    rng = np.random.default_rng(0)
    params, state = initial_weights(d, rng)
    weights = {k: v.astype(np.float32) for k, v in {**params, **state}.items()}
    weights["optimizer.layers.0.kernel.m"] = np.zeros(3, np.float32)  # checkpoint keys are skipped
    out = tmp_path / "tf.py"
    export_pytorch(design, out, weights=weights)
    assert (tmp_path / "tf_weights.npz").exists()
    run = subprocess.run([sys.executable, str(out), "--steps", "3", "--print-losses"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    losses = [float(line.split()[3]) for line in run.stdout.splitlines()]
    assert len(losses) == 3 and all(np.isfinite(losses))
    module = load_script(out)  # the first loss is that of the given weights on the first batch
    import torch
    model = module.build_model()
    module.load_weights(model, tmp_path / "tf_weights.npz")
    for key, value in torch_weights(model, weights.keys() - {"optimizer.layers.0.kernel.m"}).items():
        np.testing.assert_array_equal(value, weights[key].astype(np.float64), err_msg=key)
    with pytest.raises(ValueError, match="layers.0.kernel"):
        np.savez(tmp_path / "bad.npz", **{"layers.0.kernel": np.zeros((5, 5), np.float32)})
        module.load_weights(model, tmp_path / "bad.npz")
    assert torch.get_default_dtype() == torch.float32


# ------------------------------------------------------------------------------ the engine itself

def torch_then_build_session():
    """The engine's build_session; skips only where torch (the comparison's other side) is absent."""
    pytest.importorskip("torch")
    from engine.build import build_session
    return build_session


def inline_design(layers, loss, optimizer, schedule=None, class_weight=None, seed=0):
    rng = np.random.default_rng(seed)
    design = make_design(layers, loss, optimizer, schedule, class_weight=class_weight)
    design["training"]["epochs"] = 100
    data = make_data(design, rng, n=20)
    design["data"] = {"dataset": {"x_train": data["x_train"].tolist(),
                                  "y_train": data["y_train"].astype(float).tolist()},
                      "train_fraction": 1.0, "standardize": True}
    return design


NET_BCE = copy.deepcopy(NET[:4]) + [_dense(1), _act("sigmoid")]
ENGINE_CASES = [(copy.deepcopy(NET_BCE), "binary_crossentropy", opt, None) for opt in OPTIMIZERS] + [
    ([_dense(5, use_bias=False, kernel_constraint={"max_norm": 0.8}),
      {"type": "batch_norm", "renorm": True, "renorm_clipping": {"rmax": 1.2, "dmax": 0.3}},
      _act("prelu"), _dense(1), _act("sigmoid")], "binary_crossentropy",
     {"type": "sgd", "learning_rate": 0.1, "momentum": 0.9}, "balanced"),
    ([_dense(4), {"type": "layer_norm"}, _act("elu"), _dense(4), _act("selu"), _dense(3), _act("gelu"),
      _dense(3), _act("swish"), _dense(1)], "mse", {"type": "rmsprop", "learning_rate": 0.01}, None),
    (copy.deepcopy(NET), "sparse_categorical_crossentropy", {"type": "adam"}, {"0": 2.0}),
    ([_dense(4), {"type": "batch_norm", "trainable": False}, {"type": "batch_norm", "center": False},
      _act("leaky_relu", alpha=0.1), _dense(1, trainable=False), _act("sigmoid")], "binary_crossentropy",
     {"type": "nadam", "learning_rate": 0.05, "clipvalue": 0.01}, None),
    ([_dense(3), _act("softmax")], "categorical_crossentropy", {"type": "sgd"}, "balanced"),
]


@pytest.mark.parametrize("layers,loss,opt,class_weight", ENGINE_CASES,
                         ids=[f"case{i}" for i in range(len(ENGINE_CASES))])
def test_script_matches_the_engine_session(layers, loss, opt, class_weight, tmp_path):
    build_session = torch_then_build_session()
    design = inline_design(layers, loss, opt, class_weight=class_weight)
    session = build_session(design)
    weights = session.get_weights()
    expected = [session.step().loss for _ in range(4)]
    path = tmp_path / "net.py"
    export_pytorch(design, path, weights=weights)  # the data come through engine.data as well
    losses, _ = run_in_process(path, 4, float64=False, weights="net_weights.npz")
    np.testing.assert_allclose(losses, expected, rtol=1e-4)


@pytest.mark.parametrize("sched", [{"type": "one_cycle", "total_steps": None},
                                   {"type": "exponential", "s": 3.0},
                                   {"type": "piecewise_constant", "boundaries": [2, 4],
                                    "values": [0.1, 0.03, 0.01]}], ids=lambda s: s["type"])
def test_minibatches_and_schedules_match_the_engine_session(sched, tmp_path):
    build_session = torch_then_build_session()
    design = inline_design(copy.deepcopy(NET_BCE), "binary_crossentropy",
                           {"type": "sgd", "learning_rate": 0.1, "momentum": 0.8}, schedule=sched)
    design["training"].update(batch_size=8, shuffle=True, epochs=3)  # batches of 8, 8, 4
    session = build_session(design)
    weights = session.get_weights()
    expected = [session.step().loss for _ in range(7)]  # crosses two epoch boundaries
    path = tmp_path / "net.py"
    export_pytorch(design, path, weights=weights)
    losses, _ = run_in_process(path, 7, float64=False, weights="net_weights.npz")
    np.testing.assert_allclose(losses, expected, rtol=1e-4)


def test_shuffle_order_is_the_engines():
    from engine.session.stepping import epoch_order
    ns = template_namespace(["epoch_order"])
    for seed, n in ((7, 25), (2**63 - 1, 1000), (0, 1)):
        ns.update(SEED=seed, SHUFFLE=True)
        for epoch in range(3):
            np.testing.assert_array_equal(ns["epoch_order"](n, epoch), epoch_order(seed, epoch, n))
    ns["SHUFFLE"] = False
    np.testing.assert_array_equal(ns["epoch_order"](5, 1), np.arange(5))


def test_validation_plateau_and_early_stopping_match_the_engine_session(tmp_path):
    build_session = torch_then_build_session()
    design = inline_design(copy.deepcopy(NET_BCE), "binary_crossentropy",
                           {"type": "adam", "learning_rate": 0.3},
                           schedule={"type": "reduce_on_plateau", "factor": 0.5, "patience": 1})
    design["data"]["train_fraction"] = 0.7
    design["training"].update(batch_size=5, shuffle=True, epochs=40,
                              early_stopping={"monitor": "val_loss", "patience": 3,
                                              "restore_best": False})
    session = build_session(design)
    weights = session.get_weights()
    expected = []
    while not session.finished:
        expected.append(session.step().loss)
    assert session.status == "early_stopped" and len(expected) < 40 * 3
    path = tmp_path / "net.py"
    export_pytorch(design, path, weights=weights)
    losses, _ = run_in_process(path, None, float64=False, weights="net_weights.npz")
    assert len(losses) == len(expected)
    np.testing.assert_allclose(losses, expected, rtol=1e-4)


@pytest.mark.parametrize("name,design", SYNTHETIC, ids=[n for n, _ in SYNTHETIC])
def test_every_synthetic_design_trains_a_few_steps(name, design, tmp_path):
    pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    data = make_data(design, rng)
    export_pytorch(design, tmp_path / "net.py", data=data)
    params, state = initial_weights(design, rng)
    np.savez(tmp_path / "w.npz", **{k: v.astype(np.float32) for k, v in {**params, **state}.items()})
    losses, model = run_in_process(tmp_path / "net.py", 3, float64=False)
    assert len(losses) == 3 and np.all(np.isfinite(losses))
    model.eval()  # inference mode works too (rrelu's mean slope, dropout off, moving statistics)
    module_out = model(__import__("torch").zeros(2, design["model"]["input_dim"]))
    assert module_out.shape[0] == 2


def test_data_files_are_found_relative_to_base_dir(tmp_path):
    from engine.data import DataConfig, load_dataset
    design = make_design([_dense(1), _act("sigmoid")], input_dim=3)
    design["data"] = {"dataset": {"path": "data_train_val.npz"}, "standardize": True}
    export_pytorch(design, tmp_path / "f.py", base_dir=ROOT / "tests" / "data")
    expected = load_dataset(DataConfig.from_config(design["data"]), ROOT / "tests" / "data", 0, 3)
    with np.load(tmp_path / "f_data.npz", allow_pickle=False) as f:
        for key in ("x_train", "y_train", "x_val", "y_val"):
            np.testing.assert_allclose(f[key], getattr(expected, key), rtol=1e-6, err_msg=key)
    with pytest.raises(BadInput):  # without base_dir the relative file is not found here
        export_pytorch(design, tmp_path / "g.py", base_dir=tmp_path)


def test_class_weight_tables_in_the_script():
    design = make_design([_dense(1), _act("sigmoid")], class_weight={"1": 19.0})
    assert "CLASS_WEIGHTS = [1.0, 19.0]" in render_pytorch_script(design)
    with pytest.raises(BadInput, match="loss.class_weight"):  # "balanced" needs the targets
        render_pytorch_script(make_design([_dense(1), _act("sigmoid")], class_weight="balanced"))
    ns = template_namespace(["sample_weights"], torch_needed=True)
    torch = ns["torch"]
    ns["CLASS_WEIGHTS"] = [2.0, 0.5]
    y = torch.tensor([[0.0], [1.0], [2.0], [1.0]])  # class 2 lies beyond the table: weight 1
    assert ns["sample_weights"](y).tolist() == [2.0, 0.5, 1.0, 0.5]
    assert ns["sample_weights"](torch.eye(3)[[1, 0]]).tolist() == [0.5, 2.0]


@settings(deadline=None, max_examples=30)
@given(name=st.text(min_size=1, max_size=40))
@example(name="\x00")
@example(name='end """ quote\\')
def test_any_design_name_gives_a_valid_script(name):
    design = make_design([_dense(1)], "mse")
    design["name"] = name
    try:
        source = render_pytorch_script(design)
    except BadInput:  # names the engine rejects (e.g. control characters) never reach the export
        return
    compile(source, "named.py", "exec")


@pytest.mark.parametrize("stem", ['a"""b', "quote\"\"\"'''\\", "x\udcff"])
def test_any_script_file_name_gives_a_valid_script(stem, tmp_path):
    """The file name stands in the script's docstring: quotes, backslashes and lone
    surrogates (undecodable bytes of a command-line argument) must not break it."""
    from engine.design import load_design
    design = load_design(ROOT / "resources" / "designs" / "spiral_relu_batchnorm.json")
    out = tmp_path / f"{stem}.py"
    source = export_pytorch(design, out)
    compile(source, "exported.py", "exec")
    assert out.read_text(encoding="utf-8") == source
    assert (tmp_path / f"{stem}_data.npz").exists()
