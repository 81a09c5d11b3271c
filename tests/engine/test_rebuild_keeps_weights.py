"""A rebuilt run (an edit of the data, the loss, shuffle...) keeps the weights of every layer
whose id and shapes survive; a resized layer starts from fresh initial weights."""
import numpy as np

from engine.build import build_session

DESIGN = {"format": "network-playground/design", "version": 1, "name": "keep", "seed": 3,
          "data": {"dataset": "circle", "samples": 120, "noise": 0.1, "train_fraction": 0.75},
          "model": {"input_dim": 2, "layers": [
              {"id": "d1", "type": "dense", "units": 6},
              {"id": "bn1", "type": "batch_norm"},
              {"id": "a1", "type": "activation", "function": "relu"},
              {"id": "d2", "type": "dense", "units": 5},
              {"id": "a2", "type": "activation", "function": "relu"},
              {"id": "d3", "type": "dense", "units": 1},
              {"id": "a3", "type": "activation", "function": "sigmoid"}]},
          "loss": {"type": "binary_crossentropy"}, "optimizer": {"type": "adam"},
          "training": {"batch_size": 16, "epochs": 5, "shuffle": True}}


def _edited() -> dict:
    """The design after an edit that rebuilds the run (shuffle, label flip) and resizes d2."""
    import copy
    d = copy.deepcopy(DESIGN)
    d["training"]["shuffle"] = False
    d["data"]["label_flip"] = 0.1
    d["model"]["layers"][3]["units"] = 7
    return d


def test_rebuild_keeps_surviving_layers_bit_identical_and_fresh_inits_resized():
    old = build_session(DESIGN)
    old.run(25)
    trained = old.weights_by_id()
    new = build_session(_edited())
    fresh = new.weights_by_id()
    kept = new.keep_weights(trained)
    after = new.weights_by_id()
    assert kept == ["d1", "bn1"]  # layers with weights that survived (activations have none)
    for lid in ("d1", "bn1"):
        for name, arr in trained[lid].items():
            assert after[lid][name].tobytes() == arr.tobytes(), (lid, name)
    assert "d2" not in kept and "d3" not in kept  # d2 resized; d3's kernel is now 7 x 1
    for lid in ("d2", "d3"):
        for name, arr in fresh[lid].items():
            assert after[lid][name].tobytes() == arr.tobytes(), (lid, name)
    assert not np.array_equal(after["d1"]["kernel"], fresh["d1"]["kernel"])  # it did train
    new.run(2)  # and trains on from there


def test_keep_weights_skips_non_finite_layers():
    s = build_session(DESIGN)
    by_id = s.weights_by_id()
    before = s.weights_by_id()
    by_id["d1"]["kernel"][0, 0] = np.nan
    kept = s.keep_weights(by_id)
    assert "d1" not in kept and "d2" in kept
    assert np.array_equal(s.weights_by_id()["d1"]["kernel"], before["d1"]["kernel"])
