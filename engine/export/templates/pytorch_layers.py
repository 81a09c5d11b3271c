"""Layers PyTorch lacks, Keras initialisers and the playground's losses (PyTorch templates).

Copied block by block into the generated script (the rules: README.md in this folder).
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

# --------------------------------------------------------------------------------------------
# Layers PyTorch lacks
# --------------------------------------------------------------------------------------------

class BatchRenorm(nn.Module):
    """Batch renormalisation (Ioffe 2017) with one set of moving statistics.

    Training: ``x_hat = (x - mu_B) / sigma_B * r + d`` with ``r = clip(sigma_B / sigma, 1/rmax,
    rmax)``, ``d = clip((mu_B - mu) / sigma, -dmax, dmax)`` computed from the moving statistics
    before this batch's update and held constant in backprop. The moving statistics then move
    towards the batch mean and the unbiased batch variance with ``momentum`` (Keras convention:
    ``moving = momentum * moving + (1 - momentum) * batch``). Inference is plain batch norm.
    Input and output ``(batch, units)``.
    """

    def __init__(self, units: int, momentum: float, epsilon: float, rmax: float, dmax: float,
                 center: bool = True, scale: bool = True):
        super().__init__()
        self.momentum, self.eps, self.rmax, self.dmax = momentum, epsilon, rmax, dmax
        self.weight = nn.Parameter(torch.ones(units), requires_grad=scale)   # gamma
        self.bias = nn.Parameter(torch.zeros(units), requires_grad=center)   # beta
        self.register_buffer("running_mean", torch.zeros(units))             # moving_mean
        self.register_buffer("running_var", torch.ones(units))               # moving_variance

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            x_hat = (x - self.running_mean) / torch.sqrt(self.running_var + self.eps)
            return x_hat * self.weight + self.bias
        m = x.shape[0]
        mu_b = x.mean(dim=0)
        var_b = x.var(dim=0, unbiased=False)
        sigma_b = torch.sqrt(var_b + self.eps)
        with torch.no_grad():
            sigma = torch.sqrt(self.running_var + self.eps)
            r = torch.clamp(sigma_b / sigma, 1.0 / self.rmax, self.rmax)
            d = torch.clamp((mu_b - self.running_mean) / sigma, -self.dmax, self.dmax)
            k = self.momentum
            self.running_mean.mul_(k).add_((1.0 - k) * mu_b)
            self.running_var.mul_(k).add_((1.0 - k) * var_b * (m / max(m - 1, 1)))
        x_hat = (x - mu_b) / sigma_b * r + d
        return x_hat * self.weight + self.bias

    def extra_repr(self) -> str:
        return (f"units={self.weight.numel()}, momentum={self.momentum}, eps={self.eps}, "
                f"rmax={self.rmax}, dmax={self.dmax}")


class FrozenBatchNorm1d(nn.BatchNorm1d):
    """Batch norm of a layer with ``trainable: false``: as in Keras it always runs in inference
    mode (moving statistics, which stay as they are), even while the rest of the model trains."""

    def train(self, mode: bool = True) -> "FrozenBatchNorm1d":
        return super().train(False)


class GaussianNoise(nn.Module):
    """Adds ``N(0, stddev)`` noise in training, the identity at inference (Keras GaussianNoise)."""

    def __init__(self, stddev: float):
        super().__init__()
        self.stddev = stddev

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training and self.stddev > 0:
            return x + torch.randn_like(x) * self.stddev
        return x

    def extra_repr(self) -> str:
        return f"stddev={self.stddev}"


# --------------------------------------------------------------------------------------------
# Initialisers (Keras definitions; fans of the playground kernel (in, out))
# --------------------------------------------------------------------------------------------

def keras_init_(tensor: torch.Tensor, spec: dict, fan_in: int, fan_out: int) -> None:
    """Fill ``tensor`` in place as the Keras initialiser ``spec`` (``{"type": ..., params}``) does.

    The ``*_normal`` variance-scaling initialisers are truncated at 2 standard deviations, with the
    standard deviation corrected for the truncation, as in Keras.
    """
    kind = spec["type"]
    scaled = {"glorot_uniform": (1.0, "fan_avg", "uniform"),
              "glorot_normal": (1.0, "fan_avg", "truncated_normal"),
              "he_uniform": (2.0, "fan_in", "uniform"),
              "he_normal": (2.0, "fan_in", "truncated_normal"),
              "lecun_uniform": (1.0, "fan_in", "uniform"),
              "lecun_normal": (1.0, "fan_in", "truncated_normal")}
    with torch.no_grad():
        if kind in scaled or kind == "variance_scaling":
            scale, mode, dist = scaled.get(kind) or (
                spec.get("scale", 1.0), spec.get("mode", "fan_in"),
                spec.get("distribution", "truncated_normal"))
            n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[mode]
            n = max(1.0, n)
            if dist == "uniform":
                limit = math.sqrt(3.0 * scale / n)
                tensor.uniform_(-limit, limit)
            elif dist == "untruncated_normal":
                tensor.normal_(0.0, math.sqrt(scale / n))
            else:  # truncated_normal: 0.8796... is the std of a unit normal truncated at +-2
                std = math.sqrt(scale / n) / 0.87962566103423978
                nn.init.trunc_normal_(tensor, 0.0, std, -2.0 * std, 2.0 * std)
        elif kind == "random_normal":
            tensor.normal_(spec.get("mean", 0.0), spec.get("stddev", 0.05))
        elif kind == "random_uniform":
            tensor.uniform_(spec.get("minval", -0.05), spec.get("maxval", 0.05))
        elif kind == "truncated_normal":
            mean, std = spec.get("mean", 0.0), spec.get("stddev", 0.05)
            nn.init.trunc_normal_(tensor, mean, std, mean - 2.0 * std, mean + 2.0 * std)
        elif kind in ("zeros", "ones", "constant"):
            tensor.fill_({"zeros": 0.0, "ones": 1.0}.get(kind, spec.get("value", 0.0)))
        else:
            raise ValueError(f"unknown initializer {kind!r}")


# --------------------------------------------------------------------------------------------
# Losses: each returns the per-sample loss (batch,) of the output (batch, K) and targets (batch, T)
# --------------------------------------------------------------------------------------------

def mse(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean squared error, mean over the outputs (no 1/2)."""
    return ((out - y) ** 2).mean(dim=1)


