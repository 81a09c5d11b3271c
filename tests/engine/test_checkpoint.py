"""Weights and checkpoint files (docs/FORMAT.md "Weights files", "Checkpoint files")."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.build import build_session
from engine.checkpoint import (load_checkpoint, load_weights, read_checkpoint_meta, read_npz,
                               save_checkpoint, save_weights, write_npz)
from engine.design import FORMAT, Design
from engine.errors import BadInput


def design(optimizer: dict | None = None, **training) -> Design:
    """Spiral net with every weight kind: dense, batch norm, prelu, dropout (random masks)."""
    return Design.from_dict({
        "format": FORMAT, "version": 1, "seed": 5,
        "data": {"dataset": "spiral", "samples": 120, "noise": 0.1, "train_fraction": 0.75},
        "model": {"input_dim": 2, "layers": [
            {"id": "d1", "type": "dense", "units": 8},
            {"id": "bn", "type": "batch_norm"},
            {"id": "p", "type": "activation", "function": "prelu"},
            {"id": "do", "type": "dropout", "rate": 0.3},
            {"id": "d2", "type": "dense", "units": 1},
            {"id": "s", "type": "activation", "function": "sigmoid"}]},
        "loss": {"type": "binary_crossentropy"},
        "optimizer": optimizer or {"type": "adam", "learning_rate": 0.01},
        "training": {"batch_size": 16, "epochs": 50, **training},
    })


def test_weight_keys_are_exactly_the_contract(tmp_path):
    session = build_session(design())
    path = save_weights(session, tmp_path / "w.npz")
    with np.load(path, allow_pickle=False) as npz:
        assert npz.files == ["layers.0.kernel", "layers.0.bias", "layers.1.gamma", "layers.1.beta",
                             "layers.1.moving_mean", "layers.1.moving_variance",
                             "layers.2.alpha", "layers.4.kernel", "layers.4.bias"]
        assert all(npz[k].dtype == np.float32 for k in npz.files)
        assert npz["layers.0.kernel"].shape == (2, 8) and npz["layers.4.kernel"].shape == (8, 1)
    assert path == tmp_path / "w.npz"  # nothing appended to the name


def test_weights_round_trip_into_a_fresh_session(tmp_path):
    trained = build_session(design())
    trained.run(9)
    save_weights(trained, tmp_path / "w.npz")
    fresh = build_session(design())
    before = fresh.get_weights()
    load_weights(fresh, tmp_path / "w.npz")
    after = fresh.get_weights()
    assert any(not np.array_equal(before[k], after[k]) for k in after)
    for key, value in trained.get_weights().items():
        np.testing.assert_array_equal(after[key], value)


def test_shape_mismatch_names_key_and_both_shapes(tmp_path):
    w = build_session(design()).get_weights()
    w["layers.0.kernel"] = np.zeros((3, 8), np.float32)
    write_npz(tmp_path / "w.npz", w)
    with pytest.raises(BadInput) as info:
        load_weights(build_session(design()), tmp_path / "w.npz")
    text = str(info.value)
    assert "layers.0.kernel" in text and "(3, 8)" in text and "(2, 8)" in text


def test_missing_and_extra_keys_are_named(tmp_path):
    w = build_session(design()).get_weights()
    del w["layers.1.gamma"]
    write_npz(tmp_path / "a.npz", w)
    with pytest.raises(BadInput, match=r"missing weights layers\.1\.gamma"):
        load_weights(build_session(design()), tmp_path / "a.npz")
    w = build_session(design()).get_weights()
    w["layers.9.kernel"] = np.zeros(2, np.float32)
    write_npz(tmp_path / "b.npz", w)
    with pytest.raises(BadInput, match=r"unexpected weights layers\.9\.kernel"):
        load_weights(build_session(design()), tmp_path / "b.npz")


def test_non_finite_weights_are_refused(tmp_path):
    w = build_session(design()).get_weights()
    w["layers.4.bias"][0] = np.nan
    write_npz(tmp_path / "w.npz", w)
    with pytest.raises(BadInput, match=r"layers\.4\.bias holds NaN"):
        load_weights(build_session(design()), tmp_path / "w.npz")


def test_files_that_are_not_npz(tmp_path):
    (tmp_path / "t.npz").write_text("layers.0.kernel,1,2\n")
    np.save(tmp_path / "a.npy", np.zeros(3))
    np.savez(tmp_path / "p.npz", obj=np.array([{"a": 1}], dtype=object))
    for name, words in [("t.npz", "not an .npz file"), ("a.npy", "single .npy array"),
                        ("p.npz", "pickled objects")]:
        with pytest.raises(BadInput, match=words):
            read_npz(tmp_path / name)


@pytest.mark.parametrize("optimizer", [
    {"type": "adam", "learning_rate": 0.01},
    {"type": "sgd", "learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
    {"type": "rmsprop", "learning_rate": 0.005, "momentum": 0.5, "centered": True},
    {"type": "nadam", "learning_rate": 0.005},
])
def test_resume_is_bit_identical(tmp_path, optimizer):
    d = design(optimizer)
    k, m = 13, 17  # 6 steps per epoch: both the checkpoint and the end are mid-epoch
    straight = build_session(d)
    straight.run(k + m)
    first = build_session(d)
    first.run(k)
    save_checkpoint(first, tmp_path / "c.npz")
    resumed = build_session(d)
    meta = load_checkpoint(resumed, tmp_path / "c.npz")
    assert meta["step"] == k and meta["seed"] == 5
    snap = resumed.run(m)
    ref = straight.snapshot()
    assert snap.step == ref.step == k + m and snap.epoch == ref.epoch
    assert snap.loss == ref.loss and snap.val_loss == ref.val_loss
    want = straight.get_weights()
    for key, value in resumed.get_weights().items():
        np.testing.assert_array_equal(value, want[key], err_msg=key)


def test_checkpoint_contents(tmp_path):
    session = build_session(design())
    session.run(8)
    path = save_checkpoint(session, tmp_path / "c.npz")
    with np.load(path, allow_pickle=False) as npz:
        files = set(npz.files)
        assert {"layers.0.kernel", "optimizer.layers.0.kernel.m", "optimizer.layers.0.kernel.v",
                "optimizer.layers.2.alpha.m", "optimizer.iterations", "meta.json"} <= files
        assert "optimizer.layers.1.moving_mean.m" not in files  # not trained
        assert int(npz["optimizer.iterations"]) == 8
        raw = npz["meta.json"]
        assert raw.shape == () and raw.dtype.kind == "U"
    meta = json.loads(str(raw))
    assert meta["step"] == 8 and meta["epoch"] == 1 and meta["seed"] == 5
    assert meta["layers"][0] == ["d1", "dense"]
    assert read_checkpoint_meta(path)["step"] == 8


def test_checkpoint_of_another_design_is_refused(tmp_path):
    session = build_session(design())
    save_checkpoint(session, tmp_path / "c.npz")
    d = design().to_dict()
    d["model"]["layers"][3]["id"] = "other"
    with pytest.raises(BadInput, match="was written for layers"):
        load_checkpoint(build_session(Design.from_dict(d)), tmp_path / "c.npz")
    save_weights(session, tmp_path / "w.npz")
    with pytest.raises(BadInput, match="not a checkpoint"):
        load_checkpoint(build_session(design()), tmp_path / "w.npz")


def test_weights_load_from_a_checkpoint_file(tmp_path):
    session = build_session(design())
    session.run(4)
    save_checkpoint(session, tmp_path / "c.npz")
    fresh = build_session(design())
    load_weights(fresh, tmp_path / "c.npz")
    np.testing.assert_array_equal(fresh.get_weights()["layers.0.kernel"],
                                  session.get_weights()["layers.0.kernel"])


def test_resume_with_more_epochs_continues(tmp_path):
    d = design(epochs=2)
    session = build_session(d)
    session.run_epoch()
    session.run_epoch()
    assert session.finished
    save_checkpoint(session, tmp_path / "c.npz")
    longer = build_session(d, epochs=3)
    load_checkpoint(longer, tmp_path / "c.npz")
    assert not longer.finished
    assert longer.run_epoch().epoch == 3
