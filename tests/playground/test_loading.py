"""Loading never freezes the window and data loading is transactional (issue 10, the app half):
File → Open and data files are read off the GUI thread with a progress dialog and a Cancel; a
design whose data lie outside its folder asks once; a refused CSV changes nothing; a valid one
adapts the output layer and loss in one undo step; a CSV or NPZ dropped on the window loads the
same way."""
import copy
import json
import threading
from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtWidgets import QProgressDialog, QPushButton

from tests.helpers.app import MAIN_DESIGN, drop as _drop, loaded, open_design, step_at_least
from tests.helpers.fakes import FakeSession

ROOT = Path(__file__).resolve().parents[2]
DIGITS = json.loads((ROOT / "resources/designs/digits_mlp_dropout.json").read_text())


def _fake(d, b, dev):
    return FakeSession(d, b, dev)


class Builds:
    """A factory counting the sessions it builds."""

    def __init__(self):
        self.designs = []

    def __call__(self, d, b, dev):
        self.designs.append(copy.deepcopy(d))
        return FakeSession(d, b, dev)


def _two_class_csv(path, n=40):
    rng = np.random.default_rng(0)
    rows = ["x,y,label"] + [f"{a:.3f},{b:.3f},{int(a + b > 0)}"
                            for a, b in rng.normal(size=(n, 2))]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_slow_open_shows_progress_keeps_the_window_alive_and_cancels(
        qtbot, make_window, tmp_path, monkeypatch):
    from playground import engine_bridge
    win = make_window(MAIN_DESIGN, factory=_fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    path = tmp_path / "big.json"
    path.write_text(json.dumps(dict(MAIN_DESIGN, name="big")))
    real = engine_bridge.load_design_dict
    reading, release, done = threading.Event(), threading.Event(), threading.Event()

    def slow(p):  # a huge design file: read until the test lets it finish
        reading.set()
        release.wait(60)
        try:
            return real(p)
        finally:
            done.set()
    monkeypatch.setattr(engine_bridge, "load_design_dict", slow)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(reading.is_set() and not release.is_set()))
    timer.start(20)
    assert win.files.open_path(str(path))  # returns while the file is still being read
    assert not win.files.loader.finished
    dialog = win.files.loader.dialog
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=10_000)
    assert isinstance(dialog, QProgressDialog) and "big.json" in dialog.labelText()
    # the GUI thread keeps processing events while the reader is blocked in the file
    qtbot.waitUntil(lambda: sum(ticks) >= 5, timeout=30_000)
    cancel = dialog.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.LeftButton)
    assert win.files.loader.finished and not dialog.isVisible()
    release.set()
    qtbot.waitUntil(lambda: done.is_set() and not any(  # the thread ends; its result is dropped
        t.name.startswith("loading") for t in threading.enumerate()), timeout=30_000)
    qtbot.wait(50)
    timer.stop()
    assert win.doc.name == "fake" and win.doc.path is None
    monkeypatch.setattr(engine_bridge, "load_design_dict", real)
    assert open_design(qtbot, win, path)  # without Cancel it opens
    assert win.doc.name == "big" and win.doc.path == str(path)


def test_a_design_with_data_outside_its_folder_asks_once(qtbot, make_window, tmp_path):
    win = make_window(MAIN_DESIGN, factory=_fake)
    data = _two_class_csv(tmp_path / "elsewhere.csv")
    folder = tmp_path / "lesson"
    folder.mkdir()
    design = dict(MAIN_DESIGN, name="outside",
                  data={"dataset": {"path": "../elsewhere.csv", "label_column": "label"}})
    path = folder / "outside.json"
    path.write_text(json.dumps(design))
    asked = []
    win.files.ask_outside = lambda p, d: asked.append((p, d)) or False
    open_design(qtbot, win, path)
    assert asked == [(str(path), str(data))] and win.doc.name == "fake"  # declined: not opened
    win.files.ask_outside = lambda p, d: asked.append((p, d)) or True
    open_design(qtbot, win, path)
    assert len(asked) == 2 and win.doc.name == "outside"
    open_design(qtbot, win, path)  # asked once: not again for the same design and file
    assert len(asked) == 2 and win.doc.name == "outside"
    inside = folder / "inside.json"
    (folder / "points.csv").write_text(data.read_text())
    inside.write_text(json.dumps(dict(design, name="inside",
                                      data={"dataset": {"path": "points.csv"}})))
    open_design(qtbot, win, inside)
    assert len(asked) == 2 and win.doc.name == "inside"


