"""Contract audit (docs/FORMAT.md "Design files"): black-box checks through
engine.design / engine.build only."""
from __future__ import annotations

import copy
import json
import math

import numpy as np
import pytest

from engine.build import build_session
from engine.design import Design, load_design, save_design
from engine.errors import BadInput

FORMAT = "network-playground/design"

# The design contract's full example (every key of a layer as the original contract wrote it).
EXAMPLE = json.loads("""
{
  "format": "network-playground/design", "version": 1, "name": "Spiral, ReLU + BN",
  "seed": 0,
  "data": {"dataset": "spiral", "samples": 600, "noise": 0.1, "train_fraction": 0.8,
           "standardize": true, "features": ["x1", "x2"]},
  "model": {"input_dim": 2, "layers": [
      {"id": "d1", "type": "dense", "units": 16, "kernel_initializer": "he_uniform",
       "bias_initializer": "zeros", "use_bias": true,
       "kernel_regularizer": {"l1": 0.0, "l2": 1e-4}, "kernel_constraint": {"max_norm": null},
       "trainable": true},
      {"id": "bn1", "type": "batch_norm", "momentum": 0.99, "epsilon": 0.001, "center": true,
       "scale": true, "renorm": false, "renorm_clipping": {"rmax": 3.0, "dmax": 5.0},
       "renorm_momentum": 0.99, "enabled": true},
      {"id": "a1", "type": "activation", "function": "relu"},
      {"id": "do1", "type": "dropout", "rate": 0.2, "enabled": true},
      {"id": "d2", "type": "dense", "units": 1, "kernel_initializer": "glorot_uniform"},
      {"id": "a2", "type": "activation", "function": "sigmoid"}]},
  "loss": {"type": "binary_crossentropy", "class_weight": null},
  "optimizer": {"type": "adam", "learning_rate": 0.01, "beta_1": 0.9, "beta_2": 0.999,
                "epsilon": 1e-7, "clipnorm": null, "clipvalue": null, "global_clipnorm": null},
  "schedule": {"type": "constant"},
  "training": {"batch_size": 32, "epochs": 200, "shuffle": true,
               "early_stopping": {"monitor": "val_loss", "patience": 20, "restore_best": true}}
}
""")


def minimal(layers=None, **top):
    d = {"format": FORMAT, "version": 1, "data": {"dataset": "xor", "samples": 40},
         "model": {"input_dim": 2, "layers": layers or [{"type": "dense", "units": 1}]},
         "loss": {"type": "mse"}}
    d.update(top)
    return d


def contains(full, given, path=""):
    """Every key/value of ``given`` is in ``full`` (recursively); returns the first mismatch."""
    if isinstance(given, dict):
        for k, v in given.items():
            if k not in full:
                return f"{path}.{k} missing"
            bad = contains(full[k], v, f"{path}.{k}")
            if bad:
                return bad
        return None
    if isinstance(given, list) and given and isinstance(given[0], dict):
        for i, (a, b) in enumerate(zip(full, given)):
            bad = contains(a, b, f"{path}[{i}]")
            if bad:
                return bad
        return None
    return None if full == given else f"{path}: {full!r} != {given!r}"


def test_example_loads_and_saves_back_with_every_key(tmp_path):
    src = tmp_path / "example.json"
    src.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    design = load_design(src)
    out = save_design(design, tmp_path / "saved.json")
    saved = json.loads(open(out, encoding="utf-8").read())
    assert contains(saved, EXAMPLE) is None
    # every layer key is written explicitly, including the ones the example leaves out
    d2 = saved["model"]["layers"][4]
    for key in ("use_bias", "bias_initializer", "kernel_regularizer", "kernel_constraint",
                "trainable"):
        assert key in d2, key
    assert set(saved) >= {"format", "version", "name", "seed", "data", "model", "loss",
                          "optimizer", "schedule", "training"}
    # from_config(get_config()) is the identity
    assert Design.from_dict(saved).to_dict() == saved
    assert load_design(out) == design


def test_example_builds_and_trains():
    s = build_session(Design.from_dict(EXAMPLE))
    snap = s.run(3)
    assert snap.step == 3 and math.isfinite(snap.loss)
    assert s.steps_per_epoch == math.ceil(480 / 32)


def test_missing_ids_are_generated_unique_and_written():
    d = Design.from_dict(minimal([{"type": "dense", "units": 3}, {"type": "activation",
                                   "function": "relu"}, {"type": "dense", "units": 1}]))
    ids = [layer["id"] for layer in d.to_dict()["model"]["layers"]]
    assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == 3
    assert Design.from_dict(d.to_dict()).to_dict() == d.to_dict()


def test_duplicate_ids_rejected():
    with pytest.raises(BadInput):
        Design.from_dict(minimal([{"id": "a", "type": "dense", "units": 3},
                                  {"id": "a", "type": "dense", "units": 1}]))


