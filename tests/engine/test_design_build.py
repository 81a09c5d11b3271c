"""build_session: design -> TrainingSession (data, layers, loss, optimiser, schedule, options)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from engine.build import apply_overrides, build_session
from engine.design import FORMAT, Design, load_design, save_design
from engine.errors import BadInput

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "resources" / "designs").glob("*.json"))


def small(**changes) -> dict:
    d = {"format": FORMAT, "version": 1, "seed": 2,
         "data": {"dataset": "xor", "samples": 80, "train_fraction": 0.75},
         "model": {"input_dim": 2, "layers": [
             {"id": "h", "type": "dense", "units": 6},
             {"id": "t", "type": "activation", "function": "tanh"},
             {"id": "o", "type": "dense", "units": 1},
             {"id": "s", "type": "activation", "function": "sigmoid"}]},
         "loss": {"type": "binary_crossentropy"},
         "optimizer": {"type": "sgd", "learning_rate": 0.1, "momentum": 0.9},
         "schedule": {"type": "exponential", "s": 10},
         "training": {"batch_size": 20, "epochs": 4, "shuffle": True, "early_stopping": None}}
    d.update(changes)
    return d


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_designs_build_and_train(path):
    design = load_design(path)
    session = build_session(design, base_dir=path.parent, epochs=2)
    first = session.run_epoch()
    last = session.run_epoch()
    assert last.epoch == 2 and session.finished
    assert math.isfinite(first.epoch_loss) and math.isfinite(last.epoch_loss)
    assert session.design == design.replace(training={**design.training, "epochs": 2})
    assert len(session.model.layers) == len(design.layers)
    assert [layer.id for layer in session.model.layers] == [c["id"] for c in design.layers]


def test_options_reach_the_session():
    session = build_session(small())
    assert session.batch_size == 20 and session.epochs == 4 and session.seed == 2
    assert session.steps_per_epoch == 3  # 60 training samples
    assert type(session.optimizer).__name__ == "SGD" and session.optimizer.momentum == 0.9
    assert session.loss.get_config()["type"] == "binary_crossentropy"
    assert session.schedule.get_config() == {"type": "exponential", "s": 10}
    session.run(3)
    assert session.snapshot().lr < 0.1  # the exponential schedule is applied


def test_same_seed_same_run_and_seed_override():
    a = build_session(small())
    b = build_session(Design.from_dict(small()))
    c = build_session(small(), seed=3)
    assert c.seed == 3
    wa, wb, wc = a.get_weights(), b.get_weights(), c.get_weights()
    assert all(np.array_equal(wa[k], wb[k]) for k in wa)
    assert not np.array_equal(wa["layers.0.kernel"], wc["layers.0.kernel"])
    assert a.run(5).loss == b.run(5).loss


def test_batch_size_full_and_early_stopping():
    d = small(training={"batch_size": "full", "epochs": 500,
                        "early_stopping": {"monitor": "loss", "patience": 2, "min_delta": 10.0}})
    session = build_session(d)
    assert session.steps_per_epoch == 1
    for _ in range(10):
        snap = session.run_epoch()
        if session.finished:
            break
    assert snap.status == "early_stopped" and snap.epoch <= 4


def test_epochs_override():
    assert build_session(small(), epochs=7).epochs == 7
    assert apply_overrides(small(), epochs=7).training["epochs"] == 7


def test_data_override_with_a_file(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    np.savez(tmp_path / "d.npz", x_train=x, y_train=(x[:, :1] > 0).astype(float))
    session = build_session(small(), data_override={"dataset": {"path": str(tmp_path / "d.npz")}})
    assert session.n == 30  # train_fraction 0.75 of the file's 40 rows
    np.savez(tmp_path / "e.npz", x_train=rng.normal(size=(40, 3)), y_train=np.ones((40, 1)))
    with pytest.raises(BadInput) as info:
        build_session(small(), data_override={"dataset": {"path": str(tmp_path / "e.npz")}})
    assert "3" in str(info.value) and "2" in str(info.value)


def test_relative_data_paths_and_input_dim_from_the_file(tmp_path):
    rng = np.random.default_rng(1)
    np.savez(tmp_path / "d.npz", x_train=rng.normal(size=(30, 3)), y_train=np.zeros((30, 1)))
    d = small(data={"dataset": {"path": "d.npz"}})
    d["model"]["input_dim"] = 2
    save_design_path = tmp_path / "x.json"
    save_design_path.write_text(__import__("json").dumps(d))
    with pytest.raises(BadInput) as info:
        load_design(save_design_path)  # the file's folder is known: checked while loading
    assert info.value.path == "model.input_dim" and "3 features" in info.value.message
    d["model"]["input_dim"] = 3
    design = Design.from_dict(d)
    session = build_session(design, base_dir=tmp_path)
    assert session.model.input_dim == 3
    with pytest.raises(BadInput, match="not found"):
        build_session(design, base_dir=tmp_path / "elsewhere")


def test_targets_that_do_not_fit_the_output():
    d = small()
    d["model"]["layers"][2]["units"] = 3  # three sigmoid outputs, one 0/1 target column
    with pytest.raises(BadInput):
        build_session(d)


def test_device_cuda_without_gpu_is_bad_input():
    from engine.backends.device import cuda_status
    if cuda_status()[0]:
        pytest.skip("a CUDA GPU is usable here")
    with pytest.raises(BadInput) as info:
        build_session(small(), device="cuda")
    assert str(info.value).startswith("--device cuda: no usable CUDA GPU (")
    assert build_session(small(), device="auto").device == "cpu"
    with pytest.raises(BadInput, match="unknown device"):
        build_session(small(), device="tpu")


def test_bad_design_dicts_raise_bad_input_before_building(tmp_path):
    d = small()
    d["optimizer"]["learning_rate"] = float("inf")
    with pytest.raises(BadInput, match="optimizer.learning_rate"):
        build_session(d)
    save_design(Design.from_dict(small()), tmp_path / "ok.json")
    assert build_session(load_design(tmp_path / "ok.json")).n == 60


def test_device_cuda_switches_the_session_to_the_gpu_program(monkeypatch):
    """Wiring only (the GPU program itself is tested in tests/cuda): a usable GPU -> use_cuda."""
    import engine.backends.cuda_session as cs
    import engine.backends.device as dev
    calls = []
    monkeypatch.setattr(dev, "cuda_status", lambda: (True, "fake GPU"))
    monkeypatch.setattr(cs, "use_cuda", lambda session: calls.append(session))
    session = build_session(small(), device="cuda")
    assert calls == [session] and session.device == "cuda"
    assert build_session(small(), device="cpu").device == "cpu" and len(calls) == 1


def _counting(monkeypatch, owner, name):
    """Count the calls of ``owner.name`` (still calling it)."""
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)
    monkeypatch.setattr(owner, name, counted)
    return calls


def test_a_design_is_validated_once_per_build(monkeypatch):
    """The builder takes a validated Design as it is and validates a dict exactly once
    (engine.design.Design.from_dict is the validation)."""
    design = Design.from_dict(small())
    validations = _counting(monkeypatch, Design, "from_dict")
    assert build_session(design).design is design
    assert validations == []
    assert build_session(small()).design == design
    assert len(validations) == 1


def test_the_session_takes_built_objects_only():
    """TrainingSession builds nothing from configs: engine.build makes the objects."""
    from engine.build import build_model, session_from_configs
    from engine.optimizers import SGD
    from engine.session import TrainingSession
    from tests.helpers.sessions import LAYERS, make_data
    data = make_data()
    model = build_model(LAYERS, 2, seed=1)
    with pytest.raises(TypeError, match="optimizer must be a built Optimizer"):
        TrainingSession(model, {"type": "sgd"}, data=data)
    with pytest.raises(TypeError, match="model must be a built Model"):
        TrainingSession(list(model.layers), SGD(), data=data)
    optimizer = SGD(learning_rate=0.1)
    session = TrainingSession(model, optimizer, data=data, seed=1, batch_size=8)
    assert session.optimizer is optimizer and session.model is model
    a = session_from_configs(LAYERS, {"type": "sgd", "learning_rate": 0.1}, data=data, seed=1,
                             batch_size=8)
    assert a.step().loss == session.step().loss
