"""Checkpoints record the layers' current options (set_layer_option changes mid-training):
load_state_dict applies them, so a resume is bit-identical; another structure is refused."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine.errors import BadInput
from tests.helpers.sessions import LAYERS, make, same_weights


def toggled(s):
    s.run(5)
    s.set_layer_option("bn1", renorm=False, momentum=0.5)
    s.set_layer_option("do1", enabled=False)
    s.set_layer_option("gn1", stddev=0.3)
    s.set_layer_option("d2", l2=0.01, max_norm=1.5)
    s.set_layer_option("a1", lower=0.05)
    s.run(4)


def test_resume_after_toggles_is_bit_identical():
    a = make()
    toggled(a)
    saved = a.state_dict()
    meta = json.loads(str(saved["meta.json"]))
    assert meta["layer_configs"][3]["enabled"] is False
    assert meta["layer_configs"][1]["renorm"] is False
    b = make()                              # the design as written: options as at the start
    b.load_state_dict(saved)
    assert b.model.layers[3].enabled is False and b.model.layers[1].momentum == 0.5
    np.testing.assert_array_equal(b.model.ip, a.model.ip)
    np.testing.assert_array_equal(b.model.fp, a.model.fp)
    sa, sb = a.run(11), b.run(11)
    assert sa.loss == sb.loss and sa.val_loss == sb.val_loss
    assert same_weights(a, b)
    assert [l.get_config() for l in a.model.layers] == [l.get_config() for l in b.model.layers]


def test_without_the_configs_the_toggles_would_be_lost():
    """The same resume with the options dropped from meta.json goes another way (the test
    above fails without the feature)."""
    a = make()
    toggled(a)
    saved = a.state_dict()
    meta = json.loads(str(saved["meta.json"]))
    del meta["layer_configs"]
    saved["meta.json"] = np.array(json.dumps(meta))
    b = make()
    b.load_state_dict(saved)
    assert b.model.layers[3].enabled is True
    assert a.run(5).loss != b.run(5).loss


@pytest.mark.parametrize("edit, path", [
    (lambda c: c.__setitem__(0, {**c[0], "units": 7}), "meta.json.layer_configs[0].units"),
    (lambda c: c.__setitem__(5, {**c[5], "id": "other"}), "meta.json.layer_configs[5].id"),
    (lambda c: c.__setitem__(1, {**c[1], "type": "layer_norm"}), "meta.json.layer_configs[1].type"),
    (lambda c: c.pop(), "meta.json.layer_configs"),
])
def test_another_structure_is_refused(edit, path):
    a = make()
    a.run(3)
    saved = a.state_dict()
    meta = json.loads(str(saved["meta.json"]))
    edit(meta["layer_configs"])
    saved["meta.json"] = np.array(json.dumps(meta))
    b = make()
    b.run(1)
    before = b.state_dict()
    with pytest.raises(BadInput) as err:
        b.load_state_dict(saved)
    assert err.value.path == path
    after = b.state_dict()                  # refused before anything changed
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_a_session_with_other_layers_refuses_the_checkpoint():
    a = make()
    saved = a.state_dict()
    layers = [dict(c) for c in LAYERS]
    layers[0]["units"] = 5
    b = make(layers=layers)
    with pytest.raises(BadInput):
        b.load_state_dict(saved)


def test_checkpoint_files_keep_the_toggles(tmp_path):
    from engine.checkpoint import load_checkpoint, save_checkpoint
    a = make()
    toggled(a)
    path = save_checkpoint(a, tmp_path / "c.npz")
    b = make()
    load_checkpoint(b, path)
    assert b.model.layers[3].enabled is False
    assert a.run(6).loss == b.run(6).loss and same_weights(a, b)
