"""The layer stack: cards between an input card and a loss card; drop target and reorder by drag."""
from __future__ import annotations

import json

from PySide6.QtCore import QEvent, QMimeData, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (QDragEnterEvent, QDragMoveEvent, QDropEvent, QKeyEvent,
                           QMouseEvent)
from PySide6.QtWidgets import (QApplication, QFrame, QGridLayout, QHBoxLayout, QLabel,
                               QScrollArea, QToolButton, QVBoxLayout, QWidget)

from playground.i18n import translate
from playground import catalog
from playground.document import DesignDocument, DocEvent
from playground.widgets.drag import drag_if_moved
from playground.widgets.labels import passive_label

KEY_OPTIONS = ("rate", "stddev", "momentum", "renorm", "enabled", "kernel_initializer",
               "trainable")


def summarize(cfg: dict) -> str:
    """A short summary of a layer's key options ("he_uniform · rate 0.2 · off")."""
    parts = []
    for key in KEY_OPTIONS:
        if key not in cfg:
            continue
        val = cfg[key]
        if key in ("enabled", "trainable"):
            if val is False:
                parts.append(translate("LayerStack", "off") if key == "enabled"
                             else translate("LayerStack", "frozen"))
        elif key == "renorm":
            if val:
                parts.append("renorm")
        elif key == "kernel_initializer":
            parts.append(val if isinstance(val, str) else str(val.get("type", "custom")))
        else:
            parts.append(f"{key} {val:g}" if isinstance(val, float) else f"{key} {val}")
    return " · ".join(parts)


