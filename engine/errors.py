"""Errors the engine raises for bad user input and for runs that leave the finite numbers."""
from __future__ import annotations

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
