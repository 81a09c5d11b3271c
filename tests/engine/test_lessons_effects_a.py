"""Lessons 1-7 show their effect headless, in the direction and at a meaningful fraction of the size
the reference run showed (PyTorch float32, median over 5 seeds; see each test for the figure).

Runs are shortened where the full lesson would take long: narrower layers or fewer steps, with the
reason given in the test. Monitors run only where a test reads them.
"""
from __future__ import annotations

import math
import statistics

import numpy as np
import pytest

from tests.helpers.lessons import (design_of, first_epoch_below, kernels, run_epochs,
                                               session, with_units)


def test_01_he_reaches_low_loss_sooner_than_glorot() -> None:
    """Reference: He reaches loss < 0.2 about 4.4x sooner. Ours (3 seeds): about 3x (24 vs 75
    epochs at seed 0); Glorot's count varies a lot with the seed, so the median is asserted."""
    ratios = []
    for seed in range(3):
        epochs = {}
        for label in ("Glorot", "He"):
            s = session(1, label, seed=seed, monitor_every=0)
            epochs[label] = first_epoch_below(run_epochs(s, 100), 0.2) or 101
        ratios.append(epochs["Glorot"] / epochs["He"])
    assert statistics.median(ratios) > 2.0, ratios


def test_02_batch_norm_rescues_both_bad_initialisations() -> None:
    """Reference: N(0, 1) diverges, N(0, 0.01) stays at 0.693; with BN both train within ~10
    epochs. Ours: N(0, 1) diverges at step 3; BN runs are near 0.25 after 10 epochs."""
    big = session(2, "N(0, 1)", monitor_every=0)
    run_epochs(big, 5)
    assert big.status == "diverged" or big.history[-1]["loss"] > 5.0
    small = session(2, "N(0, 0.01)", monitor_every=0)
    stuck = [h["loss"] for h in run_epochs(small, 10)]
    assert all(abs(v - math.log(2)) < 0.01 for v in stuck), stuck
    for label in ("N(0, 1) + BN", "N(0, 0.01) + BN"):
        s = session(2, label, monitor_every=0)
        losses = [h["loss"] for h in run_epochs(s, 10)]
        assert s.status == "running"
        assert losses[-1] < 0.45 and losses[-1] < 0.6 * math.log(2), (label, losses)


def _layer_ratio(snap, attr: str) -> float:
    dense = [getattr(layer, attr) for layer in snap.layers if layer.type == "dense"]
    return dense[3] / dense[0]


def test_03_first_sigmoid_layer_learns_far_slower_than_the_fourth() -> None:
    """Reference: 4th hidden layer's gradient ~130x the 1st's (sigmoid), ~2x with He + ReLU.
    Ours: the bias gradients (the course's "learning speed") give ~110-140x and ~1.1-1.5x; the
    kernel-gradient ratio of the sigmoid net is ~25-60x (layer 1's kernel is 64x30, the others
    30x30)."""
    sig = session(3, "Sigmoid")
    relu = session(3, "ReLU + He")
    for s in (sig, relu):
        s.run(10)
    snap_sig, snap_relu = sig.run(20), relu.run(20)
    assert _layer_ratio(snap_sig, "bias_grad_norm") > 40.0
    assert _layer_ratio(snap_sig, "grad_norm") > 10.0
    assert 0.3 < _layer_ratio(snap_relu, "bias_grad_norm") < 5.0
    assert 0.2 < _layer_ratio(snap_relu, "grad_norm") < 5.0
    # the sigmoid layers are partly saturated, which is part of the story
    sat = [layer.saturated_fraction for layer in snap_sig.layers if layer.function == "sigmoid"]
    assert max(sat) > 0.05


def _steps_below(label: str, threshold: float = 0.1, limit: int = 300) -> int | None:
    s = session(4, label, monitor_every=0)
    x = np.array([[1.0]])
    assert s.predict(x)[0][0, 0] == pytest.approx(1.0 / (1.0 + math.exp(-4.0)), rel=1e-5)
    for k in range(1, limit + 1):
        s.step()
        if s.predict(x)[0][0, 0] < threshold:
            return k
    return None


def test_04_saturated_neuron_cross_entropy_learns_fast() -> None:
    """Reference: below 0.1 after ~469 steps with 1/2-MSE (~234 with our mse, which has no 1/2),
    ~50 with cross-entropy. Ours: 234 and 50 exactly (float32)."""
    mse, ce = _steps_below("Squared error"), _steps_below("Cross-entropy")
    assert mse is not None and ce is not None
    assert 200 <= mse <= 270 and 40 <= ce <= 60
    assert mse / ce > 3.5


