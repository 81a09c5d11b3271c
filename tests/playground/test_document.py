"""The Qt-free design document: edits, undo/redo, observers, dirty flag."""
from playground.document import DEFAULT_DESIGN, DesignDocument


def test_insert_remove_move_duplicate_with_undo_redo():
    doc = DesignDocument()
    events = []
    handle = doc.subscribe(events.append)
    n = len(doc.layers)
    new_id = doc.insert_layer(1, {"type": "dropout", "rate": 0.3})
    assert doc.layers[1]["id"] == new_id and doc.layers[1]["rate"] == 0.3
    assert len(doc.layers) == n + 1 and doc.dirty
    assert events[-1].kind == "insert" and events[-1].index == 1
    dup = doc.duplicate_layer(1)
    assert doc.layers[2]["id"] == dup != new_id
    doc.move_layer(2, 0)
    assert doc.layers[0]["id"] == dup
    doc.remove_layer(0)
    assert [l["id"] for l in doc.layers].count(dup) == 0
    for _ in range(4):
        assert doc.undo()
    assert not doc.undo()
    assert doc.to_dict()["model"] == DesignDocument().to_dict()["model"]
    assert not doc.dirty
    assert doc.redo() and doc.layers[1]["id"] == new_id and doc.dirty
    handle.remove()
    count = len(events)
    doc.undo()
    assert len(events) == count


def test_set_option_and_sections_are_undoable():
    doc = DesignDocument()
    doc.set_layer_option(0, "units", 7)
    doc.set_value("optimizer", "learning_rate", 0.5)
    doc.set_value("", "seed", 3)
    assert doc.layers[0]["units"] == 7 and doc.section("optimizer")["learning_rate"] == 0.5
    assert doc.design["seed"] == 3
    assert doc.undo_label == "set seed"
    doc.undo(); doc.undo()
    assert doc.section("optimizer")["learning_rate"] == DEFAULT_DESIGN["optimizer"]["learning_rate"]
    doc.set_layer_option(0, "units", 7)  # the same value as now: no new undo step, redo kept
    assert doc.undo_label == "set d1.units" and doc.can_redo
    doc.set_layer_option(0, "units", 9)
    assert not doc.can_redo


def test_missing_and_duplicate_ids_are_generated_and_saved_clears_dirty():
    design = {"model": {"input_dim": 2, "layers": [{"type": "dense", "units": 2},
                                                   {"type": "dense", "units": 2, "id": "x"},
                                                   {"type": "dense", "units": 1, "id": "x"}]}}
    doc = DesignDocument(design)
    ids = [l["id"] for l in doc.layers]
    assert len(set(ids)) == 3 and all(ids)
    doc.set_layer_option(0, "units", 3)
    assert doc.dirty
    doc.mark_saved("/tmp/x.json")
    assert not doc.dirty and doc.path == "/tmp/x.json"
    doc.replace(DEFAULT_DESIGN, None)
    assert not doc.can_undo and not doc.dirty


def test_undo_goes_back_a_bounded_number_of_edits():
    """Every undo step holds two copies of the design; a long session keeps the newest
    UNDO_LIMIT of them (the soak: ~20 edits a minute for an hour)."""
    from playground.document import UNDO_LIMIT, DesignDocument
    doc = DesignDocument()
    extra = 25
    for i in range(UNDO_LIMIT + extra):
        doc.set_value("", "seed", i + 1)
    undone = 0
    while doc.undo():
        undone += 1
    assert undone == UNDO_LIMIT
    assert doc.design["seed"] == extra  # back to the value before the oldest kept edit
    assert doc.redo() and doc.design["seed"] == extra + 1
