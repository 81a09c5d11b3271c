"""Real drag-and-drop events from the palette's MIME data onto the layer stack; inspector edits."""
from PySide6.QtCore import QPointF, Qt

from playground.document import DesignDocument
from tests.helpers.app import drop as _drop, palette_and_stack as _build
from playground.widgets.inspector import Inspector




def test_palette_drop_inserts_at_drop_position(qtbot):
    doc, palette, stack = _build(qtbot)
    n = len(doc.layers)
    target = stack.cards[2].geometry()
    pos = QPointF(target.center().x(), target.top() + 2)  # upper half of card 2: insert before it
    drop = _drop(stack, palette.card("dropout").mime_data(), pos)
    assert drop.isAccepted()
    assert len(doc.layers) == n + 1 and doc.layers[2]["type"] == "dropout"
    assert len(stack.cards) == n + 1 and stack.current == 2
    end = stack.loss_card.geometry()
    _drop(stack, palette.card("tanh").mime_data(), QPointF(end.center()))
    assert doc.layers[-1] == {**doc.layers[-1], "type": "activation", "function": "tanh"}
    assert doc.undo() and doc.layers[-1].get("function") != "tanh"


def test_reorder_by_drag_and_delete_key(qtbot):
    doc, palette, stack = _build(qtbot)
    ids = [l["id"] for l in doc.layers]
    last = stack.cards[-1].geometry()
    mime = stack.cards[0].move_mime()
    _drop(stack, mime, QPointF(last.center().x(), last.bottom() - 1), Qt.MoveAction)
    assert [l["id"] for l in doc.layers] == ids[1:] + ids[:1]
    stack.select(0)
    qtbot.keyClick(stack, Qt.Key_Delete)
    assert [l["id"] for l in doc.layers] == ids[2:] + ids[:1]


def test_softmax_in_the_middle_shows_a_warning_badge(qtbot):
    doc, palette, stack = _build(qtbot)
    first = stack.cards[1].geometry()
    _drop(stack, palette.card("softmax").mime_data(), QPointF(first.center().x(), first.top() + 1))
    assert not stack.cards[1].badge.isHidden()
    assert "last" in stack.cards[1].badge.toolTip()
    assert stack.cards[0].badge.isHidden()


def test_inspector_edits_validate_and_undo(qtbot):
    doc = DesignDocument()
    insp = Inspector(doc)
    qtbot.addWidget(insp)
    idx = next(i for i, l in enumerate(doc.layers) if l["type"] == "dropout")
    insp.show_layer(idx)
    editor = insp.editors["rate"]
    editor.setValue(0.4)
    assert doc.layers[idx]["rate"] == 0.4
    editor.setValue(1.5)  # refused by the layer's from_config: stays 0.4, message in place
    assert doc.layers[idx]["rate"] == 0.4
    assert not insp.error.isHidden() and "rate" in insp.error.text()
    assert editor.property("invalid") is True
    doc.undo()
    assert doc.layers[idx]["rate"] == 0.1
    assert abs(insp.editors["rate"].value() - 0.1) < 1e-9 and insp.error.isHidden()
    insp.show_layer(0)
    insp.editors["units"].setValue(5000)
    assert doc.layers[0]["units"] == 16 and "units" in insp.error.text()
