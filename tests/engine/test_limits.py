"""The limits of docs/LIMITS.md: checked before allocation, one-line BadInput naming the field;
loaders linear in their input; bounded history."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from engine import limits
from engine.build import build_session
from engine.design import Design, load_design
from engine.design.sections import generated_id
from engine.errors import BadInput
from engine.layers.base import MAX_UNITS
from engine.session.history import append_bounded, bound_history

ROOT = Path(__file__).resolve().parents[2]
SPIRAL = json.loads((ROOT / "resources/designs/spiral_relu_batchnorm.json").read_text())


def _design(**changes):
    d = json.loads(json.dumps(SPIRAL))
    for path, value in changes.items():
        node = d
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[int(k)] if k.isdigit() else node[k]
        node[keys[-1]] = value
    return d


def test_limits_have_one_number_each():
    assert limits.MAX_UNITS == MAX_UNITS
    from engine.data.config import MAX_SAMPLES
    from engine.data.files import MAX_VALUES
    from engine.model import MAX_PARAMETERS
    assert (MAX_SAMPLES, MAX_VALUES, MAX_PARAMETERS) == (limits.MAX_SAMPLES, limits.MAX_VALUES,
                                                         limits.MAX_PARAMETERS)


@pytest.mark.parametrize("key", ["999999999", "1" + "0" * 30, str(limits.MAX_CLASSES)])
def test_class_weight_indices_are_limited_before_allocating(key):
    with pytest.raises(BadInput, match="beyond the limit") as err:
        Design.from_dict(_design(loss={"type": "binary_crossentropy", "class_weight": {key: 2.0}}))
    assert err.value.path.startswith("loss.class_weight.")


@pytest.mark.parametrize("samples", [10**9, 1e9, 1e30])
def test_samples_are_limited(samples):
    with pytest.raises(BadInput, match="samples"):
        Design.from_dict(_design(data__samples=samples))


def test_layer_count_is_limited():
    layers = [{"type": "activation", "function": "relu"}] * (limits.MAX_LAYERS + 1)
    with pytest.raises(BadInput, match=f"exceed the limit of {limits.MAX_LAYERS}") as err:
        Design.from_dict(_design(model__layers=layers))
    assert err.value.path == "model.layers"


def test_activation_memory_is_limited_before_allocating():
    """A 4,096-wide stack with 100,000 samples and a full batch (the issue's two 4,096-unit layers
    asked for 9.16 GiB); few parameters, so only the memory limit applies."""
    d = _design(data__samples=100_000, training__batch_size="full")
    d["model"]["layers"] = [{"type": "dense", "units": 4096}] + [
        {"type": "activation", "function": "relu"}] * 8 + [
        {"type": "dense", "units": 1}, {"type": "activation", "function": "sigmoid"}]
    with pytest.raises(BadInput, match="MiB of activation memory") as err:
        build_session(Design.from_dict(d))
    assert err.value.path == "training.batch_size"


def test_work_per_step_is_limited():
    """Within the memory limits a batch of 1,000 rows through two 4,096-unit layers would take
    6 x 16.8M x 1,000 = 101 GFLOP a step (seconds each on a laptop)."""
    d = _design(data__samples=4000, training__batch_size=1000)
    d["model"]["layers"] = [{"type": "dense", "units": 4096}, {"type": "dense", "units": 4096},
                            {"type": "dense", "units": 1},
                            {"type": "activation", "function": "sigmoid"}]
    with pytest.raises(BadInput, match="GFLOP a step") as err:
        build_session(Design.from_dict(d))
    assert err.value.path == "training.batch_size"
    d["training"]["batch_size"] = 64
    s = build_session(Design.from_dict(d))
    with pytest.raises(BadInput, match="GFLOP a step"):
        s.set_batch_size("full")
    assert s.batch_size == 64


def test_a_long_bad_value_is_quoted_short():
    with pytest.raises(BadInput) as err:
        Design.from_dict(_design(name=7, seed="x" * 6_000_000))
    assert len(str(err.value)) < 400


def test_generated_ids_are_linear():
    class CountingSet(set):
        lookups = 0

        def __contains__(self, item):
            CountingSet.lookups += 1
            return super().__contains__(item)

    taken, counters = CountingSet(), {}
    for _ in range(20_000):
        taken.add(generated_id("dense", taken, counters))
    assert len(taken) == 20_000 and CountingSet.lookups <= 2 * 20_000


def test_a_csv_header_with_many_columns_is_checked_quickly(tmp_path):
    """The duplicate check was quadratic (20k columns took 7.7 s, 1M did not finish)."""
    n = 100_001
    names = [f"c{j}" for j in range(n)]
    (tmp_path / "wide.csv").write_text(",".join(names + ["c5"]) + "\n" + ",".join("1" * (n + 1))
                                       + "\n")
    from engine.data import DataConfig, load_dataset
    with pytest.raises(BadInput, match="columns; at most|duplicate column name 'c5'"):
        load_dataset(DataConfig.from_config({"dataset": {"path": "wide.csv"}}), tmp_path)
    (tmp_path / "dup.csv").write_text(",".join(names[:30_000] + ["c7"]) + "\n"
                                      + ",".join("1" * 30_001) + "\n")
    with pytest.raises(BadInput, match="duplicate column name 'c7'"):
        load_dataset(DataConfig.from_config({"dataset": {"path": "dup.csv"}}), tmp_path)


def test_history_is_bounded_and_keeps_events():
    rows: list[dict] = []
    for e in range(50_000):
        append_bounded(rows, {"epoch": e, **({"event": "edit"} if e % 10_000 == 5 else {})},
                       limit=1000)
    assert len(rows) <= 1000
    assert rows[0]["epoch"] == 0 and rows[-1]["epoch"] == 49_999
    assert [r["epoch"] for r in rows if "event" in r] == [5, 10_005, 20_005, 30_005, 40_005]
    epochs = [r["epoch"] for r in rows]
    assert epochs == sorted(epochs) and epochs[-200:] == list(range(49_800, 50_000))
    only_events = [{"event": k} for k in range(5000)]
    assert len(bound_history(only_events, 100)) <= 100


def test_a_long_run_keeps_the_session_history_bounded():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 2))
    data = SimpleNamespace(x_train=x, y_train=(x[:, :1] > 0).astype(float),
                           x_val=np.zeros((0, 2)), y_val=np.zeros((0, 1)))
    from engine.layers import from_config
    from engine.build import session_from_configs
    s = session_from_configs([from_config({"type": "dense", "units": 1})], {"type": "sgd"}, None,
                             {"type": "mse"}, data, batch_size="full", epochs=3 * limits.MAX_HISTORY,
                             monitor_every=0)
    s.run(3 * limits.MAX_HISTORY)
    assert s.epoch == 3 * limits.MAX_HISTORY
    assert len(s.history) <= limits.MAX_HISTORY and s.snapshot().history_len <= limits.MAX_HISTORY
    assert s.history[0]["epoch"] == 1 and s.history[-1]["epoch"] == s.epoch
    ckpt = s.state_dict()  # the checkpoint carries the bounded history
    assert len(json.loads(str(ckpt["meta.json"]))["history"]) == len(s.history)


def test_shipped_designs_are_within_the_limits():
    for path in (ROOT / "resources" / "designs").glob("*.json"):
        design = load_design(path)
        assert len(design.layers) <= limits.MAX_LAYERS
