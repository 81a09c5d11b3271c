"""engine.unit_maps: every dense unit's output through the compiled program, checked against a
plain numpy forward of the same weights, and per-unit dead / saturated figures."""
import numpy as np
import pytest

from engine.errors import BadInput
from engine.unit_maps import unit_blocks, unit_figures, unit_outputs
from tests.helpers.sessions import make

LAYERS = [{"type": "dense", "units": 5, "id": "d1"},
          {"type": "activation", "function": "relu", "id": "a1"},
          {"type": "dropout", "rate": 0.3, "id": "do1"},
          {"type": "dense", "units": 3, "id": "d2"},
          {"type": "activation", "function": "tanh", "id": "a2"},
          {"type": "dense", "units": 1, "id": "d3"},
          {"type": "activation", "function": "sigmoid", "id": "a3"}]


def numpy_forward(session, x):
    w = session.get_weights()
    h1 = np.maximum(x @ w["layers.0.kernel"] + w["layers.0.bias"], 0)
    h2 = np.tanh(h1 @ w["layers.3.kernel"] + w["layers.3.bias"])
    out = 1 / (1 + np.exp(-(h2 @ w["layers.5.kernel"] + w["layers.5.bias"])))
    return [h1, h2, out]


def test_blocks_and_outputs_match_a_numpy_forward():
    s = make(LAYERS, seed=3)
    s.run(20)
    blocks = unit_blocks(s.model)
    assert [(b.dense, b.tap, b.units, b.between) for b in blocks] == \
        [(0, 2, 5, (1, 2)), (3, 4, 3, (4,)), (5, 6, 1, (6,))]
    x = np.random.default_rng(0).standard_normal((37, 2))
    got = unit_outputs(s, x)
    for g, want in zip(got, numpy_forward(s, x)):
        np.testing.assert_allclose(g, want, rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(got[-1], s.predict(x)[0], rtol=1e-6)


def test_shapes_are_checked_where_they_enter():
    s = make(LAYERS)
    with pytest.raises(BadInput, match=r"\(n, 2\)"):
        unit_outputs(s, np.zeros((4, 3)))
    with pytest.raises(BadInput, match="finite"):
        unit_outputs(s, np.full((2, 2), np.nan))


def test_dead_and_saturated_units_per_unit():
    s = make(LAYERS)
    w = s.get_weights()
    w["layers.0.kernel"][:, 1] = 0.0
    w["layers.0.bias"][1] = -1.0  # unit 1 of d1 never fires
    w["layers.3.kernel"][:, 0] = 50.0  # unit 0 of d2 saturates
    s.set_weights(w)
    fig = unit_figures(s)
    assert fig[0]["dead"][1] and fig[0]["dead"].sum() == np.sum(
        np.all(numpy_forward(s, s.monitors.xm.astype(float))[0] <= 0, axis=0))
    assert np.all(np.isnan(fig[0]["saturated"]))
    assert fig[1]["saturated"][0] > 0.5 and not fig[1]["dead"].any()
    s.run(1)
    dead = {ls.index: ls.dead_units for ls in s.snapshot().layers if ls.dead_units is not None}
    assert dead[1] == int(unit_figures(s)[0]["dead"].sum())
