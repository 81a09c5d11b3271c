"""session.predict(x, training=True, batch_size=b): batch statistics over consecutive batches of b
rows (numpy reference, batch renorm included), active dropout, and nothing changes afterwards."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from engine.errors import BadInput
from engine.build import session_from_configs


def make(layers, n=40, batch_size=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)) * [1.0, 2.0, 0.5] + [0.5, -1.0, 2.0]
    y = np.tanh(x @ rng.standard_normal((3, 2)))
    data = SimpleNamespace(x_train=x, y_train=y, x_val=x[:0], y_val=y[:0])
    return session_from_configs(layers,
                                {"type": "adam", "learning_rate": 0.05}, None,
                                {"type": "mse"}, data, seed=seed,
                                batch_size=batch_size, epochs=50, dtype=np.float64)


BN = [{"type": "dense", "units": 2, "id": "d1"},
      {"type": "batch_norm", "id": "bn1", "momentum": 0.5}]


def reference(s, x, batch, renorm=None):
    """numpy: dense then batch norm with each batch's mean and (biased) variance; renorm
    multiplies by r and adds d (clipped, from the moving statistics)."""
    w = {f"layers.{i}.{n}": v for i, layer in enumerate(s.model.layers)
         for n, v in layer.weights.items()}             # float64 (get_weights gives float32)
    eps = s.model.layers[1].epsilon
    mm, mv = w["layers.1.moving_mean"], w["layers.1.moving_variance"]
    h = x @ w["layers.0.kernel"] + w["layers.0.bias"]
    out = np.empty_like(h)
    for start in range(0, len(x), batch):
        hb = h[start:start + batch]
        mu, sb = hb.mean(0), np.sqrt(hb.var(0) + eps)
        z = (hb - mu) / sb
        if renorm is not None:
            sigma = np.sqrt(mv + eps)
            r = np.clip(sb / sigma, 1 / renorm[0], renorm[0])
            d = np.clip((mu - mm) / sigma, -renorm[1], renorm[1])
            z = z * r + d
        out[start:start + batch] = z * w["layers.1.gamma"] + w["layers.1.beta"]
    return out


@pytest.mark.parametrize("batch", [2, 4, 7, 40])
def test_batch_norm_training_mode_equals_numpy(batch):
    s = make(BN)
    s.run(7)
    x = np.random.default_rng(5).standard_normal((17, 3))   # 17 rows: a partial last batch
    got, std = s.predict(x, training=True, batch_size=batch)
    assert std is None
    np.testing.assert_allclose(got, reference(s, x, batch), rtol=1e-9, atol=1e-9)
    inference = s.predict(x)[0]
    assert not np.allclose(got, inference, atol=1e-3)


def test_batch_renorm_training_mode_equals_numpy():
    layers = [BN[0], {"type": "batch_norm", "id": "bn1", "momentum": 0.5, "renorm": True,
                      "renorm_clipping": {"rmax": 1.5, "dmax": 0.5}}]
    s = make(layers)
    s.run(5)
    x = np.random.default_rng(6).standard_normal((12, 3)) * 3.0
    got = s.predict(x, training=True, batch_size=3)[0]
    np.testing.assert_allclose(got, reference(s, x, 3, renorm=(1.5, 0.5)), rtol=1e-9, atol=1e-9)


def test_training_mode_changes_nothing():
    layers = BN + [{"type": "activation", "function": "relu", "id": "a1"},
                   {"type": "dropout", "rate": 0.5, "id": "do1"},
                   {"type": "dense", "units": 2, "id": "d2"}]
    s, twin = make(layers), make(layers)
    for t in (s, twin):
        t.run(6)
    before, snap = s.state_dict(), s.snapshot()
    x = s.x[:20]
    a = s.predict(x, training=True, batch_size=2)[0]
    b = s.predict(x, training=True, batch_size=2)[0]
    np.testing.assert_array_equal(a, b)           # masks from the counters: repeatable
    big = s.predict(np.tile(x, (20, 1)), training=True, batch_size=400)[0]  # > capacity
    assert big.shape == (400, 2) and np.all(np.isfinite(big))
    after = s.state_dict()
    assert before.keys() == after.keys()
    for k in before:
        np.testing.assert_array_equal(before[k], after[k], err_msg=k)
    bn, bn0 = s.snapshot().layers[1].bn, snap.layers[1].bn   # the monitors' batch statistics
    assert bn.keys() == bn0.keys()
    for k in bn:
        np.testing.assert_array_equal(np.asarray(bn[k], float), np.asarray(bn0[k], float), k)
    assert s.step().loss == twin.step().loss      # the next step as if nothing had happened
    np.testing.assert_array_equal(s.model.params, twin.model.params)


def test_dropout_is_active_and_default_batch_is_the_sessions():
    layers = [{"type": "dense", "units": 4, "id": "d1"}, {"type": "dropout", "rate": 0.5, "id": "do"},
              {"type": "dense", "units": 2, "id": "d2"}]
    s = make(layers, batch_size=5)
    x = s.x[:10]
    inference = s.predict(x)[0]
    trained = s.predict(x, training=True)[0]
    assert not np.allclose(trained, inference)
    np.testing.assert_array_equal(trained, s.predict(x, training=True, batch_size=5)[0])
    s.set_layer_option("do", enabled=False)       # no batch norm, no dropout: same as inference
    np.testing.assert_allclose(s.predict(x, training=True)[0], inference, rtol=1e-12)


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "full"])
def test_bad_batch_size_is_bad_input(bad):
    s = make(BN)
    with pytest.raises(BadInput) as err:
        s.predict(s.x[:4], training=True, batch_size=bad)
    assert err.value.path == "batch_size"
