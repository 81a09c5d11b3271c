"""The loss decides the form of class targets (load_dataset's ``loss``, docs/FORMAT.md loss.type):
indices for sparse CE, one-hot rows for categorical CE, the data's own numbers for mse/mae/bce.
Task, classes and class balance stay the same whatever the loss."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.data import DataConfig, load_dataset
from engine.data.labels import Targets, encode_targets, from_numbers

RAW_LOSSES = ("mse", "mae", "binary_crossentropy")
ALL_LOSSES = RAW_LOSSES + ("categorical_crossentropy", "sparse_categorical_crossentropy", None)


def inline(y, loss, **kw):
    x = np.arange(len(y) * 2, dtype=float).reshape(-1, 2)
    cfg = DataConfig(dataset={"x_train": x.tolist(), "y_train": np.asarray(y).tolist()}, **kw)
    return load_dataset(cfg, seed=3, loss=loss)


def rows_of(ds, x_col):
    """Targets ordered by the sample they belong to (the split shuffles)."""
    order = np.argsort(ds.raw_x_train[:, x_col])
    return ds.y_train[order]


MINUS_PLUS = [[-1.0], [1.0], [1.0], [-1.0], [1.0], [-1.0]]
ONE_HOT = np.eye(3)[[0, 2, 1, 1, 0, 2]].tolist()


@pytest.mark.parametrize("loss", RAW_LOSSES)
def test_raw_losses_keep_minus_one_one(loss):
    ds = inline(MINUS_PLUS, loss, train_fraction=1.0)
    np.testing.assert_array_equal(rows_of(ds, 0), MINUS_PLUS)
    assert ds.task == "binary" and ds.class_names == ("-1", "1")
    assert ds.class_balance()["train"] == {"-1": 3, "1": 3}


def test_sparse_and_default_give_indices_categorical_one_hot():
    for loss in ("sparse_categorical_crossentropy", None):
        ds = inline(MINUS_PLUS, loss, train_fraction=1.0)
        np.testing.assert_array_equal(rows_of(ds, 0), (np.asarray(MINUS_PLUS) > 0) * 1.0)
    ds = inline(MINUS_PLUS, "categorical_crossentropy", train_fraction=1.0)
    np.testing.assert_array_equal(rows_of(ds, 0), np.eye(2)[[0, 1, 1, 0, 1, 0]])
    assert ds.target_names == ("-1", "1") and ds.n_targets == 2


@pytest.mark.parametrize("loss", RAW_LOSSES + ("categorical_crossentropy",))
def test_one_hot_rows_are_kept(loss):
    ds = inline(ONE_HOT, loss, train_fraction=1.0)
    np.testing.assert_array_equal(rows_of(ds, 0), ONE_HOT)
    assert ds.task == "multiclass" and ds.n_classes == 3 and ds.target_names == ("y1", "y2", "y3")
    np.testing.assert_array_equal(ds.class_labels()[:, 0], np.argmax(ds.y_train, axis=1))


def test_one_hot_rows_become_indices_for_sparse():
    ds = inline(ONE_HOT, "sparse_categorical_crossentropy", train_fraction=1.0)
    np.testing.assert_array_equal(rows_of(ds, 0)[:, 0], [0, 2, 1, 1, 0, 2])
    assert ds.target_names == ("y1",)


def test_two_one_hot_columns_are_binary_bce_keeps_both_columns():
    y = np.eye(2)[[0, 1, 1, 0]].tolist()
    ds = inline(y, "binary_crossentropy", train_fraction=1.0)
    assert ds.task == "binary" and ds.y_train.shape == (4, 2)
    np.testing.assert_array_equal(rows_of(ds, 0), y)


@pytest.mark.parametrize("loss", ALL_LOSSES)
def test_task_classes_and_balance_do_not_depend_on_the_loss(loss):
    ref = load_dataset(DataConfig(dataset="spiral", samples=60, train_fraction=0.5), seed=1)
    ds = load_dataset(DataConfig(dataset="spiral", samples=60, train_fraction=0.5), seed=1,
                      loss=loss)
    assert (ds.task, ds.class_names, ds.n_classes) == (ref.task, ref.class_names, ref.n_classes)
    assert ds.class_balance() == ref.class_balance()
    np.testing.assert_array_equal(ds.x_train, ref.x_train)
    np.testing.assert_array_equal(ds.class_labels("val"), ref.y_val)


def test_generator_classes_one_hot_for_categorical():
    ds = load_dataset(DataConfig(dataset="spiral", samples=40), seed=0,
                      loss="categorical_crossentropy")
    ref = load_dataset(DataConfig(dataset="spiral", samples=40), seed=0)
    assert ds.y_train.shape == (ds.n_train, 2) and ds.y_val.shape == (ds.n_val, 2)
    np.testing.assert_array_equal(ds.y_train, np.eye(2)[ref.y_train[:, 0].astype(int)])
    np.testing.assert_array_equal(ds.one_hot(), ds.y_train)
    assert ds.target_names == ("0", "1")


def test_digits_categorical_ten_columns():
    ds = load_dataset(DataConfig(dataset="digits", train_fraction=0.5), seed=0, input_dim_hint=64,
                      loss="categorical_crossentropy")
    assert ds.y_train.shape == (ds.n_train, 10)
    np.testing.assert_array_equal(ds.y_train.argmax(axis=1), ds.class_labels()[:, 0])
    assert np.all(ds.y_train.sum(axis=1) == 1)


def test_label_flip_keeps_the_data_values():
    y = [[-1.0], [1.0]] * 20
    clean = inline(y, "mse", train_fraction=1.0)
    flipped = inline(y, "mse", train_fraction=1.0, label_flip=0.25)
    assert set(np.unique(flipped.y_train)) == {-1.0, 1.0}
    changed = rows_of(clean, 0) != rows_of(flipped, 0)
    assert changed.sum() == 10
    np.testing.assert_array_equal(flipped.class_labels()[:, 0], (flipped.y_train[:, 0] > 0) * 1.0)


def test_text_labels_indices_or_one_hot(tmp_path: Path):
    (tmp_path / "f.csv").write_text("a,b,kind\n1,2,cat\n3,4,dog\n5,6,cat\n7,8,eel\n",
                                    encoding="utf-8")
    cfg = DataConfig(dataset={"path": "f.csv", "label_column": "kind"}, train_fraction=1.0)
    mse = load_dataset(cfg, tmp_path, loss="mse")
    cce = load_dataset(cfg, tmp_path, loss="categorical_crossentropy")
    assert mse.y_train.shape == (4, 1) and cce.y_train.shape == (4, 3)
    np.testing.assert_array_equal(cce.y_train.argmax(axis=1), mse.y_train[:, 0])
    assert cce.class_names == ("cat", "dog", "eel")


def test_validation_part_from_npz_is_encoded_too(tmp_path: Path):
    x = np.arange(12.0).reshape(6, 2)
    y = np.array([[-1.0], [1.0], [1.0], [-1.0], [1.0], [-1.0]])
    np.savez(tmp_path / "d.npz", x_train=x[:4], y_train=y[:4], x_val=x[4:], y_val=y[4:])
    cfg = DataConfig(dataset={"path": "d.npz"})
    ds = load_dataset(cfg, tmp_path, loss="mse")
    np.testing.assert_array_equal(ds.y_val, y[4:])
    oh = load_dataset(cfg, tmp_path, loss="categorical_crossentropy")
    np.testing.assert_array_equal(oh.y_val, [[0, 1], [1, 0]])


def test_regression_targets_never_change():
    y = [[0.5, 1.5], [2.0, -1.0], [0.25, 0.0]]
    for loss in ALL_LOSSES:
        ds = inline(y, loss, train_fraction=1.0)
        assert ds.task == "regression"
        np.testing.assert_array_equal(rows_of(ds, 0), y)
        assert ds.labels_train is None


def test_encode_targets_values_table():
    t = from_numbers(np.array([[-3.0], [50.0], [50.0]]))
    assert t.raw == "values" and t.values == (-3.0, 50.0)
    np.testing.assert_array_equal(encode_targets(t.y, t, "mae"), [[-3.0], [50.0], [50.0]])
    np.testing.assert_array_equal(encode_targets(t.y, t, None), [[0.0], [1.0], [1.0]])
    plain = Targets(np.array([[1.0], [0.0]]), "binary", ("0", "1"))
    np.testing.assert_array_equal(encode_targets(plain.y, plain, "categorical_crossentropy"),
                                  [[0, 1], [1, 0]])


def test_predicted_labels_follow_the_targets_the_loss_sees():
    mse = inline(MINUS_PLUS, "mse", train_fraction=1.0)
    assert mse.class_target_values == (-1.0, 1.0)
    np.testing.assert_array_equal(mse.predicted_labels(np.array([[-0.7], [0.2], [-0.01], [0.0]])),
                                  [0, 1, 0, 1])
    sparse = inline(MINUS_PLUS, "sparse_categorical_crossentropy", train_fraction=1.0)
    assert sparse.class_target_values == (0.0, 1.0)
    np.testing.assert_array_equal(sparse.predicted_labels(np.array([[0.2], [0.5], [0.9]])), [0, 1, 1])
    np.testing.assert_array_equal(sparse.predicted_labels(np.array([[0.8, 0.2], [0.1, 0.9]])), [0, 1])
    digits = load_dataset(DataConfig(dataset="digits", train_fraction=0.5), seed=0, loss="mse")
    np.testing.assert_array_equal(digits.predicted_labels(np.array([[-3.0], [4.4], [4.6], [42.0]])),
                                  [0, 4, 5, 9])
    with pytest.raises(ValueError):
        inline([[0.5], [1.5], [2.25]], "mse").predicted_labels(np.zeros((1, 1)))
