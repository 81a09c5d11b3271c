"""Contract audit (docs/FORMAT.md data keys, docs/LIMITS.md limits, standardisation) through
build_session."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest

from engine.build import build_session
from engine.design import load_design
from engine.errors import BadInput

FORMAT = "network-playground/design"


def design(data, input_dim=2, units=1, loss="mse", final=None):
    layers = [{"id": "d", "type": "dense", "units": units}]
    if final:
        layers.append({"id": "a", "type": "activation", "function": final})
    return {"format": FORMAT, "version": 1, "seed": 4, "data": data,
            "model": {"input_dim": input_dim, "layers": layers}, "loss": {"type": loss},
            "training": {"batch_size": 8, "epochs": 1}}


def data_of(data, **kw):
    return build_session(design(data, **kw)).data


@pytest.mark.parametrize("name", ["circle", "xor", "gaussian", "spiral", "moons"])
def test_classification_generators_in_box_labels_01(name):
    d = data_of({"dataset": name, "samples": 200, "standardize": False, "train_fraction": 0.5},
                final="sigmoid", loss="binary_crossentropy")
    x = np.vstack([d.x_train, d.x_val])
    assert x.shape == (200, 2) and d.x_train.shape[0] == 100
    assert np.all(np.abs(x) <= 6.0 + 1e-9)
    assert set(np.unique(np.vstack([d.y_train, d.y_val]))) == {0.0, 1.0}


@pytest.mark.parametrize("name", ["plane", "multi_gaussian"])
def test_regression_generators_in_box(name):
    d = data_of({"dataset": name, "samples": 100, "standardize": False})
    assert np.all(np.abs(np.vstack([d.x_train, d.x_val])) <= 6.0 + 1e-9)


def test_sine_1d():
    d = data_of({"dataset": "sine_1d", "samples": 50, "noise": 0.0, "standardize": False,
                 "train_fraction": 1.0}, input_dim=1)
    assert d.x_train.shape == (50, 1) and d.x_val.shape[0] == 0
    assert np.all(np.abs(d.x_train) <= 1.0)
    np.testing.assert_allclose(d.y_train[:, 0], np.sin(3 * d.x_train[:, 0]), atol=1e-12)


def test_digits():
    d = data_of({"dataset": "digits", "standardize": False, "train_fraction": 1.0},
                input_dim=64, units=10, final="softmax", loss="sparse_categorical_crossentropy")
    assert d.x_train.shape == (1797, 64) and d.x_train.min() == 0 and d.x_train.max() == 16
    assert set(np.unique(d.y_train)) == set(range(10))


def test_feature_crosses():
    feats = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]
    d = data_of({"dataset": "circle", "samples": 40, "standardize": False, "features": feats,
                 "train_fraction": 1.0}, input_dim=7)
    x = d.x_train
    a, b = x[:, 0], x[:, 1]
    np.testing.assert_allclose(x[:, 2:], np.stack([a * a, b * b, a * b, np.sin(a), np.sin(b)], 1),
                               rtol=1e-12, atol=1e-12)


def test_features_default_to_own_columns_and_crosses_only_on_generator_2d():
    d = data_of({"dataset": {"x_train": [[1, 2, 3], [4, 5, 6]], "y_train": [[0.5], [1.5]]},
                 "train_fraction": 1.0}, input_dim=3)
    assert d.x_train.shape == (2, 3)
    with pytest.raises(BadInput):
        data_of({"dataset": {"x_train": [[1, 2, 3], [4, 5, 6]], "y_train": [[0.5], [1.5]]},
                 "train_fraction": 1.0, "features": ["x1", "x1^2"]}, input_dim=2)


def test_standardize_fit_on_training_part_constant_column_unscaled():
    x = [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0], [10.0, 5.0]]
    y = [[0.0], [1.0], [2.0], [3.0], [4.0]]
    d = data_of({"dataset": {"x_train": x, "y_train": y}, "train_fraction": 1.0,
                 "standardize": True})
    assert np.all(np.isfinite(d.x_train))
    col = np.array(x)[:, 0]
    np.testing.assert_allclose(np.sort(d.x_train[:, 0]), np.sort((col - col.mean()) / col.std()),
                               rtol=1e-12)
    np.testing.assert_allclose(d.x_train[:, 1], 0.0)      # centred, never divided by zero


def test_standardize_fits_on_training_part_only():
    d = data_of({"dataset": "gaussian", "samples": 200, "train_fraction": 0.5,
                 "standardize": True}, final="sigmoid", loss="binary_crossentropy")
    np.testing.assert_allclose(d.x_train.mean(0), 0.0, atol=1e-12)
    np.testing.assert_allclose(d.x_train.std(0), 1.0, rtol=1e-12)
    assert not np.allclose(d.x_val.mean(0), 0.0, atol=1e-12)


def test_class_fractions_keeps_that_fraction_of_class_1():
    full = data_of({"dataset": "xor", "samples": 400, "train_fraction": 1.0},
                   final="sigmoid", loss="binary_crossentropy")
    cut = data_of({"dataset": "xor", "samples": 400, "train_fraction": 1.0,
                   "class_fractions": {"1": 0.1}}, final="sigmoid", loss="binary_crossentropy")
    n1, n1c = int((full.y_train == 1).sum()), int((cut.y_train == 1).sum())
    assert int((cut.y_train == 0).sum()) == int((full.y_train == 0).sum())
    assert abs(n1c - 0.1 * n1) <= 1.0


def test_label_flip_fraction():
    base = {"dataset": "xor", "samples": 400, "train_fraction": 0.5, "standardize": False}
    a = data_of(base, final="sigmoid", loss="binary_crossentropy")
    b = data_of({**base, "label_flip": 0.2}, final="sigmoid", loss="binary_crossentropy")
    np.testing.assert_array_equal(a.x_train, b.x_train)
    flipped_train = np.mean(a.y_train != b.y_train)
    flipped_val = np.mean(a.y_val != b.y_val)
    assert flipped_train == pytest.approx(0.2, abs=0.01)
    assert flipped_val == pytest.approx(0.2, abs=0.01)


def test_inline_one_sample_allowed():
    s = build_session(design({"dataset": {"x_train": [[1.0, 2.0]], "y_train": [[0.5]]}}))
    assert s.data.x_train.shape == (1, 2)
    assert math.isfinite(s.run(2).loss)


def test_train_fraction_one_no_validation():
    s = build_session(design({"dataset": "plane", "samples": 30, "train_fraction": 1.0}))
    assert s.data.x_val.shape[0] == 0
    snap = s.run_epoch()
    assert snap.val_loss is None


@pytest.mark.parametrize("bad,row,col", [(float("nan"), 2, 1), (float("inf"), 1, 0)])
def test_non_finite_inline_names_row_and_column(tmp_path, bad, row, col):
    x = [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]]
    x[row][col] = bad
    p = tmp_path / "d.json"
    p.write_text(json.dumps(design({"dataset": {"x_train": x, "y_train": [[0], [1], [0]]}}))
                 .replace("NaN", "NaN"))
    with pytest.raises(BadInput) as err:
        build_session(design({"dataset": {"x_train": x, "y_train": [[0], [1], [0]]}}))
    msg = str(err.value)
    assert f"x_train[{row}][{col}]" in msg or ("row" in msg and str(row) in msg
                                                and "col" in msg and str(col) in msg)


def test_nan_in_targets_named(tmp_path):
    with pytest.raises(BadInput) as err:
        build_session(design({"dataset": {"x_train": [[0.0, 1.0], [1.0, 2.0]],
                                           "y_train": [[0.5], [float("nan")]]}}))
    assert "y_train[1][0]" in str(err.value) or ("row" in str(err.value)
                                                   and "1" in str(err.value))


def test_nan_in_csv_names_row_and_column(tmp_path):
    (tmp_path / "d.csv").write_text("a,b,label\n1,2,0\n3,nan,1\n5,6,0\n")
    d = design({"dataset": {"path": "d.csv", "label_column": "label"}})
    with pytest.raises(BadInput) as err:
        build_session(d, base_dir=tmp_path)
    msg = str(err.value)
    assert "row" in msg and ("b" in msg or "column" in msg)


def test_npz_relative_path_and_x_val_wins_over_train_fraction(tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "d.npz", x_train=rng.standard_normal((20, 2)),
             y_train=rng.standard_normal((20, 1)), x_val=rng.standard_normal((7, 2)),
             y_val=rng.standard_normal((7, 1)))
    d = design({"dataset": {"path": "d.npz"}, "train_fraction": 0.5})
    (tmp_path / "design.json").write_text(json.dumps(d))
    s = build_session(load_design(tmp_path / "design.json"), base_dir=tmp_path)
    assert s.data.x_train.shape == (20, 2) and s.data.x_val.shape == (7, 2)


def test_csv_label_column(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.csv").write_text("label,a,b\nx,1,2\ny,3,4\nx,5,6\ny,7,8\n")
    d = design({"dataset": {"path": "sub/f.csv", "label_column": "label"}, "train_fraction": 1.0,
                "standardize": False}, final="sigmoid", loss="binary_crossentropy")
    s = build_session(d, base_dir=tmp_path)
    order = np.argsort(s.data.x_train[:, 0])
    np.testing.assert_array_equal(s.data.x_train[order], [[1, 2], [3, 4], [5, 6], [7, 8]])
    np.testing.assert_array_equal(s.data.y_train[order, 0], [0, 1, 0, 1])


def test_missing_data_file_is_bad_input_naming_it(tmp_path):
    with pytest.raises(BadInput) as err:
        build_session(design({"dataset": {"path": "nope.csv", "label_column": "y"}}),
                      base_dir=tmp_path)
    assert "nope.csv" in str(err.value)
