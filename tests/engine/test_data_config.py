"""DataConfig: defaults, validation paths, round trips, n_features."""
from __future__ import annotations

import json

import pytest

from engine.data import BUILTIN_NAMES, DataConfig, from_config, n_features
from engine.errors import BadInput

ROUND_TRIP_CASES = [
    {},
    {"dataset": "spiral", "samples": 600, "noise": 0.1, "train_fraction": 0.8,
     "standardize": True, "features": ["x1", "x2"]},
    {"dataset": "xor", "features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"],
     "class_fractions": {"1": 0.05}, "label_flip": 0.1},
    {"dataset": "digits", "train_fraction": 1.0, "standardize": False},
    {"dataset": {"path": "data.csv", "label_column": "label"}},
    {"dataset": {"x_train": [[1, 2]], "y_train": [[0]]}},
    {"dataset": {"x_train": [[1], [2]], "y_train": ["a", "b"], "x_val": [[3]], "y_val": ["a"]}},
    {"dataset": "sine_1d", "features": ["x1", "x1^2", "sin(x1)"]},
]


def test_defaults_written_in_full() -> None:
    cfg = DataConfig().get_config()
    assert set(cfg) == set(DataConfig.config_keys)
    assert cfg == {"dataset": "circle", "samples": 500, "noise": 0.0, "train_fraction": 0.5,
                   "standardize": True, "features": None, "class_fractions": None,
                   "label_flip": 0.0}


@pytest.mark.parametrize("raw", ROUND_TRIP_CASES)
def test_round_trip(raw: dict) -> None:
    cfg = DataConfig.from_config(raw)
    out = cfg.get_config()
    assert set(out) == set(DataConfig.config_keys)
    json.dumps(out)
    again = DataConfig.from_config(json.loads(json.dumps(out)))
    assert again.get_config() == out and again == cfg
    assert from_config(out) == cfg
    assert "DataConfig(" in repr(cfg)


def test_top_level_file_and_inline_keys_move_under_dataset() -> None:
    cfg = DataConfig.from_config({"path": "a.csv", "label_column": "y"})
    assert cfg.get_config()["dataset"] == {"path": "a.csv", "label_column": "y"}
    cfg = DataConfig.from_config({"x_train": [[1.0]], "y_train": [[2.0]]})
    assert cfg.kind == "inline" and cfg.get_config()["dataset"]["x_val"] is None
    assert DataConfig(dataset="my.npz").dataset == {"path": "my.npz", "label_column": None}


@pytest.mark.parametrize("raw, path, text", [
    ({"train_fraction": 1.5}, "train_fraction", "(0, 1]"),
    ({"train_fraction": 0}, "train_fraction", "(0, 1]"),
    ({"samples": 0}, "samples", "[1, 100000]"),
    ({"samples": 100001}, "samples", "[1, 100000]"),
    ({"samples": 2.5}, "samples", "integer"),
    ({"samples": True}, "samples", "integer"),
    ({"noise": -0.1}, "noise", "[0, 1]"),
    ({"noise": float("nan")}, "noise", "[0, 1]"),
    ({"noise": "a lot"}, "noise", "number"),
    ({"label_flip": 1.0}, "label_flip", "[0, 1)"),
    ({"standardize": "yes"}, "standardize", "true or false"),
    ({"dataset": "nope"}, "dataset", "unknown data set 'nope'"),
    ({"dataset": 3}, "dataset", "name or an object"),
    ({"dataset": {"foo": 1}}, "dataset", "'path'"),
    ({"dataset": {"path": "a.txt"}}, "dataset.path", ".csv or .npz"),
    ({"dataset": {"path": "a.csv", "sep": ";"}}, "dataset.sep", "unknown key"),
    ({"dataset": {"x_train": [[1, 2], [3]], "y_train": [[0], [1]]}}, "dataset.x_train[1]",
     "has 1 values"),
    ({"dataset": {"x_train": [[1, "a"]], "y_train": [[0]]}}, "dataset.x_train[0][1]",
     "must be a number, got string 'a'"),
    ({"dataset": {"x_train": [[1, 2]], "y_train": [[0], [1]]}}, "dataset.y_train", "2 rows"),
    ({"features": ["x1", "x3"]}, "features[1]", "unknown feature 'x3'"),
    ({"features": ["x1", "x1"]}, "features[1]", "duplicate"),
    ({"features": []}, "features", "non-empty"),
    ({"dataset": "sine_1d", "features": ["x2"]}, "features[0]", "unknown feature"),
    ({"class_fractions": {"1": 0}}, "class_fractions.1", "(0, 1]"),
    ({"class_fractions": {"7": 0.5}}, "class_fractions.7", "unknown class"),
    ({"class_fractions": [0.5]}, "class_fractions", "object"),
    ({"dataset": "plane", "label_flip": 0.1}, "label_flip", "regression"),
    ({"dataset": "plane", "class_fractions": {"1": 0.5}}, "class_fractions", "regression"),
    ({"colour": "red"}, "colour", "unknown key 'colour'"),
    ({"dataset": "circle", "path": "a.csv"}, "path", "either"),
])
def test_validation_errors_name_the_key(raw: dict, path: str, text: str) -> None:
    with pytest.raises(BadInput) as info:
        DataConfig.from_config(raw)
    assert info.value.path == path
    assert text in info.value.message


def test_error_prefix_for_design_paths() -> None:
    with pytest.raises(BadInput) as info:
        DataConfig.from_config({"train_fraction": 2})
    assert str(info.value.at("data")).startswith("data.train_fraction: must be in (0, 1]")


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_n_features_builtin(name: str) -> None:
    expected = {"sine_1d": 1, "digits": 64}.get(name, 2)
    assert n_features(DataConfig(dataset=name)) == expected


def test_n_features_crosses_inline_and_files(tmp_path) -> None:
    assert n_features(DataConfig(dataset="xor", features=["x1", "x1*x2", "sin(x2)"])) == 3
    assert n_features(DataConfig(dataset={"x_train": [[1, 2, 3]], "y_train": [[1]]})) == 3
    (tmp_path / "t.csv").write_text("a,b,c,label\n1,2,3,x\n")
    rel = DataConfig(dataset={"path": "t.csv", "label_column": None})
    assert n_features(rel) is None
    assert n_features(rel, tmp_path) == 3
    assert n_features(DataConfig(dataset={"path": str(tmp_path / "t.csv")})) == 3
    with pytest.raises(BadInput, match="no column"):
        n_features(DataConfig(dataset={"path": "t.csv", "label_column": "z"}), tmp_path)
