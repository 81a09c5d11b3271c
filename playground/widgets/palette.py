"""The layer palette: one draggable card per layer type and per activation function."""
from __future__ import annotations

import json

from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget)

from playground.i18n import translate
from playground import catalog
from playground.widgets.drag import drag_if_moved
from playground.widgets.labels import ElidedLabel, passive_label


def layer_mime(config: dict) -> QMimeData:
    """MIME data carrying a layer config as JSON under :data:`catalog.MIME_LAYER`."""
    mime = QMimeData()
    mime.setData(catalog.MIME_LAYER, json.dumps(config).encode("utf-8"))
    mime.setText(json.dumps(config))
    return mime


class PaletteCard(QFrame):
    """A card showing a layer's name and a one-line description; drag it onto the stack."""

    activated = Signal(dict)  # double-click: append
    chosen = Signal(dict)  # Enter: add after the selected layer

    def __init__(self, title: str, description: str, config: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.config = config
        self.setObjectName("paletteCard")
        self.setFrameShape(QFrame.StyledPanel)
        self.setCursor(Qt.OpenHandCursor)
        self.setFocusPolicy(Qt.StrongFocus)  # Tab reaches every card; Enter adds its layer
        self.setAccessibleName(title)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        lay.setSpacing(0)
        name = passive_label(f"<b>{title}</b>", "cardTitle", rich=True)
        desc = ElidedLabel(translate("Catalog", description), "cardDescription")
        lay.addWidget(name)
        lay.addWidget(desc)
        self.setToolTip(self.tr("{0}: {1}\nDrag onto the layer stack (double-click appends; Enter "
                                "adds it after the selected layer).").format(
            title, translate("Catalog", description)))
        self._press: QPoint | None = None

    def mime_data(self) -> QMimeData:
        return layer_mime(self.config)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.LeftButton:
            self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        drag = drag_if_moved(self, self._press, event, self.mime_data)
        if drag is not None:
            self._press = None
            drag.exec(Qt.CopyAction)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        self.activated.emit(dict(self.config))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key_Return, Qt.Key_Enter) and not event.modifiers():
            self.chosen.emit(dict(self.config))
            event.accept()
        else:
            super().keyPressEvent(event)


class LayerPalette(QScrollArea):
    """Cards for every layer type, then every activation function."""

    activated = Signal(dict)
    chosen = Signal(dict)  # a card's Enter

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        body = QWidget()
        lay = QVBoxLayout(body)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(4)
        self.cards: list[PaletteCard] = []
        entries = catalog.palette_entries()
        lay.addWidget(self._header(self.tr("Layers")))
        for title, desc, cfg in entries:
            if cfg.get("type") == "activation" and self.cards and \
                    self.cards[-1].config.get("type") != "activation":
                lay.addWidget(self._header(self.tr("Activations")))
            card = PaletteCard(title, desc, cfg)
            card.activated.connect(self.activated)
            card.chosen.connect(self.chosen)
            card.installEventFilter(self)
            self.cards.append(card)
            lay.addWidget(card)
        lay.addStretch(1)
        self.setWidget(body)
        self.setMinimumWidth(200)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """A card that gets the focus scrolls into view."""
        if event.type() == QEvent.FocusIn and isinstance(watched, PaletteCard):
            self.ensureWidgetVisible(watched, 0, 8)
        return super().eventFilter(watched, event)

    def focus_first(self) -> None:
        """Give the first card the keyboard focus (View → Layer palette)."""
        if self.cards:
            self.cards[0].setFocus(Qt.ShortcutFocusReason)

    @staticmethod
    def _header(text: str) -> QLabel:
        label = QLabel(text.upper())
        label.setObjectName("sectionHeader")
        return label

    def card(self, title: str) -> PaletteCard:
        """The card titled ``title`` (a layer type or an activation function)."""
        for card in self.cards:
            cfg = card.config
            if cfg.get("function", cfg.get("type")) == title or cfg.get("type") == title:
                return card
        raise KeyError(title)
