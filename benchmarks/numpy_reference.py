"""A plain numpy implementation of the benchmark networks (the "numpy_reference" rows).

Written the way a careful student would write it with numpy: one ``@`` per dense pass, vectorised
activations, a fused softmax/sigmoid cross-entropy, in-place parameter updates. It follows the design
file (dense, activation, batch_norm, dropout; sgd/adam; BCE/CE/MSE) and docs/NUMERICS.md, so
its losses can be checked against PyTorch on the same weights and batches.
"""
from __future__ import annotations

import math

import numpy as np

from benchmarks.workloads import batch_size

F32 = np.float32


def _init(name: str, fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot/He/LeCun uniform kernels ``(fan_in, fan_out)`` (enough for the benchmark designs)."""
    name = name if isinstance(name, str) else name["type"]
    scale = {"glorot_uniform": 6.0 / (fan_in + fan_out), "he_uniform": 6.0 / fan_in,
             "lecun_uniform": 3.0 / fan_in}.get(name, 6.0 / (fan_in + fan_out))
    lim = math.sqrt(scale)
    return rng.uniform(-lim, lim, size=(fan_in, fan_out)).astype(F32)


class Dense:
    """``y = x @ kernel + bias``; kernel ``(in, out)``."""

    def __init__(self, cfg: dict, n_in: int, rng: np.random.Generator):
        self.kernel = _init(cfg["kernel_initializer"], n_in, int(cfg["units"]), rng)
        self.bias = np.zeros(int(cfg["units"]), F32)
        self.params = [self.kernel, self.bias]
        self.grads = [np.zeros_like(self.kernel), np.zeros_like(self.bias)]

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        self.x = x
        return x @ self.kernel + self.bias

    def backward(self, g: np.ndarray) -> np.ndarray:
        np.matmul(self.x.T, g, out=self.grads[0])
        np.sum(g, axis=0, out=self.grads[1])
        return g @ self.kernel.T

    def __repr__(self) -> str:
        return f"Dense{self.kernel.shape}"


class Activation:
    """Elementwise activation; softmax/sigmoid at the end are fused into the loss instead."""

    params: list = []
    grads: list = []

    def __init__(self, cfg: dict):
        self.function = cfg["function"]
        if self.function not in ("relu", "tanh", "sigmoid", "linear", "softmax"):
            raise ValueError(f"numpy reference has no activation {self.function!r}")

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        f = self.function
        if f == "relu":
            self.y = np.maximum(x, 0)
        elif f == "tanh":
            self.y = np.tanh(x)
        elif f == "sigmoid":
            self.y = 1 / (1 + np.exp(-x))
        else:
            self.y = x
        return self.y

    def backward(self, g: np.ndarray) -> np.ndarray:
        f = self.function
        if f == "relu":
            return g * (self.y > 0)
        if f == "tanh":
            return g * (1 - self.y * self.y)
        if f == "sigmoid":
            return g * self.y * (1 - self.y)
        return g

    def __repr__(self) -> str:
        return f"Activation({self.function})"


class BatchNorm:
    """Batch norm with batch statistics in training and moving averages (unbiased variance)."""

    def __init__(self, cfg: dict, n: int):
        self.momentum, self.eps = float(cfg["momentum"]), float(cfg["epsilon"])
        self.gamma, self.beta = np.ones(n, F32), np.zeros(n, F32)
        self.moving_mean, self.moving_var = np.zeros(n, F32), np.ones(n, F32)
        self.params = [self.gamma, self.beta]
        self.grads = [np.zeros_like(self.gamma), np.zeros_like(self.beta)]

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        if not training:
            return (x - self.moving_mean) / np.sqrt(self.moving_var + self.eps) * self.gamma + self.beta
        m = x.shape[0]
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        self.inv_std = 1 / np.sqrt(var + self.eps)
        self.x_hat = (x - mu) * self.inv_std
        a = 1 - self.momentum
        self.moving_mean += a * (mu - self.moving_mean)
        self.moving_var += a * (var * (m / max(m - 1, 1)) - self.moving_var)
        return self.x_hat * self.gamma + self.beta

    def backward(self, g: np.ndarray) -> np.ndarray:
        np.sum(g * self.x_hat, axis=0, out=self.grads[0])
        np.sum(g, axis=0, out=self.grads[1])
        m = g.shape[0]
        gx = g * self.gamma
        return (self.inv_std / m) * (m * gx - gx.sum(axis=0) - self.x_hat * (gx * self.x_hat).sum(axis=0))

    def __repr__(self) -> str:
        return f"BatchNorm({self.gamma.shape[0]})"


class Dropout:
    """Inverted dropout: kept units divided by ``1 - rate`` in training."""

    params: list = []
    grads: list = []

    def __init__(self, cfg: dict, rng: np.random.Generator):
        self.rate, self.rng = float(cfg["rate"]), rng

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        if not training or self.rate == 0:
            self.mask = None
            return x
        self.mask = (self.rng.random(x.shape, dtype=F32) >= self.rate) * F32(1 / (1 - self.rate))
        return x * self.mask

    def backward(self, g: np.ndarray) -> np.ndarray:
        return g if self.mask is None else g * self.mask

    def __repr__(self) -> str:
        return f"Dropout({self.rate})"


def _loss(kind: str, fused: str | None, out: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean loss over the batch and its gradient w.r.t. ``out (B, K)`` (logits when ``fused``)."""
    b = out.shape[0]
    if fused == "sigmoid" and kind == "binary_crossentropy":
        loss = np.maximum(out, 0) - out * y + np.log1p(np.exp(-np.abs(out)))
        return float(loss.mean()), (1 / (1 + np.exp(-out)) - y) / F32(out.size)
    if fused == "softmax" and kind in ("categorical_crossentropy", "sparse_categorical_crossentropy"):
        z = out - out.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        p = e / s
        if kind == "sparse_categorical_crossentropy":
            idx = y[:, 0].astype(np.intp)
            loss = np.log(s[:, 0]) - z[np.arange(b), idx]
            p[np.arange(b), idx] -= 1
        else:
            loss = (y * (np.log(s) - z)).sum(axis=1)
            p -= y
        return float(loss.mean()), p / F32(b)
    if kind == "mse" and fused is None:
        d = out - y
        return float((d * d).mean()), d * F32(2 / d.size)
    raise ValueError(f"numpy reference has no loss {kind!r} after {fused!r}")


class Optimizer:
    """SGD (with optional momentum) or Adam in Keras's epsilon-hat form, updating in place."""

    def __init__(self, cfg: dict, params: list[np.ndarray]):
        self.kind, self.lr = cfg["type"], float(cfg["learning_rate"])
        if self.kind not in ("sgd", "adam"):
            raise ValueError(f"numpy reference has no optimizer {self.kind!r}")
        self.momentum = float(cfg.get("momentum", 0.0) or 0.0)
        self.b1, self.b2 = float(cfg.get("beta_1", 0.9)), float(cfg.get("beta_2", 0.999))
        self.eps = float(cfg.get("epsilon", 1e-7))
        self.slots = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
        self.t = 0

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        self.t += 1
        if self.kind == "adam":
            a = F32(self.lr * math.sqrt(1 - self.b2 ** self.t) / (1 - self.b1 ** self.t))
            for w, g, (m, v) in zip(params, grads, self.slots):
                m += (1 - self.b1) * (g - m)
                v += (1 - self.b2) * (g * g - v)
                w -= a * m / (np.sqrt(v) + F32(self.eps))
        elif self.momentum:
            for w, g, (v, _) in zip(params, grads, self.slots):
                v *= F32(self.momentum)
                v -= F32(self.lr) * g
                w += v
        else:
            for w, g in zip(params, grads):
                w -= F32(self.lr) * g

    def __repr__(self) -> str:
        return f"Optimizer({self.kind}, lr={self.lr})"


class NumpyNet:
    """The design's network, loss and optimiser in plain numpy, trained on ``x (n, f)``, ``y (n, t)``."""

    def __init__(self, design: dict, x: np.ndarray, y: np.ndarray, seed: int = 0):
        rng = np.random.default_rng(seed)
        self.layers: list = []
        width = int(design["model"]["input_dim"])
        cfgs = design["model"]["layers"]
        self.fused = None
        last = cfgs[-1]
        if last["type"] == "activation" and last["function"] in ("sigmoid", "softmax") \
                and "crossentropy" in design["loss"]["type"]:
            self.fused, cfgs = last["function"], cfgs[:-1]
        for cfg in cfgs:
            if cfg["type"] == "dense":
                self.layers.append(Dense(cfg, width, rng))
                width = int(cfg["units"])
            elif cfg["type"] == "activation":
                self.layers.append(Activation(cfg))
            elif cfg["type"] == "batch_norm":
                self.layers.append(BatchNorm(cfg, width))
            elif cfg["type"] == "dropout":
                self.layers.append(Dropout(cfg, rng))
            else:
                raise ValueError(f"numpy reference has no layer {cfg['type']!r}")
        self.params = [p for layer in self.layers for p in layer.params]
        self.grads = [g for layer in self.layers for g in layer.grads]
        self.loss_type = design["loss"]["type"]
        self.optimizer = Optimizer(design["optimizer"], self.params)
        self.x, self.y = np.ascontiguousarray(x, F32), np.ascontiguousarray(y, F32)
        self.batch = batch_size(design)
        self.rng = rng
        self.shuffle = bool(design["training"].get("shuffle", True))
        self.order = np.arange(0)
        self.pos = 0
        self.last_loss = float("nan")

    def train_step(self, xb: np.ndarray, yb: np.ndarray) -> float:
        """Forward, backward and update on one batch; returns the batch loss."""
        h = xb
        for layer in self.layers:
            h = layer.forward(h, True)
        loss, g = _loss(self.loss_type, self.fused, h, yb)
        for layer in reversed(self.layers):
            g = layer.backward(g)
        self.optimizer.update(self.params, self.grads)
        return loss

    def next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        """A fresh batch: consecutive slices of a new permutation each epoch (last one may be short)."""
        if self.pos >= self.order.size:
            n = self.x.shape[0]
            self.order = self.rng.permutation(n) if self.shuffle else np.arange(n)
            self.pos = 0
        idx = self.order[self.pos:self.pos + self.batch]
        self.pos += self.batch
        return self.x[idx], self.y[idx]

    def run(self, n: int) -> float:
        """Train ``n`` steps; returns the last batch loss."""
        for _ in range(n):
            self.last_loss = self.train_step(*self.next_batch())
        return self.last_loss

    def get_weights(self) -> list[np.ndarray]:
        """The parameters in layer order (dense: kernel, bias; batch norm: gamma, beta)."""
        return [p.copy() for p in self.params]

    def weights_by_key(self) -> dict[str, np.ndarray]:
        """The parameters under docs/FORMAT.md's weights keys (``layers.{i}.kernel``, ...).

        ``i`` indexes the design's layers (the fused output activation comes last and has none).
        """
        names = {Dense: ("kernel", "bias"), BatchNorm: ("gamma", "beta")}
        out = {}
        for index, layer in enumerate(self.layers):
            for name, p in zip(names.get(type(layer), ()), layer.params):
                out[f"layers.{index}.{name}"] = p.copy()
        return out

    def __repr__(self) -> str:
        return f"NumpyNet({self.layers}, fused={self.fused})"
