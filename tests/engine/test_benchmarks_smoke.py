"""The benchmark suite runs end to end on tiny step counts (no timing is asserted), and its references
compute the same training steps as PyTorch."""
from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from benchmarks import pytorch_reference, report, run
from benchmarks.data import training_arrays
from benchmarks.numpy_reference import NumpyNet
from benchmarks.workloads import WORKLOADS, Workload, dense_sizes, flops_per_step

TRAINED = [w for w in WORKLOADS if not w.engine_only]
ROW_KEYS = {"workload", "impl", "optimizer", "steps_per_s", "gflops", "compile_s"}


def test_flops_count_six_batch_sum_in_out():
    d = Workload("D").design_dict()
    assert dense_sizes(d) == [(784, 256), (256, 128), (128, 10)]
    assert flops_per_step(d) == 6 * 128 * (784 * 256 + 256 * 128 + 128 * 10)
    e = Workload("E", "adam").design_dict()
    assert dense_sizes(e) == dense_sizes(d) and e["optimizer"]["type"] == "adam"
    assert [x["type"] for x in e["model"]["layers"]].count("batch_norm") == 2


def test_quick_run_writes_every_figure(tmp_path, capsys):
    out = tmp_path / "results.json"
    assert run.main(["--quick", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    assert set(res["machine"]) >= {"cpu", "cores", "matmul_gflops"} and res["machine"]["matmul_gflops"] > 0
    impls = {(r["workload"], r["impl"], r["optimizer"]) for r in res["results"]}
    for w in WORKLOADS:
        if not w.engine_only:
            assert (w.name, "numpy_reference", w.optimizer) in impls
            if pytorch_reference.available():
                assert (w.name, "pytorch", w.optimizer) in impls
    assert ("F", "engine", "sgd") in impls and ("G", "engine", "sgd") in impls
    assert ("F", "engine/step", "sgd") in impls  # the old way, kept for comparison
    f_rows = {r["impl"]: r["monitors"] for r in res["results"] if r["workload"] == "F"}
    assert "inside the compiled loop" in f_rows["engine"] and "session.step()" in f_rows["engine/step"]
    g = next(r for r in res["results"] if r["workload"] == "G")
    assert g["runs"].startswith("4 x B") and g["steps"] >= 1
    for r in res["results"]:
        assert "error" not in r, r
        assert ROW_KEYS <= set(r) and r["steps_per_s"] > 0 and r["gflops"] > 0
        assert (r["compile_s"] is not None) == r["impl"].startswith("engine")
    names = [t["name"] for t in res["targets"]]
    assert "F: monitor cost vs B (1 - F/B)" in names and "app on B: fps" in names
    assert "G: 4 runs of B in lockstep, total steps/s / B alone" in names
    assert res["startup"]["second"].get("wall_s", 0) > 0, res["startup"]
    printed = capsys.readouterr().out
    assert "| workload | optimizer | impl |" in printed and "| target |" in printed


def _design_without_dropout(w: Workload) -> dict:
    d = copy.deepcopy(w.design_dict())
    for layer in d["model"]["layers"]:
        if layer["type"] == "dropout":
            layer["rate"] = 0.0
    return d


@pytest.mark.skipif(not pytorch_reference.available(), reason="torch not installed")
@pytest.mark.parametrize("w", TRAINED, ids=lambda w: f"{w.name}-{w.optimizer}")
def test_numpy_reference_trains_like_pytorch(w):
    d = _design_without_dropout(w)
    x, y = training_arrays(d, w.path.parent)
    net = NumpyNet(d, x, y, seed=1)
    torch_net = pytorch_reference.TorchNet(d, x, y, seed=1)
    torch_net.set_weights(net.get_weights())
    for _ in range(4):
        xb, yb = net.next_batch()
        a, b = net.train_step(xb, yb), torch_net.train_on(xb, yb)
        assert a == pytest.approx(b, rel=2e-3 if w.optimizer == "adam" else 2e-5, abs=1e-5)
    if w.optimizer == "sgd":
        for mine, theirs in zip(net.params, torch_net.model.parameters()):
            t = theirs.detach().numpy()
            np.testing.assert_allclose(mine, t.T if t.ndim == 2 else t, rtol=1e-4, atol=1e-5)


def test_numpy_reference_learns():
    w = Workload("B")
    d = w.design_dict()
    x, y = training_arrays(d, w.path.parent)
    net = NumpyNet(d, x, y)
    first = np.mean([net.run(1) for _ in range(20)])
    net.run(1500)
    assert np.mean([net.run(1) for _ in range(20)]) < 0.5 * first


def test_targets_compare_the_right_rows():
    rows = [{"workload": "A", "impl": "engine", "optimizer": "sgd", "steps_per_s": 1600.0, "gflops": 1.0},
            {"workload": "A", "impl": "pytorch", "optimizer": "sgd", "steps_per_s": 10.0, "gflops": 1.0},
            {"workload": "A", "impl": "numpy_reference", "optimizer": "sgd", "steps_per_s": 400.0,
             "gflops": 1.0},
            {"workload": "B", "impl": "pytorch", "optimizer": "sgd", "steps_per_s": 1.01, "gflops": 1.0},
            {"workload": "B", "impl": "engine", "optimizer": "sgd", "steps_per_s": 100.0, "gflops": 1.0},
            {"workload": "F", "impl": "engine", "optimizer": "sgd", "steps_per_s": 80.0, "gflops": 1.0},
            {"workload": "D", "impl": "engine", "optimizer": "sgd", "steps_per_s": 1.0, "gflops": 95.0},
            {"workload": "D", "impl": "engine", "optimizer": "adam", "steps_per_s": 1.0, "gflops": 85.0}]
    t = {x["name"]: x for x in report.speed_targets(rows, {"matmul_gflops": 100.0})}
    assert t["A: engine / pytorch"]["value"] == 160 and t["A: engine / pytorch"]["met"] is True
    assert t["A: engine / numpy"]["value"] == 4 and t["A: engine / numpy"]["met"] is False
    assert t["B: engine / pytorch"]["value"] == pytest.approx(99.0099) and t["B: engine / pytorch"]["met"] is False
    assert t["D adam: engine GFLOP/s / matmul GFLOP/s"]["met"] is False  # 0.85 < 0.9
    assert t["F: monitor cost vs B (1 - F/B)"]["value"] == pytest.approx(0.2)
    assert t["F: monitor cost vs B (1 - F/B)"]["met"] is False
    assert t["D sgd: engine GFLOP/s / matmul GFLOP/s"]["met"] is True
    assert t["C: engine / pytorch"]["met"] is None


def test_process_targets_hold_the_start_up_goals():
    cold = {"cache": "fresh folder", "first": {"wall_s": 31.0}, "second": {"wall_s": 0.9}}
    t = {x["name"]: x for x in report.process_targets(cold, {"fps": 30.5, "ui_vs_headless": 0.79})}
    assert t["cold start, empty numba cache, to first step (wall s)"]["met"] is False
    assert t["second process start to first step (wall s)"]["met"] is True
    assert t["app on B: fps"]["met"] is True and t["app on B: UI steps/s / headless steps/s"]["met"] is False
    warm_only = {x["name"] for x in report.process_targets({"cache": "project cache", "first": {"wall_s": 1.0},
                                                             "second": {"wall_s": 1.0}}, None)}
    assert not any(name.startswith("cold start") for name in warm_only)


@pytest.mark.parametrize("w", TRAINED, ids=lambda w: f"{w.name}-{w.optimizer}")
def test_engine_rows_train_the_same_net_as_the_numpy_reference(w):
    """Same weights, same (unshuffled) batches: the engine's losses are the numpy reference's."""
    from engine.build import build_session
    from engine.design import Design

    d = _design_without_dropout(w)
    d["training"]["shuffle"] = False
    session = build_session(Design.from_dict(d), base_dir=w.path.parent)
    x, y = training_arrays(d, w.path.parent)
    net = NumpyNet(d, x, y, seed=3)
    start = net.weights_by_key()
    session.set_weights(start)
    steps = 3
    for _ in range(steps):
        ref = net.train_step(*net.next_batch())
        assert session.step().loss == pytest.approx(ref, rel=1e-4, abs=1e-6)
    mine = session.get_weights()
    noise = _noise_level_biases(d)
    lr = float(d["optimizer"]["learning_rate"])
    for key, value in net.weights_by_key().items():
        if key in noise:
            # A dense bias right before batch norm has a true gradient of 0 (the mean is
            # subtracted): what both implementations compute is float rounding noise (~1e-7),
            # whose sign depends on the summation order of each CPU's arithmetic. SGD turns it
            # into a noise-sized step, but Adam normalises it into a full step of ~lr: the
            # values are not comparable, only their bound is (each Adam step moves a weight by
            # at most lr * (1 - beta_1) / sqrt(1 - beta_2) ~ 3.2 lr; the output does not
            # depend on them at all).
            for got in (mine[key], value):
                assert np.max(np.abs(got - start[key])) <= steps * 3.2 * lr * 1.01, key
            continue
        np.testing.assert_allclose(mine[key], value, rtol=1e-3, atol=1e-5, err_msg=key)


def _noise_level_biases(design: dict) -> set[str]:
    """``layers.{i}.bias`` of dense layers whose output goes straight into batch norm
    (through dropout of rate 0 at most): their gradients are rounding noise."""
    layers = design["model"]["layers"]
    out = set()
    for i, cfg in enumerate(layers):
        if cfg["type"] != "dense" or not cfg.get("use_bias", True):
            continue
        nxt = i + 1
        while nxt < len(layers) and layers[nxt]["type"] == "dropout" and layers[nxt]["rate"] == 0:
            nxt += 1
        if nxt < len(layers) and layers[nxt]["type"] == "batch_norm":
            out.add(f"layers.{i}.bias")
    return out


def test_benchmark_designs_are_complete_design_files():
    """Every design loads with the engine's loader and is saved with every key (a round trip)."""
    from engine.design import load_design

    for name in "ABCDEF":
        path = Workload(name).path
        assert load_design(path).to_dict() == json.loads(path.read_text()), name


def test_engine_profile_breakdown_runs():
    from benchmarks.profile_engine import profile

    parts = profile(Workload("A"), 20)
    assert set(parts) == {"full", "fwd+bwd+update", "optimizer update", "checks", "dense matmuls"}
    assert all(v >= 0 for v in parts.values())


def test_worker_processes_time_each_implementation():
    """The real (non --quick) path: each implementation in its own spawned process, timed in turns."""
    impls = ["engine", "numpy_reference"]
    rows = run.measure_workload(Workload("A"), impls, target_s=0.002, repeats=2, max_steps=4, threads=1)
    assert [r["impl"] for r in rows] == impls
    for r in rows:
        assert "error" not in r, r
        assert r["steps"] == 4 and r["repeats"] == 2 and r["steps_per_s"] > 0 and r["steps_per_cpu_s"] > 0


def test_lockstep_row_counts_the_steps_of_every_run(monkeypatch):
    """Workload G: one "engine" row whose rate is all four runs' steps; its runner steps four B
    sessions by run(n) on the lockstep pool."""
    from benchmarks.worker import ENGINE_LOCKSTEP, InProcessWorker

    g = next(w for w in WORKLOADS if w.name == "G")
    assert g.runs == 4 and g.path == Workload("B").path and g.engine_only

    class FixedTiming:  # each run's rate 100 steps/s, whatever the machine does
        def __init__(self, steps):
            self.steps, self.rates, self.spread = steps, [], 0.0
            self.steps_per_s, self.steps_per_cpu_s = 100.0, 50.0

        def add(self, wall, cpu):
            self.rates.append(wall)

    monkeypatch.setattr(run, "Timing", FixedTiming)
    rows = run.measure_workload(g, ["engine"], 0.002, 2, 3, in_process=True)
    assert len(rows) == 1 and "error" not in rows[0], rows
    assert (rows[0]["workload"], rows[0]["impl"], rows[0]["steps_per_s"]) == ("G", "engine", 400.0)
    assert rows[0]["steps_per_cpu_s"] == 200.0
    worker = InProcessWorker(f"{ENGINE_LOCKSTEP}4", g.design_dict(), g.path.parent)
    worker.request("time", 5)
    assert [r.session.step_count for r in worker.runner.runners] == [5, 5, 5, 5]


def test_workload_f_in_loop_runner_records_every_monitor_at_every_step():
    """F's row: gradient figures and a monitor-batch pass at each of the n steps of one run(n) call."""
    from benchmarks.engine_bench import EngineRunner
    from benchmarks.workloads import DESIGN_DIR

    w = next(w for w in WORKLOADS if w.name == "F")
    runner = EngineRunner(w.design_dict(), DESIGN_DIR, monitor_every=1, pass_every=1)
    start = runner.session.step_count
    series = runner.run(12).series
    assert list(series.steps) == list(range(start + 1, start + 13))
    assert list(series.pass_steps) == list(series.steps)
    assert np.isfinite(series.grad_norm).any(axis=1).all()
    assert series.dead_fraction.shape[0] == 12


def test_a_short_probe_repeat_scales_the_steps_up_never_down():
    from benchmarks.timing import settle_steps

    assert settle_steps(28, 0.044, 0.5, 2000) == 319  # a disturbed calibration's 28 steps -> ~0.5 s
    assert settle_steps(300, 0.45, 0.5, 2000) == 300  # long enough: kept
    assert settle_steps(300, 0.9, 0.5, 2000) == 300  # never down
    assert settle_steps(28, 0.001, 0.5, 2000) == 2000  # at most max_steps
