"""Number boxes that commit a typed value once: on Enter, on focus-out or after a short pause.

Qt's spin boxes emit ``valueChanged`` at every keystroke by default: typing 4096 into a layer's
units rebuilt the layer at 4, 40, 409 and 4096 (four undo steps, four re-initialisations). With
:func:`commit_on_finish` a typed number is applied once; arrows and the mouse wheel (over a box
that has the focus) still apply at once, one step per click.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QWidget

COMMIT_PAUSE_MS = 1500  # a typist's pause after which the number counts as entered
_STEPS = (1.0, 2.0, 5.0)


class _WheelGuard(QObject):
    """Ignores the mouse wheel over a box that has not got the focus (scrolling a form must not
    change the numbers it passes over)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Wheel and not obj.hasFocus():
            event.ignore()
            return True
        return False


_GUARD: _WheelGuard | None = None


def guard_wheel(widget: QWidget) -> QWidget:
    """Let the mouse wheel over ``widget`` (a spin box or combo box in a scrolled form) scroll
    the form unless the widget has the keyboard focus. Qt's default ``WheelFocus`` policy hands
    the focus to the box under the cursor on the first wheel tick, before any event filter runs,
    so the policy becomes ``StrongFocus`` (Tab and click still focus it). Returns ``widget``."""
    global _GUARD
    if _GUARD is None:
        _GUARD = _WheelGuard()
    if widget.focusPolicy() & Qt.WheelFocus == Qt.WheelFocus:
        widget.setFocusPolicy(Qt.StrongFocus)
    widget.installEventFilter(_GUARD)
    return widget


def commit_on_finish(box: QAbstractSpinBox, pause_ms: int = COMMIT_PAUSE_MS) -> QAbstractSpinBox:
    """Make ``box`` emit ``valueChanged`` for typed text only on Enter, focus-out or after
    ``pause_ms`` without a keystroke; the wheel changes it only while it has the focus
    (:func:`guard_wheel`). Returns ``box``."""
    box.setKeyboardTracking(False)
    timer = QTimer(box)
    timer.setSingleShot(True)
    timer.setInterval(int(pause_ms))
    timer.timeout.connect(box.interpretText)
    box.lineEdit().textEdited.connect(lambda _text: timer.start())
    box.editingFinished.connect(timer.stop)
    box.commit_timer = timer
    return guard_wheel(box)


def _ladder(k: int) -> float:
    e, i = divmod(k, 3)
    return _STEPS[i] * 10.0 ** e


def _nice_step(value: float, steps: int) -> float:
    """The value ``steps`` places away on the 1-2-5 ladder (…, 0.01, 0.02, 0.05, 0.1, …);
    a value between two rungs counts from the rung below (up) or above (down)."""
    exp = math.floor(math.log10(value))
    below = max(3 * exp + i for i, m in enumerate(_STEPS) if m * 10.0 ** exp <= value * (1 + 1e-9))
    above = below if abs(_ladder(below) - value) <= 1e-9 * value else below + 1
    return _ladder((below if steps > 0 else above) + steps)


class NumberBox(QDoubleSpinBox):
    """A float box that shows values as typed (``1e-07``, ``0.001``, ``1000``), never rounded to
    a fixed number of decimals; with ``log_steps`` the arrows walk a 1-2-5 ladder (learning
    rates, epsilons). Commits on Enter, focus-out or a pause (:func:`commit_on_finish`)."""

    def __init__(self, minimum: float = -1e9, maximum: float = 1e9, log_steps: bool = False,
                 parent=None):
        super().__init__(parent)
        self.setDecimals(323)  # keep every digit; the text is formatted below
        self.setRange(minimum, maximum)
        self.log_steps = bool(log_steps)
        commit_on_finish(self)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt API
        return f"{value:.6g}"

    def _bare(self, text: str) -> str:
        """``text`` without the box's prefix and suffix."""
        if self.prefix() and text.startswith(self.prefix()):
            text = text[len(self.prefix()):]
        if self.suffix() and text.endswith(self.suffix()):
            text = text[: -len(self.suffix())]
        if self.locale().decimalPoint() == ",":  # German: 0,1 is 0.1 (was typed as 01 = 1)
            text = text.replace(",", ".")
        return text.strip()

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt API
        try:
            return float(self._bare(text))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):  # noqa: D102 - Qt API
        t = self._bare(text)
        try:
            v = float(t)
        except ValueError:
            partial = t in ("", "-", "+", ".", "-.", "+.") or t[-1:] in ("e", "E", "-", "+")
            return (QValidator.Intermediate if partial else QValidator.Invalid), text, pos
        if self.minimum() <= v <= self.maximum():
            return QValidator.Acceptable, text, pos
        return QValidator.Intermediate, text, pos

    def fixup(self, text: str) -> str:  # noqa: D102 - Qt API
        return self.textFromValue(self.value())

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt API
        v = self.value()
        if not self.log_steps or v <= 0:
            super().stepBy(steps)
            return
        self.setValue(min(max(_nice_step(v, steps), self.minimum()), self.maximum()))
