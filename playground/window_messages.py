"""The main window's messages (a mixin of :class:`playground.main_window.MainWindow`).

- A refused edit (``BadInput`` from the worker: a model, data or loss change that does not fit)
  is shown in place: a sentence in the refusal bar above the layer stack, the layer it names
  marked in the stack, training paused. The session keeps the model it had (Play trains it).
- An unexpected error (a bug of ours) is a short message in the window's one message box, with
  the traceback behind its "Show Details…" expander, and a log entry (playground/problems.py);
  training pauses and the app stays usable.
- Every message goes to that one box or that one bar: repeated errors update them, nothing
  stacks (a diverged run's question too).
"""
from __future__ import annotations

from typing import Any

from playground.i18n import translate
from playground.widgets.messages import diverged_dialog, diverged_text


class WindowMessages:
    """Slots for the worker's ``status``, ``error``, ``failed``, ``accepted``, ``built`` and
    ``diverged`` signals (bound methods of the window: Qt calls them in the GUI thread)."""

    def _show_message(self, title: str, text: str) -> None:
        """``notify``: the window's one message box (replaced, never stacked)."""
        self.message_window.show(title, text)

    def show_error(self, title: str, text: str, details: str = "") -> None:
        """An unexpected error: the one message box with a details expander."""
        self.message_window.show(title, text, details)

    def _worker_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 4000)

    def _worker_error(self, text: str) -> None:
        self.bar.set_playing(False)
        if self.worker.session is None:
            self.applied = None  # the build failed: the next edit builds again
            self.bar.set_runnable(False, translate("WindowMessages", "nothing to train: ") + text.splitlines()[0])
        self.statusBar().showMessage(text.splitlines()[0], 10000)

    def _built(self, _info: dict) -> None:
        self.bar.set_runnable(True)

    def _worker_accepted(self, tag: int) -> None:
        """A synced command applied; once its whole batch did and the session runs the
        document's design, the refusal shown (if any) is resolved."""
        batch = self.tracker.accepted(tag)
        if batch is not None and self.tracker.idle and batch.after == self.doc.design:
            self.clear_refusal()

    def _worker_failed(self, info: dict[str, Any]) -> None:
        """A worker command failed: a refusal in place, or an unexpected error in the box."""
        self.run.pause()
        batch = self.tracker.refused(info.get("tag"))
        title = info["title"]
        if batch is not None:
            self.applied = batch.before  # the session runs what it ran before the batch
            if batch.label and batch.before is not None:
                title = translate("WindowMessages", "Cannot apply “{0}”").format(batch.label)  # the marker's words
        if self.worker.session is None and info.get("command") == "build":
            self.applied = None
        if not info.get("bad_input"):
            self.show_error(title, _unexpected(info["text"]), info.get("details", ""))
            return
        self.refusals += 1
        note = (translate("WindowMessages", "Training is paused; Play trains the model as it was before this edit.")
                if self.worker.session is not None else translate("WindowMessages", "Nothing to train until this is fixed."))
        self.refusal_bar.show_refusal(title, info["text"], self.doc.can_undo, note)
        self.stack.mark_refused(info.get("layer"), info["text"])

    def clear_refusal(self) -> None:
        """The refused edit is gone (undone, fixed): hide its message and mark."""
        self.refusal_bar.clear()
        self.stack.mark_refused(None)

    def _undo_refused(self) -> None:
        """The refusal bar's Undo: take the refused edit back."""
        self.doc.undo()

    def _diverged(self, info: dict) -> None:
        """A diverged run: one question (an open one is updated, never a second window)."""
        self.bar.set_playing(False)
        self.statusBar().showMessage(diverged_text(info), 10000)
        box = getattr(self, "diverged_box", None)
        if box is not None and box.isVisible():
            box.setText(diverged_text(info) + translate(
                "Messages", "\nReset the weights, or lower the learning rate (÷10) and reset?"))
            box.raise_()
            return
        if box is not None:
            box.deleteLater()
        box = diverged_dialog(self, info, self.run.reset, self._lower_lr)
        self.diverged_box = box
        box.show()

    def _lower_lr(self) -> None:
        """Divide the learning rate by 10 and reset the weights (after a divergence)."""
        lr = float(self.doc.section("optimizer").get("learning_rate", 0.01))
        self.doc.set_value("optimizer", "learning_rate", lr / 10)
        self.run.reset()


def _unexpected(text: str) -> str:
    """The short message of an unexpected error (details and the log hold the rest)."""
    return (f"{text}\n\nTraining is paused; your design is unchanged. This is a bug of the "
            "playground: the details are in the error log.")
