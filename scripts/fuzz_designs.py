"""Design fuzzing: mutated design files through load + build + 3 steps, each in a worker process
with a timeout (scripts/fuzz_pool.py).

    .venv/bin/python -m scripts.fuzz_designs [--cases 10000] [--seed 0] [--workers 2]

Seeds are the shipped designs, the test fixtures and the benchmark designs. Each case applies 1-3
mutations (values replaced by junk, keys removed or added, layers duplicated by the thousand,
reordered or retyped, numbers scaled by powers of ten, data pointed at special files, odd names,
hostile archives, deep nesting, bytes of the JSON text flipped or cut). Outcomes:
``refused`` (a one-line BadInput naming the field or file), ``trained`` (built and took 3 steps),
and the defects ``error:<type>`` (any other exception), ``long-message``, ``no-field`` (a
refusal that names no field), ``crash`` (the worker died), ``hang``.
Prints the counts per outcome, the slowest designs that trained and every defect; exit status 1
when there is a defect.
"""
from __future__ import annotations

import argparse
import copy
import io
import json
import os
import random
import sys
import tempfile
import traceback
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SEED_FILES = sorted([*(ROOT / "resources" / "designs").glob("*.json"),
                     *(ROOT / "tests" / "data").glob("design_*.json"),
                     *(ROOT / "benchmarks" / "designs").glob("*.json")])
SLOW_S = 5.0
MEMORY_LIMIT = 6 * 2**30


# ---------------------------------------------------------------- the data folder of the cases
def make_data_folder(folder: Path) -> None:
    """Data files the mutations point at: good ones, special files and hostile archives."""
    import shutil
    for src in [*(ROOT / "tests" / "data").glob("data_*"), ROOT / "benchmarks/designs/bench784.npz"]:
        shutil.copy(src, folder / src.name)
    (folder / "two.csv").write_text("a,b,label\n" + "".join(f"{i % 7},{i % 3},{i % 2}\n"
                                                            for i in range(40)))
    (folder / "dup.csv").write_text("a,a,label\n1,2,0\n")
    os.mkfifo(folder / "pipe.csv")
    os.mkfifo(folder / "pipe.npz")
    (folder / "folder.csv").mkdir()
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False,
                                                  "shape": (200_000, 1_000_000)})
    with zipfile.ZipFile(folder / "claims.npz", "w") as zf:
        zf.writestr("x_train.npy", header.getvalue() + b"\0" * 64)
        zf.writestr("y_train.npy", header.getvalue())
    with zipfile.ZipFile(folder / "notnpy.npz", "w") as zf:
        zf.writestr("x_train", b"plain text")
    np.savez(folder / "objects.npz", x_train=np.array([{}], dtype=object), y_train=np.zeros(1))
    (folder / "huge_class.csv").write_text("a,label\n1,0\n2,999999999\n")


# ---------------------------------------------------------------- mutations
def junk_values(rng: random.Random) -> list[Any]:
    return [None, True, False, 0, -1, 1, 2, 3, 7, 4096, 4097, 10**6, 10**9, 2**63, -2**63, 10**400,
            0.5, -0.5, 1e-30, 1e30, -1e30, 1.5, "", " ", "x", "full", "relu", "softmax", "adam",
            "dense", "batch_norm", "sigmoid", "digits", "spiral", "x" * 300, "x" * 100_000,
            "\ud800", "id\udc80", "a\x00b", [], [[]], [1, 2], {}, {"type": "adam"},
            {"type": "dense", "units": 3}, {"path": "two.csv"}, {"path": "/dev/zero.csv"},
            "/dev/zero", "two.csv", "../../../etc/passwd.csv", "a" * 300 + ".csv", "pipe.csv",
            "pipe.npz", "folder.csv", "claims.npz", "notnpy.npz", "objects.npz", "dup.csv",
            "huge_class.csv", "data_fruit.csv", "missing.npz", {"1e30": 2.0},
            {"999999999": 1.0}, {"x_train": [[1.0] * 3] * 2, "y_train": [[0], [1]]},
            rng.random() * 10 ** rng.randint(-5, 12), -rng.randint(0, 10**12)]


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if len(path) > 12:
        return out
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node[:50]):
            out += _paths(v, path + (i,))
    return out


def _get(node: Any, path: tuple) -> Any:
    for k in path:
        node = node[k]
    return node


