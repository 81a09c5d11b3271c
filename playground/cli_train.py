"""`playground-train`: train a design headless (DESIGN.md "Command line").

Exit codes: 0 done; 2 bad input (one line on stderr, never a traceback); 3 diverged (the step and
the layer where values went non-finite). The training itself is the same TrainingSession the app
drives, run in whole epochs (or chunks up to the next epoch boundary with ``--steps``).
"""
from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT, EXIT_DIVERGED = 0, 1, 2, 3
BASE_COLUMNS = ("epoch", "step", "loss", "val_loss", "accuracy", "val_accuracy", "lr")
LAYER_FIELDS = ("grad_norm", "bias_grad_norm", "dead_fraction", "saturated_fraction")


class UsageError(Exception):
    """A bad command line (argparse's own errors, turned into one line)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def make_parser() -> argparse.ArgumentParser:
    """The command-line parser (options exactly as DESIGN.md)."""
    p = _Parser(prog="playground-train", description="Train a Network Playground design headless.")
    p.add_argument("design", help="design file (.json)")
    length = p.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=_positive_int, help="replace training.epochs")
    length.add_argument("--steps", type=_positive_int, help="stop after N optimiser updates")
    p.add_argument("--seed", type=_seed, help="replace the design's seed")
    p.add_argument("--device", choices=("cpu", "cuda", "auto"), default="cpu")
    p.add_argument("--data", metavar="FILE", help="train on this .npz/.csv instead of the design's data")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--init-weights", metavar="W.npz", help="start from these weights")
    start.add_argument("--resume", metavar="CKPT.npz", help="continue from a checkpoint")
    p.add_argument("--save-weights", metavar="OUT.npz", help="write the final weights")
    p.add_argument("--checkpoint", metavar="OUT.npz", help="write a checkpoint at the end")
    p.add_argument("--metrics", metavar="OUT.csv", help="write per-epoch metrics")
    p.add_argument("--export-pytorch", metavar="OUT.py", help="write a PyTorch script of the model")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    from playground.paths import app_version
    p.add_argument("--version", action="version", version=f"playground-train {app_version()}")
    return p


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be in [0, 2**63 - 1], got {value}")
    return value


class MetricsWriter:
    """Per-epoch CSV rows (DESIGN.md columns). The layer columns are those the first row's
    snapshot has figures for (``grad_norm.{i}`` only for layers with weights, and so on)."""

    def __init__(self, stream: TextIO, columns_from: Any = None):
        self.stream = stream
        self.writer = csv.writer(stream, lineterminator="\n")
        self.layer_columns: list[tuple[int, str]] | None = None
        self.columns_from = columns_from  # the snapshot naming the layer columns (else row 1's)

    def _header(self, snap: Any) -> None:
        self.layer_columns = [(stats.index, name) for name in LAYER_FIELDS
                              for stats in getattr(snap, "layers", ())
                              if getattr(stats, name, None) is not None]
        self.layer_columns.sort(key=lambda col: (col[0], LAYER_FIELDS.index(col[1])))
        self.writer.writerow(list(BASE_COLUMNS) + [f"{n}.{i}" for i, n in self.layer_columns])

    def write(self, row: dict[str, Any], snap: Any) -> None:
        """Write one row: ``row`` holds the base columns, ``snap`` gives the layer figures."""
        if self.layer_columns is None:
            self._header(self.columns_from if self.columns_from is not None else snap)
        by_index = {s.index: s for s in snap.layers}
        cells = [_cell(row.get(c)) for c in BASE_COLUMNS]
        for i, name in self.layer_columns or []:
            cells.append(_cell(getattr(by_index.get(i), name, None)))
        self.writer.writerow(cells)
        self.stream.flush()


def write_metrics(path: str | os.PathLike[str], rows: list[tuple[dict[str, Any], Any]],
                  columns_from: Any) -> None:
    """The ``--metrics`` CSV of a run trained elsewhere (the app's File → Export), atomically:
    ``rows`` are (base columns, snapshot with that row's layer figures) pairs, ``columns_from``
    a snapshot whose layers name the layer columns."""
    from engine.atomic import atomic_open
    with atomic_open(path, "w", newline="") as fh:
        writer = MetricsWriter(fh, columns_from)
        if not rows:
            writer._header(columns_from)
        for row, snap in rows:
            writer.write(row, snap)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    return str(value)


def _fmt(value: Any, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


class Trainer:
    """Runs a session to its end; writes the metrics rows and keeps what the summary needs.

    With ``--metrics`` every call ends at an epoch boundary (the rows need each epoch's layer
    figures); otherwise calls grow to about ``CHUNK_SECONDS`` of work each, whole epochs at a time.
    """

    CHUNK_SECONDS = 0.25

    def __init__(self, session: Any, steps: int | None, quiet: bool, metrics: MetricsWriter | None):
        self.session, self.steps, self.quiet, self.metrics = session, steps, quiet, metrics
        self.partial: dict[str, Any] | None = None
        self.start_step = session.step_count
        self.elapsed = 0.0
        self.bar: Any = None
        if steps is not None:
            allow_steps(session, steps)

    def total_steps(self) -> int:
        """Steps this run will take at most (for the progress bar)."""
        left = max(0, self.session.epochs * self.session.steps_per_epoch - self.session.step_count)
        return left if self.steps is None else min(self.steps, left)

    def _chunk(self, rate: float) -> int:
        """Steps for the next call: to the epoch's end, plus whole epochs while they fit."""
        s = self.session
        per_epoch = s.steps_per_epoch
        n = per_epoch - s.batch_in_epoch
        if self.metrics is None and rate > 0:
            n += per_epoch * int(rate * self.CHUNK_SECONDS // per_epoch)
        if self.steps is not None:
            n = min(n, self.steps - (s.step_count - self.start_step))
        return n

    def run(self) -> Any:
        """Train until the session is finished or ``steps`` are done; return the last snapshot."""
        from tqdm import tqdm
        s = self.session
        self.bar = tqdm(total=self.total_steps(), unit="step", disable=self.quiet, file=sys.stderr,
                        dynamic_ncols=True, leave=False)
        snap = None
        t0 = time.perf_counter()
        try:
            while not s.finished and s.epoch < s.epochs:
                elapsed = time.perf_counter() - t0
                done = s.step_count - self.start_step
                if self.steps is not None and done >= self.steps:
                    break
                before = s.step_count
                snap = s.run(self._chunk(done / elapsed if elapsed > 0 and done else 0.0))
                self._progress(snap, time.perf_counter() - t0)
                if self.metrics is not None and snap.batch_in_epoch == 0 and snap.step > before:
                    self.metrics.write(self._row(snap), snap)  # an epoch ended in this call
                if snap.status == "diverged":
                    break
            if snap is not None and snap.batch_in_epoch != 0:
                # --steps ended mid-epoch, or it diverged mid-epoch; a run that diverged at an
                # epoch's first batch has nothing past the last epoch's row to report
                self.partial = self._row(snap)
                if self.metrics is not None:
                    self.metrics.write(self.partial, snap)
        finally:
            self.bar.close()
        self.elapsed = time.perf_counter() - t0
        return snap

    def rows(self) -> list[dict[str, Any]]:
        """Per-epoch figures of the whole run (the session's history) and the partial epoch."""
        rows = [dict(h) for h in getattr(self.session, "history", [])]
        return rows + ([self.partial] if self.partial is not None else [])

    def _progress(self, snap: Any, elapsed: float) -> None:
        self.bar.n = snap.step - self.start_step
        rate = self.bar.n / elapsed if elapsed > 0 else 0.0
        self.bar.set_postfix(loss=_fmt(snap.loss), val_loss=_fmt(snap.val_loss),
                             steps_per_s=f"{rate:.0f}", refresh=False)
        self.bar.refresh()

    def _row(self, snap: Any) -> dict[str, Any]:
        return metrics_row(self.session, snap)


def metrics_row(session: Any, snap: Any) -> dict[str, Any]:
    """The base columns of a metrics row for ``snap``, the session's current state (mid-epoch:
    the running epoch's mean loss, and the weights as they are now validated)."""
    epoch_stats = session.epoch_metrics()
    val_loss, val_acc = snap.val_loss, snap.val_accuracy
    if snap.batch_in_epoch != 0 and getattr(session, "x_val", None) is not None \
            and len(session.x_val):  # mid-epoch: validate the weights as they are now
        val_loss, val_acc = session.evaluate(session.x_val, session.y_val)
    return {"epoch": epoch_stats["epoch"], "step": snap.step, "loss": epoch_stats["loss"],
            "val_loss": val_loss, "accuracy": epoch_stats["accuracy"],
            "val_accuracy": val_acc, "lr": snap.lr}


def allow_steps(session: Any, steps: int) -> None:
    """Let ``session`` run ``steps`` more updates: --steps replaces the epoch limit (DESIGN.md),
    so ``session.epochs`` grows to the epoch in which the last of them falls (never shrinks:
    a schedule sized on ``training.epochs`` keeps its length)."""
    per_epoch = max(1, int(session.steps_per_epoch))
    need = int(session.epoch) + -(-(int(steps) + int(session.batch_in_epoch)) // per_epoch)
    if need > session.epochs:
        session.epochs = need
        if getattr(session, "status", None) == "finished":
            session.status = "running"  # a finished (resumed) run goes on for the extra steps


def _best(rows: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None and math.isfinite(r[key])]
    return min(values, default=None)


def _summary(trainer: Trainer, snap: Any, out: TextIO) -> None:
    """The final table on stdout: best epoch, final/best losses, accuracy, time, steps/s."""
    rows = trainer.rows()
    key = "val_loss" if rows and rows[-1].get("val_loss") is not None else "loss"
    scored = [r for r in rows if r.get(key) is not None and math.isfinite(r[key])]
    best = min(scored, key=lambda r: r[key]) if scored else None
    steps = snap.step - trainer.start_step if snap is not None else 0
    last = rows[-1] if rows else {}
    lines = [
        ("status", snap.status if snap is not None else "nothing to do"),
        ("device", str(getattr(trainer.session, "device", "cpu"))),
        ("epochs / steps", f"{last.get('epoch', 0)} / {trainer.session.step_count}"),
        ("best epoch", f"{best['epoch']} (by {key})" if best else "-"),
        ("final loss", _fmt(last.get("loss"))), ("best loss", _fmt(_best(rows, "loss"))),
        ("final val_loss", _fmt(last.get("val_loss"))),
        ("best val_loss", _fmt(_best(rows, "val_loss"))),
        ("accuracy", _fmt(last.get("accuracy"))), ("val_accuracy", _fmt(last.get("val_accuracy"))),
        ("time", f"{trainer.elapsed:.2f} s"),
        ("steps/s", f"{steps / trainer.elapsed:.1f}" if trainer.elapsed > 0 else "-"),
    ]
    width = max(len(k) for k, _ in lines)
    for k, v in lines:
        print(f"{k:<{width}}  {v}", file=out)


def _train(args: argparse.Namespace) -> int:
    from engine.atomic import atomic_open
    from engine.build import build_session
    from engine.checkpoint import load_checkpoint, load_weights, save_checkpoint, save_weights
    from engine.design import load_design

    _check_outputs(args)
    design_path = Path(args.design)
    design = load_design(design_path)
    data_override = {"dataset": {"path": str(Path(args.data).resolve())}} if args.data else None
    session = build_session(design, base_dir=design_path.resolve().parent, device=args.device,
                            data_override=data_override, seed=args.seed, epochs=args.epochs)
    if args.init_weights:
        load_weights(session, args.init_weights)
    if args.resume:
        load_checkpoint(session, args.resume)
        if args.epochs is not None:
            session.epochs = args.epochs
    with contextlib.ExitStack() as stack:  # the metrics CSV appears complete, or not at all
        metrics_file = stack.enter_context(atomic_open(args.metrics, "w", newline="")) \
            if args.metrics else None
        metrics = MetricsWriter(metrics_file) if metrics_file else None
        trainer = Trainer(session, args.steps, args.quiet, metrics)
        snap = trainer.run()
    if snap is not None and snap.status == "diverged":
        at = snap.diverged_at or {}
        where = (f" in layer {at.get('layer_index')} ({at.get('layer_id')})"
                 if at.get("layer_index") is not None else "")
        print(f"playground-train: diverged at step {at.get('step', snap.step)}{where}: "
              f"non-finite {at.get('what') or 'values'}; try a lower learning rate",
              file=sys.stderr)
        return EXIT_DIVERGED
    if args.save_weights:
        save_weights(session, args.save_weights)
    if args.checkpoint:
        save_checkpoint(session, args.checkpoint)
    if args.export_pytorch:
        export_pytorch_script(session, args.export_pytorch)
    if not args.quiet:
        _summary(trainer, snap, sys.stdout)
    return EXIT_OK


def _check_outputs(args: argparse.Namespace) -> None:
    """Output files must have an existing folder: checked before training, not after it."""
    from engine.errors import BadInput
    for option in ("save_weights", "checkpoint", "metrics"):
        value = getattr(args, option)
        if value is not None and not Path(value).resolve().parent.is_dir():
            flag = "--" + option.replace("_", "-")
            raise BadInput(f"the folder of {value} does not exist", flag)


def export_pytorch_script(session: Any, path: str) -> None:
    """--export-pytorch (and the app's File → Export): the design, its data as trained on and
    the trained weights."""
    from engine.errors import BadInput
    try:
        from engine.export.pytorch import export_pytorch
    except ImportError:
        raise BadInput("not available in this build", "--export-pytorch") from None
    export_pytorch(session.design, path, weights=session.get_weights(), base_dir=session.base_dir,
                   data=session.data)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``playground-train``; returns the exit code."""
    from engine.errors import BadInput, Diverged
    from engine.input_files import shown
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as err:
        print(f"playground-train: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return _train(args)
    except Diverged as err:
        print(f"playground-train: {err}", file=sys.stderr)
        return EXIT_DIVERGED
    except BadInput as err:
        print(f"playground-train: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as err:
        name = f"{shown(err.filename)}: " if getattr(err, "filename", None) else ""
        print(f"playground-train: {name}{err.strerror or err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (ValueError, json.JSONDecodeError) as err:
        print(f"playground-train: {' '.join(str(err).split())}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except MemoryError:
        print("playground-train: not enough memory for this design and data (see "
              "docs/LIMITS.md)", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("playground-train: interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001 - a bug of ours: one line, never a traceback
        if os.environ.get("PLAYGROUND_DEBUG"):
            raise
        from engine.errors import error_report
        print(f"playground-train: {error_report(err)[0]} (please report it; PLAYGROUND_DEBUG=1 "
              f"shows the details)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
