"""Contract audit (docs/CLI.md: playground-train options, exit codes, metrics CSV),
through the installed console script and playground.cli_train.main(argv)."""
from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.build import build_session
from engine.design import load_design
from playground.cli_train import main

SCRIPT = Path(sys.executable).parent / "playground-train"
BASE = ["epoch", "step", "loss", "val_loss", "accuracy", "val_accuracy", "lr"]


def write_design(folder, layers=None, loss="binary_crossentropy", data=None, optimizer=None,
                 epochs=3, batch=20, seed=2, l2=0.0):
    d = {"format": "network-playground/design", "version": 1, "seed": seed,
         "data": data or {"dataset": "circle", "samples": 100, "train_fraction": 0.6},
         "model": {"input_dim": 2, "layers": layers or [
             {"id": "h", "type": "dense", "units": 5, "kernel_regularizer": {"l1": 0.0, "l2": l2}},
             {"id": "r", "type": "activation", "function": "relu"},
             {"id": "o", "type": "dense", "units": 1},
             {"id": "s", "type": "activation", "function": "sigmoid"}]},
         "loss": {"type": loss},
         "optimizer": optimizer or {"type": "adam", "learning_rate": 0.01},
         "training": {"batch_size": batch, "epochs": epochs, "shuffle": True}}
    p = Path(folder) / "design.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    return p


def run_script(*args, cwd=None):
    return subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def test_script_epochs_replace_training_epochs_and_metrics_columns(tmp_path):
    design = write_design(tmp_path, epochs=7, l2=1e-3)
    out = run_script(design, "--epochs", "2", "--metrics", tmp_path / "m.csv", "--quiet",
                     "--save-weights", tmp_path / "w.npz")
    assert out.returncode == 0, out.stderr
    header, rows = read_csv(tmp_path / "m.csv")
    assert header[:7] == BASE
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert [int(r["step"]) for r in rows] == [3, 6]            # 60 samples, batch 20
    layer_cols = set(header[7:])
    assert {"grad_norm.0", "bias_grad_norm.0", "grad_norm.2", "bias_grad_norm.2",
            "dead_fraction.1", "saturated_fraction.3"} <= layer_cols
    assert not any(c.endswith((".0", ".2")) and c.split(".")[0] in ("dead_fraction",
                                                                     "saturated_fraction")
                   for c in layer_cols)
    assert all(c.rsplit(".", 1)[0] in ("grad_norm", "bias_grad_norm", "dead_fraction",
                                       "saturated_fraction") for c in layer_cols)
    # the same run through the session: loss is the epoch mean (penalties included), lr, val_loss
    s = build_session(load_design(design), base_dir=tmp_path, epochs=2)
    for row in rows:
        snap = s.run_epoch()
        assert float(row["loss"]) == pytest.approx(snap.epoch_loss, rel=1e-9)
        assert float(row["val_loss"]) == pytest.approx(snap.val_loss, rel=1e-9)
        assert float(row["val_accuracy"]) == pytest.approx(snap.val_accuracy, rel=1e-9)
        assert float(row["lr"]) == pytest.approx(0.01)
        assert float(row["grad_norm.0"]) == pytest.approx(snap.layers[0].grad_norm, rel=1e-6)
        assert float(row["dead_fraction.1"]) == pytest.approx(snap.layers[1].dead_fraction)
    with np.load(tmp_path / "w.npz", allow_pickle=False) as f:
        assert set(f.files) == {"layers.0.kernel", "layers.0.bias", "layers.2.kernel",
                                "layers.2.bias"}
        np.testing.assert_array_equal(f["layers.0.kernel"], s.get_weights()["layers.0.kernel"])


def test_steps_stop_mid_epoch_with_final_row(tmp_path):
    design = write_design(tmp_path, epochs=50)
    assert main([str(design), "--steps", "4", "--metrics", str(tmp_path / "m.csv"), "--quiet",
                 "--save-weights", str(tmp_path / "w.npz")]) == 0
    _, rows = read_csv(tmp_path / "m.csv")
    assert [(r["epoch"], r["step"]) for r in rows] == [("1", "3"), ("2", "4")]
    s = build_session(load_design(design), base_dir=tmp_path)
    s.run(4)
    with np.load(tmp_path / "w.npz", allow_pickle=False) as f:
        for k, v in s.get_weights().items():
            np.testing.assert_array_equal(f[k], v)


