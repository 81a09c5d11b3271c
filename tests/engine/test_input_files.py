"""Files are input: special files, odd names, hostile archives and oversized claims are one-line
BadInput before anything is allocated (docs/LIMITS.md)."""
from __future__ import annotations

import io
import json
import os
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

from engine.checkpoint import read_npz
from engine.data import DataConfig, load_dataset
from engine.design import load_design
from engine.errors import BadInput
from engine.input_files import read_input_file
from engine.limits import MAX_VALUES

ROOT = Path(__file__).resolve().parents[2]


def _one_line(err: BadInput) -> str:
    text = str(err)
    assert "\n" not in text and len(text) < 400, text
    text.encode("utf-8")
    return text


def _load_data(path, base=None):
    return load_dataset(DataConfig.from_config({"dataset": {"path": str(path)}}), base)


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/null", "fifo", "folder"])
def test_special_files_are_refused_without_reading(tmp_path, target):
    if target == "fifo":
        target = tmp_path / "pipe.json"
        os.mkfifo(target)  # opening it for reading would block forever
    elif target == "folder":
        target = tmp_path / "d.json"
        target.mkdir()
    t0 = time.monotonic()
    for load in (load_design, read_npz, lambda p: read_input_file(p, 100)):
        with pytest.raises(BadInput, match="not a regular file|is a folder") as err:
            load(target)
        _one_line(err.value)
    assert time.monotonic() - t0 < 30


def test_special_data_files_are_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe.csv")
    with pytest.raises(BadInput, match="not a regular file") as err:
        _load_data("pipe.csv", tmp_path)
    assert err.value.path == "dataset.path"


@pytest.mark.parametrize("name", ["a" * 300 + ".json", "bad\udc80name\ud800.json", "x\x00y.json"])
def test_odd_file_names_are_one_line_bad_input(tmp_path, name):
    for load in (load_design, read_npz):
        with pytest.raises(BadInput) as err:
            load(tmp_path / name)
        _one_line(err.value)


def test_lone_surrogates_in_a_design_are_refused(tmp_path):
    d = json.loads((ROOT / "resources/designs/spiral_relu_batchnorm.json").read_text())
    d["model"]["layers"][0]["id"] = "d\ud800"
    path = tmp_path / "s.json"
    path.write_text(json.dumps(d))  # ASCII JSON: the surrogate is an escape sequence
    with pytest.raises(BadInput, match="lone surrogate") as err:
        load_design(path)
    assert err.value.path == "model.layers[0].id"


def test_deep_nesting_is_refused_at_any_depth(tmp_path):
    for depth in (40, 900, 100_000):
        path = tmp_path / "deep.json"
        path.write_text('{"format": "network-playground/design", "version": 1, "name": '
                        + "[" * depth + "]" * depth + "}")
        with pytest.raises(BadInput, match="nested") as err:
            load_design(path)
        _one_line(err.value)


def _npz_with_member(path: Path, name: str, payload: bytes, declared: int | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, payload)


def _npy_header(shape, dtype="<f8") -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": dtype, "fortran_order": False,
                                               "shape": shape})
    return buf.getvalue()


def test_a_header_claiming_2e11_values_costs_nothing(tmp_path):
    path = tmp_path / "big.npz"
    _npz_with_member(path, "x_train.npy", _npy_header((200_000, 1_000_000)) + b"\0" * 64)
    np.savez(tmp_path / "y.npz")
    with pytest.raises(BadInput, match="claims 200,000,000,000 values") as err:
        _load_data("big.npz", tmp_path)
    _one_line(err.value)
    with pytest.raises(BadInput, match="claims"):
        read_npz(path)


def test_a_zip_bomb_is_refused_before_decompressing(tmp_path):
    path = tmp_path / "bomb.npz"
    n = 400_000_000  # 3.2 GB of zeros compress to a few MB; checked from the header
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("x_train.npy", "w", force_zip64=True) as fh:
            fh.write(_npy_header((n // 8, 8)))
            block = b"\0" * 2**22
            for _ in range(40):  # only 160 MB actually written: the header claims more
                fh.write(block)
    with pytest.raises(BadInput, match=f"at most {MAX_VALUES:,}"):
        _load_data("bomb.npz", tmp_path)


def test_a_header_that_lies_about_its_size_is_refused(tmp_path):
    path = tmp_path / "lie.npz"
    _npz_with_member(path, "x_train.npy", _npy_header((10, 10)) + b"\0" * 16)
    with pytest.raises(BadInput, match="damaged"):
        read_npz(path)


def test_members_that_are_not_npy_arrays_are_refused(tmp_path):
    path = tmp_path / "odd.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("x_train.npy", _npy_header((1, 1)) + b"\0" * 8)
        zf.writestr("notes.txt", b"hello")
    for load in (read_npz, lambda p: _load_data(p)):
        with pytest.raises(BadInput, match="notes.txt.*not an .npy array") as err:
            load(path)
        _one_line(err.value)


def test_corrupt_bytes_in_an_npz_are_bad_input(tmp_path):
    np.savez(tmp_path / "w.npz", **{"layers.0.kernel": np.ones((30, 30))})
    raw = bytearray((tmp_path / "w.npz").read_bytes())
    rng = np.random.default_rng(1)
    for trial in range(60):
        data = bytearray(raw)
        for k in rng.integers(0, len(data), 1 + trial % 5):
            data[k] ^= 1 << int(rng.integers(0, 8))
        bad = tmp_path / f"c{trial}.npz"
        bad.write_bytes(bytes(data[: len(data) - (trial % 7) * 13]))
        try:
            read_npz(bad)
        except BadInput as err:
            _one_line(err)
