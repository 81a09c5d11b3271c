"""CSV and NPZ data files: contents, task detection, and error messages that name the place."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from engine.data import DataConfig, DataFileError, load_dataset, n_features
from engine.errors import BadInput

DATA = Path(__file__).resolve().parents[1] / "data"


def load_file(path: str, base: Path, label: str | None = None, **kw):
    cfg = DataConfig(dataset={"path": path, "label_column": label}, **kw)
    return load_dataset(cfg, base, seed=0)


def csv_error(tmp_path: Path, text: str, label: str | None = None) -> BadInput:
    (tmp_path / "data.csv").write_text(text, encoding="utf-8")
    with pytest.raises(BadInput) as info:
        load_file("data.csv", tmp_path, label)
    return info.value


def test_csv_string_labels() -> None:
    ds = load_file("data_fruit.csv", DATA, train_fraction=1.0, standardize=False)
    assert ds.task == "multiclass" and ds.class_names == ("apple", "orange", "pear")
    assert ds.feature_names == ("weight", "diameter", "colour_score")
    assert ds.target_names == ("fruit",)
    assert ds.class_balance()["train"] == {"apple": 3, "orange": 4, "pear": 3}
    row = np.flatnonzero(ds.raw_x_train[:, 0] == 130)[0]          # "130,6.8,0.2,pear"
    assert ds.y_train[row, 0] == 2.0 and ds.x_train[row, 1] == 6.8


def test_csv_label_column_and_feature_selection() -> None:
    with pytest.raises(BadInput) as info:                     # "fruit" is now a feature
        load_file("data_fruit.csv", DATA, "weight")
    assert str(info.value) == 'data_fruit.csv: row 2, column "fruit": not a number: "apple"'
    ds = load_file("data_fruit.csv", DATA, "weight", train_fraction=1.0,
                   features=["diameter", "colour_score"])
    assert ds.task == "regression" and ds.target_names == ("weight",)
    assert ds.feature_names == ("diameter", "colour_score")
    with pytest.raises(BadInput) as info:
        load_file("data_fruit.csv", DATA, "colour")
    assert info.value.path == "dataset.label_column"
    assert '"colour"' in info.value.message and '"weight", "diameter"' in info.value.message
    cfg = DataConfig(dataset={"path": "data_fruit.csv", "label_column": None},
                     features=["diameter", "weight"])
    ds = load_dataset(cfg, DATA, seed=0)
    assert ds.feature_names == ("diameter", "weight") and ds.plot_dims == 2
    lo, hi = ds.raw_domain[1]
    assert lo < 110 < 170 < hi
    with pytest.raises(BadInput, match="generator data") as info:
        load_dataset(DataConfig(dataset={"path": "data_fruit.csv"}, features=["x1*x2"]), DATA)
    assert info.value.path == "features[0]"
    with pytest.raises(BadInput, match='label column "fruit"'):
        load_dataset(DataConfig(dataset={"path": "data_fruit.csv"}, features=["fruit"]), DATA)


def test_csv_task_detection_rule(tmp_path: Path) -> None:
    (tmp_path / "b.csv").write_text("a,y\n1,-1\n2,1\n3,1\n4,-1\n")
    ds = load_file("b.csv", tmp_path, train_fraction=1.0)
    assert ds.task == "binary" and ds.class_names == ("-1", "1")
    assert set(ds.y_train[:, 0]) == {0.0, 1.0}
    (tmp_path / "m.csv").write_text("a,y\n1,0\n2,2\n3,1\n4,2\n")
    ds = load_file("m.csv", tmp_path, train_fraction=1.0)
    assert ds.task == "multiclass" and ds.n_classes == 3
    (tmp_path / "r.csv").write_text("a,y\n1,0.5\n2,2\n3,1\n4,2\n")
    assert load_file("r.csv", tmp_path).task == "regression"
    (tmp_path / "w.csv").write_text("a,y\n1,150\n2,120\n3,-5\n4,130\n")   # whole, not 0..19
    assert load_file("w.csv", tmp_path).task == "regression"
    (tmp_path / "h.csv").write_text("a,y\n1,19\n2,0\n")
    assert load_file("h.csv", tmp_path, train_fraction=1.0).n_classes == 20


def test_csv_semicolon_and_decimal_comma(tmp_path: Path) -> None:
    (tmp_path / "de.csv").write_text("a;b;klasse\n1,5;2;ja\n2,5;3;nein\n", encoding="utf-8")
    ds = load_file("de.csv", tmp_path, train_fraction=1.0, standardize=False)
    assert sorted(ds.raw_x_train[:, 0].tolist()) == [1.5, 2.5]
    assert ds.class_names == ("ja", "nein")


def test_csv_blank_lines_bom_and_quotes(tmp_path: Path) -> None:
    (tmp_path / "q.csv").write_bytes('\ufeffa,"b c",y\n\n1,2,"x, y"\n3,4,z\n'.encode())
    ds = load_file("q.csv", tmp_path, train_fraction=1.0)
    assert ds.feature_names == ("a", "b c") and ds.class_names == ("x, y", "z")


def test_csv_not_a_number_names_row_and_column(tmp_path: Path) -> None:
    err = csv_error(tmp_path, "id,age,y\n1,30,0\n2,n/a,1\n")
    assert str(err) == 'data.csv: row 3, column "age": not a number: "n/a"'
    assert isinstance(err, DataFileError)
    assert str(err.at("data")) == str(err)                   # file errors keep their place


def test_csv_first_bad_cell_in_row_order(tmp_path: Path) -> None:
    err = csv_error(tmp_path, "a,b,y\n1,2,0\n3,x,1\nq,4,0\n")
    assert str(err) == 'data.csv: row 3, column "b": not a number: "x"'


def test_csv_missing_value(tmp_path: Path) -> None:
    err = csv_error(tmp_path, "a,b,y\n1,,0\n")
    assert str(err) == 'data.csv: row 2, column "b": missing value'
    err = csv_error(tmp_path, "a,b,y\n1,2,0\n1,2,\n")
    assert str(err) == 'data.csv: row 3, column "y": missing label'


@pytest.mark.parametrize("bad", ["nan", "inf", "-Infinity", "1e999"])
def test_csv_non_finite_feature(tmp_path: Path, bad: str) -> None:
    err = csv_error(tmp_path, f"a,b,y\n1,2,0\n3,4,1\n5,{bad},1\n")
    assert str(err).startswith('data.csv: row 4, column "b": not finite')


def test_csv_non_finite_target(tmp_path: Path) -> None:
    err = csv_error(tmp_path, "a,y\n1,0.5\n2,nan\n")
    assert str(err) == 'data.csv: row 3, column "y": not finite: "nan"'


def test_csv_ragged_row(tmp_path: Path) -> None:
    err = csv_error(tmp_path, "a,b,y\n1,2,0\n1,2\n")
    assert str(err) == "data.csv: row 3: has 2 values, the header has 3 columns"


@pytest.mark.parametrize("text, message", [
    ("", "data.csv: file is empty"),
    ("  \n\n", "data.csv: file is empty"),
    ("a,b,y\n", "data.csv: no data rows after the header"),
    ("y\n1\n2\n", 'data.csv: no feature columns (only the label column "y")'),
    ("a,a,y\n1,2,3\n", "data.csv: row 1: duplicate column name 'a' in the header"),
])
def test_csv_structure_errors(tmp_path: Path, text: str, message: str) -> None:
    assert str(csv_error(tmp_path, text)) == message


def test_csv_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_bytes(b"a,y\n\xff\xfe,1\n")
    with pytest.raises(BadInput, match=r"data.csv: not UTF-8 text \(byte 4\)"):
        load_file("data.csv", tmp_path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as info:
        load_file("nowhere.csv", tmp_path)
    assert info.value.path == "dataset.path" and "nowhere.csv" in info.value.message
    assert str(info.value.at("data")).startswith("data.dataset.path: file not found")


def test_npz_without_validation() -> None:
    ds = load_file("data_train_only.npz", DATA, train_fraction=0.75)
    assert ds.n_train == 15 and ds.n_val == 5 and ds.task == "binary"
    assert ds.feature_names == ("x1", "x2", "x3")
    assert n_features(DataConfig(dataset={"path": "data_train_only.npz"}), DATA) == 3


def test_npz_with_validation_ignores_train_fraction() -> None:
    ds = load_file("data_train_val.npz", DATA, train_fraction=0.5, standardize=False)
    with np.load(DATA / "data_train_val.npz") as f:
        np.testing.assert_array_equal(ds.x_val, f["x_val"])
        np.testing.assert_array_equal(ds.y_val[:, 0], f["y_val"])
        assert ds.n_train == f["x_train"].shape[0]


def npz_error(tmp_path: Path, **arrays) -> BadInput:
    np.savez(tmp_path / "d.npz", **arrays)
    with pytest.raises(BadInput) as info:
        load_file("d.npz", tmp_path)
    return info.value


def test_npz_errors(tmp_path: Path) -> None:
    x = np.zeros((4, 2))
    y = np.zeros(4)
    assert str(npz_error(tmp_path, x=x, y=y)) == 'd.npz: no array "x_train" (arrays: x, y)'
    err = npz_error(tmp_path, x_train=x, y_train=np.zeros(3))
    assert str(err) == "d.npz: x_train has 4 rows but y_train has 3"
    bad = x.copy()
    bad[2, 1] = np.nan
    assert str(npz_error(tmp_path, x_train=bad, y_train=y)) == "d.npz: x_train[2, 1]: not finite (nan)"
    err = npz_error(tmp_path, x_train=x, y_train=y, x_val=np.zeros((2, 3)), y_val=np.zeros(2))
    assert "x_val has 3 columns but x_train has 2" in str(err)
    assert "together" in str(npz_error(tmp_path, x_train=x, y_train=y, x_val=x))
    np.savez(tmp_path / "o.npz", x_train=np.array([{"a": 1}] * 2, dtype=object), y_train=y[:2])
    with pytest.raises(BadInput, match="Python objects"):
        load_file("o.npz", tmp_path)
    (tmp_path / "z.npz").write_bytes(b"not a zip at all")
    with pytest.raises(BadInput, match="z.npz: not a valid .npz file"):
        load_file("z.npz", tmp_path)


def test_npz_text_labels_and_images(tmp_path: Path) -> None:
    np.savez(tmp_path / "t.npz", x_train=np.arange(24.0).reshape(3, 2, 4),
             y_train=np.array(["cat", "dog", "cat"]))
    ds = load_file("t.npz", tmp_path, train_fraction=1.0)
    assert ds.n_features == 8 and ds.class_names == ("cat", "dog")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab1,.;\t\n\"' -e9nNaI\x00")), max_size=80),
       st.sampled_from([None, "a", "1"]))
def test_junk_csv_raises_only_bad_input(tmp_path_factory, text: str, label) -> None:
    folder = tmp_path_factory.mktemp("junk")
    (folder / "j.csv").write_text(text, encoding="utf-8")
    try:
        ds = load_file("j.csv", folder, label)
    except BadInput:
        return
    assert np.isfinite(ds.x_train).all() and ds.n_train >= 1


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=60))
def test_junk_bytes_raise_only_bad_input(tmp_path_factory, blob: bytes) -> None:
    folder = tmp_path_factory.mktemp("junkb")
    for name in ("j.csv", "j.npz"):
        (folder / name).write_bytes(blob)
        try:
            load_file(name, folder)
        except BadInput:
            pass
