"""Penalties, data and weights loading, the training loop and the command line (PyTorch templates).

Copied block by block into the generated script (the rules: README.md in this folder).
"""
from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
import torch
from torch import nn

# Written by the exporter for each design (declared here only so that this file reads as code).
SEED = 0
DATA_FILE = "data.npz"
DEFAULT_WEIGHTS = None
LOSS_TYPE = "mse"
FUSED_OUTPUT = False
CLASS_WEIGHTS = None
PENALTIES = []
MAX_NORMS = []
BATCH_SIZE = None
EPOCHS = 1
SHUFFLE = True
EARLY_STOPPING = None


def build_model() -> nn.Sequential: ...
def make_optimizer(params: list) -> "KerasOptimizer": ...
def make_schedule() -> "Schedule": ...
def per_sample_loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor: ...


# --------------------------------------------------------------------------------------------
# Class weights, penalties and constraints
# --------------------------------------------------------------------------------------------

def sample_weights(y: torch.Tensor) -> torch.Tensor:
    """Per-sample weights (batch,) from ``CLASS_WEIGHTS`` (weight per class index; ones if None).

    The class of a sample: one target column (binary labels or sparse class indices): its rounded
    value; several columns (one-hot): the argmax. Classes beyond the table weigh 1.
    """
    if CLASS_WEIGHTS is None:
        return torch.ones(y.shape[0], dtype=y.dtype)
    labels = torch.round(y[:, 0]).clamp(min=0).long() if y.shape[1] == 1 else y.argmax(dim=1)
    table = torch.tensor(list(CLASS_WEIGHTS) + [1.0], dtype=y.dtype)
    return table[labels.clamp(max=len(CLASS_WEIGHTS))]


def penalty(model: nn.Sequential) -> torch.Tensor:
    """L1/L2 penalties on dense kernels: ``l1 * sum|w| + l2 * sum w**2`` over ``PENALTIES``."""
    total = torch.zeros(())
    for index, l1, l2 in PENALTIES:
        w = model[index].weight  # dense weight (out, in) = kernel.T
        if l1:
            total = total + l1 * w.abs().sum()
        if l2:
            total = total + l2 * (w * w).sum()
    return total


def apply_max_norm(model: nn.Sequential) -> None:
    """Rescale each unit's incoming weights (a kernel column, a row of ``weight``) to norm <= r."""
    with torch.no_grad():
        for index, max_norm in MAX_NORMS:
            w = model[index].weight
            norms = w.norm(dim=1, keepdim=True)
            w.mul_(torch.where(norms > max_norm, max_norm / norms.clamp(min=1e-30), 1.0))


# --------------------------------------------------------------------------------------------
# Data, weights, training loop and command line
# --------------------------------------------------------------------------------------------

WEIGHT_NAMES = {"kernel": "weight", "bias": "bias", "gamma": "weight", "beta": "bias",
                "moving_mean": "running_mean", "moving_variance": "running_var", "alpha": "weight"}


def epoch_order(n: int, epoch: int) -> np.ndarray:
    """The order of the ``n`` training samples in ``epoch`` (from 0): the playground's own shuffle,
    so batches match its runs. A Fisher-Yates shuffle of 0..n-1 whose draw for position i (n-1 down
    to 1) is splitmix64(base ^ i), base = splitmix64(splitmix64(splitmix64(SEED) ^ epoch) ^ KEY),
    mapped to [0, i] by a 64-bit multiply-high."""
    if not SHUFFLE:
        return np.arange(n)

    def splitmix64(z: np.ndarray) -> np.ndarray:  # uint64 arrays wrap around silently
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))

    key = np.uint64(0xB4DA1EB0ABD1EDB)
    base = splitmix64(splitmix64(splitmix64(np.array([SEED], np.uint64)) ^ np.uint64(epoch)) ^ key)
    i = np.arange(n, dtype=np.uint64)
    h = splitmix64(base ^ i)
    m = i + np.uint64(1)
    low = (h & np.uint64(0xFFFFFFFF)) * m
    draws = (((h >> np.uint64(32)) * m + (low >> np.uint64(32))) >> np.uint64(32)).tolist()
    order = list(range(n))
    for k in range(n - 1, 0, -1):
        j = draws[k]
        order[k], order[j] = order[j], order[k]
    return np.array(order, dtype=np.int64)


