"""The compiled loop's monitors and epochs: the per-step series equal the figures computed the old
way (a snapshot after every step, the separate monitor program, numpy), and the shuffle is a
permutation, reproducible and the same for any grouping of steps into calls."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import engine.program
from engine.kernels.scalar import rng as scalar_rng
from engine.monitors import SERIES_STEPS
from engine.session.stepping import epoch_order
from tests.helpers.sessions import make, make_data, same_weights

FIGURES = ("grad_norm", "bias_grad_norm", "grad_rms", "update_ratio")


def no_val(n=53):
    d = make_data(n)
    return SimpleNamespace(x_train=d.x_train, y_train=d.y_train, x_val=d.x_val[:0],
                           y_val=d.y_val[:0])


def same(a, b) -> bool:
    """Equal figures (None in a snapshot is NaN in a series)."""
    a = np.nan if a is None else a
    return (np.isnan(a) and np.isnan(b)) or a == b


def test_series_gradient_figures_are_the_per_step_figures():
    a, b = make(data=no_val(), epochs=20), make(data=no_val(), epochs=20)
    snaps, grads, before, after = [], [], [], []
    for _ in range(20):
        before.append(a.model.params.astype(np.float64))
        snaps.append(a.step())
        grads.append(a.model.grads.astype(np.float64))  # no clipping: the figures' gradients
        after.append(a.model.params.astype(np.float64))
    ser = b.run(20).series
    np.testing.assert_array_equal(ser.steps, np.arange(1, 21))
    assert ser.grad_norm.shape == (20, len(a.model.layers))
    for k, snap in enumerate(snaps):
        assert ser.loss[k] == snap.loss
        for i, ls in enumerate(snap.layers):
            for name in FIGURES:  # bit for bit: the same compiled sums
                assert same(getattr(ls, name), getattr(ser, name)[k, i]), (k, i, name)
    m = a.model
    for k in range(20):  # against numpy's float64 sums (rounding of the summation order only)
        for i in range(len(m.layers)):
            r = int(m.ip[i, engine.program.plan.C_PROW0])
            if r < 0:
                assert np.isnan(ser.grad_norm[k, i])
                continue
            off, size = m.ptab[r, 0], m.ptab[r, 1]
            g, w0, w1 = (v[k][off:off + size] for v in (grads, before, after))
            assert ser.grad_norm[k, i] == pytest.approx(np.sqrt(np.sum(g * g)), rel=1e-12)
            assert ser.update_ratio[k, i] == pytest.approx(
                np.sqrt(np.sum((w1 - w0) ** 2)) / np.sqrt(np.sum(w0 * w0)), rel=1e-12)


def test_series_monitor_passes_are_the_passes_after_each_step():
    a, b = make(data=no_val(), epochs=20), make(data=no_val(), epochs=20)
    c = make(data=no_val(), epochs=20)
    b.set_monitor_pass_every(1)
    snaps, old = [], []
    for _ in range(12):
        snaps.append(a.step())
        c.step()
        m, mon = c.model, c.monitors   # the old way: the separate compiled monitor program
        edges = mon.edges.copy()  # fixed at the first pass, as the sessions' own
        hist, amon = np.zeros_like(mon.hist), np.zeros_like(mon.amon)
        engine.program.monitor_program(m.ip, m.fp, m.lay, m.params, m.state, m.work, mon.xm,
                                       edges, hist, amon)
        old.append((hist, amon))
    ser = b.run(12).series
    np.testing.assert_array_equal(ser.pass_steps, np.arange(1, 13))
    for k, snap in enumerate(snaps):
        for i, ls in enumerate(snap.layers):
            np.testing.assert_array_equal(ser.act_hist_counts[k, i], ls.act_hist_counts)
            np.testing.assert_array_equal(ser.act_hist_counts[k, i], old[k][0][i])
            assert same(ls.dead_units, ser.dead_units[k, i])
            assert same(ls.dead_fraction, ser.dead_fraction[k, i])
            assert same(ls.saturated_fraction, ser.saturated_fraction[k, i])
            assert same(ls.saturated_fraction, old[k][1][i, 3])
    assert np.isfinite(ser.dead_units[:, 2]).all()        # rrelu: dead units counted
    assert np.isfinite(ser.saturated_fraction[:, 6]).all()  # sigmoid: saturation measured


def test_cadences_and_a_bounded_series():
    s = make(data=no_val(), epochs=1000, monitor_every=3)
    s.set_monitor_pass_every(5)
    ser = s.run(20).series
    np.testing.assert_array_equal(ser.steps, [3, 6, 9, 12, 15, 18])
    np.testing.assert_array_equal(ser.pass_steps, [5, 10, 15, 20])
    s.set_monitor_every(1)
    s.set_monitor_pass_every(0)
    ser = s.run(SERIES_STEPS + 100).series
    assert ser.steps.shape == (SERIES_STEPS,) and ser.steps[-1] == s.step_count
    np.testing.assert_array_equal(np.diff(ser.steps), 1)
    assert ser.pass_steps.shape == (0,) and not ser.grad_norm.flags.writeable
    s.set_monitor_every(0)
    assert s.run(5).series is None and s.snapshot().series is None


@pytest.mark.parametrize("n", [1, 2, 7, 53, 1000])
def test_shuffle_is_a_reproducible_permutation(n):
    for seed in (0, 1, 2**63 - 1):
        orders = [epoch_order(seed, e, n) for e in range(4)]
        for e, order in enumerate(orders):
            np.testing.assert_array_equal(np.sort(order), np.arange(n))
            np.testing.assert_array_equal(order, epoch_order(seed, e, n))
            python = np.empty(n, np.int64)  # the scalar code run as Python (uint64 wraps)
            with np.errstate(over="ignore"):
                scalar_rng.shuffle_into(python, n, seed, e)
            np.testing.assert_array_equal(order, python)
        if n >= 53:
            assert len({tuple(o) for o in orders}) == 4
    np.testing.assert_array_equal(epoch_order(5, 0, n, shuffle=False), np.arange(n))


def test_shuffle_is_uniform():
    """Every order of 4 samples comes up about equally often (24 orders, 24,000 epochs)."""
    counts: dict[tuple, int] = {}
    for e in range(24_000):
        key = tuple(epoch_order(11, e, 4))
        counts[key] = counts.get(key, 0) + 1
    assert len(counts) == 24
    chi2 = sum((c - 1000) ** 2 / 1000 for c in counts.values())
    assert chi2 < 60  # 23 degrees of freedom: p < 1e-4 for a fair shuffle to exceed this


def test_the_session_batches_follow_the_epoch_order():
    s = make(data=no_val(), epochs=10, batch_size=8)
    s.run(9)  # epoch 1, position 16 (7 batches per epoch of 53 rows)
    assert (s.epoch, s.pos) == (1, 16)
    np.testing.assert_array_equal(s._perm, epoch_order(s.seed, 1, 53))
    t = make(data=no_val(), epochs=10, batch_size=8, shuffle=False)
    t.run(3)
    np.testing.assert_array_equal(t._perm, np.arange(53))


@settings(deadline=None, max_examples=8)
@given(st.lists(st.integers(1, 15), min_size=1, max_size=6))
def test_any_grouping_across_epochs_gives_the_same_run(chunks):
    """Several epochs per compiled call (no validation set): the same weights, history and
    epoch sums as one step per call."""
    total = sum(chunks)
    a, b = make(data=no_val(), epochs=30), make(data=no_val(), epochs=30)
    for _ in range(total):
        a.step()
    for c in chunks:
        b.run(c)
    assert same_weights(a, b) and a.history == b.history and a._ep == b._ep
    assert (a.epoch, a.pos, a.step_count) == (b.epoch, b.pos, b.step_count)
