"""The end of a run, on the plots: what happened and one-click ways on."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Signal
from PySide6.QtWidgets import (QBoxLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton,
                               QVBoxLayout, QWidget)

from playground.i18n import translate
from playground.run_end import continue_epochs, ended_text


class RunBanner(QFrame):
    """Hidden while the run goes on; when it ends: "Finished after 100 epochs." with
    "Continue for 100 more epochs", "Train without limit" and "Reset".

    The buttons stand in a row where the banner is wide enough for them, else one under the
    other: the banner never makes its dock wider (a row of them needs ~450 px; at 1280×720 the
    loss column is ~360 px, and a wider minimum squeezed the dashboard column beside it, a
    squeeze the saved dock state then kept).

    It lies over the top of its dashboard (:func:`overlay`), outside the dashboard's layout:
    nothing under it moves when it shows; its ✕ hides it until the next end of a run."""

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
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.text, 1)
        self.close_button = QToolButton()
        self.close_button.setObjectName("runBannerClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("Hide this message (the run stays as it is)."))
        self.close_button.clicked.connect(self.hide)
        top.addWidget(self.close_button)
        outer.addLayout(top)
        self.row = lay = QBoxLayout(QBoxLayout.LeftToRight)
        outer.addLayout(lay)
        self.more = QPushButton("")
        self.more.setToolTip(self.tr("Raise the epoch limit and train on from here (one undo step)."))
        self.more.clicked.connect(lambda: self.continue_clicked.emit(self.epochs_more))
        self.unlimited = QPushButton(self.tr("Train without limit"))
        self.unlimited.setToolTip(self.tr("No epoch limit and no early stopping: Pause stops it."))
        self.unlimited.clicked.connect(self.unlimited_clicked)
        self.reset = QPushButton(self.tr("Reset"))
        self.reset.setToolTip(self.tr("New initial weights from the seed; train again from step 0."))
        self.reset.clicked.connect(self.reset_clicked)
        lay.addWidget(self.more)
        self.pair = QBoxLayout(QBoxLayout.LeftToRight)  # "Train without limit" and "Reset"
        self.pair.addWidget(self.unlimited, 1)
        self.pair.addWidget(self.reset, 1)
        lay.addLayout(self.pair)
        lay.addStretch(1)
        self.epochs_more = 10
        self.info: dict | None = None
        self.hide()

    def _row_width(self, *buttons: QPushButton) -> int:
        """The width the visible ``buttons`` need side by side (with the frame and margins)."""
        shown = [b for b in buttons if not b.isHidden()]
        margins = self.layout().contentsMargins()
        return (sum(b.sizeHint().width() for b in shown) + self.row.spacing() * len(shown)
                + margins.left() + margins.right() + 2 * self.frameWidth())

    def _fit_buttons(self) -> None:
        """The buttons in a row where they fit side by side; else "Continue" over the other
        two side by side; else one under the other (the banner lies over the plots: the fewer
        rows, the less of them it hides)."""
        width = self.width()
        wide = width >= self._row_width(self.more, self.unlimited, self.reset)
        pair = width >= self._row_width(self.unlimited, self.reset)
        for layout, direction in ((self.row, wide), (self.pair, pair)):
            want = QBoxLayout.LeftToRight if direction else QBoxLayout.TopToBottom
            if layout.direction() != want:
                layout.setDirection(want)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """As narrow as the widest button (the buttons then stand one under the other)."""
        hint = super().minimumSizeHint()
        margins = self.layout().contentsMargins()
        widest = max(b.sizeHint().width() for b in (self.more, self.unlimited, self.reset))
        return QSize(min(hint.width(), widest + margins.left() + margins.right()
                         + 2 * self.frameWidth()), hint.height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_buttons()

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
        text = ended_text(info, lambda s: translate("RunEnd", s))
        self.text.setText(f"<b>{text[0].upper() + text[1:]}.</b>")
        self.epochs_more = continue_epochs(info)
        self.more.setText(self.tr("Continue for {0} more epochs").format(self.epochs_more))
        can_go_on = info["status"] != "diverged"
        self.more.setVisible(can_go_on)
        self.unlimited.setVisible(can_go_on)
        self.show()
        self._fit_buttons()


class _Overlay(QObject):
    """Keeps a banner over the top of its host: placed again when the host is resized or the
    banner shows or changes its content."""

    def __init__(self, banner: QWidget, host: QWidget, right: int):
        super().__init__(host)
        self.banner, self.host, self.right = banner, host, right
        host.installEventFilter(self)
        banner.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if (watched is self.host and kind == QEvent.Resize) or (
                watched is self.banner and kind in (QEvent.Show, QEvent.LayoutRequest)):
            self.place()
        return False

    def place(self) -> None:
        """The banner across the host's top (``right`` px left free for its corner button), as
        tall as its content at that width."""
        banner = self.banner
        width = max(self.host.width() - self.right - 4, banner.minimumSizeHint().width())
        if banner.width() != width:
            banner.resize(width, max(banner.height(), 1))  # lays the buttons out for the width
        height = banner.heightForWidth(width)
        banner.setGeometry(2, 2, width, height if height > 0 else banner.sizeHint().height())
        banner.raise_()


def overlay(banner: QWidget, host: QWidget, right: int = 0) -> None:
    """Lay ``banner`` over the top of ``host`` (a child of it, outside its layout)."""
    banner.setParent(host)
    banner.setAutoFillBackground(True)
    host._banner_overlay = _Overlay(banner, host, right)  # noqa: SLF001 - kept with its host
    host._banner_overlay.place()  # noqa: SLF001