def load_data(path: Path) -> dict:
    """``x_train (n, features)``, ``y_train (n, targets)`` and, when present, ``x_val``, ``y_val``
    from the .npz written beside this script (already split and standardised)."""
    dtype = torch.get_default_dtype()
    with np.load(path, allow_pickle=False) as arrays:
        return {key: torch.as_tensor(np.asarray(arrays[key], dtype=np.float64)).to(dtype)
                for key in ("x_train", "y_train", "x_val", "y_val") if key in arrays.files}


def load_weights(model: nn.Sequential, path: Path) -> None:
    """Copy playground weights (keys ``layers.{i}.{name}``, kernels ``(in, out)``) into the model.

    Other keys (a checkpoint's ``optimizer.*``, ``meta.json``) and layers that are switched off in
    the design (``nn.Identity`` here) are skipped; a shape mismatch is an error naming the key.
    """
    with np.load(path, allow_pickle=False) as arrays:
        for key in arrays.files:
            parts = key.split(".")
            if len(parts) != 3 or parts[0] != "layers" or parts[2] not in WEIGHT_NAMES:
                continue
            module = model[int(parts[1])]
            if isinstance(module, nn.Identity):
                continue
            target = getattr(module, WEIGHT_NAMES[parts[2]])
            value = torch.as_tensor(np.asarray(arrays[key], dtype=np.float64))
            if parts[2] == "kernel":
                value = value.T
            if tuple(value.shape) != tuple(target.shape):
                raise ValueError(f"{key}: shape {tuple(value.shape)} does not fit "
                                 f"{tuple(target.shape)} in {module}")
            with torch.no_grad():
                target.copy_(value.to(target.dtype))