def _set(root: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def mutate(d: Any, rng: random.Random) -> Any:
    """One random mutation of a design dict (returns the new root)."""
    kind = rng.choices(["replace", "delete", "add", "layers", "scale", "data", "deep",
                        "class_weight"], [40, 10, 8, 14, 12, 8, 3, 5])[0]
    paths = [p for p in _paths(d) if p]
    if kind == "replace" and paths:
        return _set(d, rng.choice(paths), rng.choice(junk_values(rng)))
    if kind == "delete" and paths:
        p = rng.choice(paths)
        parent = _get(d, p[:-1])
        if isinstance(parent, (dict, list)):
            del parent[p[-1]]
        return d
    if kind == "add":
        parents = [p for p in _paths(d) if isinstance(_get(d, p), dict)]
        p = rng.choice(parents)
        key = rng.choice(["units", "rate", "type", "id", "foo", "activation", "samples",
                          "class_weight", "renorm", "path", "x_train"])
        _get(d, p)[key] = rng.choice(junk_values(rng))
        return d
    if kind == "layers":
        return mutate_layers(d, rng)
    if kind == "scale":
        nums = [p for p in paths if isinstance(_get(d, p), (int, float))
                and not isinstance(_get(d, p), bool)]
        if nums:
            p = rng.choice(nums)
            v = _get(d, p) * rng.choice([10**3, 10**6, 10**9, -1, 0, 0.001, 1e300])
            return _set(d, p, v)
        return d
    if kind == "data":
        data = d.setdefault("data", {}) if isinstance(d, dict) else {}
        if isinstance(data, dict):
            data["dataset"] = rng.choice([{"path": rng.choice(junk_values(rng)[40:60])},
                                          rng.choice(junk_values(rng)[40:60]),
                                          {"x_train": [[0.5] * rng.choice([1, 2, 5000])]
                                           * rng.choice([1, 3, 300]),
                                           "y_train": [[1]] * 3}])
            data["samples"] = rng.choice([1, 2, 500, 100_000, 10**9, 1e9])
        return d
    if kind == "deep":
        deep: Any = 1
        for _ in range(rng.choice([40, 500, 990, 5000])):
            deep = [deep]
        return _set(d, rng.choice(paths) if paths else (), deep)
    loss = d.get("loss") if isinstance(d, dict) else None
    if isinstance(loss, dict):
        loss["class_weight"] = {rng.choice(["999999999", "1e30", "0", "4095", "4096", "-1",
                                            "1" + "0" * 30]): rng.choice([1.0, 1e30, -1])}
    return d


def mutate_layers(d: Any, rng: random.Random) -> Any:
    model = d.get("model") if isinstance(d, dict) else None
    layers = model.get("layers") if isinstance(model, dict) else None
    if not isinstance(layers, list) or not layers:
        return d
    op = rng.choice(["duplicate", "shuffle", "retype", "wide", "drop_ids", "many_small"])
    if op == "duplicate":
        layer = rng.choice(layers)
        at = rng.randrange(len(layers) + 1)
        layers[at:at] = [copy.deepcopy(layer) for _ in range(rng.choice([1, 2, 50, 300]))]
    elif op == "shuffle":
        rng.shuffle(layers)
    elif op == "retype":
        layer = rng.choice(layers)
        if isinstance(layer, dict):
            layer["type"] = rng.choice(["dense", "activation", "batch_norm", "layer_norm",
                                        "dropout", "alpha_dropout", "gaussian_noise", "conv2d"])
    elif op == "wide":
        for layer in layers:
            if isinstance(layer, dict) and "units" in layer:
                layer["units"] = rng.choice([1024, 4096, 4097])
    elif op == "drop_ids":
        for layer in layers:
            if isinstance(layer, dict):
                layer.pop("id", None)
    else:
        model["layers"] = [{"type": "dense", "units": 2}] + [
            {"type": "activation", "function": "relu"}] * rng.choice([100, 250, 1000, 20_000]) \
            + layers[-2:]
    return d


def make_case(seed_texts: list[str], rng: random.Random) -> bytes:
    """One mutated design file (bytes)."""
    d = json.loads(rng.choice(seed_texts))
    for _ in range(rng.choice([1, 1, 2, 3])):
        d = mutate(d, rng)
    try:
        text = json.dumps(d, ensure_ascii=rng.random() < 0.5)
    except (ValueError, TypeError, RecursionError):
        text = "{}"
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.08:  # damage the bytes themselves
        b = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            if b:
                b[rng.randrange(len(b))] = rng.randrange(256)
        data = bytes(b[: rng.randint(0, len(b))] if rng.random() < 0.5 else b)
    return data


# ---------------------------------------------------------------- the worker side
def run_design(case: tuple[bytes, str]) -> tuple[str, str]:
    """Load, build and train 3 steps (inside a worker); returns (outcome, detail)."""
    import resource
    from engine.build import build_session
    from engine.design import load_design
    from engine.errors import BadInput
    resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT, MEMORY_LIMIT))
    data, folder = case
    path = Path(folder) / f"case_{os.getpid()}.json"
    path.write_bytes(data)
    try:
        design = load_design(path)
        session = build_session(design, base_dir=path.parent)
        session.run(3)
        return "trained", f"{len(design.layers)} layers"
    except BadInput as err:
        text = str(err)
        if "\n" in text or len(text) > 400:
            return "long-message", text[:300]
        if not err.path:
            return "no-field", text[:200]
        return "refused", text[:160]
    except Exception as err:  # noqa: BLE001 - a defect: reported with its place
        tb = traceback.extract_tb(err.__traceback__)[-3:]
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb))
        return f"error:{type(err).__name__}", f"{str(err)[:160]} at {where}"


def main(argv: list[str] | None = None) -> int:
    from scripts.fuzz_pool import Tally, run_cases, summarise
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--timeout", type=float, default=60.0)
    args = p.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = [f.read_text(encoding="utf-8") for f in SEED_FILES]
    tally = Tally("fuzz_designs", ("refused", "trained"))
    slow: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory(prefix="fuzz-designs-") as folder:
        make_data_folder(Path(folder))
        cases = ((make_case(seeds, rng), folder) for _ in range(args.cases))
        for i, _, (kind, detail, secs) in run_cases(run_design, cases, args.workers,
                                                    args.timeout):
            tally.add(kind, f"case {i}: {detail}")
            if kind == "trained":
                slow.append((secs, f"case {i}: {detail}"))
            if sum(tally.counts.values()) % 500 == 0:
                print(f"  {summarise(tally.counts)}", flush=True)
    slow.sort(reverse=True)
    times = sorted(s for s, _ in slow) or [0.0]
    extra = [f"trained: median {times[len(times) // 2]:.2f} s, max {times[-1]:.2f} s to load, "
             f"build and take 3 steps; over {SLOW_S:.0f} s: {sum(t > SLOW_S for t in times)}"]
    extra += [f"  slowest: {secs:.2f} s {what}" for secs, what in slow[:5]]
    return tally.report(extra)

if __name__ == "__main__":
    sys.exit(main())
