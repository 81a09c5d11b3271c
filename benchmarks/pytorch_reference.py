"""The benchmark networks in PyTorch (the "pytorch" rows): idiomatic eager-mode training loop.

``nn.Sequential`` built from the design, ``BCEWithLogitsLoss`` / ``CrossEntropyLoss`` on the logits
(the final sigmoid/softmax is fused into the loss, as the engine does), ``torch.optim.SGD`` / ``Adam``,
a fresh batch each step from a per-epoch permutation, float32, default thread settings. Weights can be
copied from the numpy reference so both can be checked against each other.
"""
from __future__ import annotations

import numpy as np

from benchmarks.workloads import batch_size

try:
    import torch
    from torch import nn
except ImportError:  # pragma: no cover - torch is optional
    torch = None
    nn = None


def available() -> bool:
    """Whether torch is importable."""
    return torch is not None


def _layers(design: dict) -> tuple[list, str | None]:
    cfgs = design["model"]["layers"]
    fused = None
    last = cfgs[-1]
    if last["type"] == "activation" and last["function"] in ("sigmoid", "softmax") \
            and "crossentropy" in design["loss"]["type"]:
        fused, cfgs = last["function"], cfgs[:-1]
    mods, width = [], int(design["model"]["input_dim"])
    acts = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
    for cfg in cfgs:
        if cfg["type"] == "dense":
            mods.append(nn.Linear(width, int(cfg["units"])))
            width = int(cfg["units"])
        elif cfg["type"] == "activation":
            mods.append(acts[cfg["function"]]())
        elif cfg["type"] == "batch_norm":
            mods.append(nn.BatchNorm1d(width, eps=float(cfg["epsilon"]), momentum=1 - float(cfg["momentum"])))
        elif cfg["type"] == "dropout":
            mods.append(nn.Dropout(float(cfg["rate"])))
        else:
            raise ValueError(f"pytorch reference has no layer {cfg['type']!r}")
    return mods, fused


class TorchNet:
    """The design's network in PyTorch, trained on ``x (n, f)``, ``y (n, t)`` float32 arrays."""

    def __init__(self, design: dict, x: np.ndarray, y: np.ndarray, seed: int = 0):
        if torch is None:
            raise RuntimeError("torch is not installed")
        torch.manual_seed(seed)
        mods, self.fused = _layers(design)
        self.model = nn.Sequential(*mods).train()
        loss_type = design["loss"]["type"]
        self.sparse = loss_type == "sparse_categorical_crossentropy"
        if self.fused == "sigmoid":
            self.loss_fn = nn.BCEWithLogitsLoss()
        elif self.fused == "softmax":
            self.loss_fn = nn.CrossEntropyLoss()
        elif loss_type == "mse":
            self.loss_fn = nn.MSELoss()
        else:
            raise ValueError(f"pytorch reference has no loss {loss_type!r}")
        opt = design["optimizer"]
        if opt["type"] == "sgd":
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=float(opt["learning_rate"]),
                                             momentum=float(opt.get("momentum", 0.0) or 0.0))
        elif opt["type"] == "adam":
            self.optimizer = torch.optim.Adam(self.model.parameters(), lr=float(opt["learning_rate"]),
                                              betas=(float(opt["beta_1"]), float(opt["beta_2"])),
                                              eps=float(opt["epsilon"]))
        else:
            raise ValueError(f"pytorch reference has no optimizer {opt['type']!r}")
        self.x = torch.from_numpy(np.ascontiguousarray(x, np.float32))
        yt = torch.from_numpy(np.ascontiguousarray(y, np.float32))
        self.y = yt[:, 0].long() if self.sparse else yt
        self.batch = batch_size(design)
        self.gen = torch.Generator().manual_seed(seed)
        self.order = torch.arange(0)
        self.pos = 0

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Copy numpy-reference parameters (dense kernels ``(in, out)`` are transposed)."""
        params = list(self.model.parameters())
        with torch.no_grad():
            for p, w in zip(params, weights, strict=True):
                p.copy_(torch.from_numpy(w.T.copy() if w.ndim == 2 else w))

    def train_step(self, xb, yb) -> float:
        """One forward/backward/update; ``xb``, ``yb`` tensors. Returns the loss tensor's value lazily."""
        self.optimizer.zero_grad(set_to_none=True)
        loss = self.loss_fn(self.model(xb), yb)
        loss.backward()
        self.optimizer.step()
        return loss

    def next_batch(self):
        """Consecutive slices of a fresh permutation each epoch (the last one may be short)."""
        if self.pos >= self.order.numel():
            self.order = torch.randperm(self.x.shape[0], generator=self.gen)
            self.pos = 0
        idx = self.order[self.pos:self.pos + self.batch]
        self.pos += self.batch
        return self.x[idx], self.y[idx]

    def run(self, n: int) -> float:
        """Train ``n`` steps; returns the last batch loss."""
        loss = None
        for _ in range(n):
            loss = self.train_step(*self.next_batch())
        return float(loss.detach()) if loss is not None else float("nan")

    def train_on(self, xb: np.ndarray, yb: np.ndarray) -> float:
        """One step on a given numpy batch (for cross-checks); returns the batch loss."""
        yt = torch.from_numpy(np.ascontiguousarray(yb, np.float32))
        return float(self.train_step(torch.from_numpy(np.ascontiguousarray(xb, np.float32)),
                                     yt[:, 0].long() if self.sparse else yt).detach())

    def __repr__(self) -> str:
        return f"TorchNet({self.model}, fused={self.fused})"
