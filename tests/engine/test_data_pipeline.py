"""load_dataset: crosses, standardisation, split, class fractions, label flips, digits, grids."""
from __future__ import annotations

import numpy as np
import pytest

from engine.data import DataConfig, load_dataset, one_hot
from engine.data.digits import DIGITS_PATH
from engine.errors import BadInput

ALL_CROSSES = ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"]


def load(seed: int = 0, **kw) -> object:
    return load_dataset(DataConfig(**kw), seed=seed)


def test_arrays_are_2d_float64_contiguous() -> None:
    ds = load(dataset="spiral", samples=50, train_fraction=0.8)
    for a in (ds.x_train, ds.y_train, ds.x_val, ds.y_val):
        assert a.ndim == 2 and a.dtype == np.float64 and a.flags.c_contiguous
    assert ds.task == "binary" and ds.n_classes == 2 and ds.class_names == ("0", "1")


def test_crosses_match_formulas_on_raw_coordinates() -> None:
    ds = load(dataset="xor", samples=40, features=ALL_CROSSES, standardize=False)
    a, b = ds.raw_x_train[:, 0], ds.raw_x_train[:, 1]
    expected = np.stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)], axis=1)
    np.testing.assert_allclose(ds.x_train, expected)
    assert ds.feature_names == tuple(ALL_CROSSES)


