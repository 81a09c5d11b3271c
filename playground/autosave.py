"""Autosave and crash recovery.

While the app runs, its open design (and a checkpoint of the run, at most a minute old) is
written to a folder of its own under the autosave folder (playground/paths.py): on every
structural edit at once, after other edits within a second, and every 30 s. Every file goes
through engine.atomic, so a crash or ``kill -9`` leaves the last complete autosave. A clean quit
removes the folder. Each folder is held by a ``QLockFile`` while its app runs; the next start
finds the folders whose app is gone and offers to recover them ("Recover the unsaved design from
14:32?"), naming the design, its layers and the step its run had reached.
"""
from __future__ import annotations

import copy
import datetime
import json
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLockFile, QObject, QTimer

from engine.atomic import atomic_write
from playground.i18n import translate
from playground import paths

if TYPE_CHECKING:
    from playground.main_window import MainWindow

FORMAT = "network-playground/autosave"
DESIGN_FILE = "autosave.json"
CHECKPOINT_FILE = "checkpoint.npz"
LOCK_FILE = "lock"
EVERY_MS = 30_000
SOON_MS = 1_000
STRUCTURAL = ("insert", "remove", "move", "reset", "undo", "redo")


@dataclass
class Recoverable:
    """An autosave left by an app that is gone: what the recovery offer shows."""

    folder: Path
    saved_at: datetime.datetime
    name: str
    layers: int
    step: int | None
    path: str | None
    design: dict
    run_design: dict | None
    checkpoint: Path | None

    def question(self) -> str:
        return translate("Recovery", "Recover the unsaved design from {0}?").format(f"{self.saved_at:%H:%M}")

    def details(self) -> str:
        """What would be recovered, in one or two lines."""
        run = (translate("Recovery", ", its run at step {0:,}").format(self.step) if self.step
               else translate("Recovery", ", not trained yet"))
        where = translate("Recovery", "\n(from {0})").format(self.path) if self.path \
            else translate("Recovery", "\n(never saved to a file)")
        day = "" if self.saved_at.date() == datetime.date.today() else \
            translate("Recovery", " on {0}").format(f"{self.saved_at:%Y-%m-%d}")
        layers = translate("Recovery", "{0} layer") if self.layers == 1 else translate("Recovery", "{0} layers")
        return translate("Recovery", "“{0}”: {1}{2}, autosaved at {3}{4}.{5}").format(
            self.name, layers.format(self.layers), run, f"{self.saved_at:%H:%M}", day, where)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class Autosave(QObject):
    """Writes the window's design and run to its own autosave folder (see the module text)."""

    def __init__(self, window: "MainWindow", root: Path | None = None,
                 every_ms: int = EVERY_MS):
        super().__init__(window)
        self.win = window
        self.folder = (root or paths.autosave_dir()) / f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.lock: QLockFile | None = None
        self.writes = 0
        self.errors = 0
        self.timer = QTimer(self)
        self.timer.setInterval(every_ms)
        self.timer.timeout.connect(self.save_run)
        self.soon = QTimer(self)
        self.soon.setSingleShot(True)
        self.soon.setInterval(SOON_MS)
        self.soon.timeout.connect(self.save_design)
        self._handle = window.doc.subscribe(self._on_doc)
        self.timer.start()

    def __repr__(self) -> str:
        return f"Autosave({self.folder.name}, writes={self.writes})"

    def _on_doc(self, event: Any) -> None:
        if event.kind == "saved":
            self.save_design()
        elif event.kind in STRUCTURAL or (event.kind == "option" and _structural(event)):
            self.save_design()
        else:
            self.soon.start()

    def _ready(self) -> bool:
        """Create the folder and take its lock (once); False where that is impossible."""
        if self.lock is not None:
            return True
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
        lock = QLockFile(str(self.folder / LOCK_FILE))
        lock.setStaleLockTime(0)
        if not lock.tryLock(0):
            return False
        self.lock = lock
        return True

    def save_design(self) -> bool:
        """Write the design now (atomically); True when written."""
        self.soon.stop()
        if not self._ready():
            self.errors += 1
            return False
        win = self.win
        frame = win.controller.latest()
        record = {"format": FORMAT, "saved_at": datetime.datetime.now().isoformat(
                      timespec="seconds"),
                  "pid": os.getpid(), "path": win.doc.path, "dirty": win.doc.dirty,
                  "design": win.doc.design, "run_design": win.tracker.confirmed,
                  "step": int(frame.snapshot.step) if frame is not None and frame.snapshot
                  is not None else None}
        try:
            atomic_write(self.folder / DESIGN_FILE,
                         json.dumps(record, ensure_ascii=False, allow_nan=False, default=str))
        except (OSError, ValueError) as err:  # a full disk, a lone surrogate: try again later
            self.errors += 1
            win.statusBar().showMessage(f"autosave failed: {err}", 10000)
            return False
        self.writes += 1
        return True

    def save_run(self) -> None:
        """Every ~30 s: the design, and a checkpoint of the run when the session runs the
        document's design (the worker writes it between chunks, atomically)."""
        if not self.save_design():
            return
        win = self.win
        if win.tracker.confirmed is not None and win.tracker.confirmed == win.doc.design:
            win.controller.post("checkpoint", path=str(self.folder / CHECKPOINT_FILE))

    def remove(self) -> None:
        """A clean quit: nothing to recover."""
        self.stop()
        if self.lock is not None:
            self.lock.unlock()
            self.lock = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def stop(self) -> None:
        self.timer.stop()
        self.soon.stop()
        self._handle.remove()


