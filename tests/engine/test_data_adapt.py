"""engine.design.adapt: data outside the design's folder is detected; new data adapt the output head
and loss as choosing the digits set does; a refused file leaves the design untouched."""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from engine.build import build_session
from engine.design.adapt import (adapt_design_to_data, data_outside_folder, head_fits,
                               output_head, read_data_section, with_output_head)
from engine.design import Design
from engine.errors import BadInput

ROOT = Path(__file__).resolve().parents[2]
DIGITS = json.loads((ROOT / "resources/designs/digits_mlp_dropout.json").read_text())
SPIRAL = json.loads((ROOT / "resources/designs/spiral_relu_batchnorm.json").read_text())


def _csv(folder: Path, name: str, labels: list, features: int = 2) -> dict:
    rows = [",".join([f"f{j}" for j in range(features)] + ["label"])]
    rows += [",".join([str((i * 7 + j) % 5) for j in range(features)] + [str(y)])
             for i, y in enumerate(labels)]
    (folder / name).write_text("\n".join(rows) + "\n")
    return {"dataset": {"path": name, "label_column": None}, "train_fraction": 0.75}


def test_outside_folder_detects_absolute_parent_and_symlinked_paths(tmp_path):
    inside = tmp_path / "lesson"
    inside.mkdir()
    (inside / "d.csv").write_text("a,b\n1,0\n")
    (tmp_path / "secret.csv").write_text("a,b\n1,0\n")
    os.symlink(tmp_path / "secret.csv", inside / "link.csv")

    def design(path):
        return {"data": {"dataset": {"path": path, "label_column": None}}}
    assert data_outside_folder(design("d.csv"), inside) is None
    assert data_outside_folder(design("./sub/../d.csv"), inside) is None
    assert data_outside_folder(design("../secret.csv"), inside) == tmp_path / "secret.csv"
    assert data_outside_folder(design(str(tmp_path / "secret.csv")), inside) is not None
    assert data_outside_folder(design("link.csv"), inside) == (tmp_path / "secret.csv").resolve()
    assert data_outside_folder(design("d.csv"), None) == Path("d.csv")
    assert data_outside_folder(DIGITS, inside) is None  # built-in data
    assert data_outside_folder(Design.from_dict(SPIRAL), inside) is None


def test_a_two_class_csv_after_digits_adapts_the_head(tmp_path):
    before = copy.deepcopy(DIGITS)
    change = adapt_design_to_data(DIGITS, _csv(tmp_path, "two.csv", [0, 1] * 10), tmp_path)
    assert DIGITS == before  # pure
    d = change.design
    assert change.head_changed and change.head == (1, "sigmoid", "binary_crossentropy")
    assert d["model"]["input_dim"] == 2 and d["loss"]["type"] == "binary_crossentropy"
    assert d["model"]["layers"][-1]["function"] == "sigmoid"
    assert [c["units"] for c in d["model"]["layers"] if c["type"] == "dense"][-1] == 1
    assert "2 classes" in change.summary
    build_session(Design.from_dict(d), base_dir=tmp_path).run(3)


def test_a_three_class_csv_after_a_binary_design_adapts_the_head(tmp_path):
    change = adapt_design_to_data(SPIRAL, _csv(tmp_path, "t.csv", ["a", "b", "c"] * 8), tmp_path)
    assert change.head == (3, "softmax", "sparse_categorical_crossentropy")
    build_session(Design.from_dict(change.design), base_dir=tmp_path).run(3)


def test_a_fitting_head_is_kept(tmp_path):
    change = adapt_design_to_data(SPIRAL, _csv(tmp_path, "b.csv", [0, 1] * 10), tmp_path)
    assert not change.head_changed and change.design["loss"] == Design.from_dict(SPIRAL).loss


def test_regression_data_get_a_linear_head(tmp_path):
    change = adapt_design_to_data(DIGITS, _csv(tmp_path, "r.csv", [0.5, 1.25, -3.5, 2.0] * 5),
                                  tmp_path)
    assert change.head == (1, "linear", "mse")
    build_session(Design.from_dict(change.design), base_dir=tmp_path).run(2)


def test_a_refused_file_changes_nothing(tmp_path):
    before = copy.deepcopy(DIGITS)
    (tmp_path / "bad.csv").write_text("a,b,label\n1,2,0\n2,x,1\n")
    with pytest.raises(BadInput, match='row 3, column "b": not a number'):
        adapt_design_to_data(DIGITS, {"dataset": {"path": "bad.csv"}}, tmp_path)
    with pytest.raises(BadInput, match="file not found"):
        adapt_design_to_data(DIGITS, {"dataset": {"path": "missing.csv"}}, tmp_path)
    assert DIGITS == before


def test_head_helpers(tmp_path):
    data = read_data_section(_csv(tmp_path, "h.csv", [0, 1, 2, 3] * 5), tmp_path)
    assert output_head(data) == (4, "softmax", "sparse_categorical_crossentropy")
    assert not head_fits(SPIRAL, data)
    fitted = with_output_head(SPIRAL, *output_head(data))
    assert head_fits(fitted, data) and fitted is not SPIRAL
    no_act = copy.deepcopy(SPIRAL)
    no_act["model"]["layers"] = no_act["model"]["layers"][:-1]
    assert with_output_head(no_act, 4, "softmax", "mse")["model"]["layers"][-1] == {
        "type": "activation", "function": "softmax"}