@pytest.mark.parametrize("where", ["top", "data", "layer", "loss", "optimizer", "schedule",
                                   "training", "initializer"])
def test_unknown_keys_are_errors_naming_them(where):
    d = minimal()
    target = {"top": d, "data": d["data"], "layer": d["model"]["layers"][0], "loss": d["loss"],
              "training": d.setdefault("training", {}),
              "optimizer": d.setdefault("optimizer", {"type": "adam"}),
              "schedule": d.setdefault("schedule", {"type": "power"})}.get(where)
    if where == "initializer":
        d["model"]["layers"][0]["kernel_initializer"] = {"type": "random_normal", "zzbogus": 1}
    else:
        target["zzbogus"] = 1
    with pytest.raises(BadInput) as err:
        Design.from_dict(d)
    assert "zzbogus" in str(err.value)


@pytest.mark.parametrize("section,value", [
    ("layer", {"type": "zzconv", "units": 3}),
    ("loss", {"type": "zzhinge"}),
    ("optimizer", {"type": "zzlion"}),
    ("schedule", {"type": "zzcosine"}),
    ("activation", {"type": "activation", "function": "zzmish"}),
    ("initializer", {"type": "dense", "units": 1, "kernel_initializer": "zzorthogonal"}),
])
def test_unknown_types_are_errors_naming_them(section, value):
    d = minimal()
    if section in ("layer", "activation", "initializer"):
        d["model"]["layers"] = [{"type": "dense", "units": 1}, value] \
            if section != "initializer" else [value]
    else:
        d[section] = value
    with pytest.raises(BadInput) as err:
        Design.from_dict(d)
    assert "zz" in str(err.value)


def layer_cfg(cfg):
    d = Design.from_dict(minimal([{"type": "dense", "units": 2}, cfg]))
    return d.to_dict()["model"]["layers"][1]


@pytest.mark.parametrize("cfg,expected", [
    ({"type": "batch_norm"}, {"momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True,
                              "renorm": False, "renorm_clipping": {"rmax": 3.0, "dmax": 5.0},
                              "enabled": True}),
    ({"type": "layer_norm"}, {"epsilon": 1e-3, "center": True, "scale": True}),
    ({"type": "activation", "function": "leaky_relu"}, {"alpha": 0.2}),
    ({"type": "activation", "function": "elu"}, {"alpha": 1.0}),
    ({"type": "activation", "function": "prelu"}, {"alpha": 0.25}),
    ({"type": "activation", "function": "rrelu"}, {"lower": 1 / 8, "upper": 1 / 3}),
    ({"type": "gaussian_noise", "stddev": 0.3}, {"stddev": 0.3}),
])
def test_layer_defaults(cfg, expected):
    got = layer_cfg(cfg)
    for k, v in expected.items():
        assert k in got and (got[k] == v or (isinstance(v, float) and math.isclose(got[k], v))), \
            (k, got.get(k))


@pytest.mark.parametrize("name,expected", [
    ("random_normal", {"mean": 0.0, "stddev": 0.05}),
    ("random_uniform", {"minval": -0.05, "maxval": 0.05}),
    ("truncated_normal", {"mean": 0.0, "stddev": 0.05}),
    ("constant", {"value": 0.0}),
    ("variance_scaling", {"scale": 1.0, "mode": "fan_in"}),
])
def test_initializer_defaults_written(name, expected):
    d = Design.from_dict(minimal([{"type": "dense", "units": 2,
                                   "kernel_initializer": {"type": name}}]))
    got = d.to_dict()["model"]["layers"][0]["kernel_initializer"]
    got = got if isinstance(got, dict) else {"type": got}
    for k, v in expected.items():
        assert got.get(k) == v, (k, got)


def test_initializer_names_and_objects_round_trip():
    for init in ("he_uniform", {"type": "random_normal", "mean": 0.0, "stddev": 0.1}):
        d = Design.from_dict(minimal([{"type": "dense", "units": 2, "kernel_initializer": init}]))
        saved = d.to_dict()
        assert saved["model"]["layers"][0]["kernel_initializer"] == init
        assert Design.from_dict(saved).to_dict() == saved


@pytest.mark.parametrize("cfg,expected", [
    ({"type": "adam"}, {"epsilon": 1e-7}),
    ({"type": "adagrad"}, {"initial_accumulator_value": 0.1}),
    ({"type": "rmsprop"}, {"rho": 0.9}),
])
def test_optimizer_defaults(cfg, expected):
    got = Design.from_dict(minimal(optimizer=cfg)).to_dict()["optimizer"]
    for k, v in expected.items():
        assert got[k] == v


@pytest.mark.parametrize("cfg,expected", [
    ({"type": "reduce_on_plateau"}, {"factor": 0.5, "patience": 5}),
    ({"type": "one_cycle", "max_lr": 0.1, "total_steps": 100},
     {"start_factor": 10, "final_factor": 1000}),
])
def test_schedule_defaults(cfg, expected):
    got = Design.from_dict(minimal(schedule=cfg)).to_dict()["schedule"]
    for k, v in expected.items():
        assert got[k] == v


