"""Monitors: gradient figures against the per-layer path, histograms with fixed edges, dead and
saturated units, the monitor batch."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from engine.monitors import monitor_rows
from engine.build import session_from_configs
from engine.snapshot import N_BINS, edges_for


def make(layers, n=40, batch=40, **kw):
    kw.setdefault("monitor_every", 1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, 3))
    y = rng.standard_normal((n, 1))
    data = SimpleNamespace(x_train=x, y_train=y, x_val=x[:0], y_val=y[:0])
    return session_from_configs(layers, {"type": "sgd", "learning_rate": 0.1},
                                None, {"type": "mse"}, data, seed=0, batch_size=batch, shuffle=False,
                                dtype=np.float64, **kw)


def test_gradient_figures_match_per_layer_path():
    s = make([{"type": "dense", "units": 4, "kernel_regularizer": {"l2": 0.1}},
              {"type": "activation", "function": "tanh"}, {"type": "dense", "units": 1}])
    layers = s.model.layers
    w0 = {"layers.0.kernel": layers[0].weights["kernel"].copy()}
    h = s.x
    for layer in layers:
        h = layer.forward(h, training=True)
    g = 2 * (h - s.y) / h.size
    for layer in reversed(layers):
        g = layer.backward(g)
    gk = layers[0].grads["kernel"] + 2 * 0.1 * layers[0].weights["kernel"]
    gb = layers[0].grads["bias"].copy()
    snap = s.step()
    st = snap.layers[0]
    assert st.grad_norm == pytest.approx(np.linalg.norm(gk), rel=1e-10)
    assert st.bias_grad_norm == pytest.approx(np.linalg.norm(gb), rel=1e-10)
    assert st.grad_rms == pytest.approx(np.sqrt(np.mean(gk ** 2)), rel=1e-10)
    assert st.update_ratio == pytest.approx(0.1 * np.linalg.norm(gk) / np.linalg.norm(w0["layers.0.kernel"]),
                                            rel=1e-8)
    assert snap.layers[1].grad_norm is None


def test_dead_relu_units_and_histograms():
    s = make([{"type": "dense", "units": 5}, {"type": "activation", "function": "relu"},
              {"type": "dense", "units": 1}], monitor_every=1)
    b = s.model.layers[0].weights["bias"]
    b[:2] = -100.0
    snap = s.step()
    st = snap.layers[1]
    assert st.dead_units == 2 and st.dead_fraction == pytest.approx(2 / 5)
    assert st.act_hist_counts.sum() == 40 * 5 and st.act_hist_counts.shape == (N_BINS,)
    assert st.act_hist_edges[0] == 0.0 and st.act_hist_edges.shape == (N_BINS + 1,)
    assert st.act_hist_counts[0] >= 80  # the dead units' zeros
    assert snap.layers[0].dead_units is None
    edges = st.act_hist_edges.copy()
    snap = s.run(5)
    np.testing.assert_array_equal(snap.layers[1].act_hist_edges, edges)  # fixed per layer


def test_saturation_fraction():
    s = make([{"type": "dense", "units": 4, "kernel_initializer": {"type": "constant", "value": 10.0}},
              {"type": "activation", "function": "sigmoid"}, {"type": "dense", "units": 1}])
    snap = s.step()
    st = snap.layers[1]
    x = s.x[monitor_rows(40, 0)]
    h = x @ s.model.layers[0].weights["kernel"] + s.model.layers[0].weights["bias"]
    p = 1 / (1 + np.exp(-h))
    assert st.saturated_fraction == pytest.approx(np.mean((p < 0.05) | (p > 0.95)))
    assert st.saturated_fraction > 0.5
    assert st.act_hist_edges[0] == 0.0 and st.act_hist_edges[-1] == 1.0


def test_monitor_batch_is_fixed_and_bounded():
    a = monitor_rows(1000, 3)
    assert a.size == 256 and np.array_equal(a, monitor_rows(1000, 3)) and len(set(a)) == 256
    assert monitor_rows(10, 3).size == 10


def test_edges_rule():
    assert edges_for("tanh", -0.3, 0.2) == (-1.0, 1.0)
    assert edges_for("sigmoid", 0.1, 0.2) == (0.0, 1.0)
    assert edges_for("relu", 0.0, 3.0) == (0.0, 4.0)
    assert edges_for(None, -5.0, 1.0) == (-8.0, 8.0)


def test_monitors_off_costs_nothing_and_gives_none():
    s = make([{"type": "dense", "units": 3}, {"type": "activation", "function": "relu"},
              {"type": "dense", "units": 1}], monitor_every=0)
    snap = s.run(3)
    assert snap.layers[1].act_hist_counts is None and snap.layers[0].grad_norm is None


def test_bn_figures_in_snapshot():
    s = make([{"type": "dense", "units": 3}, {"type": "batch_norm"}, {"type": "dense", "units": 1}],
             batch=10)
    snap = s.step()
    bn = snap.layers[1].bn
    assert bn["batch_mean"].shape == (3,) and bn["moving_var"].shape == (3,)
    assert bn["r"] is None and bn["r_clipped"] == 0
