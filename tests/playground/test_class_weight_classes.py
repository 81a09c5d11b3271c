"""Custom class weights name only the data's classes (a new user's walk typed class 7 on a
three-class data set; Keras refuses class_weight keys outside 0..n-1): the Loss form refuses
such a class with its ⚠ sentence naming the class and the data's classes and leaves the design
as it was; a design file that already holds one opens, with the same sentence in the form."""
import csv
import json

import pytest

from tests.helpers.app import MAIN_DESIGN, open_design
from tests.helpers.fakes import FakeSession
from tests.helpers.window_input import pick, type_text

SIZES = [(1280, 720), (1366, 768)]


def _fake(d, b, dev):
    return FakeSession(d, b, dev)


def _three_classes(tmp_path, class_weight=None):
    """A design file on a CSV of three classes (sparse cross-entropy, three softmax units)."""
    with open(tmp_path / "three.csv", "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["a", "b", "label"])
        for i in range(60):
            out.writerow([i * 0.1, (i % 7) * 0.5, i % 3])
    design = json.loads(json.dumps(MAIN_DESIGN))
    design["data"] = {"dataset": {"path": "three.csv", "label_column": "label"},
                      "train_fraction": 0.8}
    design["model"]["layers"] = [{"id": "d1", "type": "dense", "units": 3},
                                 {"id": "a1", "type": "activation", "function": "softmax"}]
    design["loss"] = {"type": "sparse_categorical_crossentropy", "class_weight": class_weight}
    path = tmp_path / "three.json"
    path.write_text(json.dumps(design))
    return path


def _window(qtbot, make_window, path, size):
    win = make_window(None, factory=_fake)
    win.resize(*size)
    assert open_design(qtbot, win, path)
    return win


@pytest.mark.parametrize("size", SIZES)
def test_a_class_the_data_lack_is_refused_and_the_design_stays(qtbot, make_window, tmp_path,
                                                               size):
    win = _window(qtbot, make_window, _three_classes(tmp_path), size)
    loss = win.settings_panel.loss
    pick(qtbot, loss.mode, "custom")
    assert win.doc.design["loss"]["class_weight"] == {"0": 1.0, "1": 1.0}
    before = json.loads(json.dumps(win.doc.design))
    undo = len(win.doc._undo)
    type_text(qtbot, loss.custom, "0: 1, 7: 5")
    assert loss.error.isVisible()
    assert loss.error.text() == ("⚠ loss.class_weight: class 7 is not a class of the data "
                                 "(classes: 0, 1, 2)")
    assert loss.custom.property("invalid") is True
    assert win.doc.design == before and len(win.doc._undo) == undo
    type_text(qtbot, loss.custom, "0: 1, 2: 4")  # a class of the data: taken
    assert win.doc.design["loss"]["class_weight"] == {"0": 1.0, "2": 4.0}
    assert not loss.error.isVisible() and loss.custom.property("invalid") is False
    assert loss.shown.text().endswith("0: 1, 1: 1, 2: 4")


def test_a_design_file_with_such_a_class_opens_with_the_reason_in_the_form(qtbot, make_window,
                                                                           tmp_path):
    win = _window(qtbot, make_window, _three_classes(tmp_path, {"0": 1.0, "7": 5.0}),
                  (1280, 720))
    loss = win.settings_panel.loss
    assert win.doc.design["loss"]["class_weight"] == {"0": 1.0, "7": 5.0}  # nothing lost
    assert not win.messages  # no dialog, no traceback: the form says it
    assert loss.error.text() == ("⚠ loss.class_weight: class 7 is not a class of the data "
                                 "(classes: 0, 1, 2)")
    assert loss.custom.property("invalid") is True
    assert loss.shown.text().endswith("0: 1, 1: 1, 2: 1")  # the data's classes only
    type_text(qtbot, loss.custom, "0: 1, 1: 2")  # the person corrects it
    assert win.doc.design["loss"]["class_weight"] == {"0": 1.0, "1": 2.0}
    assert not loss.error.isVisible()
