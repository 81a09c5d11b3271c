"""Soak: the app offscreen on a shipped design, every dashboard drawn, a random live edit every
few seconds, for a given time; prints the process's resident memory (RSS) over time.

    .venv/bin/python -m scripts.soak_app [--minutes 60] [--design resources/designs/...json]
                                         [--edit-every 3] [--report-every 60] [--seed 0]

The goal (issue 10): memory growth under 5 % from the 5-minute mark to the end of a one-hour
run. The edits are what a student does mid-training through the document (as the widgets do):
batch norm and dropout on/off, the learning rate, the dropout rate, the batch size, the
optimiser, a layer inserted or removed, undo and redo. Training runs at full speed with the
run's length raised so that it never ends. The last line is
``soak: rss_mb_at_5min=… rss_mb_end=… growth_pct=… steps=… edits=… refusals=… errors=…
resets=…`` (resets: runs that a random edit made diverge, reset so that training goes on).
The exit code is 0, or 1 when the app reported an error other than a refusal (a BadInput).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DESIGN = ROOT / "resources" / "designs" / "spiral_relu_batchnorm.json"
BASELINE_S = 300.0  # growth is measured from the 5-minute mark


def rss_mb() -> float:
    """The process's resident set size in MB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def random_edit(doc: Any, rng: random.Random) -> str:
    """One random live edit of the document, as the widgets make them; returns its name."""
    layers = doc.layers
    kinds = ["bn", "dropout", "lr", "rate", "batch", "optimizer", "insert", "remove", "undo",
             "redo"]
    kind = rng.choice(kinds)
    if kind in ("bn", "dropout"):
        types = ("batch_norm",) if kind == "bn" else ("dropout",)
        hits = [i for i, cfg in enumerate(layers) if cfg.get("type") in types]
        if hits:
            value = not layers[hits[0]].get("enabled", True)
            doc.set_layer_options([(i, "enabled", value) for i in hits], f"{kind} toggled")
    elif kind == "lr":
        doc.set_value("optimizer", "learning_rate", rng.choice([0.001, 0.003, 0.01, 0.03]))
    elif kind == "rate":
        hits = [i for i, cfg in enumerate(layers) if cfg.get("type") == "dropout"]
        if hits:
            doc.set_layer_option(hits[0], "rate", rng.choice([0.0, 0.1, 0.2, 0.3]))
    elif kind == "batch":
        doc.set_value("training", "batch_size", rng.choice([8, 16, 32, 64]))
    elif kind == "optimizer":
        lr = doc.section("optimizer").get("learning_rate", 0.01)
        doc.set_section("optimizer", {"type": rng.choice(["adam", "sgd", "rmsprop"]),
                                      "learning_rate": lr})
    elif kind == "insert":
        hidden = [i for i, cfg in enumerate(layers) if cfg.get("type") == "activation"][:-1]
        if hidden and len(layers) < 14:
            at = rng.choice(hidden) + 1
            doc.insert_layer(at, rng.choice([{"type": "dense", "units": rng.choice([4, 8, 16])},
                                             {"type": "dropout", "rate": 0.1},
                                             {"type": "activation", "function": "tanh"}]))
    elif kind == "remove":
        extra = [i for i, cfg in enumerate(layers)
                 if str(cfg.get("id", "")).startswith(("d", "do", "a")) and i < len(layers) - 2
                 and cfg.get("id") not in _ORIGINAL]
        if extra:
            doc.remove_layer(rng.choice(extra))
    elif kind == "undo":
        doc.undo()
    else:
        doc.redo()
    return kind


_ORIGINAL: set = set()


