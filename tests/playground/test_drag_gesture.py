"""The app's core gesture: grab a card by its bold name and drag it (issue 11, point 1).

Mouse events go to the widget actually under the cursor (``childAt``), as a person's would;
``QDrag.exec`` is replaced by one that delivers the drag's MIME data to the layer stack with real
drag-enter/move/drop events (a real drag loop would block the test)."""
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from playground.widgets import drag as drag_module
from tests.helpers.app import drop as _drop, palette_and_stack as _build


class DropOnto:
    """Stands in for QDrag: ``exec`` drops the MIME data at ``target`` on ``stack``."""

    started: list = []
    stack = None
    target = QPointF()

    def __init__(self, source):
        self.source = source

    def setMimeData(self, mime):  # noqa: N802 - Qt API
        self.mime = mime

    def setPixmap(self, pixmap):  # noqa: N802 - Qt API
        pass

    def exec(self, action):
        DropOnto.started.append(self.source)
        _drop(DropOnto.stack, self.mime, DropOnto.target, action)
        return action


def drag_by(widget, title_label, distance=40):
    """Press on ``title_label``'s centre as seen by ``widget.childAt``, move in steps, release."""
    at = title_label.mapTo(widget, title_label.rect().center())
    under = widget.childAt(at)
    assert under is title_label  # the cursor really is on the bold name
    start = under.rect().center()
    QTest.mousePress(under, Qt.LeftButton, Qt.NoModifier, start)
    for dy in range(4, distance + 1, 6):
        QTest.mouseMove(under, start + QPoint(2, dy))
    QTest.mouseRelease(under, Qt.LeftButton, Qt.NoModifier, start + QPoint(2, distance))


def _setup(qtbot, monkeypatch):
    doc, palette, stack = _build(qtbot)
    DropOnto.started, DropOnto.stack = [], stack
    monkeypatch.setattr(drag_module, "QDrag", DropOnto)  # both kinds of card drag through it
    return doc, palette, stack


def test_palette_card_dragged_by_its_bold_name_inserts_the_layer(qtbot, monkeypatch):
    doc, palette, stack = _setup(qtbot, monkeypatch)
    n = len(doc.layers)
    card = palette.card("dropout")
    target = stack.cards[1].geometry()
    DropOnto.target = QPointF(target.center().x(), target.top() + 2)
    drag_by(card, _title(card))
    assert DropOnto.started == [card]
    assert len(doc.layers) == n + 1 and doc.layers[1]["type"] == "dropout"


def test_stack_card_dragged_by_its_bold_name_moves_the_layer(qtbot, monkeypatch):
    doc, palette, stack = _setup(qtbot, monkeypatch)
    ids = [layer["id"] for layer in doc.layers]
    card = stack.cards[0]
    last = stack.cards[-1].geometry()
    DropOnto.target = QPointF(last.center().x(), last.bottom() - 1)
    drag_by(card, _title(card))
    assert DropOnto.started == [card]
    assert [layer["id"] for layer in doc.layers] == ids[1:] + ids[:1]


def _title(card):
    from PySide6.QtWidgets import QLabel
    return card.findChild(QLabel, "cardTitle")
