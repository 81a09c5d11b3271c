"""The end of a run, on the plots: what happened and one-click ways on."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from playground.run_end import continue_epochs, ended_text


class RunBanner(QFrame):
    """Hidden while the run goes on; when it ends: "Finished after 100 epochs." with
    "Continue for 100 more epochs", "Train without limit" and "Reset"."""

    continue_clicked = Signal(int)  # more epochs
    unlimited_clicked = Signal()
    reset_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("runBanner")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 4, 8, 4)
        outer.setSpacing(4)
        self.text = QLabel("")
        self.text.setObjectName("runBannerText")
        self.text.setWordWrap(True)
        outer.addWidget(self.text)
        lay = QHBoxLayout()
        outer.addLayout(lay)
        self.more = QPushButton("")
        self.more.setToolTip("Raise the epoch limit and train on from here (one undo step).")
        self.more.clicked.connect(lambda: self.continue_clicked.emit(self.epochs_more))
        self.unlimited = QPushButton("Train without limit")
        self.unlimited.setToolTip("No epoch limit and no early stopping: Pause stops it.")
        self.unlimited.clicked.connect(self.unlimited_clicked)
        self.reset = QPushButton("Reset")
        self.reset.setToolTip("New initial weights from the seed; train again from step 0.")
        self.reset.clicked.connect(self.reset_clicked)
        for b in (self.more, self.unlimited, self.reset):
            lay.addWidget(b)
        lay.addStretch(1)
        self.epochs_more = 10
        self.info: dict | None = None
        self.hide()

    def __repr__(self) -> str:
        return f"RunBanner({self.text.text()!r})"

    def show_end(self, info: dict | None) -> None:
        """Show how the run ended (``playground.run_end.end_info``), or hide for a running one."""
        if info == self.info:
            return
        self.info = info
        if not info:
            self.hide()
            return
        text = ended_text(info)
        self.text.setText(f"<b>{text[0].upper() + text[1:]}.</b>")
        self.epochs_more = continue_epochs(info)
        self.more.setText(f"Continue for {self.epochs_more} more epochs")
        can_go_on = info["status"] != "diverged"
        self.more.setVisible(can_go_on)
        self.unlimited.setVisible(can_go_on)
        self.show()
