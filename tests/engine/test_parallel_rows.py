"""Predictions in parallel over row chunks (engine.program.parallel) equal the serial program bit
for bit: inference, Monte-Carlo dropout, the unit maps; and the parallel path is taken only when
it pays and never around multi-threaded BLAS."""
from __future__ import annotations

import numba
import numpy as np
import pytest

import engine.program as cpu_program
from engine.kernels.cpu.layers_dense import BLAS_THREADS_MIN_WORK
from engine.program import parallel
from engine.program.parallel import ENV_SWITCH, parallel_threads, predict_rows, row_work
from engine.unit_maps import unit_outputs
from tests.helpers.sessions import LAYERS, make

WIDE = [{"type": "dense", "units": 32, "id": "d1"},
        {"type": "activation", "function": "tanh", "id": "a1"},
        {"type": "dense", "units": 16, "id": "d2"},
        {"type": "batch_norm", "id": "bn"},
        {"type": "activation", "function": "relu", "id": "a2"},
        {"type": "dropout", "rate": 0.3, "id": "do"},
        {"type": "dense", "units": 1, "id": "d3"},
        {"type": "activation", "function": "sigmoid", "id": "a3"}]


def _trained(layers):
    s = make(layers, seed=5)
    s.run(40)  # moving statistics and weights away from their initial values
    return s


def _rows(s, n, seed=0):
    x = np.random.default_rng(seed).standard_normal((n, s.model.input_dim)) * 2.0
    return np.ascontiguousarray(x, s.model.dtype)


@pytest.mark.parametrize("layers", [LAYERS, WIDE], ids=["stochastic", "wide"])
@pytest.mark.parametrize("mc", [False, True])
def test_parallel_chunks_equal_the_serial_program(layers, mc):
    s = _trained(layers)
    m = s.model
    cap = int(m.capacity)
    for n, threads in ((3 * cap + 17, 2), (5 * cap, 3), (cap + 1, 2)):
        x = _rows(s, n)
        serial = np.zeros((n, m.output_dim), m.dtype)
        par = np.full((n, m.output_dim), np.nan, m.dtype)
        work = m.work.copy()
        cpu_program.predict_program(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, serial, mc,
                                    s.seed, -3)
        m.work[:] = work
        predict_rows(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, par, mc, s.seed, -3,
                     threads=threads)
        assert np.array_equal(serial, par), (n, threads)
        assert np.array_equal(m.work, work)  # the parallel path leaves the work buffer alone


@pytest.mark.parametrize("layers", [LAYERS, WIDE], ids=["stochastic", "wide"])
def test_session_predict_and_unit_maps_equal_with_and_without_parallel(layers, monkeypatch):
    s = _trained(layers)
    x = _rows(s, 4 * int(s.model.capacity) + 5, seed=1)
    got = {}
    for switch in ("0", "1"):  # 0: always serial, 1: parallel whenever there are two chunks
        monkeypatch.setenv(ENV_SWITCH, switch)
        mean, _ = s.predict(x)
        mc_mean, mc_std = s.predict(x, mc_dropout=3)
        got[switch] = [mean, mc_mean, mc_std] + unit_outputs(s, x)
    for a, b in zip(got["0"], got["1"]):
        assert np.array_equal(a, b)


def test_parallel_only_when_it_pays(monkeypatch):
    monkeypatch.delenv(ENV_SWITCH, raising=False)
    s = _trained(WIDE)
    m = s.model
    cap = int(m.capacity)
    per_row, largest = row_work(m.ip)
    assert per_row == 2 * 32 + 32 * 16 + 16 * 1 and largest == 32 * 16
    want = min(numba.get_num_threads(), 8)
    assert parallel_threads(m.ip, m.lay, 8 * cap, min_work=0) == want
    assert parallel_threads(m.ip, m.lay, cap, min_work=0) == 1  # one chunk: nothing to share
    assert parallel_threads(m.ip, m.lay, 8 * cap, min_work=8 * cap * per_row + 1) == 1
    assert parallel_threads(m.ip, m.lay, 8 * cap, min_work=8 * cap * per_row) == want
    monkeypatch.setenv(ENV_SWITCH, "0")
    assert parallel_threads(m.ip, m.lay, 8 * cap, min_work=0) == 1
    monkeypatch.setenv(ENV_SWITCH, "1")
    assert parallel_threads(m.ip, m.lay, 8 * cap) == want


def test_never_around_multi_threaded_blas(monkeypatch):
    """A layer whose chunk product would use OpenBLAS's threads keeps the call serial."""
    monkeypatch.setenv(ENV_SWITCH, "1")
    big = [{"type": "dense", "units": 64, "id": "d1"},
           {"type": "dense", "units": 1 + BLAS_THREADS_MIN_WORK // (256 * 64), "id": "d2"},
           {"type": "dense", "units": 1, "id": "d3"}]
    s = make(big, seed=1)
    assert int(s.model.capacity) * row_work(s.model.ip)[1] >= BLAS_THREADS_MIN_WORK
    assert parallel_threads(s.model.ip, s.model.lay, 10 * int(s.model.capacity)) == 1
    assert parallel.PARALLEL_MIN_WORK > 0


@pytest.mark.parametrize("n_rows", [96, 600])
def test_mc_passes_in_parallel_equal_the_serial_passes(n_rows):
    from engine.program.parallel import mc_passes

    s = _trained(WIDE)
    m = s.model
    x = _rows(s, n_rows, seed=2)
    out = np.zeros((n_rows, m.output_dim), m.dtype)
    serial = [o.copy() for o in mc_passes(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, out,
                                          5, s.seed, threads=1)]
    par = [o.copy() for o in mc_passes(m.ip, m.fp, m.lay, m.params, m.state, m.work, x, out,
                                       5, s.seed, threads=2)]
    assert len(serial) == len(par) == 5
    assert not np.array_equal(serial[0], serial[1])  # each pass draws its own masks
    for a, b in zip(serial, par):
        assert np.array_equal(a, b)
    assert parallel_threads(m.ip, m.lay, n_rows, passes=5, min_work=0) == \
        min(numba.get_num_threads(), 5)