def test_empty_cells_where_not_applicable(tmp_path):
    design = write_design(tmp_path, layers=[{"id": "o", "type": "dense", "units": 1}], loss="mse",
                          data={"dataset": "plane", "samples": 40, "train_fraction": 1.0})
    assert main([str(design), "--epochs", "1", "--metrics", str(tmp_path / "m.csv"),
                 "--quiet"]) == 0
    header, rows = read_csv(tmp_path / "m.csv")
    assert header == BASE + ["grad_norm.0", "bias_grad_norm.0"]
    r = rows[0]
    assert r["val_loss"] == r["accuracy"] == r["val_accuracy"] == ""
    assert math.isfinite(float(r["loss"]))


def test_seed_option_replaces_seed(tmp_path):
    design = write_design(tmp_path, seed=2)
    assert main([str(design), "--steps", "1", "--seed", "9", "--quiet",
                 "--save-weights", str(tmp_path / "w.npz")]) == 0
    d = json.loads(design.read_text())
    d["seed"] = 9                              # the same as a design that says seed 9
    s = build_session(d, base_dir=tmp_path)
    s.run(1)
    with np.load(tmp_path / "w.npz", allow_pickle=False) as f:
        np.testing.assert_array_equal(f["layers.0.kernel"], s.get_weights()["layers.0.kernel"])


def test_resume_continues_bit_identically(tmp_path):
    design = write_design(tmp_path)
    assert main([str(design), "--epochs", "1", "--quiet", "--checkpoint",
                 str(tmp_path / "c.npz")]) == 0
    assert main([str(design), "--epochs", "3", "--quiet", "--resume", str(tmp_path / "c.npz"),
                 "--save-weights", str(tmp_path / "a.npz")]) == 0
    assert main([str(design), "--epochs", "3", "--quiet",
                 "--save-weights", str(tmp_path / "b.npz")]) == 0
    with np.load(tmp_path / "a.npz") as a, np.load(tmp_path / "b.npz") as b:
        for k in b.files:
            np.testing.assert_array_equal(a[k], b[k])


def test_init_weights(tmp_path):
    design = write_design(tmp_path)
    s = build_session(load_design(design), base_dir=tmp_path)
    w = {k: np.full_like(v, 0.1) for k, v in s.get_weights().items()}
    np.savez(tmp_path / "init.npz", **w)
    assert main([str(design), "--steps", "2", "--quiet", "--init-weights",
                 str(tmp_path / "init.npz"), "--save-weights", str(tmp_path / "w.npz")]) == 0
    s.set_weights(w)
    s.run(2)
    with np.load(tmp_path / "w.npz") as f:
        np.testing.assert_array_equal(f["layers.2.kernel"], s.get_weights()["layers.2.kernel"])


def test_device_defaults_to_cpu(tmp_path, capsys):
    design = write_design(tmp_path)
    assert main([str(design), "--steps", "1"]) == 0
    out = capsys.readouterr().out
    assert any(line.split()[:2] == ["device", "cpu"] for line in out.splitlines()), out


def _gpu_usable():
    try:
        from numba import cuda
        return cuda.is_available()
    except Exception:
        return False


@pytest.mark.skipif(_gpu_usable(), reason="a GPU is usable here")
def test_device_cuda_without_gpu_exit_2_one_line(tmp_path):
    design = write_design(tmp_path)
    out = run_script(design, "--device", "cuda", "--steps", "1", "--quiet")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert "cuda" in lines[0].lower() or "gpu" in lines[0].lower()


@pytest.mark.parametrize("case", ["missing_file", "unknown_key", "bad_rate", "bad_option",
                                  "nan_data", "bad_epochs"])
def test_bad_input_exit_2_one_line(tmp_path, case, capsys):
    design = write_design(tmp_path)
    argv = [str(design), "--steps", "1", "--quiet"]
    needle = None
    if case == "missing_file":
        argv[0], needle = str(tmp_path / "nope.json"), "nope.json"
    elif case in ("unknown_key", "bad_rate"):
        d = json.loads(design.read_text())
        if case == "unknown_key":
            d["model"]["layers"][0]["zzbogus"] = 1
            needle = "zzbogus"
        else:
            d["model"]["layers"].insert(1, {"type": "dropout", "rate": 1.5})
            needle = "rate"
        design.write_text(json.dumps(d))
    elif case == "bad_option":
        argv.append("--zzflag")
        needle = "zzflag"
    elif case == "nan_data":
        (tmp_path / "d.csv").write_text("a,b,y\n1,2,0\n3,nan,1\n")
        argv += ["--data", str(tmp_path / "d.csv")]
        needle = "d.csv"
    elif case == "bad_epochs":
        argv = [str(design), "--epochs", "0"]
        needle = "epochs"
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0], err


