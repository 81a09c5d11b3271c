"""Chaos: random worker commands into the real app (offscreen, the real engine), as a student
clicking and typing at random would send them, with absurd values among the sensible ones.

    .venv/bin/python -m scripts.chaos_app [--commands 2000] [--seed 0] [--design ...json]

Commands: play, pause, step, epoch, reset, speed, learning rate, optimiser, schedule, batch size,
run length, layer options, structural edits (insert, remove, reorder, resize, another
activation), rebuilds with another loss or data set, refresh, the uncertainty band, checkpoints.
Every error the worker reports is counted: a refusal (``BadInput``) is fine, anything else is a
defect; the window must show at most one message window at any time (the diverged-run question
counted too). The last line is
``chaos: commands=… refusals=… errors=… max_message_windows=… steps=…`` (steps trained in
all); exit code 0, or 1
when there were errors or more than one message window.
"""
from __future__ import annotations

import argparse
import copy
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DESIGN = ROOT / "resources" / "designs" / "spiral_relu_batchnorm.json"
ODD_NUMBERS = [0.0, -1.0, 1e-12, 1e9, 1e300, float("nan"), float("inf"), -float("inf")]
ACTIVATIONS = ["relu", "tanh", "sigmoid", "softmax", "linear", "elu", "selu", "leaky_relu"]
OPTIMIZERS = ["sgd", "adagrad", "rmsprop", "adam", "adamax", "nadam", "adamw"]
SCHEDULES = [{"type": "constant"}, {"type": "exponential", "decay_rate": 0.9, "decay_steps": 10},
             {"type": "one_cycle", "max_lr": 0.1, "total_steps": 100},
             {"type": "reduce_on_plateau", "patience": 2}, {"type": "power", "power": -1.0},
             {"type": "piecewise_constant", "boundaries": [10], "values": [0.1]},
             {"type": "linear"}, {"type": "exponential", "decay_rate": float("nan")}]
LOSSES = ["mse", "mae", "binary_crossentropy", "categorical_crossentropy",
          "sparse_categorical_crossentropy"]
DATASETS = ["circle", "xor", "spiral", "sine_1d", "digits", "plane", "multi_gaussian"]


def number(rng: random.Random, sensible: list[float]) -> float:
    """A sensible value most of the time, an absurd one sometimes."""
    return rng.choice(ODD_NUMBERS) if rng.random() < 0.25 else rng.choice(sensible)


def random_layer(rng: random.Random) -> dict:
    kind = rng.choice(["dense", "activation", "batch_norm", "layer_norm", "dropout",
                       "alpha_dropout", "gaussian_noise"])
    if kind == "dense":
        return {"type": "dense", "units": rng.choice([1, 2, 3, 8, 16, 64, 512, 4096])}
    if kind == "activation":
        return {"type": "activation", "function": rng.choice(ACTIVATIONS)}
    if kind in ("dropout", "alpha_dropout"):
        return {"type": kind, "rate": rng.choice([0.0, 0.1, 0.5, 0.9])}
    if kind == "gaussian_noise":
        return {"type": kind, "stddev": rng.choice([0.0, 0.1, 2.0])}
    return {"type": kind}


def model_edit(rng: random.Random, layers: list[dict], counter: list[int]) -> list[dict]:
    """The layer list after one random structural edit (as the stack makes them)."""
    layers = [dict(layer) for layer in layers]
    kind = rng.choice(["insert", "remove", "move", "resize", "activation"])
    if kind == "insert" or not layers:
        counter[0] += 1
        layers.insert(rng.randrange(len(layers) + 1), dict(random_layer(rng),
                                                          id=f"c{counter[0]}"))
    elif kind == "remove" and len(layers) > 1:
        layers.pop(rng.randrange(len(layers)))
    elif kind == "move":
        layers.insert(rng.randrange(len(layers)), layers.pop(rng.randrange(len(layers))))
    elif kind == "resize":
        dense = [i for i, layer in enumerate(layers) if layer.get("type") == "dense"]
        if dense:
            layers[rng.choice(dense)]["units"] = rng.choice([1, 2, 5, 16, 300, 4096])
    else:
        acts = [i for i, layer in enumerate(layers) if layer.get("type") == "activation"]
        if acts:
            layers[rng.choice(acts)]["function"] = rng.choice(ACTIVATIONS)
    return layers


