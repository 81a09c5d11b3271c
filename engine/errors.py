"""Errors the engine raises for bad user input and for runs that leave the finite numbers."""
from __future__ import annotations


class BadInput(ValueError):
    """Bad user input: a design field, a data file, an option value.

    ``path`` names where the problem is (``"model.layers[3].rate"``, ``"row 17, column \\"age\\""``),
    ``message`` says what is wrong and what is allowed (``"must be in [0, 1), got 1.5"``).
    ``str(err)`` is ``"path: message"``: one line, fit for stderr or a dialog.
    """

    def __init__(self, message: str, path: str | None = None):
        self.message = str(message)
        self.path = path or None
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
