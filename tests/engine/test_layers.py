"""Layer configs: round trip for every registered layer, validation errors naming the key."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.errors import BadInput
from engine.layers import ACTIVATION_CODES, LAYERS, from_config

EXAMPLES = {
    "dense": {"type": "dense", "units": 3, "kernel_regularizer": {"l1": 0.01, "l2": 0.001},
              "kernel_constraint": {"max_norm": 2.0}},
    "activation": {"type": "activation", "function": "leaky_relu", "alpha": 0.3},
    "batch_norm": {"type": "batch_norm", "renorm": True, "renorm_clipping": {"rmax": 2.0, "dmax": 1.0}},
    "layer_norm": {"type": "layer_norm", "center": False},
    "dropout": {"type": "dropout", "rate": 0.25},
    "alpha_dropout": {"type": "alpha_dropout", "rate": 0.1, "enabled": False},
    "gaussian_noise": {"type": "gaussian_noise", "stddev": 0.3},
}


def test_every_layer_has_an_example():
    assert set(EXAMPLES) == set(LAYERS)


@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_config_round_trip(kind):
    layer = from_config(dict(EXAMPLES[kind], id="x1"))
    cfg = layer.get_config()
    assert cfg["id"] == "x1" and cfg["type"] == kind
    again = from_config(json.loads(json.dumps(cfg)))
    assert again.get_config() == cfg
    assert set(cfg) <= set(type(layer).config_keys)
    assert repr(layer).startswith(type(layer).__name__)


@pytest.mark.parametrize("function", sorted(ACTIVATION_CODES))
def test_activation_round_trip(function):
    layer = from_config({"type": "activation", "function": function})
    cfg = json.loads(json.dumps(layer.get_config()))
    assert from_config(cfg).get_config() == cfg


def test_defaults_written():
    cfg = from_config({"type": "batch_norm"}).get_config()
    assert cfg["momentum"] == 0.99 and cfg["epsilon"] == 0.001 and cfg["renorm_momentum"] == 0.99
    assert cfg["renorm_clipping"] == {"rmax": 3.0, "dmax": 5.0} and cfg["enabled"] is True
    assert from_config({"type": "activation", "function": "leaky_relu"}).get_config()["alpha"] == 0.2
    assert from_config({"type": "activation", "function": "elu"}).get_config()["alpha"] == 1.0
    rr = from_config({"type": "activation", "function": "rrelu"}).get_config()
    assert rr["lower"] == pytest.approx(1 / 8) and rr["upper"] == pytest.approx(1 / 3)


def test_generated_ids_are_unique():
    ids = {from_config({"type": "dense", "units": 2}).id for _ in range(50)}
    assert len(ids) == 50


@pytest.mark.parametrize("cfg,path", [
    ({"type": "dense", "units": 0}, "units"),
    ({"type": "dense", "units": 5000}, "units"),
    ({"type": "dense", "units": 2.5}, "units"),
    ({"type": "dense"}, "units"),
    ({"type": "dense", "units": 2, "kernel_initializer": "nope"}, "kernel_initializer"),
    ({"type": "dense", "units": 2, "kernel_regularizer": {"l3": 1}}, "kernel_regularizer.l3"),
    ({"type": "dense", "units": 2, "kernel_regularizer": {"l2": -1}}, "kernel_regularizer.l2"),
    ({"type": "dense", "units": 2, "kernel_constraint": {"max_norm": 0}}, "kernel_constraint.max_norm"),
    ({"type": "dense", "units": 2, "use_bias": "yes"}, "use_bias"),
    ({"type": "dropout", "rate": 1.0}, "rate"),
    ({"type": "dropout", "rate": -0.1}, "rate"),
    ({"type": "dropout", "foo": 1}, "foo"),
    ({"type": "batch_norm", "momentum": 1.5}, "momentum"),
    ({"type": "batch_norm", "epsilon": 0}, "epsilon"),
    ({"type": "batch_norm", "renorm_clipping": {"rmax": 0.5}}, "renorm_clipping.rmax"),
    ({"type": "activation", "function": "relu6"}, "function"),
    ({"type": "activation", "function": "relu", "alpha": 0.1}, "alpha"),
    ({"type": "activation", "function": "rrelu", "lower": 0.5, "upper": 0.2}, "upper"),
    ({"type": "gaussian_noise", "stddev": -1}, "stddev"),
    ({"type": "conv2d"}, "type"),
    ({"type": "dense", "units": 2, "id": ""}, "id"),
])
def test_bad_input_names_the_key(cfg, path):
    with pytest.raises(BadInput) as info:
        from_config(cfg)
    assert info.value.path == path
    assert str(info.value).startswith(path + ":")


def test_build_shapes():
    d = from_config({"type": "dense", "units": 3, "use_bias": False}).build(4)
    assert set(d.weights) == {"kernel"} and d.weights["kernel"].shape == (4, 3)
    assert d.weights["kernel"].dtype == np.float32
    bn = from_config({"type": "batch_norm", "center": False}).build(5)
    assert list(bn.weights) == ["gamma", "moving_mean", "moving_variance"]
    pr = from_config({"type": "activation", "function": "prelu"}).build(3)
    np.testing.assert_array_equal(pr.weights["alpha"], np.full(3, 0.25, np.float32))