def test_standardisation_fitted_on_train_only() -> None:
    ds = load(dataset="plane", samples=300, train_fraction=0.7, features=["x1", "x1*x2"])
    np.testing.assert_allclose(ds.x_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(ds.x_train.std(axis=0), 1, atol=1e-12)
    assert not np.allclose(ds.x_val.mean(axis=0), 0, atol=1e-6)
    raw_feats = np.stack([ds.raw_x_val[:, 0], ds.raw_x_val[:, 0] * ds.raw_x_val[:, 1]], axis=1)
    np.testing.assert_allclose(ds.x_val, (raw_feats - ds.mean) / ds.std)
    off = load(dataset="plane", samples=300, train_fraction=0.7, standardize=False)
    np.testing.assert_array_equal(off.x_train, off.raw_x_train)
    assert np.all(off.mean == 0) and np.all(off.std == 1)


def test_constant_column_left_unscaled() -> None:
    x = [[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0]]
    ds = load(dataset={"x_train": x, "y_train": [[0.1], [0.2], [0.3], [0.4]]},
              train_fraction=1.0)
    assert np.all(np.isfinite(ds.x_train))
    assert ds.std[1] == 1.0 and ds.mean[1] == 5.0
    np.testing.assert_array_equal(ds.x_train[:, 1], 0.0)


@pytest.mark.parametrize("n, frac, n_train", [(100, 0.8, 80), (101, 0.5, 51), (10, 0.01, 1),
                                              (7, 1.0, 7), (1, 0.5, 1)])
def test_split_fractions(n: int, frac: float, n_train: int) -> None:
    ds = load(dataset="gaussian", samples=n, train_fraction=frac)
    assert ds.n_train == n_train and ds.n_val == n - n_train
    both = np.concatenate([ds.raw_x_train, ds.raw_x_val])
    assert np.unique(both, axis=0).shape[0] == n          # a partition: nothing lost or doubled


def test_train_fraction_one_gives_empty_validation() -> None:
    ds = load(dataset="moons", samples=30, train_fraction=1.0)
    assert ds.x_val.shape == (0, 2) and ds.y_val.shape == (0, 1)
    assert ds.class_balance()["val"] == {"0": 0, "1": 0}


def test_split_is_stratified() -> None:
    ds = load(dataset="circle", samples=200, train_fraction=0.7, class_fractions={"1": 0.2})
    bal = ds.class_balance()
    assert bal["train"]["1"] + bal["val"]["1"] == 20
    assert bal["train"]["1"] == 14 and bal["train"]["0"] == 70


def test_class_fractions_keep_that_fraction() -> None:
    full = load(dataset="spiral", samples=400, train_fraction=1.0)
    ds = load(dataset="spiral", samples=400, train_fraction=1.0, class_fractions={"1": 0.05})
    assert ds.class_balance()["train"] == {"0": 200, "1": 10}
    # kept samples are a subset of the full data set
    full_rows = {tuple(r) for r in full.raw_x_train}
    assert all(tuple(r) in full_rows for r in ds.raw_x_train)


def test_label_flip_fraction_binary() -> None:
    clean = load(dataset="xor", samples=400, train_fraction=0.75)
    flipped = load(dataset="xor", samples=400, train_fraction=0.75, label_flip=0.2)
    np.testing.assert_array_equal(clean.raw_x_train, flipped.raw_x_train)   # same split
    assert (clean.y_train != flipped.y_train).sum() == 60
    assert (clean.y_val != flipped.y_val).sum() == 20
    assert set(np.unique(flipped.y_train)) == {0.0, 1.0}


def test_label_flip_multiclass_goes_to_another_class() -> None:
    clean = load(dataset="digits", train_fraction=0.8)
    flipped = load(dataset="digits", train_fraction=0.8, label_flip=0.1)
    changed = clean.y_train != flipped.y_train
    assert changed.sum() == round(0.1 * clean.n_train)
    assert flipped.y_train.min() >= 0 and flipped.y_train.max() <= 9
    assert np.all(flipped.y_train == np.round(flipped.y_train))


def test_digits_shape_classes_and_pixels() -> None:
    assert DIGITS_PATH.is_file()
    ds = load(dataset="digits", train_fraction=1.0, standardize=False)
    assert ds.x_train.shape == (1797, 64) and ds.y_train.shape == (1797, 1)
    assert ds.x_train.min() == 0 and ds.x_train.max() == 16
    assert np.all(ds.x_train == np.round(ds.x_train))
    assert ds.task == "multiclass" and ds.n_classes == 10
    assert ds.class_names == tuple("0123456789")
    assert sorted(ds.class_balance()["train"].values())[0] >= 170
    assert ds.feature_names[0] == "pixel_0_0" and ds.plot_dims is None
    oh = ds.one_hot()
    assert oh.shape == (1797, 10)
    np.testing.assert_array_equal(oh.argmax(axis=1), ds.y_train[:, 0])
    with np.load(DIGITS_PATH, allow_pickle=False) as f:
        assert f["x"].dtype == np.uint8 and f["y"].dtype == np.uint8


def test_digits_standardised_constant_pixels_finite() -> None:
    ds = load(dataset="digits")
    assert np.all(np.isfinite(ds.x_train)) and np.all(np.isfinite(ds.x_val))
    assert ds.std[0] == 1.0          # pixel_0_0 is always 0 in the digits data


def test_one_hot_helper() -> None:
    np.testing.assert_array_equal(one_hot(np.array([[2.0], [0.0]]), 3),
                                  [[0, 0, 1], [1, 0, 0]])


def test_inline_one_sample() -> None:
    ds = load(dataset={"x_train": [[0.5, -1.0]], "y_train": [[1]]}, train_fraction=0.8)
    assert ds.x_train.shape == (1, 2) and ds.x_val.shape == (0, 2)
    assert ds.task == "binary" and ds.y_train[0, 0] == 1.0
    np.testing.assert_array_equal(ds.x_train, [[0.0, 0.0]])      # centred, constant -> unscaled


def test_inline_with_validation_and_text_labels() -> None:
    ds = load(dataset={"x_train": [[0], [1], [2], [3]], "y_train": ["b", "a", "c", "a"],
                       "x_val": [[4]], "y_val": ["c"]}, train_fraction=0.5)
    assert ds.n_train == 4 and ds.n_val == 1          # train_fraction ignored with x_val
    assert ds.class_names == ("a", "b", "c") and ds.task == "multiclass"
    np.testing.assert_array_equal(ds.y_train[:, 0], [1, 0, 2, 0])
    assert ds.y_val[0, 0] == 2


def test_inline_regression_multi_target() -> None:
    ds = load(dataset={"x_train": [[0], [1], [2]], "y_train": [[0.5, 1], [0.25, 2], [1, 3]]})
    assert ds.task == "regression" and ds.n_targets == 2 and ds.n_classes == 0
    with pytest.raises(BadInput, match="regression"):
        load(dataset={"x_train": [[0], [1]], "y_train": [[0.5], [0.25]]}, label_flip=0.5)


def test_input_dim_hint_mismatch_names_both_counts() -> None:
    with pytest.raises(BadInput) as info:
        load_dataset(DataConfig(dataset="circle", features=["x1", "x2", "x1^2"]), seed=0,
                     input_dim_hint=2)
    assert "3 features" in info.value.message and "input_dim is 2" in info.value.message
    load_dataset(DataConfig(dataset="digits"), seed=0, input_dim_hint=64)


def test_grid_and_transform_2d() -> None:
    ds = load(dataset="spiral", samples=100, features=["x1", "x2", "x1*x2"])
    raw = ds.grid_raw(4)
    assert raw.shape == (16, 2) and raw.min() == -6 and raw.max() == 6
    xs, ys = ds.grid_axes(4)
    assert raw[1, 0] == xs[1] and raw[4, 1] == ys[1]          # x fastest, y slowest
    g = ds.grid(4)
    assert g.shape == (16, 3)
    np.testing.assert_allclose(ds.transform(ds.raw_x_train), ds.x_train)
    np.testing.assert_allclose(g[:, 2], (raw[:, 0] * raw[:, 1] - ds.mean[2]) / ds.std[2])


def test_grid_1d_sine() -> None:
    ds = load(dataset="sine_1d", samples=50)
    assert ds.plot_dims == 1 and ds.grid_raw(11).shape == (11, 1)
    assert ds.grid_raw(3)[:, 0].tolist() == [-1.0, 0.0, 1.0]


def test_summary_and_repr() -> None:
    ds = load(dataset="circle", samples=20)
    assert "circle" in repr(ds) and "10 train" in ds.summary()


def test_class_fractions_by_text_class_name() -> None:
    x = [[float(i)] for i in range(40)]
    y = ["cat"] * 20 + ["dog"] * 20
    ds = load(dataset={"x_train": x, "y_train": y}, train_fraction=1.0,
              class_fractions={"dog": 0.25})
    assert ds.class_balance()["train"] == {"cat": 20, "dog": 5}
    with pytest.raises(BadInput) as info:
        load(dataset={"x_train": x, "y_train": y}, class_fractions={"cow": 0.5})
    assert info.value.path == "class_fractions.cow" and "cat, dog" in info.value.message


def test_label_flip_needs_two_classes() -> None:
    with pytest.raises(BadInput, match="two classes"):
        load(dataset={"x_train": [[0.0], [1.0]], "y_train": ["a", "a"]}, label_flip=0.5)


def test_describe_builtin() -> None:
    from engine.data import BUILTIN_NAMES, describe_builtin
    infos = [describe_builtin(n) for n in BUILTIN_NAMES]
    assert {i["task"] for i in infos} == {"binary", "regression", "multiclass"}
    assert describe_builtin("digits")["n_features"] == 64


def test_data_stream_children_are_independent() -> None:
    """Changing label_flip must not move the split or the generated points."""
    a = load(seed=3, dataset="circle", samples=80, train_fraction=0.5)
    b = load(seed=3, dataset="circle", samples=80, train_fraction=0.5, label_flip=0.5)
    np.testing.assert_array_equal(a.raw_x_val, b.raw_x_val)
