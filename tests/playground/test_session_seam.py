"""The app's seam to the engine: the session protocol the workers call (the engine's session and
the tests' fakes both satisfy it), live layer options and parameter counts read from the engine's
layer classes, and no fallback hiding a broken part of the app."""
import copy
import inspect

import numpy as np
import pytest

from engine.layers import LAYERS, LIVE_NESTED
from engine.snapshot import LayerStats, StepSnapshot
from playground import catalog, engine_bridge
from playground.session_api import Session
from playground.sync import commands_for
from playground.worker import TrainingWorker
from tests.helpers import sessions
from tests.helpers.fakes import EpochSession, FakeSession, StructSession

DESIGN = {"model": {"input_dim": 2, "layers": [{"id": "d1", "type": "dense", "units": 1}]},
          "training": {"epochs": 2}}


def _members(proto) -> list[str]:
    return [n for n in dir(proto) if not n.startswith("_")] + list(proto.__annotations__)


@pytest.mark.parametrize("session", [
    lambda: sessions.make(),
    lambda: FakeSession(DESIGN), lambda: EpochSession(DESIGN), lambda: StructSession(DESIGN)],
    ids=["TrainingSession", "FakeSession", "EpochSession", "StructSession"])
def test_the_engine_session_and_the_fakes_satisfy_the_protocol(session):
    obj = session()
    assert isinstance(obj, Session)
    for name in set(_members(Session)):
        assert hasattr(obj, name), name
        want = getattr(Session, name, None)
        if not inspect.isfunction(want):
            continue
        have = inspect.signature(getattr(obj, name)).parameters
        for param in list(inspect.signature(want).parameters.values())[1:]:
            takes_any = any(p.kind is p.VAR_KEYWORD for p in have.values())
            assert param.name in have or (param.kind is param.VAR_KEYWORD and takes_any) \
                or (takes_any and param.kind is param.KEYWORD_ONLY), (name, param.name)


def test_the_fakes_return_the_engine_snapshot_types():
    for cls in (FakeSession, EpochSession, StructSession):
        session = cls(DESIGN)
        for snap in (session.run(3), session.snapshot(), session.run_epoch()):
            assert type(snap) is StepSnapshot
            assert snap.layers and all(type(ls) is LayerStats for ls in snap.layers)


def _live_value(cls, key, value):
    """A different, valid value of the live ``key`` (``value`` is the current one)."""
    if key in LIVE_NESTED:
        return {"kernel_regularizer": {"l1": 0.0, "l2": 0.01},
                "kernel_constraint": {"max_norm": 2.0},
                "renorm_clipping": {"rmax": 2.0, "dmax": 3.0}}[key]
    if isinstance(value, bool):
        return not value
    return {"rate": 0.3, "stddev": 0.2, "momentum": 0.9, "epsilon": 0.01, "alpha": 0.2,
            "renorm_momentum": 0.9, "lower": 0.1, "upper": 0.2}[key]


def test_every_live_option_the_engine_declares_is_changed_live_by_the_app(qapp):
    """Each layer type's ``live_keys`` (engine.layers) become one ``layer_options`` command that
    the worker applies to the engine's session; a structural key becomes ``apply_model``."""
    worker = TrainingWorker(lambda d, b, dev: sessions.make())
    worker.post("build", design={})
    worker._drain(0)
    configs = [layer.get_config() for layer in worker.session.model.layers]
    old = {"model": {"input_dim": 2, "layers": configs}}
    tried = set()
    for i, cfg in enumerate(configs):
        cls = LAYERS[cfg["type"]]
        for key in cls.live_keys:
            if key not in cfg:  # an activation has only its function's keys
                continue
            if key == "alpha" and cfg.get("function") != "leaky_relu" or \
                    key in ("lower", "upper") and cfg.get("function") != "rrelu":
                continue
            new = copy.deepcopy(old)
            new["model"]["layers"][i][key] = _live_value(cls, key, cfg.get(key))
            (name, kw), = commands_for(old, new)
            assert name == "layer_options", (cfg["type"], key)
            worker._apply(name, kw)  # raises when the session refuses it
            changed = worker.session.model.layers[i].get_config()[key]
            assert changed == new["model"]["layers"][i][key] or key in LIVE_NESTED, key
            tried.add((cfg["type"], key))
    assert {k for _, k in tried} >= {"rate", "stddev", "renorm", "renorm_clipping", "enabled"}
    structural = copy.deepcopy(old)
    structural["model"]["layers"][0]["units"] = 7
    assert [c[0] for c in commands_for(old, structural)] == ["apply_model"]


def test_parameter_counts_are_the_built_models():
    """The stack's counts (catalog) are the engine's: every weight of the built session."""
    for name in ("tf_playground_default.json", "spiral_relu_batchnorm.json",
                 "digits_mlp_dropout.json"):
        design = engine_bridge.load_design_dict(str(engine_bridge.RESOURCES / "designs" / name))
        session = engine_bridge.make_session(design, str(engine_bridge.RESOURCES / "designs"))
        weights = session.get_weights()
        for i, (_, params, trainable) in enumerate(catalog.layer_counts(design)):
            mine = {k: v for k, v in weights.items() if k.startswith(f"layers.{i}.")}
            assert params == sum(v.size for v in mine.values()), (name, i)
            layer = session.model.layers[i]
            assert trainable == sum(mine[f"layers.{i}.{n}"].size for n in layer.param_names
                                    if layer.trainable_flag and f"layers.{i}.{n}" in mine)


def test_a_failing_classroom_is_an_error_not_a_warning(monkeypatch):
    import playground.classroom
    from playground.main import install_extras

    def broken(win):
        raise RuntimeError("the classroom is broken")

    monkeypatch.setattr(playground.classroom, "install_classroom", broken)
    with pytest.raises(RuntimeError, match="classroom is broken"):
        install_extras(object())


def test_the_default_design_is_the_shipped_file():
    design = engine_bridge.default_design()
    assert design == engine_bridge.load_design_dict(str(engine_bridge.DEFAULT_FILE))
    assert np.isfinite(design["optimizer"]["learning_rate"])


def test_the_app_reads_live_keys_from_the_layer_class_alone(monkeypatch):
    """A key the layer class no longer declares live becomes a structural edit in the app: the
    app keeps no list of its own."""
    design = {"model": {"input_dim": 2, "layers": [
        {"id": "d1", "type": "dense", "units": 4}, {"id": "do1", "type": "dropout", "rate": 0.1}]}}
    new = copy.deepcopy(design)
    new["model"]["layers"][1]["rate"] = 0.3
    assert commands_for(design, new)[0][0] == "layer_options"
    dropout = LAYERS["dropout"]
    monkeypatch.setattr(dropout, "live_keys", tuple(k for k in dropout.live_keys if k != "rate"))
    assert [c[0] for c in commands_for(design, new)] == ["apply_model"]


def test_the_stack_counts_with_the_layer_classes_count(monkeypatch):
    """catalog's counts are Layer.count_params's: one parameter-count function."""
    design = {"model": {"input_dim": 3, "layers": [{"id": "d1", "type": "dense", "units": 4}]}}
    assert catalog.layer_counts(design) == [(4, 16, 16)]
    monkeypatch.setattr(LAYERS["dense"], "count_params", lambda self, input_dim: 1234)
    assert catalog.layer_counts(design)[0][:2] == (4, 1234)
