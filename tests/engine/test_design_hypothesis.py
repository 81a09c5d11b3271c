"""Property tests of design files: valid designs round-trip; damaged ones give only BadInput."""
from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.design import FORMAT, Design, load_design, save_design
from engine.errors import BadInput

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "resources" / "designs").glob("*.json"))
SETTINGS = dict(deadline=None, max_examples=60,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

INITIALIZERS = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "lecun_uniform",
                "lecun_normal", "zeros", "ones"]
FUNCTIONS = ["linear", "relu", "elu", "selu", "gelu", "tanh", "sigmoid", "softplus", "swish",
             "prelu"]
small = st.floats(0.0, 0.01, allow_nan=False)
unit_rate = st.floats(0.0, 0.9, allow_nan=False)


def initializer() -> st.SearchStrategy:
    """A name, or an initialiser object with random parameters."""
    return st.one_of(
        st.sampled_from(INITIALIZERS),
        st.fixed_dictionaries({"type": st.just("variance_scaling"),
                               "scale": st.floats(0.1, 3.0),
                               "mode": st.sampled_from(["fan_in", "fan_out", "fan_avg"]),
                               "distribution": st.sampled_from(
                                   ["truncated_normal", "untruncated_normal", "uniform"])}),
        st.fixed_dictionaries({"type": st.just("random_normal")},
                              optional={"mean": st.floats(-1, 1), "stddev": st.floats(0.01, 1)}),
        st.fixed_dictionaries({"type": st.just("constant"), "value": st.floats(-1, 1)}))


def dense() -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({"type": st.just("dense"), "units": st.integers(1, 16)}, optional={
        "kernel_initializer": initializer(),
        "bias_initializer": st.sampled_from(["zeros", "ones"]),
        "use_bias": st.booleans(),
        "kernel_regularizer": st.fixed_dictionaries({"l1": small, "l2": small}),
        "kernel_constraint": st.fixed_dictionaries(
            {"max_norm": st.none() | st.floats(0.5, 5.0)}),
        "trainable": st.booleans()})


def other_layer() -> st.SearchStrategy[dict]:
    return st.one_of(
        st.fixed_dictionaries({"type": st.just("activation"),
                               "function": st.sampled_from(FUNCTIONS)}),
        st.fixed_dictionaries({"type": st.just("activation"), "function": st.just("leaky_relu"),
                               "alpha": st.floats(0.0, 1.0)}),
        st.fixed_dictionaries({"type": st.just("activation"), "function": st.just("rrelu"),
                               "lower": st.floats(0.0, 0.2), "upper": st.floats(0.2, 0.5)}),
        st.fixed_dictionaries({"type": st.just("alpha_dropout")}, optional={"rate": unit_rate}),
        st.fixed_dictionaries({"type": st.just("batch_norm")}, optional={
            "momentum": st.floats(0.0, 0.999), "epsilon": st.floats(1e-5, 0.1),
            "center": st.booleans(), "scale": st.booleans(), "renorm": st.booleans(),
            "renorm_clipping": st.fixed_dictionaries({"rmax": st.floats(1.0, 5.0),
                                                      "dmax": st.floats(0.0, 8.0)}),
            "renorm_momentum": st.floats(0.0, 0.999), "enabled": st.booleans()}),
        st.fixed_dictionaries({"type": st.just("layer_norm")}, optional={
            "epsilon": st.floats(1e-5, 0.1), "center": st.booleans(), "scale": st.booleans()}),
        st.fixed_dictionaries({"type": st.just("dropout")},
                              optional={"rate": unit_rate, "enabled": st.booleans()}),
        st.fixed_dictionaries({"type": st.just("gaussian_noise")},
                              optional={"stddev": st.floats(0.0, 1.0)}),
    )