def forward(model: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
    """The network output, or the logits (without the last sigmoid/softmax) when the loss is fused."""
    return model[:-1](x) if FUSED_OUTPUT else model(x)


def training_loss(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor,
                  sw: torch.Tensor) -> tuple:
    """(``mean_i sw_i * loss_i`` plus the L1/L2 penalties: the loss the playground reports, the
    network's output or logits (batch, K))."""
    out = forward(model, x)
    return (sw * per_sample_loss(out, y)).mean() + penalty(model), out


def accuracy(out: torch.Tensor, y: torch.Tensor) -> float | None:
    """Fraction of correct predictions for the classification losses, else None."""
    if LOSS_TYPE == "binary_crossentropy":
        return ((out > (0.0 if FUSED_OUTPUT else 0.5)) == (y > 0.5)).to(y.dtype).mean().item()
    if LOSS_TYPE == "categorical_crossentropy":
        return (out.argmax(dim=1) == y.argmax(dim=1)).to(y.dtype).mean().item()
    if LOSS_TYPE == "sparse_categorical_crossentropy":
        return (out.argmax(dim=1) == y[:, 0].long()).to(y.dtype).mean().item()
    return None


@torch.no_grad()
def evaluate(model: nn.Sequential, x: torch.Tensor, y: torch.Tensor) -> tuple:
    """(loss with penalties, accuracy or None) in inference mode, without class weights."""
    model.eval()
    out = forward(model, x)
    loss = per_sample_loss(out, y).mean() + penalty(model)
    model.train()
    return loss.item(), accuracy(out, y)


class EarlyStopping:
    """Keras EarlyStopping on ``monitor``: ``loss``, ``val_loss`` (``loss`` without validation
    data), ``accuracy`` or ``val_accuracy`` (these two are maximised)."""

    def __init__(self, monitor: str = "val_loss", patience: int = 0, restore_best: bool = False,
                 min_delta: float = 0.0):
        self.monitor, self.patience, self.restore_best = monitor, patience, restore_best
        self.min_delta, self.maximise = abs(min_delta), "acc" in monitor
        self.best, self.wait, self.best_state = None, 0, None

    def epoch_end(self, logs: dict, model: nn.Module, epoch: int) -> bool:
        """Record epoch ``epoch`` (from 1); True when training should stop (best weights restored)."""
        value = logs.get(self.monitor)
        if value is None and self.monitor == "val_loss":
            value = logs.get("loss")
        if value is None:
            return False
        if self.restore_best and self.best_state is None:
            self.best_state = {k: v.clone() for k, v in model.state_dict().items()}
        self.wait += 1
        if self.best is None or (value > self.best + self.min_delta if self.maximise
                                 else value < self.best - self.min_delta):
            self.best, self.wait = value, 0
            if self.restore_best:
                self.best_state = {k: v.clone() for k, v in model.state_dict().items()}
            return False
        if self.wait >= self.patience and epoch > 1:
            if self.restore_best:
                model.load_state_dict(self.best_state)
            return True
        return False


def train_epoch(model, optimizer, schedule, data: dict, sw: torch.Tensor, epoch: int,
                losses: list, max_steps: int | None, print_losses: bool) -> dict | None:
    """One pass over the shuffled training data in batches of ``BATCH_SIZE`` (the last one may be
    smaller); appends each step's loss to ``losses``. Returns the epoch's logs, or None when
    ``max_steps`` ended it early."""
    x, y = data["x_train"], data["y_train"]
    n = x.shape[0]
    batch = n if BATCH_SIZE is None else min(int(BATCH_SIZE), n)
    order = torch.from_numpy(epoch_order(n, epoch - 1).astype(np.int64))
    batch_losses, batch_accuracies = [], []
    for start in range(0, n, batch):
        if max_steps is not None and len(losses) >= max_steps:
            return None
        idx = order[start:start + batch]
        lr, momentum = schedule.rate(len(losses))
        optimizer.zero_grad()
        loss, out = training_loss(model, x[idx], y[idx], sw[idx])
        loss.backward()
        optimizer.step(lr, momentum)
        apply_max_norm(model)
        losses.append(loss.item())
        batch_losses.append(loss.item())
        batch_accuracies.append(accuracy(out.detach(), y[idx]))
        if print_losses:
            print(f"step {len(losses)} loss {loss.item():.10g}", flush=True)
    logs = {"loss": float(np.mean(batch_losses)), "accuracy": None}
    if batch_accuracies[0] is not None:
        logs["accuracy"] = float(np.mean(batch_accuracies))
    if "x_val" in data and data["x_val"].shape[0] > 0:
        logs["val_loss"], logs["val_accuracy"] = evaluate(model, data["x_val"], data["y_val"])
    return {k: v for k, v in logs.items() if v is not None}


def train(model: nn.Sequential, data: dict, max_steps: int | None = None, epochs: int = EPOCHS,
          print_losses: bool = False) -> list:
    """Train as the playground does; returns the loss of every step (penalties included).

    With ``max_steps`` the run stops after that many optimiser updates, whatever ``epochs`` says.
    """
    optimizer, schedule = make_optimizer(list(model.parameters())), make_schedule()
    n = data["x_train"].shape[0]
    batch = n if BATCH_SIZE is None else min(int(BATCH_SIZE), n)
    schedule.set_total_steps(epochs * math.ceil(n / batch))
    stopper = EarlyStopping(**EARLY_STOPPING) if EARLY_STOPPING else None
    sw = sample_weights(data["y_train"])
    losses, epoch = [], 0
    model.train()
    while epoch < epochs if max_steps is None else len(losses) < max_steps:
        epoch += 1
        logs = train_epoch(model, optimizer, schedule, data, sw, epoch, losses, max_steps,
                           print_losses)
        if logs is None:
            break
        schedule.epoch_end(logs)
        if not print_losses:
            print(f"epoch {epoch}: " + ", ".join(f"{k} {v:.6g}" for k, v in logs.items()),
                  flush=True)
        if stopper and stopper.epoch_end(logs, model, epoch):
            print(f"early stopping after epoch {epoch}", flush=True)
            break
    return losses


def main(argv: list | None = None) -> None:
    """Command line: ``python THIS.py [--steps N] [--epochs N] [--weights W.npz] [--print-losses]``."""
    parser = argparse.ArgumentParser(description="Train the exported network with PyTorch.")
    parser.add_argument("--steps", type=int, help="stop after N optimiser updates")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="number of epochs")
    parser.add_argument("--weights", help="initial weights (.npz with keys layers.{i}.{name})")
    parser.add_argument("--data", help="data .npz (default: the one written beside this file)")
    parser.add_argument("--print-losses", action="store_true", help="print one loss per step")
    parser.add_argument("--float64", action="store_true", help="train in double precision")
    args = parser.parse_args(argv)
    if args.float64:
        torch.set_default_dtype(torch.float64)
    torch.manual_seed(SEED)
    here = Path(__file__).resolve().parent
    data = load_data(Path(args.data) if args.data else here / DATA_FILE)
    model = build_model()
    weights = args.weights or DEFAULT_WEIGHTS
    if weights:
        load_weights(model, here / weights if not Path(weights).is_absolute() else Path(weights))
    train(model, data, max_steps=args.steps, epochs=args.epochs, print_losses=args.print_losses)
