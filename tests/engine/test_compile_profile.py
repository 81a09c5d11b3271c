"""benchmarks.compile_profile attributes each numba compile to its function and signature, a
callee's compile time to the callee (not to its caller too). Nothing is timed against a bound."""
from __future__ import annotations

import numpy as np
from numba import njit

from benchmarks.compile_profile import record_compiles


def _pair():
    @njit
    def callee(a):
        return a.sum()

    @njit
    def caller(a):
        return callee(a) + 1.0

    return caller


def test_nested_compiles_are_rows_of_their_own():
    caller = _pair()
    rows = record_compiles(lambda: caller(np.ones(3)))
    names = [r["name"].rsplit(".", 1)[-1] for r in rows]
    assert "callee" in names and "caller" in names
    outer = rows[names.index("caller")]
    inner = rows[names.index("callee")]
    assert "float64" in outer["sig"]
    assert outer["total_s"] >= inner["total_s"]
    assert abs(outer["own_s"] - (outer["total_s"] - inner["total_s"])) < 0.05 + 0.2 * outer["total_s"]
    assert all(0.0 <= r["llvm_s"] <= r["own_s"] + 1e-6 for r in rows)


def test_no_rows_when_nothing_compiles():
    caller = _pair()
    caller(np.ones(3))
    assert record_compiles(lambda: caller(np.ones(4))) == []
