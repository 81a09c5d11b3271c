"""The main window's messages: problems the worker reports (titled by what failed), a diverged
run's choice, status lines (a mixin of :class:`playground.main_window.MainWindow`)."""
from __future__ import annotations

from playground.widgets.messages import diverged_dialog, diverged_text, message_box


class WindowMessages:
    """Slots for the worker's ``status``, ``error``, ``problem``, ``built`` and ``diverged``
    signals (bound methods of the window: Qt calls them in the GUI thread)."""

    def _show_message(self, title: str, text: str) -> None:
        box = message_box(self, title, text)
        box.finished.connect(lambda _=0, b=box: self.dialogs.remove(b) if b in self.dialogs
                             else None)
        self.dialogs.append(box)
        box.show()

    def _worker_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 4000)

    def _worker_error(self, text: str) -> None:
        self.bar.set_playing(False)
        if self.worker.session is None:
            self.applied = None  # the build failed: the next edit builds again
            self.bar.set_runnable(False, "nothing to train: " + text.splitlines()[0])
        self.statusBar().showMessage(text.splitlines()[0], 10000)

    def _built(self, _info: dict) -> None:
        self.bar.set_runnable(True)

    def _worker_problem(self, title: str, text: str) -> None:
        self.notify(title, text)

    def _diverged(self, info: dict) -> None:
        self.bar.set_playing(False)
        self.statusBar().showMessage(diverged_text(info), 10000)
        box = diverged_dialog(self, info, self.run.reset, self._lower_lr)
        self.dialogs.append(box)
        self.diverged_box = box
        box.show()

    def _lower_lr(self) -> None:
        """Divide the learning rate by 10 and reset the weights (after a divergence)."""
        lr = float(self.doc.section("optimizer").get("learning_rate", 0.01))
        self.doc.set_value("optimizer", "learning_rate", lr / 10)
        self.run.reset()
