"""`playground-train` (docs/CLI.md): runs via main(argv) and in a subprocess; no Qt."""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from engine.design import Design, FORMAT, save_design
from playground.cli_train import main

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "resources" / "designs").glob("*.json"))
DEFAULT = ROOT / "resources" / "designs" / "tf_playground_default.json"


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the installed ``playground-train`` script (``python -m`` where it is not installed)."""
    script = Path(sys.executable).with_name("playground-train")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "playground.cli_train"]
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, timeout=600,
                          cwd=cwd or ROOT)


def small_design(tmp_path: Path, name: str = "d.json", lr: float = 0.05, **training) -> Path:
    d = {"format": FORMAT, "version": 1, "seed": 4,
         "data": {"dataset": "circle", "samples": 100, "noise": 0.1, "train_fraction": 0.8},
         "model": {"input_dim": 2, "layers": [
             {"id": "h", "type": "dense", "units": 5},
             {"id": "r", "type": "activation", "function": "relu"},
             {"id": "o", "type": "dense", "units": 1},
             {"id": "s", "type": "activation", "function": "sigmoid"}]},
         "loss": {"type": "binary_crossentropy"},
         "optimizer": {"type": "sgd", "learning_rate": lr},
         "training": {"batch_size": 16, "epochs": 3, **training}}
    return save_design(Design.from_dict(d), tmp_path / name)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_subprocess_run_with_metrics(tmp_path):
    out = run_cli(DEFAULT, "--epochs", 5, "--metrics", tmp_path / "m.csv")
    assert out.returncode == 0, out.stderr
    assert "best epoch" in out.stdout and "steps/s" in out.stdout
    rows = read_csv(tmp_path / "m.csv")
    assert [r["epoch"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert [int(r["step"]) for r in rows] == [25, 50, 75, 100, 125]  # 250 samples / batch 10
    header = list(rows[0])
    assert header == ["epoch", "step", "loss", "val_loss", "accuracy", "val_accuracy", "lr",
                      "grad_norm.0", "bias_grad_norm.0", "saturated_fraction.1",
                      "grad_norm.2", "bias_grad_norm.2", "saturated_fraction.3",
                      "grad_norm.4", "bias_grad_norm.4", "saturated_fraction.5"]
    for r in rows:
        assert float(r["loss"]) > 0 and float(r["val_loss"]) > 0 and float(r["lr"]) == 0.03
        assert 0 <= float(r["accuracy"]) <= 1 and 0 <= float(r["val_accuracy"]) <= 1


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_design_trains_5_epochs(path, tmp_path, capsys):
    code = main([str(path), "--epochs", "5", "--metrics", str(tmp_path / "m.csv"),
                 "--save-weights", str(tmp_path / "w.npz")])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "final loss" in out.out
    rows = read_csv(tmp_path / "m.csv")
    assert 1 <= len(rows) <= 5 and rows[-1]["epoch"] == str(len(rows))  # early stopping may end it
    with np.load(tmp_path / "w.npz", allow_pickle=False) as npz:
        assert npz.files[0] == "layers.0.kernel"
        names = "kernel|bias|gamma|beta|moving_mean|moving_variance|alpha"
        assert all(re.fullmatch(rf"layers\.\d+\.({names})", k) for k in npz.files), npz.files


def test_relu_dead_fraction_columns_and_loss_is_epoch_mean(tmp_path, capsys):
    path = small_design(tmp_path)
    assert main([str(path), "--metrics", str(tmp_path / "m.csv"), "--quiet"]) == 0
    rows = read_csv(tmp_path / "m.csv")
    assert len(rows) == 3 and "dead_fraction.1" in rows[0] and "saturated_fraction.3" in rows[0]
    assert "dead_fraction.0" not in rows[0] and "grad_norm.1" not in rows[0]
    assert capsys.readouterr().out == ""  # --quiet: no summary


def test_steps_ending_mid_epoch_add_a_final_row(tmp_path, capsys):
    path = small_design(tmp_path)  # 80 training samples, batch 16: 5 steps per epoch
    assert main([str(path), "--steps", "12", "--metrics", str(tmp_path / "m.csv"), "--quiet"]) == 0
    rows = read_csv(tmp_path / "m.csv")
    assert [(r["epoch"], r["step"]) for r in rows] == [("1", "5"), ("2", "10"), ("3", "12")]
    assert all(r["val_loss"] for r in rows)


def test_steps_stop_even_with_more_epochs(tmp_path, capsys):
    path = small_design(tmp_path, epochs=100)
    assert main([str(path), "--steps", "5", "--metrics", str(tmp_path / "m.csv"), "--quiet"]) == 0
    assert [(r["epoch"], r["step"]) for r in read_csv(tmp_path / "m.csv")] == [("1", "5")]


def test_weights_file_keys(tmp_path, capsys):
    path = small_design(tmp_path)
    assert main([str(path), "--epochs", "1", "--quiet", "--save-weights",
                 str(tmp_path / "w.npz")]) == 0
    with np.load(tmp_path / "w.npz", allow_pickle=False) as npz:
        assert npz.files == ["layers.0.kernel", "layers.0.bias", "layers.2.kernel",
                             "layers.2.bias"]
        assert npz["layers.0.kernel"].shape == (2, 5) and npz["layers.2.kernel"].dtype == np.float32


def test_checkpoint_and_resume_match_an_uninterrupted_run(tmp_path, capsys):
    path = small_design(tmp_path, epochs=6)
    assert main([str(path), "--quiet", "--save-weights", str(tmp_path / "straight.npz")]) == 0
    assert main([str(path), "--quiet", "--steps", "13", "--checkpoint",
                 str(tmp_path / "c.npz")]) == 0
    assert main([str(path), "--quiet", "--resume", str(tmp_path / "c.npz"), "--metrics",
                 str(tmp_path / "m.csv"), "--save-weights", str(tmp_path / "resumed.npz")]) == 0
    assert [r["epoch"] for r in read_csv(tmp_path / "m.csv")] == ["3", "4", "5", "6"]
    with np.load(tmp_path / "straight.npz") as a, np.load(tmp_path / "resumed.npz") as b:
        assert a.files == b.files
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key])


def test_init_weights_are_used(tmp_path, capsys):
    path = small_design(tmp_path)
    assert main([str(path), "--quiet", "--epochs", "1", "--save-weights",
                 str(tmp_path / "a.npz")]) == 0
    with np.load(tmp_path / "a.npz") as a:
        w = {k: np.full_like(a[k], 0.25) for k in a.files}
    np.savez(tmp_path / "init.npz", **w)
    assert main([str(path), "--quiet", "--steps", "1", "--init-weights", str(tmp_path / "init.npz"),
                 "--save-weights", str(tmp_path / "b.npz")]) == 0
    with np.load(tmp_path / "b.npz") as b:  # one step away from the constant start
        assert np.max(np.abs(b["layers.0.kernel"] - 0.25)) < 0.05


@pytest.mark.parametrize("case", ["missing", "bad_json", "bad_option", "steps_and_epochs",
                                  "init_and_resume", "output_folder",
                                  "shape", "cuda", "bad_field", "data_missing"])
def test_bad_input_exits_2_with_one_line(tmp_path, case):
    path = small_design(tmp_path)
    if case == "missing":
        args, words = [tmp_path / "nope.json"], "nope.json"
    elif case == "bad_json":
        (tmp_path / "b.json").write_text('{"format": "network-playground/design",\n "version": }')
        args, words = [tmp_path / "b.json"], "line 2, column"
    elif case == "bad_option":
        args, words = [path, "--epochs", "zero"], "--epochs"
    elif case == "steps_and_epochs":
        args, words = [path, "--epochs", "2", "--steps", "3"], "not allowed"
    elif case == "output_folder":
        args, words = [path, "--save-weights", tmp_path / "no" / "w.npz"], "--save-weights"
    elif case == "init_and_resume":
        args, words = [path, "--init-weights", "a.npz", "--resume", "b.npz"], "not allowed"
    elif case == "shape":
        np.savez(tmp_path / "w.npz", **{"layers.0.kernel": np.zeros((3, 5), np.float32),
                                        "layers.0.bias": np.zeros(5, np.float32),
                                        "layers.2.kernel": np.zeros((5, 1), np.float32),
                                        "layers.2.bias": np.zeros(1, np.float32)})
        args, words = [path, "--init-weights", tmp_path / "w.npz"], "layers.0.kernel has shape (3, 5)"
    elif case == "cuda":
        from engine.backends.device import cuda_status
        if cuda_status()[0]:
            pytest.skip("a CUDA GPU is usable here")
        args, words = [path, "--device", "cuda"], "--device cuda: no usable CUDA GPU"
    elif case == "bad_field":
        d = json.loads(path.read_text())
        d["model"]["layers"][0]["units"] = 0
        (tmp_path / "f.json").write_text(json.dumps(d))
        args, words = [tmp_path / "f.json"], "model.layers[0].units"
    else:
        args, words = [path, "--data", tmp_path / "none.csv"], "none.csv"
    out = run_cli(*args, "--quiet")
    assert out.returncode == 2, out.stderr
    line = one_error_line(out.stderr)
    assert line.startswith("playground-train: ") and words in line, line


def test_diverging_design_exits_3(tmp_path):
    d = {"format": FORMAT, "version": 1, "seed": 0,
         "data": {"dataset": "plane", "samples": 60},
         "model": {"input_dim": 2, "layers": [{"id": "h", "type": "dense", "units": 4},
                                              {"id": "o", "type": "dense", "units": 1}]},
         "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "learning_rate": 1e30},
         "training": {"batch_size": 10, "epochs": 5}}
    path = save_design(Design.from_dict(d), tmp_path / "boom.json")
    out = run_cli(path, "--metrics", tmp_path / "m.csv")
    assert out.returncode == 3, out.stderr
    assert "Traceback" not in out.stderr
    last = [ln for ln in out.stderr.splitlines() if ln.startswith("playground-train:")]
    assert len(last) == 1 and "diverged at step" in last[0] and "in layer" in last[0]


def test_export_pytorch(tmp_path, capsys):
    path = small_design(tmp_path)
    code = main([str(path), "--quiet", "--epochs", "1", "--export-pytorch",
                 str(tmp_path / "net.py")])
    assert code == 0, capsys.readouterr().err
    source = (tmp_path / "net.py").read_text()
    compile(source, "net.py", "exec")


def test_help_exits_0(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    assert "--export-pytorch" in capsys.readouterr().out


def test_chunking_does_not_change_the_run_and_summary_counts(tmp_path, capsys):
    path = small_design(tmp_path, epochs=40)
    assert main([str(path), "--save-weights", str(tmp_path / "a.npz")]) == 0
    summary = capsys.readouterr().out
    assert main([str(path), "--quiet", "--metrics", str(tmp_path / "m.csv"), "--save-weights",
                 str(tmp_path / "b.npz")]) == 0
    rows = read_csv(tmp_path / "m.csv")
    assert len(rows) == 40
    with np.load(tmp_path / "a.npz") as a, np.load(tmp_path / "b.npz") as b:
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key])
    assert "40 / 200" in summary  # epochs / steps
    best = min(rows, key=lambda r: float(r["val_loss"]))
    assert f"best epoch      {best['epoch']} (by val_loss)" in summary, summary


def test_data_option_trains_on_a_csv_file(tmp_path, capsys):
    path = small_design(tmp_path)
    rng = np.random.default_rng(3)
    x = rng.normal(size=(50, 2))
    lines = ["a,b,label"] + [f"{p:.4f},{q:.4f},{int(p * q > 0)}" for p, q in x]
    (tmp_path / "mine.csv").write_text("\n".join(lines) + "\n")
    assert main([str(path), "--data", str(tmp_path / "mine.csv"), "--epochs", "2",
                 "--metrics", str(tmp_path / "m.csv")]) == 0
    out = capsys.readouterr().out
    assert "device          cpu" in out
    rows = read_csv(tmp_path / "m.csv")
    assert [r["step"] for r in rows] == ["3", "6"]  # 40 training rows (train_fraction 0.8), batch 16
    (tmp_path / "wide.csv").write_text("a,b,c,label\n1,2,3,0\n2,3,4,1\n3,4,5,0\n4,5,6,1\n")
    assert main([str(path), "--data", str(tmp_path / "wide.csv"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "model.input_dim: is 2 but the data give 3 features" in err, err


def test_steps_go_past_training_epochs_and_resume_a_finished_run(tmp_path, capsys):
    path = small_design(tmp_path, epochs=2)  # 5 steps per epoch, 10 in the design
    assert main([str(path), "--steps", "13", "--metrics", str(tmp_path / "m.csv"), "--quiet",
                 "--checkpoint", str(tmp_path / "c.npz")]) == 0
    assert [(r["epoch"], r["step"]) for r in read_csv(tmp_path / "m.csv")] == [
        ("1", "5"), ("2", "10"), ("3", "13")]
    assert main([str(path), "--quiet", "--epochs", "1", "--checkpoint",
                 str(tmp_path / "done.npz")]) == 0  # a finished run ...
    assert main([str(path), "--resume", str(tmp_path / "done.npz"), "--steps", "7", "--metrics",
                 str(tmp_path / "r.csv"), "--quiet"]) == 0  # ... goes on for --steps
    assert [(r["epoch"], r["step"]) for r in read_csv(tmp_path / "r.csv")] == [
        ("2", "10"), ("3", "12")]


def test_allow_steps_grows_epochs_only_as_needed(tmp_path):
    from engine.build import build_session
    from engine.design import load_design
    from playground.cli_train import allow_steps
    s = build_session(load_design(small_design(tmp_path, epochs=3)), base_dir=tmp_path)
    allow_steps(s, 15)
    assert s.epochs == 3                 # 15 steps fit the design's 3 epochs: unchanged
    s.run(2)                             # mid-epoch: 13 steps left in the 3 epochs
    allow_steps(s, 13)
    assert s.epochs == 3
    allow_steps(s, 19)                   # steps 3..21: the last falls in epoch 5
    assert s.epochs == 5
    assert s.run(19).step == 21 and s.status == "running"
    assert s.run(10).step == 25 and s.status == "finished"


def test_divergence_at_an_epoch_boundary_adds_no_row(tmp_path, capsys):
    d = {"format": FORMAT, "version": 1, "seed": 2,
         "data": {"dataset": "plane", "samples": 40},
         "model": {"input_dim": 2, "layers": [{"id": "h", "type": "dense", "units": 4},
                                              {"id": "o", "type": "dense", "units": 1}]},
         "loss": {"type": "mse"}, "optimizer": {"type": "sgd", "learning_rate": 1e6},
         "training": {"batch_size": 40, "epochs": 50}}
    path = save_design(Design.from_dict(d), tmp_path / "div.json")
    assert main([str(path), "--quiet", "--metrics", str(tmp_path / "m.csv")]) == 3
    rows = read_csv(tmp_path / "m.csv")   # one batch per epoch: it diverges at a boundary
    assert [r["epoch"] for r in rows] == [str(i + 1) for i in range(len(rows))]
    assert len({r["step"] for r in rows}) == len(rows)
    assert all(r["grad_norm.0"] for r in rows)   # every row has its layer figures


def test_export_pytorch_writes_the_data_as_trained_on(tmp_path, capsys, monkeypatch):
    """Relative data files (design folder) and --data replacements reach the exported data."""
    folder = tmp_path / "designs"
    folder.mkdir()
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(30, 2)), np.where(rng.random((30, 1)) > 0.5, 1.0, -1.0)
    np.savez(folder / "mine.npz", x_train=x, y_train=y)
    np.savez(tmp_path / "other.npz", x_train=x[:10] + 5.0, y_train=y[:10])
    d = json.loads(small_design(folder).read_text(encoding="utf-8"))
    d["data"] = {"dataset": {"path": "mine.npz"}, "train_fraction": 1.0, "standardize": False}
    d["loss"] = {"type": "mse"}
    d["model"]["layers"] = d["model"]["layers"][:3]
    path = save_design(Design.from_dict(d), folder / "npz.json")
    monkeypatch.chdir(tmp_path)  # relative paths are the design folder's, not the cwd's
    assert main([str(path), "--quiet", "--steps", "1", "--export-pytorch", "net.py"]) == 0
    with np.load(tmp_path / "net_data.npz") as f:
        assert sorted(map(tuple, f["x_train"])) == sorted(map(tuple, x.astype(np.float32)))
        assert set(np.unique(f["y_train"])) == {-1.0, 1.0}   # mse keeps the given targets
    assert main([str(path), "--quiet", "--steps", "1", "--data", "other.npz",
                 "--export-pytorch", "net2.py"]) == 0
    with np.load(tmp_path / "net2_data.npz") as f:
        assert f["x_train"].shape == (10, 2) and f["x_train"].min() > 1.0
