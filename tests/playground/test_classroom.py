"""The lessons panel and install_classroom on the main window: menus, one-click lessons, the
teacher's keyboard shortcuts (real key events), Compare…"""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo, QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from playground.classroom.presentation import text_px
from tests.helpers.app import COMPARE_DESIGN as DESIGN, activate, fake
from tests.helpers.window_input import answer_box


@pytest.fixture
def panel(qtbot):
    from playground.classroom import LessonsPanel
    opened = []
    p = LessonsPanel(open_design=lambda path, lesson: opened.append(path), factory=fake)
    p.opened = opened
    qtbot.addWidget(p)
    p.resize(500, 700)
    p.show()
    qtbot.waitExposed(p)
    yield p
    p.close_windows()


def menu_texts(win, title):
    for act in win.menuBar().actions():
        if act.text().replace("&", "") == title:
            return [a.text().replace("&", "") for a in act.menu().actions()]
    return None


def test_panel_lists_every_lesson_and_opens_one_in_one_click(qtbot, panel):
    from engine.design.lessons import list_lessons
    lessons = list_lessons()
    assert panel.list.count() == len(lessons) >= 2
    first = panel.list.item(0)
    assert lessons[0].title in first.text() and lessons[0].summary in first.text()
    rect = panel.list.visualItemRect(first)
    qtbot.mouseClick(panel.list.viewport(), Qt.LeftButton, pos=rect.center())
    assert len(panel.windows) == 1
    win = panel.windows[0]
    assert win.labels == list(lessons[0].labels)
    assert lessons[0].title.split()[0] in panel.text.toPlainText()
    assert win.lesson_dock.isVisible() and win.lesson_view.toPlainText()
    qtbot.waitUntil(lambda: len(win.runs()) == len(lessons[0].designs), timeout=30000)
    activate(qtbot, win)
    qtbot.keyClick(win, Qt.Key_2, Qt.ControlModifier)  # the next lesson, from the lesson window
    assert len(panel.windows) == 2 and panel.windows[1].labels == list(lessons[1].labels)


def test_one_design_lesson_goes_to_the_main_window_callback(qtbot, panel, tmp_path):
    import json
    import shutil

    from engine.design.lessons import LESSONS_DIR, list_lessons
    src = LESSONS_DIR / "01_glorot_vs_he"
    dst = tmp_path / "01_single"
    shutil.copytree(src, dst)
    meta = json.loads((dst / "lesson.json").read_text())
    meta["designs"] = meta["designs"][:1]
    (dst / "lesson.json").write_text(json.dumps(meta))
    lesson = list_lessons(tmp_path)[0]
    assert panel.open_lesson(lesson) is None
    assert panel.opened == [str(dst / meta["designs"][0]["file"])]
    assert not panel.windows


def test_install_adds_menus_dock_and_lesson_shortcuts(qtbot, classroom):
    win, room = classroom
    lessons = menu_texts(win, "Lessons")
    assert lessons is not None and any(t.startswith("1. ") for t in lessons)
    assert room.lesson_actions[0].shortcut() == QKeySequence("Ctrl+1")
    assert "Presentation mode" in menu_texts(win, "View")
    assert "Keyboard shortcuts" in menu_texts(win, "Help")
    assert "Compare…" in menu_texts(win, "Run")
    assert room.dock.widget() is room.panel and room.panel.list.count() > 0
    assert room.actions["presentation"].shortcut() == QKeySequence("F11")
    assert install_again(win) is room
    sheet = room.show_shortcuts()
    keys = [sheet.table.item(r, 0).text() for r in range(sheet.table.rowCount())]
    assert "Ctrl+1" in keys
    sheet.close()


def install_again(win):
    from playground.classroom import install_classroom
    return install_classroom(win)