class LayerCard(QFrame):
    """One layer: title, key options, parameter count, warning badge, duplicate/delete buttons."""

    clicked = Signal(int)
    duplicate = Signal(int)
    delete = Signal(int)

    def __init__(self, index: int, cfg: dict, width: int, params: int, warning: str | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.index = index
        self.setObjectName("layerCard")
        self.setProperty("kind", cfg.get("type"))
        self.setProperty("disabled_layer", cfg.get("enabled") is False)
        self.setFrameShape(QFrame.StyledPanel)
        lay = QGridLayout(self)
        lay.setContentsMargins(8, 3, 4, 4)
        lay.setHorizontalSpacing(2)
        lay.setVerticalSpacing(0)
        title = cfg.get("function") if cfg.get("type") == "activation" else cfg.get("type")
        self.title = passive_label(f"<b>{title}</b>", "cardTitle", rich=True)
        detail = self.tr("{0} → {1} · {2:,} params").format(cfg.get('id'), width, params)
        summary = summarize(cfg)
        self.options = passive_label(f"{detail} · {summary}" if summary else detail,
                                     "cardDescription")
        self.options.setWordWrap(True)
        lay.addWidget(self.title, 0, 0)
        lay.addWidget(self.options, 1, 0, 1, 4)
        lay.setColumnStretch(0, 1)
        self.badge = QLabel("⚠")
        self.badge.setObjectName("warningBadge")
        self.badge.setVisible(bool(warning))
        self.badge.setToolTip(warning or "")
        lay.addWidget(self.badge, 0, 1)
        self.buttons: dict[str, QToolButton] = {}
        for col, (name, text, signal, tip) in enumerate((
                ("duplicate", self.tr("Duplicate"), self.duplicate, self.tr("A copy of this layer below it")),
                ("delete", "✕", self.delete, self.tr("Delete this layer (Del)"))), start=2):
            btn = QToolButton()
            btn.setText(text)
            btn.setObjectName(f"card_{name}")
            btn.setToolTip(tip)
            btn.setAccessibleName(tip)
            btn.setAutoRaise(True)
            btn.clicked.connect(lambda _=False, s=signal: s.emit(self.index))
            lay.addWidget(btn, 0, col)
            self.buttons[name] = btn
        self._press: QPoint | None = None

    def set_selected(self, on: bool) -> None:
        self.setProperty("selected", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def move_mime(self) -> QMimeData:
        mime = QMimeData()
        mime.setData(catalog.MIME_MOVE, str(self.index).encode())
        return mime

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.LeftButton:
            self._press = event.position().toPoint()
            self.clicked.emit(self.index)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        drag = drag_if_moved(self, self._press, event, self.move_mime)
        if drag is not None:
            self._press = None
            drag.exec(Qt.MoveAction)


class EndCard(QFrame):
    """The fixed input card (top) or loss card (bottom); ``clicked`` on a left click."""

    clicked = Signal()

    def __init__(self, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("endCard")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(8, 4, 8, 4)
        self.label = passive_label(text, "endCardText", rich=True)
        lay.addWidget(self.label, 1)
        self.badge = QLabel("⚠")
        self.badge.setObjectName("warningBadge")
        self.badge.hide()
        lay.addWidget(self.badge)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        if event.button() == Qt.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class LayerStack(QWidget):
    """Observes a :class:`DesignDocument`; accepts palette drops and reorders by drag."""

    selected = Signal(int)
    loss_clicked = Signal()  # the loss card: open the loss settings
    crawl_warning = Signal(str)  # the design just became one that would train very slowly

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.doc = doc
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.StrongFocus)
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(8, 8, 8, 8)
        self._lay.setSpacing(4)
        self.input_card = EndCard("")
        self.loss_card = EndCard("")
        self.loss_card.setToolTip(self.tr("The loss: click to set its type and class weights."))
        self.loss_card.clicked.connect(self.loss_clicked)
        self.cost = QLabel("")
        self.cost.setObjectName("costLine")
        self.cost.setWordWrap(True)
        self.cost.setToolTip(self.tr("A rough estimate of the training speed with every monitor on: "
                                     "parameters × batch size decide it."))
        self.crawls = False
        self.indicator = QFrame(self)
        self.indicator.setObjectName("dropIndicator")
        self.indicator.setFixedHeight(3)
        self.indicator.hide()
        self.cards: list[LayerCard] = []
        self.current = -1
        self.refused: tuple[int, str] | None = None  # (layer index, why): a refused edit
        self._handle = doc.subscribe(self._on_doc)
        self.rebuild()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._handle.remove()
        super().closeEvent(event)

    def _on_doc(self, event: DocEvent) -> None:
        if event.kind == "saved":
            return
        if event.kind in ("insert", "move", "duplicate") and event.index is not None:
            self.current = event.index
        elif event.kind == "remove":
            self.current = min(self.current, len(self.doc.layers) - 1)
        elif event.kind == "reset":
            self.current = -1
        self.rebuild()

    def rebuild(self) -> None:
        """Recreate the cards from the document."""
        while self._lay.count():
            item = self._lay.takeAt(0)
            w = item.widget()
            if w is not None and w not in (self.input_card, self.loss_card, self.cost):
                w.deleteLater()
        design = self.doc.design
        dims = catalog.output_dims(design)
        warns = catalog.stack_warnings(design)
        data = design.get("data", {})
        ds = data.get("dataset")
        ds_text = ds if isinstance(ds, str) else ("file" if isinstance(ds, dict) else "data")
        self.input_card.label.setText(self.tr("<b>input</b> · {0} features ({1})").format(
            self.doc.input_dim, ds_text))
        self._lay.addWidget(self.input_card)
        self.cards = []
        for i, cfg in enumerate(self.doc.layers):
            width, params = dims[i] if i < len(dims) else (0, 0)
            refused = self.refused is not None and self.refused[0] == i
            card = LayerCard(i, cfg, width, params, self.refused[1] if refused else warns.get(i))
            card.setProperty("refused", refused)
            card.clicked.connect(self.select)
            card.duplicate.connect(self.doc.duplicate_layer)
            card.delete.connect(self.doc.remove_layer)
            self.cards.append(card)
            self._lay.addWidget(card)
        loss = design.get("loss", {}).get("type", "?")
        self.loss_card.label.setText(self.tr("<b>loss</b> · {0}").format(loss))
        self.loss_card.badge.setVisible(-1 in warns)
        self.loss_card.badge.setToolTip(warns.get(-1, ""))
        self._lay.addWidget(self.loss_card)
        text, crawls = catalog.cost_text(design, lambda s: translate("Catalog", s))
        self.cost.setText(text)
        self.cost.setProperty("crawls", crawls)
        self.cost.style().unpolish(self.cost)
        self.cost.style().polish(self.cost)
        if crawls and not self.crawls:
            self.crawl_warning.emit(text)
        self.crawls = crawls
        self._lay.addWidget(self.cost)
        self._lay.addStretch(1)
        if self.current >= len(self.cards):
            self.current = len(self.cards) - 1
        for c in self.cards:
            c.set_selected(c.index == self.current)
        self.selected.emit(self.current)

    def mark_refused(self, index: int | None, text: str = "") -> None:
        """Mark the card at ``index`` as the place of a refused edit (its badge says ``text``);
        None clears the mark. Kept across rebuilds until cleared."""
        new = (int(index), str(text)) if index is not None else None
        if new != self.refused:
            self.refused = new
            self.rebuild()
        if new is not None:
            QTimer.singleShot(0, self._show_refused)  # once the new cards are laid out

    def _show_refused(self) -> None:
        """Scroll the marked card into view (the refusal bar above may have pushed it out)."""
        scroll = self.parentWidget().parentWidget() if self.parentWidget() else None
        if self.refused is None or not isinstance(scroll, QScrollArea):
            return
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)  # the bar, the cards
        self._lay.activate()
        if 0 <= self.refused[0] < len(self.cards):
            scroll.ensureWidgetVisible(self.cards[self.refused[0]], 0, 8)

    def select(self, index: int) -> None:
        self.current = index
        for c in self.cards:
            c.set_selected(c.index == index)
        self.setFocus()
        self.selected.emit(index)

    # ---------------------------------------------------------------- drag and drop
    def drop_index(self, pos: QPoint) -> int:
        """Insertion index for a drop at ``pos`` (widget coordinates)."""
        for card in self.cards:
            geo = card.geometry()
            if pos.y() < geo.center().y():
                return card.index
        return len(self.cards)

    @staticmethod
    def _accepts(mime: QMimeData) -> bool:
        return mime.hasFormat(catalog.MIME_LAYER) or mime.hasFormat(catalog.MIME_MOVE)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        if self._accepts(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt API
        if not self._accepts(event.mimeData()):
            event.ignore()
            return
        idx = self.drop_index(event.position().toPoint())
        if idx < len(self.cards):
            y = self.cards[idx].geometry().top() - 3
        else:
            y = self.loss_card.geometry().top() - 3
        self.indicator.setGeometry(8, max(0, y), self.width() - 16, 3)
        self.indicator.show()
        self.indicator.raise_()
        event.acceptProposedAction()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.indicator.hide()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        self.indicator.hide()
        mime = event.mimeData()
        idx = self.drop_index(event.position().toPoint())
        if mime.hasFormat(catalog.MIME_MOVE):
            src = int(bytes(mime.data(catalog.MIME_MOVE)).decode())
            dst = idx - 1 if idx > src else idx
            self.doc.move_layer(src, dst)
            self.select(min(dst, len(self.cards) - 1))
        elif mime.hasFormat(catalog.MIME_LAYER):
            cfg = json.loads(bytes(mime.data(catalog.MIME_LAYER)).decode("utf-8"))
            cfg.pop("id", None)
            self.doc.insert_layer(idx, cfg)
            self.select(idx)
        else:
            event.ignore()
            return
        event.acceptProposedAction()

    def move_selected(self, by: int) -> bool:
        """Move the selected layer ``by`` places (Ctrl+Up / Ctrl+Down; one undo step)."""
        dst = self.current + by
        if not (0 <= self.current < len(self.cards) and 0 <= dst < len(self.cards)):
            return False
        self.doc.move_layer(self.current, dst)
        self.select(dst)
        return True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        ctrl = bool(event.modifiers() & Qt.ControlModifier)
        if ctrl and event.key() in (Qt.Key_Up, Qt.Key_Down):
            self.move_selected(-1 if event.key() == Qt.Key_Up else 1)
        elif event.key() in (Qt.Key_Delete, Qt.Key_Backspace) and 0 <= self.current < len(self.cards):
            self.doc.remove_layer(self.current)
        elif event.key() == Qt.Key_Up and self.current > 0:
            self.select(self.current - 1)
        elif event.key() == Qt.Key_Down and self.current < len(self.cards) - 1:
            self.select(self.current + 1)
        else:
            super().keyPressEvent(event)