def mae(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean absolute error, mean over the outputs."""
    return (out - y).abs().mean(dim=1)


def binary_crossentropy_from_logits(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Sigmoid cross-entropy from logits ``z``, mean over the outputs (fused, no clipping)."""
    return (torch.clamp(z, min=0) - z * y + torch.log1p(torch.exp(-z.abs()))).mean(dim=1)


def binary_crossentropy(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of probabilities ``p``, clipped to [1e-7, 1 - 1e-7] as Keras does."""
    p = torch.clamp(p, 1e-7, 1.0 - 1e-7)
    return -(y * torch.log(p) + (1.0 - y) * torch.log(1.0 - p)).mean(dim=1)


def categorical_crossentropy_from_logits(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Softmax cross-entropy from logits ``z`` and one-hot ``y``, summed over the classes."""
    return -(y * torch.log_softmax(z, dim=1)).sum(dim=1)


def categorical_crossentropy(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of probabilities (rows renormalised, clipped to [1e-7, 1 - 1e-7], as Keras)."""
    p = torch.clamp(p / p.sum(dim=1, keepdim=True), 1e-7, 1.0 - 1e-7)
    return -(y * torch.log(p)).sum(dim=1)


def sparse_categorical_crossentropy_from_logits(z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Softmax cross-entropy from logits ``z`` and class indices ``y`` (batch, 1)."""
    return -torch.log_softmax(z, dim=1).gather(1, y.long().reshape(-1, 1))[:, 0]


def sparse_categorical_crossentropy(p: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of probabilities and class indices ``y`` (batch, 1), clipped as Keras."""
    p = torch.clamp(p / p.sum(dim=1, keepdim=True), 1e-7, 1.0 - 1e-7)
    return -torch.log(p.gather(1, y.long().reshape(-1, 1))[:, 0])