def _dead(snap) -> float:
    return float(np.mean([layer.dead_fraction for layer in snap.layers
                          if layer.dead_fraction is not None]))


def test_05_high_learning_rate_kills_relus_but_not_leaky_ones() -> None:
    """Reference: lr 0.5 -> ~86 % dead, accuracy 0.5; lr 0.01 -> ~16 %; leaky ReLU at lr 0.5
    trains to 1.0; ~11 % dead at initialisation. Ours (seeds 0-7, 40 epochs): 57-80 % dead
    (median ~0.76) and the accuracy stays between 0.5 and 0.77 in 7 of 8 runs (median ~0.63; one
    seed escapes and learns); 11-20 % dead at lr 0.01, which learns in every run; leaky
    0.99-1.0. The lesson's claims are asserted with margins over 8 seeds: most high-rate ReLU
    nets fail to learn while the same nets at lr 0.01 and the leaky ones learn, and most units
    die (several times the share at lr 0.01). A single threshold on the high-rate accuracy sat
    on the edge (0.65 against < 0.65 on some CPUs)."""
    high, low, leaky, at_init = [], [], [], []
    for seed in range(8):
        s = session(5, "ReLU, lr 0.5", seed=seed)
        at_init.append(_dead(s.run(0)))
        high.append((_dead(s.run(s.steps_per_epoch * 40)), s.history[-1]["val_accuracy"]))
        s = session(5, "ReLU, lr 0.01", seed=seed)
        low.append((_dead(s.run(s.steps_per_epoch * 40)), s.history[-1]["val_accuracy"]))
        s = session(5, "Leaky ReLU, lr 0.5", seed=seed, monitor_every=0)
        run_epochs(s, 40)
        leaky.append(s.history[-1]["val_accuracy"])
    dead_high = statistics.median(d for d, _ in high)
    dead_low = statistics.median(d for d, _ in low)
    assert 0.0 < statistics.median(at_init) < 0.3
    assert dead_high > 0.5 and dead_low < 0.3 and dead_high > 3 * dead_low, (high, low)
    failed = sum(a < 0.9 for _, a in high)
    assert failed >= 5, high  # most high-rate ReLU nets do not learn the circle ...
    assert all(a >= 0.9 for _, a in low) and statistics.median(leaky) > 0.9, (low, leaky)
    gap = statistics.median(a for _, a in low) - statistics.median(a for _, a in high)
    assert gap > 0.2, (high, low)  # ... while the same nets at lr 0.01 do


def test_06_dropout_shrinks_the_generalisation_gap() -> None:
    """Reference: the validation-training loss gap shrinks ~8x with dropout 0.5. Shortened: 2x64
    units instead of 2x256 and 300 full-batch epochs instead of 500 (the 256-wide run costs
    ~25-130 ms a step here). Full lesson: gaps ~0.95 and ~0.08 (~11x)."""
    gaps = {}
    for label in ("No dropout", "Dropout 0.5"):
        s = session(6, label, design=with_units(design_of(6, label), 256, 64), monitor_every=0)
        run_epochs(s, 300)
        # inference mode, like the validation loss
        train_loss, _ = s.evaluate(s.data.x_train, s.data.y_train)
        gaps[label] = s.history[-1]["val_loss"] - train_loss
    assert gaps["No dropout"] > 0.3, gaps
    assert gaps["No dropout"] > 3.0 * max(gaps["Dropout 0.5"], 1e-3), gaps


def test_07_l1_zeroes_weights_l2_only_shrinks_them() -> None:
    """Reference: ~98 % of weights below 1e-3 with L1, ~2 % with L2. Full lesson here: 97.8 % and
    1.2 % after 1,500 epochs. Shortened to 2x64 units (same 1,500 epochs): ~80 % and ~0.3 %; the
    narrower net starts with larger He weights, which L1 needs longer to walk to zero."""
    frac = {}
    for label in ("L1", "L2"):
        s = session(7, label, design=with_units(design_of(7, label), 256, 64), monitor_every=0)
        s.run(1500)
        frac[label] = float(np.mean(np.abs(kernels(s)) < 1e-3))
    assert frac["L1"] > 0.6, frac
    assert frac["L2"] < 0.05, frac
