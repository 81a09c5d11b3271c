"""How a run ended, in words (Qt-free): "finished after 100 epochs", "early stopped at epoch 71:
validation loss did not improve for 30 epochs"."""
from __future__ import annotations

from typing import Any

MONITORS = {"val_loss": "validation loss", "loss": "training loss",
            "val_accuracy": "validation accuracy", "accuracy": "training accuracy"}


def end_info(snap: Any, session: Any) -> dict | None:
    """What the UI needs to explain the end of the run; None while it is still running.

    Keys: ``status`` (finished, early_stopped, diverged), ``epoch``, ``step``, ``epochs`` (the
    run's length), ``monitor``, ``patience``, ``best_epoch``, ``restored`` (early stopping).
    """
    status = getattr(snap, "status", None) or getattr(session, "status", "running")
    if status == "running" or session is None:
        return None
    es = getattr(session, "early_stopping", None) or {}
    state = getattr(session, "_es", None) or {}
    return {"status": str(status), "epoch": int(getattr(snap, "epoch", 0) or 0),
            "step": int(getattr(snap, "step", 0) or 0),
            "epochs": int(getattr(session, "epochs", 0) or 0),
            "monitor": str(es.get("monitor", "val_loss")), "patience": es.get("patience"),
            "best_epoch": state.get("best_epoch"), "restored": bool(es.get("restore_best"))}


def ended_text(info: dict | None) -> str:
    """One line for the banner and the status bar."""
    if not info:
        return "training"
    if info["status"] == "early_stopped":
        watched = MONITORS.get(info["monitor"], info["monitor"])
        text = (f"early stopped at epoch {info['epoch']}: {watched} did not improve for "
                f"{info['patience']} epochs")
        if info.get("restored") and info.get("best_epoch"):
            text += f" (the weights of epoch {info['best_epoch']}, the best, are restored)"
        return text
    if info["status"] == "diverged":
        return f"diverged at step {info['step']}"
    return f"finished after {info['epoch']} epochs"
