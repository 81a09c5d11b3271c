"""Live layer options are declared once, on the layer classes (``live_keys`` beside
``config_keys``): the session accepts exactly those between steps and refuses the structural
keys; one parameter count (the layer's) serves the model and the module-level accessor."""
from __future__ import annotations

import pytest

from engine.errors import BadInput
from engine.layers import LAYERS, LIVE_NESTED, live_keys, live_options, output_dims_and_params
from tests.helpers.sessions import make

ALL_TYPES = [{"type": "dense", "units": 4, "id": "d1"},
             {"type": "batch_norm", "id": "bn1"},
             {"type": "layer_norm", "id": "ln1"},
             {"type": "activation", "function": "rrelu", "id": "a1"},
             {"type": "activation", "function": "elu", "id": "a2"},
             {"type": "dropout", "rate": 0.2, "id": "do1"},
             {"type": "alpha_dropout", "rate": 0.1, "id": "ad1"},
             {"type": "gaussian_noise", "stddev": 0.1, "id": "gn1"},
             {"type": "dense", "units": 1, "id": "d2"},
             {"type": "activation", "function": "sigmoid", "id": "a3"}]

# a valid new value for every live option (the app's and the worker's lists become these)
NEW_VALUE = {"enabled": False, "renorm": True, "rate": 0.3, "trainable": False, "l1": 0.01,
             "l2": 0.02, "max_norm": 1.5, "momentum": 0.9, "epsilon": 0.01, "renorm_momentum": 0.9,
             "rmax": 2.0, "dmax": 3.0, "stddev": 0.2, "alpha": 0.5, "lower": 0.1, "upper": 0.2}


@pytest.mark.parametrize("cls", list(LAYERS.values()), ids=list(LAYERS))
def test_live_keys_are_config_keys_and_never_the_identity(cls):
    assert set(cls.live_keys) <= set(cls.config_keys)
    assert not {"id", "type"} & set(cls.live_keys)


def test_the_accessors_cover_every_type():
    assert set(live_options()) == set(NEW_VALUE)
    assert set(live_keys()) == {"enabled", "renorm", "rate", "trainable", "momentum", "epsilon",
                                "renorm_momentum", "stddev", "alpha", "lower", "upper",
                                *LIVE_NESTED}


def test_the_session_takes_every_live_option_and_refuses_structural_keys():
    s = make(layers=ALL_TYPES)
    s.step()
    for layer in list(s.model.layers):
        cls = type(layer)
        for option in cls.live_options():
            if cls.option_path(option)[0] not in layer.get_config():
                with pytest.raises(BadInput):  # an option of another activation function
                    s.set_layer_option(layer.id, **{option: NEW_VALUE[option]})
                continue
            s.set_layer_option(layer.id, **{option: NEW_VALUE[option]})
            outer, inner = cls.option_path(option)
            cfg = layer.get_config()
            assert (cfg[outer] if inner is None else cfg[outer][inner]) == NEW_VALUE[option]
        for key in set(cls.config_keys) - set(cls.live_keys) - {"id", "type"}:
            with pytest.raises(BadInput, match="use apply_model"):
                s.set_layer_option(layer.id, **{key: layer.get_config()[key]})
        with pytest.raises(BadInput, match="not an option"):
            s.set_layer_option(layer.id, units_typo=3)
    s.step()  # still trains after every change


def test_one_parameter_count_for_the_model_and_the_accessor():
    s = make(layers=ALL_TYPES)
    counts = output_dims_and_params(ALL_TYPES, 2)
    assert [d for d, _ in counts] == s.model.dims[1:]
    held = sum(w.size for layer in s.model.layers for w in layer.weights.values())
    assert sum(n for _, n in counts) == held
    with pytest.raises(BadInput) as info:
        output_dims_and_params([{"type": "dense", "units": 0}], 2)
    assert info.value.path == "[0].units"


def test_normalisation_counts_follow_scale_and_center_everywhere():
    """Batch norm holds (2 + scale + center) x width weights, layer norm (scale + center) x width;
    the stack totals, the trainable counts and the design's parameter limit all use these."""
    from engine.design import Design
    from engine.layers import layer_counts, output_dim_and_params
    # Keras: BatchNormalization(width) shows 4 x width params, 2 x width non-trainable
    assert layer_counts([{"type": "batch_norm"}], 5) == [(5, 20, 10)]
    assert layer_counts([{"type": "batch_norm", "trainable": False}], 5) == [(5, 20, 0)]
    bare = {"scale": False, "center": False}
    stack = [{"type": "dense", "units": 4}, {"type": "batch_norm", **bare},
             {"type": "layer_norm", "scale": False}, {"type": "batch_norm", "center": False},
             {"type": "dense", "units": 2, "trainable": False}]
    assert layer_counts(stack, 3) == [(4, 16, 16), (4, 8, 0), (4, 4, 4), (4, 12, 4), (2, 10, 0)]
    assert output_dim_and_params(stack, 3) == (2, 50)
    wide = [{"type": "dense", "units": 4096}, {"type": "batch_norm", **bare},
            {"type": "dense", "units": 4096}, {"type": "dense", "units": 4096}]
    design = {"format": "network-playground/design", "version": 1,
              "model": {"input_dim": 2, "layers": wide}}
    with pytest.raises(BadInput) as info:
        Design.from_dict(design)
    expected = 2 * 4096 + 4096 + 2 * 4096 + 2 * (4096 * 4096 + 4096)
    assert info.value.message.startswith(f"{expected:,} parameters exceed the limit")
