"""Rewind points (engine/rewind.py): bounded memory, coverage, bit-identical continuation."""
from __future__ import annotations

import time

import numpy as np
import pytest

from engine.errors import BadInput
from engine.rewind import MIN_POINTS, RewindRing, state_bytes
from tests.helpers.sessions import make, same_weights


def run_observed(session, ring, steps):
    """``steps`` single steps, the ring observing after each; the loss of every step."""
    losses = {}
    for _ in range(steps):
        snap = session.step()
        losses[snap.step] = snap.loss
        ring.observe(session)
    return losses


def test_memory_stays_within_the_budget_and_the_points_cover_the_run():
    session = make()
    one = state_bytes(session.state_dict())
    ring = RewindRing(every=3, budget_bytes=6 * one + one // 2)
    ring.observe(session)
    most = 0
    for _ in range(150):
        session.step()
        ring.observe(session)
        most = max(most, ring.nbytes)
        assert ring.nbytes <= ring.budget_bytes
    assert most > 4 * one  # the budget was really used
    steps = ring.steps
    assert steps[0] == 0  # the start of the run stays
    assert ring.every > 3  # thinned at least once: the spacing doubled
    assert session.step_count - steps[-1] < ring.every  # and the newest steps are covered
    assert np.diff(steps).max() <= ring.every  # no hole in the coverage
    assert len(steps) >= 6 // 2  # thinning keeps about half the budget's points, not a clump
    assert all(s % (ring.every // 2) == 0 for s in steps[:-1])  # on the grid of the spacing


def test_a_point_larger_than_the_budget_still_keeps_the_first_and_the_newest():
    session = make()
    ring = RewindRing(every=1, budget_bytes=1)
    for _ in range(5):
        session.step()
        ring.observe(session)
    assert len(ring) == MIN_POINTS and ring.steps[0] == 1 and ring.steps[-1] == 5


@pytest.mark.parametrize("back_to", [9, 12])  # mid-epoch (7 steps an epoch): crosses 2 ends
def test_rewind_and_continue_is_bit_identical(back_to):
    """Batch norm (renorm), dropout, gaussian noise and rrelu on, a validation set: the losses
    and weights after rewinding equal the first run's exactly."""
    session = make()
    ring = RewindRing(every=3)
    ring.observe(session)
    first = run_observed(session, ring, 30)
    weights_first = session.get_weights()
    assert back_to in ring.steps
    ring.restore(session, back_to)
    assert session.step_count == back_to and ring.steps[-1] == back_to
    again = {}
    for _ in range(30 - back_to):
        snap = session.step()
        again[snap.step] = snap.loss
    assert again == {s: v for s, v in first.items() if s > back_to}
    assert session.epoch == 30 // 7
    for key, value in weights_first.items():
        np.testing.assert_array_equal(session.get_weights()[key], value)


def test_a_kept_point_restores_into_a_fresh_session_too():
    a, ring = make(), RewindRing(every=4)
    ring.observe(a)
    run_observed(a, ring, 20)
    b = make()
    ring.restore(b, 8)
    a_again = make()
    a_again.run(8)
    assert same_weights(a_again, b)
    assert a_again.run(10).loss == b.run(10).loss and same_weights(a_again, b)


def test_options_changed_after_the_point_go_back_with_it():
    session = make()
    ring = RewindRing(every=5)
    ring.observe(session)
    first = run_observed(session, ring, 10)
    session.set_layer_option("do1", rate=0.6)  # a change after step 10
    run_observed(session, ring, 5)
    ring.restore(session, 5)
    losses = {}
    for _ in range(5):
        snap = session.step()
        losses[snap.step] = snap.loss
    assert losses == {s: first[s] for s in range(6, 11)}


def test_keep_settings_restores_the_state_but_not_the_options_changed_since():
    """The app's rewind: the window's current options stay; from the point on, the run is the
    one that made the same change at that step."""
    session = make()
    ring = RewindRing(every=5)
    ring.observe(session)
    run_observed(session, ring, 10)
    session.set_layer_option("do1", rate=0.6)
    session.set_learning_rate(0.05)
    ring.restore(session, 5, keep_settings=True)
    twin = make()
    twin.run(5)
    twin.set_layer_option("do1", rate=0.6)
    twin.set_learning_rate(0.05)
    assert session.step_count == 5 and same_weights(session, twin)
    assert [session.step().loss for _ in range(6)] == [twin.step().loss for _ in range(6)]
    assert same_weights(session, twin)


def test_a_costly_point_spaces_the_points_out_when_a_share_of_the_time_is_set():
    """max_share: keeping may take at most that share of the time between points; a state
    that takes longer to take than the training between points doubles the spacing (the
    stand-in's state_dict always takes longer than the steps between: no timing assumed)."""
    class Slow:
        step_count = 0

        def state_dict(self):
            t0 = time.perf_counter()
            while time.perf_counter() - t0 < 0.002:
                pass
            return {"x": np.zeros(3)}

    slow, ring = Slow(), RewindRing(every=1, max_share=1e-9)
    ring.observe(slow)
    for step in range(1, 20):
        slow.step_count = step
        ring.observe(slow)
    assert ring.every >= 8 and len(ring) < 6
    plain = RewindRing(every=1)  # without max_share: every step is kept, however slow
    for step in range(20):
        slow.step_count = step
        plain.observe(slow)
    assert len(plain) == 20 and plain.every == 1


def test_unknown_points_are_refused_and_later_points_dropped_after_going_back():
    session = make()
    ring = RewindRing(every=2)
    ring.observe(session)
    run_observed(session, ring, 10)
    with pytest.raises(BadInput, match="no rewind point was kept at step 3"):
        ring.restore(session, 3)
    assert session.step_count == 10  # unchanged
    assert ring.nearest(3) == 2 and ring.nearest(9) == 8
    session.reset()
    ring.observe(session)  # went back to step 0: the old branch's points go
    assert ring.steps == (0,)
    with pytest.raises(ValueError):
        RewindRing(every=0)


def test_the_kept_steps_are_one_tuple_until_they_change_and_the_bytes_add_up():
    """Frames carry ``steps`` every time: the same tuple (and ``version``) until a point is
    kept, thinned or forgotten; ``nbytes`` is the sum of the kept states' sizes throughout."""
    ring = RewindRing(every=1, budget_bytes=5 * 100)
    state = {"w": np.zeros(100, np.uint8)}
    ring.keep(0, state)
    steps, version = ring.steps, ring.version
    assert ring.steps is steps and ring.version == version
    for step in range(1, 12):
        ring.keep(step, dict(state))
        assert ring.version > version and ring.steps != steps
        steps, version = ring.steps, ring.version
        assert ring.nbytes == 100 * len(ring) <= ring.budget_bytes
    ring.forget_after(ring.steps[-1])  # nothing after the newest: nothing changes
    assert ring.version == version
    ring.forget_after(ring.steps[1])
    assert ring.version > version and len(ring) == 2 and ring.nbytes == 200
    ring.clear()
    assert ring.steps == () and ring.nbytes == 0
