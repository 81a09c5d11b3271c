"""Design diffs -> worker commands; the worker-side history (Qt-free parts)."""
import copy

import numpy as np

from playground.document import DEFAULT_DESIGN
from playground.history import History
from playground.sync import commands_for
from tests.helpers.fakes import FakeSession


def test_live_changes_become_option_commands_and_structure_apply_model():
    old = copy.deepcopy(DEFAULT_DESIGN)
    new = copy.deepcopy(old)
    new["model"]["layers"][1]["enabled"] = False
    new["model"]["layers"][0]["kernel_regularizer"] = {"l1": 0.0, "l2": 0.01}
    new["optimizer"]["learning_rate"] = 0.1
    new["training"]["batch_size"] = 8
    cmds = commands_for(old, new)
    names = [c[0] for c in cmds]
    assert names == ["layer_options", "lr", "batch_size"]  # one edit: one command, one marker
    assert cmds[0][1]["changes"] == [("d1", {"l2": 0.01}), ("bn1", {"enabled": False})]
    assert cmds[0][1]["label"] == "d1: l2=0.01; bn1: enabled=off"
    assert cmds[1][1] == {"value": 0.1}
    units = copy.deepcopy(old)
    units["model"]["layers"][0]["units"] = 5
    assert [c[0] for c in commands_for(old, units)] == ["apply_model"]
    removed = copy.deepcopy(old)
    del removed["model"]["layers"][5]
    (name, kw), = commands_for(old, removed)
    assert name == "apply_model" and kw["label"] == "−dropout"
    data = copy.deepcopy(old)
    data["data"]["noise"] = 0.3
    assert commands_for(old, data) == [("build", {})]
    assert commands_for(None, old) == [("build", {})]
    opt = copy.deepcopy(old)
    opt["optimizer"] = {"type": "sgd", "learning_rate": 0.01}
    assert commands_for(old, opt)[0][0] == "optimizer"


def test_history_grows_decimates_and_restarts_on_reset():
    session = FakeSession({})
    hist = History(capacity=20, hist_capacity=5)
    for _ in range(50):
        hist.add(session.run(1))
    arr = hist.arrays()
    assert len(arr["steps"]) <= 20 and arr["steps"][-1] == 50
    assert np.all(np.diff(arr["steps"]) > 0)
    assert arr["grad_norm"].shape == (len(arr["layer_steps"]), 3)
    assert arr["hist"].shape[0] <= 5 and arr["hist"].shape[1:] == (3, 20)
    assert not arr["loss"].flags.writeable
    session.reset()
    hist.add(session.run(1))
    assert list(hist.arrays()["steps"]) == [1]


def test_layers_inserted_and_removed_for_an_hour_keep_a_bounded_number_of_columns():
    """The soak inserts and removes layers for an hour: a column per layer id ever seen grew
    without bound (and was copied into every frame). Past MAX_COLUMNS the column of a removed
    layer whose last figure is oldest goes; the current layers keep theirs, figures intact."""
    from types import SimpleNamespace

    from playground.history import MAX_COLUMNS

    def snap(step, ids):
        layers = tuple(SimpleNamespace(index=i, id=lid, type="dense", function=None,
                                       enabled=True, grad_norm=float(step), update_ratio=0.1,
                                       weight_norm=1.0, dead_fraction=None,
                                       saturated_fraction=None) for i, lid in enumerate(ids))
        return SimpleNamespace(step=step, loss=1.0, layers=layers)

    hist = History(capacity=400)
    for step in range(1, 3 * MAX_COLUMNS):
        hist.add(snap(step, ["d1", f"x{step}", "d2"]))  # one new layer id at every step
    arr = hist.arrays()
    ids = list(arr["layer_ids"])
    assert len(ids) <= MAX_COLUMNS
    assert {"d1", "d2", f"x{3 * MAX_COLUMNS - 1}"} <= set(ids)
    assert "x1" not in ids  # the oldest removed layer went first
    d1 = arr["grad_norm"][:, ids.index("d1")]
    assert np.array_equal(d1, arr["layer_steps"].astype(float))  # every kept row, untouched
    newest_gone = f"x{3 * MAX_COLUMNS - 2}"
    assert newest_gone in ids  # a recently removed layer's curve still ends where it ended
