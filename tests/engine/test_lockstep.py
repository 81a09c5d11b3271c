"""Sessions stepped in parallel lockstep (engine.lockstep) give the numbers a sequential loop
gives: bit-identical losses, histories and weights."""
from __future__ import annotations

import threading

import numpy as np

from engine.lockstep import ENV_THREADS, Lockstep, default_threads
from tests.helpers.sessions import make, same_weights

RELU = [{"type": "dense", "units": 8, "id": "d1"},
        {"type": "activation", "function": "relu", "id": "a1"},
        {"type": "dense", "units": 8, "id": "d2"},
        {"type": "activation", "function": "relu", "id": "a2"},
        {"type": "dropout", "rate": 0.1, "id": "do"},
        {"type": "dense", "units": 1, "id": "d3"},
        {"type": "activation", "function": "sigmoid", "id": "a3"}]


def _runs():
    """Four different runs of a comparison: other seeds, layers, optimisers."""
    return [make(seed=1), make(seed=2), make(RELU, seed=3, batch_size=4),
            make(RELU, {"type": "sgd", "learning_rate": 0.1, "momentum": 0.9}, seed=4)]


def _chunks(lock: Lockstep, sessions, sizes):
    losses = []
    for n in sizes:
        snaps = lock.run(sessions, n)
        assert not any(isinstance(s, BaseException) for s in snaps), snaps
        losses.append([s.loss for s in snaps])
    return losses


def test_parallel_lockstep_is_bit_identical_to_sequential():
    sizes = [1, 7, 40, 3, 64]
    seq, par = _runs(), _runs()
    lock = Lockstep(threads=4)
    try:
        a = _chunks(Lockstep(threads=1), seq, sizes)
        b = _chunks(lock, par, sizes)
    finally:
        lock.close()
    assert np.array_equal(np.array(a), np.array(b))  # NaN-free: equal means bit-equal here
    for s, p in zip(seq, par):
        assert s.step_count == p.step_count == sum(sizes)
        assert same_weights(s, p)
        assert [h["loss"] for h in s.history] == [h["loss"] for h in p.history]


def test_runs_go_to_pool_threads_and_errors_come_back_in_order():
    seen = []

    class Probe:
        def __init__(self, fail):
            self.fail = fail

        def run(self, n):
            seen.append(threading.current_thread().name)
            if self.fail:
                raise ValueError("boom")
            return n

    lock = Lockstep(threads=2)
    try:
        out = lock.run([Probe(False), Probe(True), Probe(False)], 5)
    finally:
        lock.close()
    assert out[0] == 5 and out[2] == 5 and isinstance(out[1], ValueError)
    assert all(name.startswith("lockstep") for name in seen)
    assert Lockstep(threads=1).run([Probe(False)], 2) == [2]


def test_thread_count_follows_the_environment(monkeypatch):
    monkeypatch.setenv(ENV_THREADS, "3")
    assert default_threads() == 3 and Lockstep().threads == 3
    monkeypatch.setenv(ENV_THREADS, "nonsense")
    assert default_threads() >= 1


def test_pool_threads_run_numba_code_on_one_thread():
    """No prange inside the pool: its threads' numba thread count is 1."""
    import numba

    lock = Lockstep(threads=2)
    try:
        counts = lock.map(lambda _: numba.get_num_threads(), [0, 1, 2])
    finally:
        lock.close()
    assert counts == [1, 1, 1]