@st.composite
def designs(draw) -> dict:
    """A valid design dict with random layers and options (some keys left to their defaults)."""
    layers = draw(st.lists(st.one_of(dense(), other_layer()), min_size=0, max_size=6))
    layers.append(draw(dense()))
    for i, layer in enumerate(layers):
        if draw(st.booleans()):
            layer["id"] = f"L{i}"
    features = draw(st.sampled_from([["x1", "x2"], ["x1", "x2", "x1*x2"], ["x1^2", "x2^2"]]))
    task = draw(st.sampled_from(["bce", "mse"]))
    layers[-1]["units"] = 1  # the generators give one target column
    if task == "bce":
        layers.append({"type": "activation", "function": "sigmoid"})
    d = {
        "format": FORMAT, "version": 1, "name": draw(st.text(max_size=20)),
        "seed": draw(st.integers(0, 2**40)),
        "data": {"dataset": draw(st.sampled_from(["circle", "xor", "gaussian", "spiral"])),
                 "samples": draw(st.integers(10, 300)), "noise": draw(st.floats(0.0, 0.5)),
                 "features": features},
        "model": {"input_dim": len(features), "layers": layers},
        "loss": {"type": "binary_crossentropy" if task == "bce" else draw(
            st.sampled_from(["mse", "mae"]))},
        "optimizer": draw(st.sampled_from([
            {"type": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
            {"type": "adam", "learning_rate": 0.002, "clipnorm": 1.0},
            {"type": "adamw", "weight_decay": 0.01}, {"type": "adamax", "global_clipnorm": 2.0},
            {"type": "rmsprop", "centered": True, "clipvalue": 0.5}, {"type": "adagrad"},
            {"type": "nadam"}])),
        "training": {"batch_size": draw(st.integers(1, 64) | st.just("full")),
                     "epochs": draw(st.integers(1, 500)), "shuffle": draw(st.booleans()),
                     "early_stopping": draw(st.none() | st.fixed_dictionaries(
                         {"patience": st.integers(0, 10)},
                         optional={"restore_best": st.booleans(),
                                   "monitor": st.sampled_from(["loss", "val_loss"])}))},
    }
    if task == "bce" and draw(st.booleans()):
        d["loss"]["class_weight"] = draw(st.sampled_from(["balanced", {"0": 1.0, "1": 3.0}]))
    if draw(st.booleans()):
        d["schedule"] = draw(st.sampled_from([
            {"type": "constant"}, {"type": "exponential", "s": 100}, {"type": "power", "s": 50},
            {"type": "piecewise_constant", "boundaries": [10, 20], "values": [0.1, 0.05, 0.01]},
            {"type": "reduce_on_plateau", "patience": 3},
            {"type": "one_cycle", "max_lr": 0.1, "total_steps": 500},
            {"type": "linear", "lr_high": 0.1, "lr_low": 0.01, "t_max": 100}]))
    return d


@settings(**SETTINGS)
@given(designs())
def test_valid_designs_round_trip(tmp_path, d):
    design = Design.from_dict(copy.deepcopy(d))
    assert Design.from_dict(design.to_dict()) == design
    path = save_design(design, tmp_path / "d.json")
    assert load_design(path) == design
    assert [layer["type"] for layer in design.layers] == [layer["type"] for layer in
                                                          d["model"]["layers"]]


@settings(**{**SETTINGS, "max_examples": 30})
@given(designs())
def test_valid_designs_build_and_train(d):
    from engine.build import build_session
    session = build_session(Design.from_dict(d))
    snap = session.run(2)
    assert snap.step == 2 or snap.status in ("diverged", "finished", "early_stopped")
    assert session.batch_size >= 1 and len(session.model.layers) == len(d["model"]["layers"])


def _paths(value, prefix=()):
    """Every (path tuple) inside a JSON value."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


def _parent(d, path):
    for key in path[:-1]:
        d = d[key]
    return d


JUNK = [None, True, -1, 0, 1.5, 1e300, -1e-9, 10**30, "", "x", "full", [], [1], {}, {"a": 1}]


@st.composite
def damaged(draw) -> tuple[dict, str]:
    """A shipped or generated design with one random key deleted, replaced or added."""
    d = draw(st.sampled_from(SHIPPED).map(lambda p: json.loads(p.read_text()))) \
        if SHIPPED and draw(st.booleans()) else draw(designs())
    paths = [p for p in _paths(d) if p]
    path = draw(st.sampled_from(paths))
    parent = _parent(d, path)
    action = draw(st.sampled_from(["delete", "replace", "add"]))
    if action == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif action == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["zzz", "Units", "rate ", "lr"]))] = 1
    else:
        parent[path[-1]] = draw(st.sampled_from(JUNK))
    return d, action


@settings(**SETTINGS)
@given(damaged())
def test_damaged_designs_raise_only_bad_input_with_a_path(case):
    d, _ = case
    try:
        Design.from_dict(d)
    except BadInput as err:
        assert err.path, f"no path in {err!r}"
        assert str(err).startswith(err.path + ": ")
        assert "\n" not in str(err)


@settings(**SETTINGS)
@given(st.sampled_from(SHIPPED) if SHIPPED else st.nothing(), st.data())
def test_junk_bytes_raise_only_bad_input(tmp_path, path, data):
    raw = bytearray(path.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        raw[pos:pos + 1] = data.draw(st.binary(min_size=0, max_size=3))
    target = tmp_path / "junk.json"
    target.write_bytes(bytes(raw))
    try:
        load_design(target)
    except BadInput as err:
        assert err.path and "\n" not in str(err)
