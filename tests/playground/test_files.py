"""Save, reopen, recent files, broken files, dropping a design file, the unsaved-changes prompt."""
import json

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from tests.helpers.app import MAIN_DESIGN as DESIGN, loaded, open_design
from tests.helpers.fakes import FakeSession


def _fake(d, b, dev):
    return FakeSession(d, b, dev)


def test_save_and_reopen_round_trip(qtbot, make_window, tmp_path):
    win = make_window(DESIGN, factory=_fake)
    win.doc.set_layer_option(0, "units", 3)
    win.doc.insert_layer(1, {"type": "activation", "function": "relu"})
    path = tmp_path / "mine.json"
    assert win.files.save_to(str(path))
    assert not win.doc.dirty and "*" not in win.windowTitle()
    saved = json.loads(path.read_text())
    assert saved["model"]["layers"][0]["units"] == 3
    assert saved["model"]["layers"][1]["function"] == "relu"
    assert "kernel_initializer" in saved["model"]["layers"][0]  # every key written
    other = make_window(DESIGN, factory=_fake)
    assert open_design(qtbot, other, path)
    assert other.doc.to_dict() == saved and other.doc.path == str(path)
    assert other.files.recent()[0] == str(path)
    assert other.recent_menu.actions()[0].text() == "mine.json"


def test_broken_file_reports_and_keeps_the_design(qtbot, make_window, tmp_path):
    win = make_window(DESIGN, factory=_fake)
    before = win.doc.to_dict()
    bad = tmp_path / "bad.json"
    broken = json.loads(json.dumps(DESIGN))
    broken["model"]["layers"][1]["rate"] = 1.5
    bad.write_text(json.dumps(broken))
    open_design(qtbot, win, bad)
    assert win.messages and "rate" in win.messages[-1][1] and "1.5" in win.messages[-1][1]
    (tmp_path / "junk.json").write_text("{not json")
    open_design(qtbot, win, tmp_path / "junk.json")
    assert "line 1" in win.messages[-1][1]
    assert win.doc.to_dict() == before and win.doc.path is None


def test_drop_design_file_on_window_and_unsaved_prompt(qtbot, make_window, tmp_path):
    win = make_window(DESIGN, factory=_fake)
    path = tmp_path / "dropped.json"
    other = json.loads(json.dumps(DESIGN))
    other["name"] = "dropped design"
    path.write_text(json.dumps(other))
    win.doc.set_layer_option(0, "units", 4)
    win.files.ask = lambda: "cancel"
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPointF(50, 50).toPoint(), Qt.CopyAction, mime, Qt.LeftButton,
                            Qt.NoModifier)
    win.dragEnterEvent(enter)
    assert enter.isAccepted()
    win.dropEvent(QDropEvent(QPointF(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    assert win.doc.name == "fake" and win.doc.dirty  # cancelled: nothing replaced
    win.files.ask = lambda: "discard"
    win.dropEvent(QDropEvent(QPointF(50, 50), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    loaded(qtbot, win.files.loader)
    assert win.doc.name == "dropped design" and not win.doc.dirty
    assert win.doc.path == str(path)


def test_failed_build_is_reported_and_the_next_edit_builds_again(qtbot, make_window):
    attempts = []

    def factory(d, b, dev):
        attempts.append(d["model"]["layers"][0]["units"])
        if d["model"]["layers"][0]["units"] == 2:
            from engine.errors import BadInput
            raise BadInput("must not be 2 in this test", "model.layers[0].units")
        return FakeSession(d, b, dev)

    design = json.loads(json.dumps(DESIGN))
    design["model"]["layers"][0]["units"] = 2
    win = make_window(design, factory=factory)
    qtbot.waitUntil(lambda: win.refusal_bar.isVisible(), timeout=15_000)
    assert "model.layers[0].units: must not be 2" in win.refusal_bar.text
    assert "Nothing to train" in win.refusal_bar.text and not win.messages
    assert win.stack.cards[0].property("refused")  # the layer it names is marked
    assert win.worker.session is None and win.applied is None
    win.inspector.show_layer(0)
    win.inspector.editors["units"].setValue(3)  # fixing the design rebuilds the session
    qtbot.waitUntil(lambda: win.worker.session is not None, timeout=15_000)
    assert attempts == [2, 3]
    qtbot.waitUntil(lambda: not win.refusal_bar.isVisible(), timeout=15_000)  # resolved
    assert not win.stack.cards[0].property("refused")
