"""The training worker's file commands: write a checkpoint, the weights, the run's metrics CSV or
the PyTorch script; open a checkpoint; run the learning-rate finder on a copy of the session
(a mixin of :class:`playground.worker.TrainingWorker`).

They run in the worker thread, which owns the session: the GUI never touches it. Results go back
through the signals below, connected to bound methods of GUI-thread QObjects
(docs/ARCHITECTURE.md "App threading").
"""
from __future__ import annotations

import dataclasses
import threading
from collections import namedtuple
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from playground.cli_train import LAYER_FIELDS

#: what ``export`` can write
EXPORT_KINDS = ("checkpoint", "weights", "metrics", "pytorch")
MAX_EPOCH_SNAPSHOTS = 4096


@dataclasses.dataclass(frozen=True)
class EpochFigures:
    """What the metrics CSV needs of an epoch-end snapshot: its epoch, loss and the scalar layer
    figures (``cli_train.LAYER_FIELDS``). A whole snapshot (histograms, batch-norm statistics,
    the chunk's per-step series) is ~25 KB to ~1 MB; up to ``MAX_EPOCH_SNAPSHOTS`` of them are
    kept, which grew the app's memory by ~3 MB a minute for the first half hour of a long run."""

    step: int
    epoch: int
    epoch_loss: float | None
    layers: tuple


#: one layer's figures in an EpochFigures: its index and cli_train.LAYER_FIELDS (a tuple, a
#: fraction of the memory of an object with a __dict__: up to 4,096 records of every layer)
LayerFigures = namedtuple("LayerFigures", ("index",) + LAYER_FIELDS)


def epoch_figures(snap: Any) -> EpochFigures:
    """The light record of ``snap`` kept for the metrics CSV."""
    layers = tuple(LayerFigures(ls.index, *(getattr(ls, f, None) for f in LAYER_FIELDS))
                   for ls in snap.layers)
    return EpochFigures(int(snap.step), snap.epoch, snap.epoch_loss, layers)


class FileCommands:
    """``_cmd_export``, ``_cmd_open_checkpoint`` and ``_cmd_find_lr``; the worker provides
    ``session``, ``history``, ``markers``, ``playing``, ``_factory``, ``device``,
    ``_update_views``, ``_publish`` and ``_started``."""

    session: Any
    file_done = Signal(str, str, str)  # what, path, problem ("" when it worked)
    lr_progress = Signal(int, int)  # steps done, steps in all
    lr_done = Signal(object, str)  # the LRFinderResult (None on a problem), the problem

    def _epoch_snapshots(self) -> dict[int, Any]:
        snaps = self.__dict__.get("_epoch_snaps")
        if snaps is None:
            snaps = self.__dict__["_epoch_snaps"] = {}
        return snaps

    def record_epoch_end(self, snap: Any) -> None:
        """Keep a snapshot taken exactly at an epoch's end: its layer figures are that epoch's
        row of the metrics CSV (as ``playground-train --metrics`` writes them)."""
        if snap is None or getattr(snap, "batch_in_epoch", 1) != 0 or not snap.step:
            return
        snaps = self._epoch_snapshots()
        snaps[int(snap.step)] = epoch_figures(snap)
        if len(snaps) > MAX_EPOCH_SNAPSHOTS:
            for step in sorted(snaps)[:len(snaps) // 2]:
                del snaps[step]

    def metrics_rows(self) -> tuple[list[tuple[dict, Any]], Any]:
        """The run's metrics rows ((base columns, snapshot with that row's layer figures) each,
        the figures blank where no snapshot was taken at that epoch's end) and the snapshot
        naming the layer columns (the current one)."""
        from types import SimpleNamespace

        from playground.cli_train import metrics_row
        s = self.session
        now = s.snapshot()
        snaps = self._epoch_snapshots()
        unmeasured = SimpleNamespace(layers=())
        rows = []
        for rec in s.history:
            if "event" in rec or "loss" not in rec:
                continue
            snap = snaps.get(int(rec["step"]))
            same = snap is not None and (snap.epoch, snap.epoch_loss) == (rec["epoch"], rec["loss"])
            rows.append((dict(rec), snap if same else unmeasured))
        if now.batch_in_epoch != 0:
            rows.append((metrics_row(s, now), now))  # mid-epoch: as --steps ends a run
        return rows, now

    def _cmd_export(self, what: str, path: str) -> None:
        """Write ``what`` (one of EXPORT_KINDS) to ``path`` (atomically); ``file_done`` says
        how it went, in a sentence."""
        try:
            if not Path(path).resolve().parent.is_dir():
                from engine.errors import BadInput
                raise BadInput("the folder of this file does not exist", path)
            self._write(what, path)
        except Exception as err:  # noqa: BLE001 - told to the user, never fatal
            self.file_done.emit(what, path, _sentence(err))
            return
        self.file_done.emit(what, path, "")

    def _write(self, what: str, path: str) -> None:
        from engine.checkpoint import save_checkpoint, save_weights
        from playground import cli_train
        if what == "checkpoint":
            save_checkpoint(self.session, path)
        elif what == "weights":
            save_weights(self.session, path)
        elif what == "metrics":
            rows, now = self.metrics_rows()
            cli_train.write_metrics(path, rows, now)
        elif what == "pytorch":
            cli_train.export_pytorch_script(self.session, path)
        else:
            raise ValueError(f"unknown export {what!r}")

    def _cmd_open_checkpoint(self, path: str) -> None:
        """Continue from the checkpoint at ``path`` (written for this design by the app or by
        ``playground-train --checkpoint``): bit for bit as the run that wrote it."""
        from engine.checkpoint import load_checkpoint
        self.playing = False
        try:
            load_checkpoint(self.session, path)  # refused: the session is unchanged
        except Exception as err:  # noqa: BLE001 - told to the user, never fatal
            self.file_done.emit("open_checkpoint", path, _sentence(err))
            return
        self._show_restored_run()
        self.file_done.emit("open_checkpoint", path, "")

    def _cmd_find_lr(self, design: dict, base_dir: str | None, cancel: threading.Event,
                     lr_start: float = 1e-5, lr_end: float = 10.0, steps: int = 150) -> None:
        """The learning-rate range test on a copy of the session (built from ``design``, the
        design the session runs, with the session's state): the session itself is untouched."""
        from engine.lr_finder import find_lr
        self.playing = False
        try:
            twin = self._factory(design, base_dir, self.device)
            twin.load_state_dict(self.session.state_dict())
            if twin.finished and twin.status != "diverged":
                # a run that ended (its epochs, early stopping): the test takes its own steps
                from playground.run_end import extend_run
                extend_run(twin, epochs=twin.epoch + int(steps) + 1, early_stopping=None)

            def progress(i: int, n: int, _loss: float) -> bool:
                self.lr_progress.emit(i, n)
                return not cancel.is_set()

            result = find_lr(twin, lr_start, lr_end, steps, restore=False, progress=progress)
        except Exception as err:  # noqa: BLE001 - told to the user, never fatal
            self.lr_done.emit(None, _sentence(err))
            return
        self.lr_done.emit(None if cancel.is_set() else result, "")


def _sentence(err: BaseException) -> str:
    """One line for the user (BadInput names the file and what is wrong)."""
    from engine.errors import error_report
    if isinstance(err, OSError) and getattr(err, "filename", None):
        return f"{err.filename}: {err.strerror or err}"
    return error_report(err)[0]