def test_a_refused_csv_changes_nothing_and_the_saved_design_reopens(qtbot, make_window,
                                                                     tmp_path):
    builds = Builds()
    path = tmp_path / "mine.json"
    win = make_window(MAIN_DESIGN, factory=builds)
    assert win.files.save_to(str(path))
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    win.doc.set_value("optimizer", "learning_rate", 0.2)  # an undo step to keep
    win.controller.post("step", n=15)
    qtbot.waitUntil(lambda: step_at_least(win, 15), timeout=15_000)
    before, undo = win.doc.to_dict(), (win.doc.can_undo, win.doc.undo_label)
    frame = win.controller.latest()
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y,label\n1,2,0\n3,oops,1\n")
    win.data_panel.load_file(str(bad))
    qtbot.waitUntil(lambda: win.refusal_bar.isVisible(), timeout=15_000)
    assert "bad.csv" in win.refusal_bar.text and "oops" in win.refusal_bar.text
    assert not win.refusal_bar.undo.isVisible()  # nothing changed: nothing to undo
    assert win.doc.to_dict() == before and (win.doc.can_undo, win.doc.undo_label) == undo
    assert len(builds.designs) == 1 and win.worker.session is not None
    assert win.controller.latest().snapshot.step == frame.snapshot.step  # plots as they were
    assert len(win.controller.latest().history["steps"]) == len(frame.history["steps"])
    assert win.data_panel.dataset.currentText() == "gaussian"
    assert win.files.save()
    other = make_window(MAIN_DESIGN, factory=_fake)
    assert open_design(qtbot, other, path) and other.doc.path == str(path)
    assert other.doc.section("data")["dataset"] == "gaussian" and not other.messages


def test_a_two_class_csv_after_digits_adapts_the_head_and_loss_in_one_undo_step(
        qtbot, make_window, tmp_path):
    builds = Builds()
    win = make_window(DIGITS, factory=builds)
    digits = win.doc.to_dict()
    csv = _two_class_csv(tmp_path / "two.csv")
    win.data_panel.load_file(str(csv))
    loaded(qtbot, win.data_files.loader)
    layers = win.doc.layers
    assert win.doc.input_dim == 2 and win.doc.section("loss")["type"] == "binary_crossentropy"
    dense = [layer for layer in layers if layer["type"] == "dense"]
    assert dense[-1]["units"] == 1 and layers[-1]["function"] == "sigmoid"
    assert win.doc.section("data")["dataset"]["path"] == str(csv)
    assert win.data_panel.dataset.currentText() == "file: two.csv"
    qtbot.waitUntil(lambda: len(builds.designs) == 2, timeout=15_000)
    assert builds.designs[-1]["loss"]["type"] == "binary_crossentropy"
    assert "binary_crossentropy" in win.statusBar().currentMessage()
    assert win.doc.undo() and win.doc.to_dict() == digits  # one undo step
    assert not win.refusal_bar.isVisible()


def _drop_file(win, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    center = QPointF(win.rect().center())
    return _drop(win, mime, center)


def test_a_csv_or_npz_dropped_on_the_window_becomes_the_data(qtbot, make_window, tmp_path):
    builds = Builds()
    win = make_window(MAIN_DESIGN, factory=builds)
    win.doc.path = str(tmp_path / "design.json")  # data beside the design: a relative path
    csv = _two_class_csv(tmp_path / "dropped.csv")
    assert _drop_file(win, csv).isAccepted()
    loaded(qtbot, win.data_files.loader)
    assert win.doc.section("data")["dataset"]["path"] == "dropped.csv"
    rng = np.random.default_rng(1)
    npz = tmp_path / "three.npz"
    x = rng.normal(size=(60, 3))
    np.savez(npz, x_train=x, y_train=(x[:, 0] > 0).astype(float) + (x[:, 1] > 0))
    _drop_file(win, npz)
    loaded(qtbot, win.data_files.loader)
    assert win.doc.section("data")["dataset"]["path"] == "three.npz"
    assert win.doc.input_dim == 3 and win.doc.section("loss")["type"] == \
        "sparse_categorical_crossentropy"
    assert [layer for layer in win.doc.layers if layer["type"] == "dense"][-1]["units"] == 3
    assert win.doc.undo() and win.doc.section("data")["dataset"]["path"] == "dropped.csv"
    (tmp_path / "notes.txt").write_text("not data")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    from PySide6.QtGui import QDragEnterEvent
    enter = QDragEnterEvent(QPointF(10, 10).toPoint(), Qt.CopyAction, mime, Qt.LeftButton,
                            Qt.NoModifier)
    win.dragEnterEvent(enter)
    assert not enter.isAccepted()
