"""Training arrays for the benchmarks.

The engine's own data pipeline is used when it is importable (the references then train on exactly the
engine's arrays); otherwise small stand-ins of the same shapes are generated here, which is enough for
timing. The 784-feature set of workloads D and E is a deterministic random ``.npz`` written next to the
designs at bench time (``bench784.npz``, git-ignored).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

N784 = 4096        # samples in the 784-feature set
N_CLASSES = 10
LABEL_NOISE = 0.25


def ensure_npz(path: Path, n: int = N784, features: int = 784, classes: int = N_CLASSES) -> Path:
    """Write ``x_train (n, features) float32`` and ``y_train (n, 1)`` class indices if missing.

    Classes are overlapping Gaussian blobs and a quarter of the labels are random, so the task is
    learnable but the loss stays well above zero during a benchmark: a net that grows overconfident
    drives ``exp`` and ``g*g`` into subnormal floats, which slows every implementation by an amount that
    depends on how far it has trained, and would make the comparison unfair.
    """
    path = Path(path)
    if path.exists():
        return path
    rng = np.random.default_rng(784)
    y = rng.integers(0, classes, size=n)
    centres = rng.normal(0.0, 0.05, size=(classes, features))
    x = (centres[y] + rng.normal(0.0, 1.0, size=(n, features))).astype(np.float32)
    noisy = rng.random(n) < LABEL_NOISE
    y[noisy] = rng.integers(0, classes, size=int(noisy.sum()))
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, x_train=x, y_train=y.reshape(-1, 1).astype(np.float32))
    tmp.replace(path)
    return path


def ensure_design_data(design: dict, base_dir: Path) -> None:
    """Generate the data file a benchmark design points at, when it is the bench's own npz."""
    ds = design["data"]["dataset"]
    if isinstance(ds, dict) and str(ds.get("path", "")).endswith(".npz"):
        ensure_npz(Path(base_dir) / ds["path"])


def _circle(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground's circle: radius < 2.5 is class 1, 3.5..5 class 0 (stand-in generator)."""
    half = n // 2
    r = np.concatenate([rng.uniform(0, 2.5, half), rng.uniform(3.5, 5.0, n - half)])
    a = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([r * np.sin(a), r * np.cos(a)], axis=1)
    y = (np.arange(n) < half).astype(np.float64).reshape(-1, 1)
    return x, y


def _standalone_arrays(design: dict, base_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    data = design["data"]
    ds = data["dataset"]
    rng = np.random.default_rng(int(design.get("seed", 0)))
    if isinstance(ds, dict):
        with np.load(Path(base_dir) / ds["path"], allow_pickle=False) as z:
            x, y = z["x_train"].astype(np.float64), z["y_train"].astype(np.float64)
    elif ds == "digits":  # stand-in of the same shape: 1,797 x 64 pixels in 0..16, 10 classes
        y = rng.integers(0, 10, size=(1797, 1)).astype(np.float64)
        x = rng.integers(0, 17, size=(1797, 64)).astype(np.float64)
    else:
        x, y = _circle(int(data.get("samples", 500)), rng)
    if data.get("standardize", True):
        sd = x.std(axis=0)
        x = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    return np.ascontiguousarray(x, np.float32), np.ascontiguousarray(y, np.float32)


def engine_arrays(design: dict, base_dir: Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The engine's training arrays for this design (``engine.data``), or None when unavailable."""
    try:
        from engine.data import DataConfig, load_dataset

        ds = load_dataset(DataConfig.from_config(design["data"]), base_dir=Path(base_dir),
                          seed=int(design.get("seed", 0)), input_dim_hint=int(design["model"]["input_dim"]))
    except Exception:  # noqa: BLE001 - the engine is optional for the references
        return None
    return np.ascontiguousarray(ds.x_train, np.float32), np.ascontiguousarray(ds.y_train, np.float32)


def training_arrays(design: dict, base_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    """``x (n, features)``, ``y (n, targets)`` float32 for the reference implementations."""
    ensure_design_data(design, base_dir)
    arrays = engine_arrays(design, base_dir)
    return arrays if arrays is not None else _standalone_arrays(design, base_dir)
