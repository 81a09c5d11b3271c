"""Errors the engine raises for bad user input and for runs that leave the finite numbers."""
from __future__ import annotations

import os
import re

MAX_MESSAGE_CHARS = 300  # a message longer than this is cut in the middle (one readable line)
MAX_PATH_CHARS = 160


def one_line(text: object, limit: int) -> str:
    """``text`` as one printable line of at most about ``limit`` characters: line breaks become
    spaces, lone surrogates are escaped, an over-long middle is elided."""
    text = str(text).encode("utf-8", "backslashreplace").decode("utf-8")
    text = re.sub(r"[\r\n\t\v\f]+", " ", text)
    if len(text) > limit:
        head = (2 * limit) // 3
        tail = limit - head - 5
        text = f"{text[:head]} ... {text[-tail:]}"
    return text


class BadInput(ValueError):
    """Bad user input: a design field, a data file, an option value.

    ``path`` names where the problem is (``"model.layers[3].rate"``, ``"row 17, column \\"age\\""``),
    ``message`` says what is wrong and what is allowed (``"must be in [0, 1), got 1.5"``).
    ``str(err)`` is ``"path: message"``: one line, fit for stderr or a dialog (line breaks become
    spaces, an over-long message or path is cut in the middle, lone surrogates are escaped).
    """

    def __init__(self, message: str, path: str | None = None):
        self.message = one_line(message, MAX_MESSAGE_CHARS)
        self.path = one_line(path, MAX_PATH_CHARS) if path else None
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def at(self, prefix: str) -> "BadInput":
        """Return the same error located under ``prefix`` (``"rate"`` -> ``"model.layers[3].rate"``)."""
        if not prefix:
            return self
        if self.path is None:
            path = prefix
        elif self.path.startswith("["):
            path = prefix + self.path
        else:
            path = f"{prefix}.{self.path}"
        err = BadInput(self.message, path)
        err.__cause__ = self
        return err


class Diverged(RuntimeError):
    """Training produced a non-finite loss or gradient at ``step`` (first seen in layer ``layer``)."""

    def __init__(self, step: int, layer_index: int | None, layer_id: str | None, what: str = "loss"):
        self.step = int(step)
        self.layer_index = layer_index
        self.layer_id = layer_id
        self.what = what
        where = f" in layer {layer_index} ({layer_id})" if layer_index is not None else ""
        super().__init__(f"diverged at step {self.step}: non-finite {what}{where}")


def error_report(err: BaseException) -> tuple[str, str]:
    """(one line a user sees, details for a "details" expander or a log file) for any exception.

    ``BadInput`` and ``Diverged`` are sentences already (no details); anything else is a bug of
    ours: ``"internal error (ValueError): <message>"`` and the traceback as details.
    """
    import traceback
    if isinstance(err, (BadInput, Diverged)):
        return one_line(err, MAX_MESSAGE_CHARS + MAX_PATH_CHARS), ""
    line = one_line(f"internal error ({type(err).__name__}): {err}", MAX_MESSAGE_CHARS)
    details = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    return line, details


def append_error_log(path: str | os.PathLike[str], err: BaseException, context: str = "",
                     max_bytes: int = 2**20) -> None:
    """Append a timestamped entry (the one line, ``context``, the details) to the log file
    ``path``; past ``max_bytes`` the file moves to ``<path>.1`` first (one old file kept).
    Never raises: a log that cannot be written must not become a second error."""
    import datetime
    from pathlib import Path
    line, details = error_report(err)
    stamp = datetime.datetime.now().isoformat(timespec="seconds")
    entry = f"[{stamp}] {line}\n" + (f"  while: {one_line(context, 200)}\n" if context else "") \
        + "".join(f"  {d}\n" for d in details.rstrip().splitlines()) + "\n"
    try:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        if p.exists() and p.stat().st_size > max_bytes:
            os.replace(p, p.with_name(p.name + ".1"))
        with open(p, "a", encoding="utf-8", errors="backslashreplace") as fh:
            fh.write(entry)
    except (OSError, ValueError, TypeError):
        pass