def test_teacher_keys_drive_the_main_window(qtbot, classroom):
    win, room = classroom
    session = lambda: win.worker.session  # noqa: E731
    qtbot.keyClick(win, Qt.Key_Space)
    assert win.bar.play.isChecked()
    qtbot.waitUntil(lambda: session().t > 0, timeout=30000)
    qtbot.keyClick(win, Qt.Key_Space)
    assert not win.bar.play.isChecked()
    qtbot.waitUntil(lambda: not win.worker.playing, timeout=30000)
    qtbot.keyClick(win, Qt.Key_B)
    qtbot.waitUntil(lambda: ("layer_option", "bn1", {"enabled": False}) in session().calls,
                    timeout=30000)
    assert win.doc.layers[1]["enabled"] is False
    qtbot.keyClick(win, Qt.Key_D)
    qtbot.waitUntil(lambda: ("layer_option", "do1", {"enabled": False}) in session().calls,
                    timeout=30000)
    qtbot.keyClick(win, Qt.Key_B)
    qtbot.waitUntil(lambda: ("layer_option", "bn1", {"enabled": True}) in session().calls,
                    timeout=30000)
    answer_box(qtbot, QMessageBox.Yes)  # the run has trained: R asks first
    qtbot.keyClick(win, Qt.Key_R)
    qtbot.waitUntil(lambda: session().t == 0, timeout=30000)
    activate(qtbot, win)  # active again once the question has gone
    qtbot.keyClick(win, Qt.Key_Right)
    qtbot.waitUntil(lambda: session().t == 1, timeout=30000)


def test_f11_and_ctrl1_and_compare(qtbot, classroom):
    win, room = classroom
    size0 = win.bar.counter.font().pointSizeF()
    qtbot.keyClick(win, Qt.Key_F11)
    assert room.presenting and win.isFullScreen()
    assert QFontInfo(win.bar.counter.font()).pixelSize() >= text_px(room.zoom) >= 18
    room.set_zoom(2.0)
    assert QFontInfo(win.bar.counter.font()).pixelSize() >= text_px(2.0) == 25
    qtbot.keyClick(win, Qt.Key_1, Qt.ControlModifier)
    assert len(room.panel.windows) == 1
    lesson_win = room.panel.windows[0]
    from playground.classroom import is_presenting
    assert is_presenting(lesson_win)  # lessons open in presentation mode while presenting
    qtbot.keyClick(win, Qt.Key_F11)
    assert not room.presenting
    assert win.bar.counter.font().pointSizeF() == pytest.approx(size0)
    ab = room.compare()
    assert ab.labels == ["A", "B"] and ab.designs[0] == ab.designs[1]
    qtbot.waitUntil(lambda: len(ab.runs()) == 2, timeout=30000)


def test_compare_dialog_makes_the_variant(qtbot, classroom):
    from playground.classroom.compare_dialog import CompareDialog
    win, room = classroom
    dialog = CompareDialog(win.doc.design, win)
    qtbot.addWidget(dialog)
    dialog.select("batch_norm", False)
    assert dialog.ok.isEnabled()
    design, label = dialog.variant()
    assert label == "BN off" and design["model"]["layers"][1]["enabled"] is False
    dialog.select("activation", "relu")  # only an output activation: nothing to change
    assert not dialog.ok.isEnabled() and dialog.problem.text()
    ab = room.compare(*dialog.variant()) if dialog.ok.isEnabled() else room.compare(design, label)
    assert ab.labels == ["A", "BN off"]


def test_comparison_window_keys(qtbot, qapp):
    from playground.classroom import ComparisonWindow
    win = ComparisonWindow([("A", DESIGN), ("B", DESIGN)], factory=fake)
    try:
        win.show()
        activate(qtbot, win)
        qtbot.waitUntil(lambda: len(win.runs()) == 2, timeout=30000)
        qtbot.keyClick(win, Qt.Key_Right)
        qtbot.waitUntil(lambda: all(r.step == 1 for r in win.runs()), timeout=30000)
        qtbot.keyClick(win, Qt.Key_Space)
        assert win.playing
        qtbot.waitUntil(lambda: win.runs()[0].step > 5, timeout=30000)
        qtbot.keyClick(win, Qt.Key_Space)
        assert not win.playing
        qtbot.keyClick(win, Qt.Key_B)
        qtbot.waitUntil(lambda: all(("layer_option", "bn1", {"enabled": False}) in s.calls
                                    for s in win.worker.sessions), timeout=30000)
        qtbot.keyClick(win, Qt.Key_D)
        qtbot.waitUntil(lambda: all(("layer_option", "do1", {"enabled": False}) in s.calls
                                    for s in win.worker.sessions), timeout=30000)
        qtbot.keyClick(win, Qt.Key_R)
        qtbot.waitUntil(lambda: all(r.step == 0 for r in win.runs()), timeout=30000)
        qtbot.keyClick(win, Qt.Key_F11)
        assert win.isFullScreen()
        qtbot.keyClick(win, Qt.Key_F11)
        assert not win.isFullScreen()
    finally:
        win.close()
        win.shutdown()
        assert not win.controller.thread.isRunning()
        win.deleteLater()
        QApplication.processEvents()