def test_bad_input_exit_2_script_no_traceback(tmp_path):
    design = write_design(tmp_path)
    d = json.loads(design.read_text())
    d["loss"]["type"] = "zzhinge"
    design.write_text(json.dumps(d))
    out = run_script(design, "--quiet")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "zzhinge" in lines[0]


def test_divergence_exit_3_names_step_and_layer(tmp_path):
    design = write_design(tmp_path, layers=[{"id": "h", "type": "dense", "units": 4},
                                            {"id": "o", "type": "dense", "units": 1}],
                          loss="mse", data={"dataset": "plane", "samples": 40},
                          optimizer={"type": "sgd", "learning_rate": 1e6}, epochs=50)
    out = run_script(design, "--quiet", "--metrics", tmp_path / "m.csv")
    assert out.returncode == 3, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr
    msg = out.stderr.strip().splitlines()[-1]
    assert "step" in msg and "layer" in msg


def test_relative_data_path_resolved_against_design_folder(tmp_path):
    sub = tmp_path / "designs"
    sub.mkdir()
    rng = np.random.default_rng(0)
    np.savez(sub / "d.npz", x_train=rng.standard_normal((12, 2)),
             y_train=(rng.random((12, 1)) > 0.5).astype(float))
    design = write_design(sub, data={"dataset": {"path": "d.npz"}, "train_fraction": 1.0})
    out = run_script(Path("designs") / "design.json", "--steps", "1", "--quiet", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    out = run_script(design, "--steps", "1", "--quiet", cwd="/")
    assert out.returncode == 0, out.stderr


def diverging_design(folder):
    return write_design(folder, layers=[{"id": "h", "type": "dense", "units": 4},
                                        {"id": "o", "type": "dense", "units": 1}],
                        loss="mse", data={"dataset": "plane", "samples": 40},
                        optimizer={"type": "sgd", "learning_rate": 1e6}, epochs=50)


def test_divergence_metrics_one_row_per_epoch(tmp_path, capsys):
    design = diverging_design(tmp_path)
    assert main([str(design), "--quiet", "--metrics", str(tmp_path / "m.csv")]) == 3
    _, rows = read_csv(tmp_path / "m.csv")
    epochs = [r["epoch"] for r in rows]
    assert len(epochs) == len(set(epochs)), epochs
    steps = [r["step"] for r in rows]
    assert len(steps) == len(set(steps)), steps


def test_divergence_message_names_step_and_layer_in_process(tmp_path, capsys):
    design = diverging_design(tmp_path)
    assert main([str(design), "--quiet"]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and re.search(r"step \d+", err[0]) and re.search(r"layer \d+", err[0])


def test_steps_at_epoch_boundary_no_extra_row_and_partial_row_loss(tmp_path):
    design = write_design(tmp_path, epochs=50)
    assert main([str(design), "--steps", "3", "--metrics", str(tmp_path / "a.csv"),
                 "--quiet"]) == 0
    _, rows = read_csv(tmp_path / "a.csv")
    assert [(r["epoch"], r["step"]) for r in rows] == [("1", "3")]
    assert main([str(design), "--steps", "5", "--metrics", str(tmp_path / "b.csv"),
                 "--quiet"]) == 0
    _, rows = read_csv(tmp_path / "b.csv")
    s = build_session(load_design(design), base_dir=tmp_path)
    s.run(3)
    partial = [s.step().loss for _ in range(2)]
    assert float(rows[-1]["loss"]) == pytest.approx(np.mean(partial), rel=1e-9)


def test_epochs_and_steps_exclude_each_other(tmp_path, capsys):
    design = write_design(tmp_path)
    assert main([str(design), "--epochs", "1", "--steps", "1"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_init_weights_shape_mismatch_names_key_and_shapes(tmp_path, capsys):
    design = write_design(tmp_path)
    s = build_session(load_design(design), base_dir=tmp_path)
    w = dict(s.get_weights())
    w["layers.0.kernel"] = np.zeros((3, 5), np.float32)
    np.savez(tmp_path / "w.npz", **w)
    assert main([str(design), "--quiet", "--init-weights", str(tmp_path / "w.npz")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "layers.0.kernel" in err[0]
    assert re.search(r"\(?3, ?5\)?", err[0]) and re.search(r"\(?2, ?5\)?", err[0])


def test_resume_with_other_design_is_bad_input(tmp_path, capsys):
    design = write_design(tmp_path)
    assert main([str(design), "--steps", "1", "--quiet", "--checkpoint",
                 str(tmp_path / "c.npz")]) == 0
    other = write_design(tmp_path, layers=[
        {"id": "o", "type": "dense", "units": 1}, {"id": "s", "type": "activation",
                                                   "function": "sigmoid"}])
    assert main([str(other), "--quiet", "--resume", str(tmp_path / "c.npz")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_metrics_layer_columns_only_where_applicable(tmp_path):
    design = write_design(tmp_path)
    assert main([str(design), "--epochs", "1", "--metrics", str(tmp_path / "m.csv"),
                 "--quiet"]) == 0
    header, _ = read_csv(tmp_path / "m.csv")
    assert header == BASE + ["grad_norm.0", "bias_grad_norm.0", "dead_fraction.1",
                             "grad_norm.2", "bias_grad_norm.2", "saturated_fraction.3"]


def test_quiet_prints_nothing_and_device_auto(tmp_path, capsys):
    design = write_design(tmp_path)
    assert main([str(design), "--steps", "2", "--quiet", "--device", "auto"]) == 0
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""


@pytest.mark.skipif(_gpu_usable(), reason="a GPU is usable here")
def test_device_auto_falls_to_cpu_without_gpu(tmp_path, capsys):
    design = write_design(tmp_path)
    assert main([str(design), "--steps", "1", "--device", "auto"]) == 0
    out = capsys.readouterr().out
    assert any(line.split()[:2] == ["device", "cpu"] for line in out.splitlines()), out


@pytest.mark.parametrize("case", ["not_json", "directory", "missing_data_file", "bad_weights"])
def test_more_bad_input_exit_2(tmp_path, case, capsys):
    design = write_design(tmp_path)
    argv = [str(design), "--steps", "1", "--quiet"]
    if case == "not_json":
        design.write_text("{oops", encoding="utf-8")
    elif case == "directory":
        argv[0] = str(tmp_path)
    elif case == "missing_data_file":
        argv += ["--data", str(tmp_path / "absent.npz")]
    else:
        (tmp_path / "w.npz").write_bytes(b"not an npz")
        argv += ["--init-weights", str(tmp_path / "w.npz")]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]


def test_data_option_replaces_design_data(tmp_path):
    design = write_design(tmp_path)
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "other.npz", x_train=rng.standard_normal((30, 2)),
             y_train=(rng.random((30, 1)) > 0.5).astype(float))
    assert main([str(design), "--data", str(tmp_path / "other.npz"), "--epochs", "1",
                 "--quiet", "--metrics", str(tmp_path / "m.csv")]) == 0
    _, rows = read_csv(tmp_path / "m.csv")
    # 30 samples with the design's train_fraction 0.6 -> 18 training samples, batch 20: 1 step
    assert rows[0]["step"] == "1"


def test_export_pytorch_writes_python(tmp_path):
    design = write_design(tmp_path)
    assert main([str(design), "--steps", "1", "--quiet", "--export-pytorch",
                 str(tmp_path / "m.py")]) == 0
    compile((tmp_path / "m.py").read_text(encoding="utf-8"), "m.py", "exec")


@pytest.mark.parametrize("case", ["missing", "extra", "pickled"])
def test_init_weights_file_checked_without_pickle(tmp_path, case, capsys):
    design = write_design(tmp_path)
    w = dict(build_session(load_design(design), base_dir=tmp_path).get_weights())
    if case == "missing":
        del w["layers.2.bias"]
        needle = "layers.2.bias"
    elif case == "extra":
        w["layers.9.kernel"] = np.zeros(2, np.float32)
        needle = "layers.9.kernel"
    else:
        w["layers.0.kernel"] = np.array([None] * 10, dtype=object).reshape(2, 5)
        needle = "w.npz"
    np.savez(tmp_path / "w.npz", **w)
    assert main([str(design), "--steps", "1", "--quiet", "--init-weights",
                 str(tmp_path / "w.npz")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and needle in err[0]


def test_steps_is_not_capped_by_training_epochs(tmp_path):
    design = write_design(tmp_path, epochs=2)         # 3 steps per epoch
    assert main([str(design), "--steps", "10", "--quiet", "--metrics",
                 str(tmp_path / "m.csv")]) == 0
    _, rows = read_csv(tmp_path / "m.csv")
    assert rows[-1]["step"] == "10"