def random_command(rng: random.Random, design: dict, state: dict) -> tuple[str, dict]:
    """One random worker command and its arguments; ``state`` holds the layers last sent."""
    layers = state["layers"]
    ids = [str(layer.get("id")) for layer in layers] + ["nope"]
    pick = rng.random()
    if pick < 0.10:
        return rng.choice([("play", {}), ("pause", {}), ("epoch", {}), ("refresh", {})])
    if pick < 0.20:
        return "step", {"n": rng.choice([1, 2, 5, 20, 50])}
    if pick < 0.24:
        return "reset", {"seed": rng.choice([None, 0, 1, 2**31])}
    if pick < 0.28:
        return "speed", rng.choice([{"steps": rng.choice([-1, 0, 1, 10])},
                                    {"steps": 1, "per_second": rng.choice([1.0, 5.0])}])
    if pick < 0.36:
        return "lr", {"value": number(rng, [0.001, 0.01, 0.1, 1.0])}
    if pick < 0.42:
        cfg = {"type": rng.choice(OPTIMIZERS), "learning_rate": number(rng, [0.001, 0.01])}
        if rng.random() < 0.3:
            cfg[rng.choice(["beta_1", "momentum", "epsilon", "clipnorm"])] = number(rng, [0.5])
        return "optimizer", {"config": cfg}
    if pick < 0.47:
        return "schedule", {"config": dict(rng.choice(SCHEDULES))}
    if pick < 0.53:
        return "batch_size", {"value": rng.choice([1, 8, 32, 500, "full", 0, -3, 10**9])}
    if pick < 0.57:
        return "training", rng.choice([{"epochs": rng.choice([1, 5, 1000, 0])},
                                       {"early_stopping": None},
                                       {"early_stopping": {"monitor": "val_loss",
                                                           "patience": 2}}])
    if pick < 0.67:
        opts = {rng.choice(["enabled", "renorm", "rate", "trainable", "l1", "l2", "max_norm",
                            "momentum", "stddev", "alpha"]):
                rng.choice([True, False, 0.0, 0.5, 1.5, -1.0, float("nan"), 3.0])}
        return "layer_options", {"changes": [(rng.choice(ids), opts)], "label": "chaos"}
    if pick < 0.85:
        base = state["good"] if rng.random() < 0.7 else layers  # mostly from a model that fits
        new = model_edit(rng, base, state["counter"])
        state["layers"] = new
        state["tag"] += 1
        state["sent"][state["tag"]] = new
        return "apply_model", {"layers": new, "label": "chaos edit", "tag": state["tag"]}
    if pick < 0.90:
        changed = copy.deepcopy(design)
        changed["model"]["layers"] = copy.deepcopy(layers)
        if rng.random() < 0.5:
            changed["loss"] = {"type": rng.choice(LOSSES)}
        else:
            changed["data"] = {"dataset": rng.choice(DATASETS), "samples": 200}
        return "build", {"design": changed, "base_dir": None, "keep_history": True,
                         "label": "chaos rebuild"}
    if pick < 0.94:
        return "uncertainty", {"on": rng.random() < 0.5}
    return "checkpoint", {"path": state["checkpoint"]}


def _pump(app: Any, seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    QTimer.singleShot(max(0, int(seconds * 1000)), loop.quit)
    loop.exec()


def _message_windows() -> int:
    from PySide6.QtWidgets import QApplication, QMessageBox
    return sum(1 for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())


def chaos(design_path: Path, commands: int, seed: int, quiet: bool = False) -> int:
    """Run the chaos; returns the exit code (prints the report line)."""
    from playground.main import install_extras, make_app, throwaway_settings
    app = make_app()
    from playground import engine_bridge
    from playground.main_window import MainWindow
    design = engine_bridge.load_design_dict(str(design_path))
    win = MainWindow(design, str(design_path), settings=throwaway_settings())
    install_extras(win)
    win.files.ask = lambda: "discard"
    refusals: list[str] = []
    errors: list[str] = []
    win.worker.failed.connect(lambda info: (refusals if info.get("bad_input") else errors)
                              .append(f"{info.get('command')}: {info.get('text')}"))
    win.show()
    t_end = time.monotonic() + 600
    while win.controller.latest() is None and time.monotonic() < t_end:
        _pump(app, 0.1)
    rng = random.Random(seed)
    folder = tempfile.mkdtemp(prefix="playground-chaos-")
    state = {"layers": copy.deepcopy(design["model"]["layers"]), "counter": [0],
             "checkpoint": os.path.join(folder, "chaos.npz"), "tag": 10**9, "sent": {},
             "good": copy.deepcopy(design["model"]["layers"])}

    def accepted(tag: int) -> None:  # an edit the session took: later edits start from it
        if tag in state["sent"]:
            state["good"] = state["sent"].pop(tag)
    win.worker.accepted.connect(accepted)
    most_windows = 0
    t0 = time.monotonic()
    for k in range(commands):
        name, kw = random_command(rng, design, state)
        win.controller.post(name, **kw)
        if k % 10 == 9:
            _pump(app, 0.03)  # the window draws, the errors arrive
            most_windows = max(most_windows, _message_windows())
        if k % 200 == 199 and not quiet:
            print(f"{k + 1} commands, {len(refusals)} refusals, {len(errors)} errors, "
                  f"{time.monotonic() - t0:.0f} s", flush=True)
    win.controller.post("pause")
    t_end = time.monotonic() + 300
    while not win.worker._commands.empty() and time.monotonic() < t_end:
        _pump(app, 0.1)
    _pump(app, 0.5)
    most_windows = max(most_windows, _message_windows())
    steps = win.worker.steps_run
    win.close()
    win.shutdown()
    print(f"chaos: commands={commands} refusals={len(refusals)} errors={len(errors)} "
          f"max_message_windows={most_windows} steps={steps}", flush=True)
    for text in errors[:10]:
        print(f"error: {text}", flush=True)
    if not quiet:
        from collections import Counter
        kinds = Counter(text.split(":")[0] for text in refusals)
        print("refusals by command: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
        for text in sorted(set(refusals))[:12]:
            print(f"  refused: {text[:150]}")
    from playground.threads import finish_process
    return finish_process(1 if errors or most_windows > 1 else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--design", type=Path, default=DEFAULT_DESIGN)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if "NETWORK_PLAYGROUND_HOME" not in os.environ:
        os.environ["NETWORK_PLAYGROUND_HOME"] = tempfile.mkdtemp(prefix="playground-chaos-")
    return chaos(args.design, args.commands, args.seed, args.quiet)


if __name__ == "__main__":
    sys.exit(main())
