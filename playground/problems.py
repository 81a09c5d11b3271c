"""What the app tells a user about a problem (Qt-free): a title naming what failed, one line
(never a traceback), the details for a "details" expander, and the error log in the user's log
folder where unexpected errors are written (``engine.errors.append_error_log``).

A refusal (``BadInput``) is a sentence about the user's input: shown in place, not logged. Any
other exception is a bug of ours: a short message, the traceback as details, and a log entry.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from engine.errors import BadInput, append_error_log, error_report

ERROR_LOG_NAME = "errors.log"
LAYER_PATH = re.compile(r"(?:model\.)?layers\[(\d+)\]")
MODEL_COMMANDS = ("apply_model", "layer_options", "build")


def error_log_path() -> Path:
    """The log of unexpected errors, in the user's log folder (playground.paths)."""
    from playground import paths
    return paths.log_dir() / ERROR_LOG_NAME


def problem_title(command: str, err: BaseException) -> str:
    """The title of a problem's message: what failed, in the user's terms."""
    path = str(getattr(err, "path", "") or "")
    text = f"{path} {err}".lower()
    if command == "build":
        if path.startswith("data") or any(w in text for w in (".csv", ".npz", "file", "column")):
            return "Cannot load the data"
        return "Cannot build the design"
    if command in ("train", "step", "epoch", "play"):
        return "Training problem"
    if command == "warm_up":
        return "Cannot compile the engine"
    if command == "restore_checkpoint":
        return "Cannot restore the run"
    if command == "apply_model":
        return "Cannot apply the change to the model"
    return "Cannot apply the change"


def layer_index(err: BaseException) -> int | None:
    """The layer a refusal names (``model.layers[3]...`` in its path or text), or None."""
    for text in (str(getattr(err, "path", "") or ""), str(err)):
        found = LAYER_PATH.search(text)
        if found:
            return int(found.group(1))
    return None


def describe(err: BaseException, command: str = "", tag: Any = None,
             log: bool = True) -> dict[str, Any]:
    """Everything the window needs to show ``err`` (raised by worker command ``command``):
    ``{"command", "tag", "title", "text" (one line), "details" ("" for a refusal),
    "bad_input", "layer" (index or None)}``. An unexpected error is appended to
    :func:`error_log_path` when ``log`` (never raises)."""
    text, details = error_report(err)
    bad = isinstance(err, BadInput)
    if bad and err.path and err.message.startswith(err.path):
        text = err.message  # the message names the place already: once is enough
    if not bad and log:
        append_error_log(error_log_path(), err, f"worker command {command!r}")
    return {"command": command, "tag": tag, "title": problem_title(command, err), "text": text,
            "details": details, "bad_input": bad, "layer": layer_index(err) if bad else None}