def _pump(app: Any, seconds: float) -> None:
    """Run the event loop for ``seconds`` (timers fire, frames are drawn)."""
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def soak(design_path: Path, seconds: float, edit_every: float, report_every: float,
         seed: int) -> int:
    """Run the soak; returns the exit code (prints the report lines)."""
    from playground.main import install_extras, make_app, throwaway_settings
    app = make_app()
    from playground import engine_bridge
    from playground.main_window import MainWindow
    design = engine_bridge.load_design_dict(str(design_path))
    design.setdefault("training", {})["epochs"] = 1_000_000
    design["training"]["early_stopping"] = None
    win = MainWindow(design, str(design_path), settings=throwaway_settings())
    install_extras(win)
    errors: list[str] = []
    refusals: list[str] = []
    win.worker.failed.connect(lambda info: (refusals if info.get("bad_input") else errors)
                              .append(info.get("text", "")))
    win.notify = lambda title, text: errors.append(f"{title}: {text}")
    win.files.ask = lambda: "discard"
    win.resize(1600, 1000)
    win.show()
    win.draw_all = True
    win.on_screen_only = False
    _ORIGINAL.update(str(cfg.get("id")) for cfg in win.doc.layers)
    t_end = time.monotonic() + 600
    while win.controller.latest() is None and time.monotonic() < t_end:
        _pump(app, 0.2)
    win.bar.speed.setValue(-1)  # full speed
    win.run.play()
    rng = random.Random(seed)
    t0 = time.monotonic()
    next_edit, next_report = t0 + edit_every, t0
    baseline: float | None = None
    edits = resets = 0
    samples: list[tuple[float, float, float]] = []  # (seconds, rss MB, rewind ring MB)
    print(f"soak: design={design_path.name} seconds={seconds:g} pid={os.getpid()}", flush=True)
    while True:
        now = time.monotonic()
        if now >= next_report:
            frame = win.controller.latest()
            step = frame.snapshot.step if frame is not None and frame.snapshot else 0
            rss, ring = rss_mb(), _rewind_mb(win)
            samples.append((now - t0, rss, ring))
            print(f"t={now - t0:7.0f}s rss_mb={rss:8.1f} step={step} edits={edits} "
                  f"markers={len(win.worker.markers)} undo={len(win.doc._undo)} "
                  f"fps={win.fps:.0f} rewind_mb={ring:.1f}", flush=True)
            next_report += report_every
        if baseline is None and now - t0 >= min(BASELINE_S, seconds / 2):
            baseline = rss_mb()
        if now - t0 >= seconds:
            break
        if now >= next_edit:
            random_edit(win.doc, rng)
            edits += 1
            next_edit += edit_every
            frame = win.controller.latest()
            if frame is not None and getattr(frame.snapshot, "status", "") == "diverged":
                win.run.reset()  # a diverged run cannot go on: Reset, as a student would
                resets += 1
            if not win.worker.playing:
                win.run.play()  # a refused edit pauses training: play on, as a student would
        _pump(app, 0.1)
    frame = win.controller.latest()
    steps = frame.snapshot.step if frame is not None and frame.snapshot else 0
    end = rss_mb()
    base = baseline or end
    win.shutdown()
    print(f"soak: rss_mb_at_5min={base:.1f} rss_mb_end={end:.1f} "
          f"growth_pct={100.0 * (end - base) / base:.2f} steps={steps} edits={edits} "
          f"refusals={len(refusals)} errors={len(errors)} resets={resets}", flush=True)
    medians = median_growth(samples, seconds)
    if medians:
        print(medians, flush=True)
    for text in errors[:5]:
        print(f"error: {text}", flush=True)
    for text in sorted(set(refusals))[:5]:
        print(f"refused: {text}", flush=True)
    from playground.threads import finish_process
    return finish_process(1 if errors else 0)


def _rewind_mb(win) -> float:
    """MB held by the worker's rewind ring (bounded: engine.rewind's budget) when it has one."""
    ring = win.worker.__dict__.get("_rewind")
    return 0.0 if ring is None else ring.nbytes / 2**20


def median_growth(samples: list[tuple[float, float, float]], seconds: float) -> str | None:
    """A second figure beside the two single samples: the median RSS of the samples in minutes
    4-8 against the median of the last 8 minutes, and the rewind ring's medians at the same
    samples (a bounded cache that edits empty and training fills, so single samples swing by up
    to its budget). None for runs shorter than 16 minutes."""
    if seconds < 16 * 60:
        return None
    first = [s for s in samples if 240 <= s[0] <= 480]
    last = [s for s in samples if s[0] >= seconds - 480]
    if not first or not last:
        return None
    med = statistics.median
    a, b = med(s[1] for s in first), med(s[1] for s in last)
    return (f"soak: medians rss_mb_min4to8={a:.1f} rss_mb_last8min={b:.1f} "
            f"growth_pct={100.0 * (b - a) / a:.2f} rewind_mb_min4to8={med(s[2] for s in first):.1f} "
            f"rewind_mb_last8min={med(s[2] for s in last):.1f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--seconds", type=float, help="instead of --minutes (short samples)")
    parser.add_argument("--design", type=Path, default=DEFAULT_DESIGN)
    parser.add_argument("--edit-every", type=float, default=3.0, help="seconds between edits")
    parser.add_argument("--report-every", type=float, default=60.0, help="seconds")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if "NETWORK_PLAYGROUND_HOME" not in os.environ:  # never the user's own autosave and logs
        os.environ["NETWORK_PLAYGROUND_HOME"] = tempfile.mkdtemp(prefix="playground-soak-")
    seconds = args.seconds if args.seconds is not None else 60.0 * args.minutes
    return soak(args.design, seconds, args.edit_every, args.report_every, args.seed)


if __name__ == "__main__":
    sys.exit(main())