def _structural(event: Any) -> bool:
    key = (event.detail or {}).get("key")
    return key in ("units", "type", "function") or "config" in (event.detail or {})


def find_recoverable(root: Path | None = None) -> list[Recoverable]:
    """Autosaves whose app is gone (their lock is free or stale), newest first. Folders that
    hold nothing readable, or nothing that the design's file (or a new untitled design) does not
    hold, are removed."""
    root = root or paths.autosave_dir()
    try:
        folders = [p for p in root.iterdir() if p.is_dir()]
    except OSError:
        return []
    found = []
    for folder in folders:
        lock = QLockFile(str(folder / LOCK_FILE))
        lock.setStaleLockTime(0)
        if not lock.tryLock(0):
            continue  # another running app's
        lock.unlock()
        entry = read_autosave(folder)
        if entry is None or not holds_news(entry):
            shutil.rmtree(folder, ignore_errors=True)
        else:
            found.append(entry)
    return sorted(found, key=lambda e: e.saved_at, reverse=True)


def holds_news(entry: Recoverable) -> bool:
    """True when ``entry`` holds something its design's file (or, never saved, the design a
    new window starts with) does not: another design, or a trained run (a checkpoint past step
    0). An app killed with nothing edited and nothing trained leaves nothing to recover."""
    if entry.checkpoint is not None and entry.step:
        return True
    from engine.design import Design
    from playground import engine_bridge
    try:
        base = engine_bridge.load_design_dict(entry.path) if entry.path \
            else engine_bridge.default_design()
        folder = os.path.dirname(entry.path) if entry.path else None
        design = Design.from_dict(copy.deepcopy(entry.design), base_dir=folder).to_dict()
    except Exception:  # noqa: BLE001 - a file gone or changed, a design refused: offer it
        return True
    return design != base


def read_autosave(folder: Path) -> Recoverable | None:
    """The autosave in ``folder``, or None when it is missing or not one."""
    try:
        record = json.loads((folder / DESIGN_FILE).read_text(encoding="utf-8"))
        if not isinstance(record, dict) or record.get("format") != FORMAT:
            return None
        design = record["design"]
        saved_at = datetime.datetime.fromisoformat(str(record["saved_at"]))
        layers = design.get("model", {}).get("layers", [])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None
    checkpoint = folder / CHECKPOINT_FILE
    step = record.get("step") if isinstance(record.get("step"), int) else None
    if checkpoint.is_file():
        try:
            from engine.checkpoint import read_checkpoint_meta
            step = int(read_checkpoint_meta(checkpoint).get("step", step or 0))
        except Exception:  # noqa: BLE001 - a damaged checkpoint: the design alone is recovered
            checkpoint = None
    else:
        checkpoint = None
    path = record.get("path") if isinstance(record.get("path"), str) else None
    run_design = record.get("run_design") if isinstance(record.get("run_design"), dict) else None
    return Recoverable(folder, saved_at, str(design.get("name", "untitled")), len(layers), step,
                       path, design, run_design, checkpoint)


def recover(win: "MainWindow", entry: Recoverable) -> None:
    """Open ``entry`` in ``win``: its file (or the default design) changed into the recovered
    design by one undo step, unsaved; the run restored from its checkpoint when it belongs to
    that design. The old autosave folder is removed (this window autosaves anew)."""
    from engine.errors import BadInput
    from playground import engine_bridge
    base, path = None, entry.path
    if path and os.path.isfile(path):
        try:
            base = engine_bridge.load_design_dict(path)
        except (BadInput, OSError, ValueError):
            base = None
    if base is None:
        base, path = engine_bridge.default_design(), None
    win.doc.replace(base, path)
    changes = [("", key, value) for key, value in entry.design.items()
               if win.doc.design.get(key) != value]
    if changes:
        win.doc.set_values(changes, "recover the autosave")
    if entry.checkpoint is not None and entry.run_design == entry.design:
        source = entry.checkpoint
        if win.autosave is not None and win.autosave._ready():
            source = win.autosave.folder / "recovered.npz"
            try:  # moved (a rename, never a partial file), as the old folder goes
                os.replace(entry.checkpoint, source)
            except OSError:
                source = entry.checkpoint
        win.controller.post("restore_checkpoint", path=str(source))
        if source == entry.checkpoint:
            return  # not moved: the old folder stays until the next start
    entry.discard()
