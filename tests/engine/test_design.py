"""Design files: load/validate/save/migrate (docs/FORMAT.md "Design files")."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from engine.design import (CURRENT_VERSION, FORMAT, MIGRATIONS, Design, design_warnings,
                           load_design, migrate, save_design)
from engine.errors import BadInput

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SHIPPED = sorted((ROOT / "resources" / "designs").glob("*.json"))


def base() -> dict:
    """A small valid design dict (explicit ids, mixed layer types)."""
    return {
        "format": FORMAT, "version": 1, "name": "t", "seed": 1,
        "data": {"dataset": "circle", "samples": 100, "noise": 0.1, "train_fraction": 0.8},
        "model": {"input_dim": 2, "layers": [
            {"id": "d1", "type": "dense", "units": 8},
            {"id": "bn1", "type": "batch_norm"},
            {"id": "a1", "type": "activation", "function": "relu"},
            {"id": "do1", "type": "dropout", "rate": 0.2},
            {"id": "d2", "type": "dense", "units": 1},
            {"id": "a2", "type": "activation", "function": "sigmoid"}]},
        "loss": {"type": "binary_crossentropy"},
        "optimizer": {"type": "adam", "learning_rate": 0.01},
        "schedule": {"type": "constant"},
        "training": {"batch_size": 16, "epochs": 3, "shuffle": True, "early_stopping": None},
    }


def bad(d: dict) -> BadInput:
    with pytest.raises(BadInput) as info:
        Design.from_dict(d)
    return info.value


def test_normalised_design_has_every_key_and_round_trips(tmp_path):
    design = Design.from_dict(base())
    d = design.to_dict()
    assert list(d) == ["format", "version", "name", "seed", "data", "model", "loss", "optimizer",
                       "schedule", "training"]
    dense = d["model"]["layers"][0]
    for key in ("kernel_initializer", "bias_initializer", "use_bias", "kernel_regularizer",
                "kernel_constraint", "trainable"):
        assert key in dense
    assert d["optimizer"]["beta_1"] == 0.9 and d["optimizer"]["epsilon"] == 1e-7
    assert Design.from_dict(d) == design
    path = save_design(design, tmp_path / "x.json")
    assert load_design(path) == design
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{\n  "format": "network-playground/design",\n  "version": 1,')
    assert json.loads(text) == d


def test_minimal_file_gets_defaults_and_generated_ids():
    design = load_design(DATA / "design_minimal.json")
    ids = [layer["id"] for layer in design.layers]
    assert ids == ["dense_1", "activation_1", "dense_2", "activation_2"]
    assert design.input_dim == 2
    assert design.seed == 0 and design.training["batch_size"] == 32
    assert design.training["early_stopping"] is None
    assert design.loss["type"] == "binary_crossentropy"  # chosen from the sigmoid output
    assert design.optimizer["type"] == "sgd"


def test_generated_ids_skip_taken_ones():
    d = base()
    d["model"]["layers"][0]["id"] = "dense_1"
    del d["model"]["layers"][4]["id"]
    assert Design.from_dict(d).layers[4]["id"] == "dense_2"


def test_duplicate_ids_are_refused():
    d = base()
    d["model"]["layers"][2]["id"] = "d1"
    assert str(bad(d)).startswith("model.layers[2].id: duplicate layer id 'd1'")


@pytest.mark.parametrize("mutate, path", [
    (lambda d: d["model"]["layers"][3].update(rate=1.5), "model.layers[3].rate"),
    (lambda d: d["model"]["layers"][0].update(units=5000), "model.layers[0].units"),
    (lambda d: d["model"]["layers"][0].update(foo=1), "model.layers[0].foo"),
    (lambda d: d["model"]["layers"][1].update(type="warp"), "model.layers[1].type"),
    (lambda d: d["model"]["layers"][0].pop("type"), "model.layers[0].type"),
    (lambda d: d["optimizer"].update(learning_rate=-1), "optimizer.learning_rate"),
    (lambda d: d["optimizer"].update(type="sgdd"), "optimizer.type"),
    (lambda d: d["loss"].update(type="hinge2"), "loss.type"),
    (lambda d: d["data"].update(noise="lots"), "data.noise"),
    (lambda d: d.update(colour="red"), "colour"),
    (lambda d: d.update(seed=-1), "seed"),
    (lambda d: d.update(seed=1.5), "seed"),
    (lambda d: d["model"].update(extra=1), "model.extra"),
    (lambda d: d["model"].update(layers=[]), "model.layers"),
    (lambda d: d["model"].update(input_dim="2"), "model.input_dim"),
    (lambda d: d["training"].update(batch_size=0), "training.batch_size"),
    (lambda d: d["training"].update(batch_size="half"), "training.batch_size"),
    (lambda d: d["training"].update(epochs=True), "training.epochs"),
    (lambda d: d["training"].update(shuffle="yes"), "training.shuffle"),
    (lambda d: d["training"].update(early_stopping={"monitor": "val_acc"}),
     "training.early_stopping.monitor"),
    (lambda d: d["training"].update(early_stopping={"patience": -1}),
     "training.early_stopping.patience"),
    (lambda d: d["training"].update(early_stopping={"min_delta": -0.1}),
     "training.early_stopping.min_delta"),
    (lambda d: d["training"].update(early_stopping={"wait": 3}), "training.early_stopping.wait"),
    (lambda d: d.update(training=[]), "training"),
    (lambda d: d.update(name=3), "name"),
])
def test_bad_fields_are_named(mutate, path):
    d = base()
    mutate(d)
    err = bad(d)
    assert err.path == path, str(err)
    assert str(err).startswith(path + ": ")


def test_rate_message_matches_the_contract():
    d = base()
    d["model"]["layers"][3]["rate"] = 1.5
    assert str(bad(d)) == "model.layers[3].rate: must be in [0, 1), got 1.5"


def test_input_dim_mismatch_names_both_counts():
    d = base()
    d["model"]["input_dim"] = 3
    err = bad(d)
    assert err.path == "model.input_dim" and "3" in err.message and "2 features" in err.message
    d = base()
    d["data"]["features"] = ["x1", "x2", "x1*x2"]
    err = bad(d)
    assert "is 2" in err.message and "3 features" in err.message


def test_input_dim_filled_from_features():
    d = base()
    del d["model"]["input_dim"]
    d["data"]["features"] = ["x1", "x2", "x1^2", "x2^2", "sin(x1)"]
    assert Design.from_dict(d).input_dim == 5


def test_parameter_limit():
    d = base()
    d["model"]["layers"] = [{"type": "dense", "units": 4096}, {"type": "dense", "units": 4096},
                            {"type": "dense", "units": 4096}]
    err = bad(d)
    assert err.path == "model.layers" and "20,000,000" in err.message


def test_batch_size_full_and_early_stopping_defaults():
    d = base()
    d["training"] = {"batch_size": "full", "early_stopping": {"patience": 4}}
    t = Design.from_dict(d).training
    assert t["batch_size"] == "full" and t["epochs"] == 200 and t["shuffle"] is True
    assert t["early_stopping"] == {"monitor": "val_loss", "patience": 4, "restore_best": False,
                                   "min_delta": 0.0}


def test_bad_json_names_line_and_column(tmp_path):
    p = tmp_path / "broken.json"
    p.write_text('{\n  "format": "network-playground/design",\n  "version": 1,\n  "seed": ,\n}')
    with pytest.raises(BadInput) as info:
        load_design(p)
    assert "line 4, column 11" in str(info.value) and str(p) in str(info.value)


@pytest.mark.parametrize("text, words", [
    ('{"format": "network-playground/design", "version": 1, "seed": NaN}', "NaN"),
    ('{"format": "network-playground/design", "version": 1, "version": 1}', "duplicate key"),
    ('[1, 2]', "JSON object"),
    ('"a string"', "JSON object"),
])
def test_json_that_is_not_a_design(tmp_path, text, words):
    p = tmp_path / "x.json"
    p.write_text(text)
    with pytest.raises(BadInput, match=words):
        load_design(p)


def test_non_utf8_bytes(tmp_path):
    p = tmp_path / "x.json"
    p.write_bytes(b'{"name": "\xff\xfe"}')
    with pytest.raises(BadInput, match="UTF-8"):
        load_design(p)


def test_format_and_version_checks():
    d = base()
    d["format"] = "keras"
    assert bad(d).path == "format"
    d = base()
    del d["version"]
    assert bad(d).path == "version"
    d = base()
    d["version"] = 1.0
    assert bad(d).path == "version"
    d = base()
    d["version"] = CURRENT_VERSION + 1
    err = bad(d)
    assert err.path == "version" and "newer than this program supports" in err.message


def test_migration_from_version_0():
    assert 0 in MIGRATIONS
    raw = json.loads((DATA / "design_v0.json").read_text())
    migrated = migrate(copy.deepcopy(raw))
    assert migrated["version"] == 1
    assert migrated["optimizer"] == {"type": "sgd", "learning_rate": 0.03}
    assert migrated["model"]["layers"][0] == {"id": "h", "type": "dense", "units": 8}
    design = load_design(DATA / "design_v0.json")
    assert design.optimizer["learning_rate"] == 0.03 and design.seed == 7
    assert design.data["dataset"] == "xor" and design.data["samples"] == 200
    assert design.training["batch_size"] == 10 and design.training["epochs"] == 5
    assert [l["id"] for l in design.layers] == ["h", "act", "out", "sig"]
    assert design.to_dict()["version"] == 1


def test_migration_keeps_unknown_leftovers_as_errors():
    raw = json.loads((DATA / "design_v0.json").read_text())
    raw["momentum_typo"] = 0.9
    assert bad(raw).path == "momentum_typo"


def test_inline_data_round_trip(tmp_path):
    design = load_design(DATA / "design_inline.json")
    assert design.data["dataset"]["x_train"] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert load_design(save_design(design, tmp_path / "i.json")) == design


def test_warnings():
    d = base()
    assert design_warnings(Design.from_dict(d)) == []
    d["model"]["layers"].insert(2, {"id": "sm", "type": "activation", "function": "softmax"})
    warnings = design_warnings(Design.from_dict(d))
    assert any(w.startswith("model.layers[2]:") and "softmax" in w for w in warnings)
    d = base()
    d["model"]["layers"][-1]["function"] = "softmax"
    warnings = design_warnings(d)  # a raw dict works too (the editor's working copy)
    assert any("binary_crossentropy after softmax" in w for w in warnings)
    assert design_warnings({"model": {}}) == []


def test_replace_revalidates():
    design = Design.from_dict(base())
    assert design.replace(seed=5).seed == 5
    with pytest.raises(BadInput):
        design.replace(seed="x")
    assert "dense" in repr(design)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_designs_are_normalised_and_round_trip(path, tmp_path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    design = load_design(path)
    assert design.to_dict() == raw, "shipped designs are written with every key"
    assert load_design(save_design(design, tmp_path / path.name)) == design
    assert path.read_text(encoding="utf-8") == (tmp_path / path.name).read_text(encoding="utf-8")


def test_there_are_shipped_designs():
    names = {p.stem for p in SHIPPED}
    assert len(names) >= 5


def test_from_dict_accepts_a_design_and_the_builder_takes_it():
    design = Design.from_dict(base())
    assert Design.from_dict(design) == design
    from engine.build import build_session
    assert build_session(design, epochs=2).epochs == 2
