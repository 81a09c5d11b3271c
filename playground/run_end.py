"""How a run ended, in words (Qt-free): "finished after 100 epochs", "early stopped at epoch 71:
validation loss did not improve for 30 epochs"."""
from __future__ import annotations

from typing import Any, Callable

from playground.tr_marks import QT_TRANSLATE_NOOP

MONITORS = {"val_loss": QT_TRANSLATE_NOOP("RunEnd", "validation loss"),
            "loss": QT_TRANSLATE_NOOP("RunEnd", "training loss"),
            "val_accuracy": QT_TRANSLATE_NOOP("RunEnd", "validation accuracy"),
            "accuracy": QT_TRANSLATE_NOOP("RunEnd", "training accuracy")}


def end_info(snap: Any, session: Any) -> dict | None:
    """What the UI needs to explain the end of the run; None while it is still running.

    Keys: ``status`` (finished, early_stopped, diverged), ``epoch``, ``step``, ``epochs`` (the
    run's length), ``monitor``, ``patience``, ``best_epoch``, ``restored`` (early stopping).
    """
    if session is None:
        return None
    status = getattr(session, "status", None) or getattr(snap, "status", "running")
    if status == "running" and getattr(session, "finished", False) is True:
        status = "finished"  # a session that tells only that it has finished
    if status == "running":
        return None
    es = getattr(session, "early_stopping", None) or {}
    state = getattr(session, "_es", None) or {}
    return {"status": str(status), "epoch": int(getattr(snap, "epoch", 0) or 0),
            "step": int(getattr(snap, "step", 0) or 0),
            "epochs": int(getattr(session, "epochs", 0) or 0),
            "monitor": str(es.get("monitor", "val_loss")), "patience": es.get("patience"),
            "best_epoch": state.get("best_epoch"), "restored": bool(es.get("restore_best"))}


def ended_text(info: dict | None, tr: Callable[[str], str] = str) -> str:
    """One line for the banner and the status bar; ``tr`` translates its sentences (context
    "RunEnd"; Qt's ``translate`` in the app)."""
    if not info:
        return tr(QT_TRANSLATE_NOOP("RunEnd", "training"))
    if info["status"] == "early_stopped":
        watched = tr(MONITORS.get(info["monitor"], info["monitor"]))
        text = tr(QT_TRANSLATE_NOOP("RunEnd", "early stopped at epoch {0}: {1} did not improve "
                                              "for {2} epochs")).format(
            info['epoch'], watched, info['patience'])
        if info.get("restored") and info.get("best_epoch"):
            text += tr(QT_TRANSLATE_NOOP("RunEnd", " (the weights of epoch {0}, the best, are "
                                                   "restored)")).format(info['best_epoch'])
        return text
    if info["status"] == "diverged":
        return tr(QT_TRANSLATE_NOOP("RunEnd", "diverged at step {0}")).format(info['step'])
    return tr(QT_TRANSLATE_NOOP("RunEnd", "finished after {0} epochs")).format(info['epoch'])


UNLIMITED_EPOCHS = 1_000_000  # the design format's largest epoch count
DEFAULT_EARLY_STOPPING = {"monitor": "val_loss", "patience": 20, "restore_best": True,
                          "min_delta": 0.0}
_NOT_GIVEN = object()


def continue_epochs(info: dict | None) -> int:
    """How many more epochs the banner's "continue" offers: about as many as the run had,
    rounded down to 10, 20, 50, 100, … (at least 10, at most 500)."""
    done = int((info or {}).get("epoch") or 0)
    n = 10
    for rung in (20, 50, 100, 200, 500):
        if rung <= done:
            n = rung
    return n


def extend_run(session: Any, epochs: int | None = None,
               early_stopping: Any = _NOT_GIVEN) -> bool:
    """Change a session's length and early stopping between steps; a run that ended only
    because of them (finished, early stopped) runs again. Returns True when it resumed.

    A resumed early-stopped run waits ``patience`` more epochs before it stops again; a
    running one shortened to the epoch it is in (or before) has finished. Values are checked
    as the design file's (BadInput, nothing changed) before anything is set.
    """
    from engine.design.sections import normalise_early_stopping, normalise_training
    if epochs is not None:
        epochs = normalise_training({"epochs": epochs})["epochs"]
    if early_stopping is not _NOT_GIVEN:
        early_stopping = normalise_early_stopping(early_stopping)
    if epochs is not None:
        session.epochs = epochs
    if early_stopping is not _NOT_GIVEN:
        session.early_stopping = dict(early_stopping) if early_stopping else None
    status = getattr(session, "status", "running")
    if status == "running" and getattr(session, "epoch", 0) >= getattr(session, "epochs", 1):
        session.status = "finished"  # the session's own end-of-run check, now
        return False
    if status not in ("finished", "early_stopped"):
        return False
    if getattr(session, "epoch", 0) >= getattr(session, "epochs", 0):
        return False
    state = getattr(session, "_es", None)
    if isinstance(state, dict):
        state["wait"] = 0
    session.status = "running"
    return True
