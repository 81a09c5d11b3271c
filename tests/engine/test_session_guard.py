"""The one guard: live edits that no longer fit the data or the loss are refused with the layer
named and both sizes (as building from a file refuses them), and nothing changes."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.build import build_session, load_design_data
from engine.design import Design, load_design
from engine.errors import BadInput

ROOT = Path(__file__).resolve().parents[2]
DESIGNS = ROOT / "resources" / "designs"


def _session(name: str, **training):
    d = load_design(DESIGNS / name).to_dict()
    d["training"].update(training)
    return build_session(Design.from_dict(d), base_dir=DESIGNS)


def _configs(s):
    return [layer.get_config() for layer in s.model.layers]


def test_a_wide_layer_dragged_to_the_end_of_a_regression_is_refused():
    s = _session("sine_regression.json")
    s.run(3)
    before = s.state_dict()
    layers = _configs(s) + [{"id": "wide", "type": "dense", "units": 4096}]
    with pytest.raises(BadInput) as err:
        s.apply_model(layers)
    text = str(err.value)
    assert f"model.layers[{len(layers) - 1}]" in text and "'wide'" in text
    assert "4096 outputs" in text and "1 column" in text
    assert str(s.state_dict()["meta.json"]) == str(before["meta.json"])
    s.run(2)  # the previous model keeps training


def test_resizing_the_output_layer_of_a_classifier_is_refused():
    s = _session("digits_mlp_dropout.json")
    layers = _configs(s)
    out = max(i for i, c in enumerate(layers) if c["type"] == "dense")
    layers[out]["units"] = 4
    with pytest.raises(BadInput, match=r"has 4 outputs but the training targets have class "
                                       r"index 9 \(10 classes\)") as err:
        s.apply_model(layers)
    assert err.value.path.startswith(f"model.layers[{out}]")


def test_the_build_from_a_file_refuses_the_same_with_the_same_words():
    d = load_design(DESIGNS / "sine_regression.json").to_dict()
    d["model"]["layers"].append({"id": "wide", "type": "dense", "units": 16})
    with pytest.raises(BadInput, match="has 16 outputs but the training targets have 1 column"):
        build_session(Design.from_dict(d), base_dir=DESIGNS)


def test_early_stopping_best_weights_do_not_survive_a_resize():
    s = _session("spiral_relu_batchnorm.json",
                 early_stopping={"monitor": "val_loss", "patience": 1, "restore_best": True})
    s.run(s.steps_per_epoch * 3)
    assert s._best is not None
    layers = _configs(s)
    layers[0]["units"] = 5
    s.apply_model(layers)
    assert s._best is None
    while not s.finished:
        s.run_epoch()  # early stopping restores weights of the new shape
    assert s.status in ("early_stopped", "finished")


def test_data_and_loss_changes_pass_the_guard():
    s = _session("spiral_relu_batchnorm.json")
    digits = load_design(DESIGNS / "digits_mlp_dropout.json")
    with pytest.raises(BadInput, match="model.input_dim"):
        s.set_data(load_design_data(digits, DESIGNS))
    s.set_loss("mse")
    assert s.loss.type_name == "mse"
    s.run(2)
    d = _session("digits_mlp_dropout.json")
    with pytest.raises(BadInput, match=r"has 10 outputs but the training targets have 1 column"):
        d.set_loss("binary_crossentropy")
    one_hot = load_design(DESIGNS / "digits_mlp_dropout.json").replace(
        loss={"type": "categorical_crossentropy"})
    d.set_loss("categorical_crossentropy", load_design_data(one_hot, DESIGNS))
    assert d.y.shape[1] == 10
    d.run(2)


def test_bad_arguments_are_bad_input_and_names_are_accepted():
    s = _session("spiral_relu_batchnorm.json")
    s.set_optimizer("adam")
    assert s.optimizer.type_name == "adam"
    s.set_schedule("constant")
    s.set_batch_size(np.int64(5))
    s.set_learning_rate(np.float32(0.01))
    json.loads(str(s.state_dict()["meta.json"]))  # numpy numbers stored as plain JSON
    with pytest.raises(BadInput, match="2 features, got an array of shape"):
        s.predict(np.zeros((3, 5)))
    for bad in (None, "x", 10**400, -1, float("nan")):
        with pytest.raises(BadInput):
            s.set_learning_rate(bad)
    s.run(3)