def test_training_defaults_and_full_batch():
    d = Design.from_dict(minimal()).to_dict()
    assert d["training"]["early_stopping"] is None
    d2 = Design.from_dict(minimal(training={"batch_size": "full"})).to_dict()
    assert d2["training"]["batch_size"] == "full"
    s = build_session(Design.from_dict(minimal(training={"batch_size": "full"})))
    assert s.steps_per_epoch == 1


@pytest.mark.parametrize("layer,needle", [
    ({"type": "dense", "units": 0}, "units"),
    ({"type": "dense", "units": 4097}, "units"),
    ({"type": "dropout", "rate": 1.0}, "rate"),
    ({"type": "dropout", "rate": -0.1}, "rate"),
    ({"type": "alpha_dropout", "rate": 1.0}, "rate"),
])
def test_layer_limits(layer, needle):
    with pytest.raises(BadInput) as err:
        Design.from_dict(minimal([{"type": "dense", "units": 2}, layer,
                                  {"type": "dense", "units": 1}]))
    assert needle in str(err.value)


def test_twenty_million_parameters_exact_boundary():
    units = (4095, 4087, 398, 4061)        # 3*4095 + 4096*4087 + 4088*398 + 399*4061 = 20,000,000
    Design.from_dict(minimal([{"type": "dense", "units": u} for u in units]))
    over = minimal([{"type": "dense", "units": u} for u in units[:3] + (4062,)])
    with pytest.raises(BadInput) as err:
        Design.from_dict(over)
    assert "20,000,399" in str(err.value) or "20000399" in str(err.value)


def test_units_4096_allowed():
    Design.from_dict(minimal([{"type": "dense", "units": 4096}, {"type": "dense", "units": 1}]))


def test_twenty_million_parameters_limit():
    layers = [{"type": "dense", "units": 4096} for _ in range(2)] + [{"type": "dense", "units": 1}]
    ok = minimal(layers)                    # ~16.8 M parameters: fine
    Design.from_dict(ok)
    big = minimal([{"type": "dense", "units": 4096} for _ in range(3)]
                  + [{"type": "dense", "units": 1}])   # ~33.6 M
    with pytest.raises(BadInput):
        Design.from_dict(big)


@pytest.mark.parametrize("lr", [0.0, -0.1, float("inf"), float("nan")])
def test_learning_rate_finite_positive(lr):
    with pytest.raises(BadInput) as err:
        Design.from_dict(minimal(optimizer={"type": "sgd", "learning_rate": lr}))
    assert "learning_rate" in str(err.value)


def test_input_dim_mismatch_names_both_counts():
    d = minimal()
    d["model"]["input_dim"] = 5
    with pytest.raises(BadInput) as err:
        build_session(Design.from_dict(d) if _lazy(d) else d)
    msg = str(err.value)
    assert "5" in msg and "2" in msg and "input_dim" in msg


def _lazy(d):
    try:
        Design.from_dict(d)
        return True
    except BadInput as err:
        msg = str(err)
        assert "5" in msg and "2" in msg
        raise


def test_input_dim_mismatch_with_features():
    d = minimal()
    d["data"]["features"] = ["x1", "x2", "x1^2"]
    with pytest.raises(BadInput) as err:
        build_session(d)
    assert "3" in str(err.value) and "2" in str(err.value)


@pytest.mark.parametrize("cw", ["balanced", {"0": 1.0, "1": 19.0}, None])
def test_class_weight_forms_accepted(cw):
    d = minimal(loss={"type": "binary_crossentropy", "class_weight": cw})
    d["model"]["layers"] = [{"type": "dense", "units": 1},
                            {"type": "activation", "function": "sigmoid"}]
    assert Design.from_dict(d).to_dict()["loss"]["class_weight"] == cw


def test_bad_input_has_path():
    with pytest.raises(BadInput) as err:
        Design.from_dict(minimal([{"type": "dense", "units": 2}, {"type": "dropout", "rate": 1.5},
                                  {"type": "dense", "units": 1}]))
    assert "model.layers[1]" in str(err.value) and "1.5" in str(err.value)


def test_deepcopy_roundtrip_all_layer_types():
    layers = [{"type": "dense", "units": 4}, {"type": "batch_norm", "renorm": True},
              {"type": "activation", "function": "prelu"}, {"type": "layer_norm"},
              {"type": "dropout", "rate": 0.1}, {"type": "alpha_dropout", "rate": 0.1},
              {"type": "gaussian_noise", "stddev": 0.1}, {"type": "dense", "units": 1}]
    d = Design.from_dict(minimal(copy.deepcopy(layers))).to_dict()
    assert Design.from_dict(d).to_dict() == d
    assert json.loads(json.dumps(d)) == d
