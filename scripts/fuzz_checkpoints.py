"""Checkpoint fuzzing: damaged checkpoints through ``playground-train --resume``.

    .venv/bin/python -m scripts.fuzz_checkpoints [--bitflips 600] [--truncations 300] [--seed 0]

A real checkpoint (Adam slots, a reduce_on_plateau schedule's state, early stopping's best
weights) is written by ``playground-train --checkpoint``; then every ``meta.json`` field (nested
ones too) is replaced by each junk value and deleted, arrays are reshaped, emptied, filled with
NaN, retyped, removed or added, and the file is truncated and bit-flipped at random places. Each
case runs ``playground-train DESIGN --resume CASE --steps 3 --quiet`` (its ``main``, in a worker
process with a timeout: scripts/fuzz_pool.py). Allowed: exit 0 (resumed), 2 (one line naming the
problem), 3 (diverged: a valid but absurd state, reported). Defects: exit 1 (internal error),
more than one line on stderr, a traceback, a crash (signal) or a hang.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
JUNK = [None, True, -1, 0, 1, -10**9, 10**18, 2**64, 1.5, -1e9, 1e300, float("nan"), "", "x",
        "running", [], [1], {}, {"a": 1}, [[0.0, 1.0]] * 3, "\ud800"]


def base_design() -> dict[str, Any]:
    d = json.loads((ROOT / "resources/designs/spiral_relu_batchnorm.json").read_text())
    d["data"]["samples"] = 200
    d["optimizer"] = {"type": "adam", "learning_rate": 0.01}
    d["schedule"] = {"type": "reduce_on_plateau", "patience": 1}
    d["training"].update(batch_size=16, epochs=40,
                         early_stopping={"monitor": "val_loss", "patience": 30,
                                         "restore_best": True})
    return d


def write_base(folder: Path) -> tuple[Path, Path]:
    """The design file and a checkpoint after 3 epochs."""
    from playground.cli_train import main
    design = folder / "design.json"
    design.write_text(json.dumps(base_design()))
    ckpt = folder / "base.npz"
    assert main([str(design), "--epochs", "3", "--quiet", "--checkpoint", str(ckpt)]) == 0
    return design, ckpt


def _npz(arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _meta_paths(node: Any, path: tuple = (), depth: int = 0) -> list[tuple]:
    out = [path] if path else []
    if depth >= 3:
        return out
    if isinstance(node, dict):
        for k, v in node.items():
            out += _meta_paths(v, path + (k,), depth + 1)
    elif isinstance(node, list):
        for i, v in enumerate(node[:3]):
            out += _meta_paths(v, path + (i,), depth + 1)
    return out


def cases(base: bytes, rng: random.Random, bitflips: int, truncations: int) -> list[tuple[str, bytes]]:
    """(label, checkpoint bytes) for every mutation."""
    with np.load(io.BytesIO(base), allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays["meta.json"]))
    out: list[tuple[str, bytes]] = [("unchanged", base)]
    for path in _meta_paths(meta):
        variants = [("delete", None)] + [(repr(v)[:20], v) for v in JUNK]
        for label, value in variants:
            m = json.loads(json.dumps(meta))
            node = m
            for k in path[:-1]:
                node = node[k]
            if label == "delete":
                if isinstance(node, dict):
                    del node[path[-1]]
                else:
                    node.pop(path[-1])
            else:
                node[path[-1]] = value
            try:
                text = json.dumps(m)
            except (ValueError, TypeError):
                continue
            out.append((f"meta {'.'.join(map(str, path))}={label}",
                        _npz({**arrays, "meta.json": np.array(text)})))
    for key in list(arrays):
        a = arrays[key]
        if a.dtype.kind not in "biuf":
            out.append((f"array {key}=number", _npz({**arrays, key: np.zeros(3)})))
            continue
        for label, new in [("shape", np.zeros((2, 3), a.dtype)), ("empty", np.zeros(0, a.dtype)),
                           ("nan", np.full(a.shape, np.nan)), ("int", np.ones(a.shape, np.int64)),
                           ("text", np.array("x")), ("huge", np.full(a.shape, 1e38, np.float32)),
                           ("negative", -np.abs(np.asarray(a, np.float64)) - 1)]:
            out.append((f"array {key}={label}", _npz({**arrays, key: new})))
        rest = {k: v for k, v in arrays.items() if k != key}
        out.append((f"array {key} removed", _npz(rest)))
    out.append(("array added", _npz({**arrays, "junk": np.zeros(3)})))
    out.append(("empty file", b""))
    for _ in range(truncations):
        n = rng.randrange(len(base))
        out.append((f"truncated at {n}", base[:n]))
    for _ in range(bitflips):
        b = bytearray(base)
        flips = rng.choice([1, 1, 2, 4, 8, 32])
        for _ in range(flips):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        out.append((f"{flips} bit flips", bytes(b)))
    return out


def run_resume(case: tuple[str, bytes, str]) -> tuple[str, str]:
    """``playground-train DESIGN --resume CASE --steps 3 --quiet`` in this worker."""
    import os
    from playground.cli_train import main
    label, data, folder = case
    path = Path(folder) / f"case_{os.getpid()}.npz"
    path.write_bytes(data)
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            rc = main([str(Path(folder) / "design.json"), "--resume", str(path), "--steps", "3",
                       "--quiet"])
        except SystemExit as stop:  # noqa: PT - main never exits; if it did, say so
            rc = f"SystemExit({stop.code})"
    text = err.getvalue().strip()
    if rc not in (0, 2, 3):
        return f"exit {rc}", f"{label}: {text[:200]}"
    if "Traceback" in text or len(text.splitlines()) > 1:
        return "traceback", f"{label}: {text[:200]}"
    return {0: "resumed", 2: "refused", 3: "diverged"}[rc], f"{label}: {text[:120]}"


def main(argv: list[str] | None = None) -> int:
    from scripts.fuzz_pool import Tally, run_cases
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bitflips", type=int, default=600)
    p.add_argument("--truncations", type=int, default=300)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--sample", type=int, default=0, help="run only this many cases (0: all)")
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    tally = Tally("fuzz_checkpoints", ("resumed", "refused", "diverged"))
    with tempfile.TemporaryDirectory(prefix="fuzz-ckpt-") as tmp:
        folder = Path(tmp)
        _, base = write_base(folder)
        todo = cases(base.read_bytes(), rng, args.bitflips, args.truncations)
        if args.sample:
            todo = [todo[0]] + rng.sample(todo[1:], min(args.sample, len(todo) - 1))
        work = ((label, data, str(folder)) for label, data in todo)
        for _, _, (kind, detail, _) in run_cases(run_resume, work, args.workers, 60.0):
            tally.add(kind, detail)
    return tally.report()

if __name__ == "__main__":
    sys.exit(main())
