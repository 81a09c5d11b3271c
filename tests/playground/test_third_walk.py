"""What the third walk through the merged app (real X server, mouse and keyboard) found."""
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QScrollArea, QWidget

from tests.helpers.app import MAIN_DESIGN, activate
from tests.helpers.fakes import FakeSession
from tests.helpers.window_input import _ancestor, answer_box, reveal


def _fake(d, b, dev):
    return FakeSession(d, b, dev)


def _wheel_down_over(widget: QWidget) -> QWidget:
    """One wheel tick down with the cursor over ``widget``'s centre, sent to what the window's
    ``childAt`` finds there and, while nobody accepts it, on to its parents (as QApplication
    does with a real wheel event; a sent one is not passed on). Returns that widget."""
    window = widget.window()
    at = widget.mapTo(window, widget.rect().center())
    under = window.childAt(at)
    assert under is widget or widget.isAncestorOf(under)
    target = under
    while target is not None:
        local = QPointF(target.mapFrom(window, at))
        event = QWheelEvent(local, QPointF(window.mapToGlobal(at)), QPoint(0, 0), QPoint(0, -120),
                            Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
        event.setAccepted(True)
        QApplication.sendEvent(target, event)
        if event.isAccepted() or target.isWindow():
            break
        target = target.parentWidget()
    QApplication.processEvents()
    return under


def test_scrolling_a_settings_form_changes_no_value_under_the_cursor(qtbot, make_window):
    """The walk scrolled the Optimizer panel with the wheel: the epochs box under the cursor went
    from 100 to 98 and the class-weights list from none to balanced (a rebuilt run). Qt's default
    WheelFocus policy gives a box the focus on the first tick, so the old guard never held."""
    win = make_window(MAIN_DESIGN, factory=_fake)
    win.resize(1280, 720)
    panel = win.settings_panel
    before = win.doc.to_dict()
    for box in (panel.loss.mode, panel.training.epochs, win.data_panel.dataset):
        reveal(box)
        area = _ancestor(box, QScrollArea)
        assert area is not None
        bar = area.verticalScrollBar()
        assert bar.value() < bar.maximum()  # room to scroll down: the wheel should do that
        scrolled_from = bar.value()
        value = box.currentText() if hasattr(box, "currentText") else box.value()
        _wheel_down_over(box)
        assert not (box.focusPolicy() & Qt.WheelFocus == Qt.WheelFocus)  # no focus by the wheel
        now = box.currentText() if hasattr(box, "currentText") else box.value()
        assert now == value, f"the wheel changed {box.objectName() or type(box).__name__}"
        assert bar.value() > scrolled_from  # the form scrolled instead
    assert win.doc.to_dict() == before
    box = panel.training.epochs  # a box the person clicked into still takes the wheel
    reveal(box)
    box.setFocus(Qt.MouseFocusReason)
    value = box.value()
    _wheel_down_over(box)
    assert box.value() == value - 1


def test_a_stray_r_asks_before_it_resets_a_trained_run(qtbot, classroom):
    """The walk pressed R by mistake after 1666 steps: the run was gone without a question.
    Now R on a trained run asks (No keeps it); on an untrained run it resets at once."""
    win, _room = classroom
    session = lambda: win.worker.session  # noqa: E731
    asked: list[str] = []
    answer_box(qtbot, QMessageBox.Yes, asked, within_ms=500)
    qtbot.keyClick(win, Qt.Key_R)  # step 0: nothing to lose, no question
    qtbot.wait(700)
    assert asked == []
    qtbot.keyClick(win, Qt.Key_Right)
    qtbot.waitUntil(lambda: session().t == 1, timeout=30000)
    qtbot.waitUntil(lambda: win.controller.latest().snapshot.step == 1, timeout=30000)
    answer_box(qtbot, QMessageBox.No, asked)
    qtbot.keyClick(win, Qt.Key_R)
    assert asked and "1 steps" in asked[0]
    win.controller.post("noop")
    qtbot.wait(200)
    assert session().t == 1  # kept
    activate(qtbot, win)  # the window is active again once the box has gone
    answer_box(qtbot, QMessageBox.Yes, asked)
    qtbot.keyClick(win, Qt.Key_R)
    assert len(asked) == 2
    qtbot.waitUntil(lambda: session().t == 0, timeout=30000)


def test_a_double_click_on_a_lesson_opens_one_comparison_window(qtbot):
    """The walk double-clicked lesson 1 in the Lessons dock and got two identical comparison
    windows (four runs training); choosing the lesson again brings its open window forward."""
    from playground.classroom import LessonsPanel
    from tests.helpers.app import fake
    panel = LessonsPanel(open_design=lambda path, lesson: None, factory=fake)
    qtbot.addWidget(panel)
    panel.resize(500, 700)
    panel.show()
    qtbot.waitExposed(panel)
    try:
        at = panel.list.visualItemRect(panel.list.item(0)).center()
        assert panel.list.itemAt(at) is panel.list.item(0)
        qtbot.mouseClick(panel.list.viewport(), Qt.LeftButton, pos=at)
        qtbot.mouseDClick(panel.list.viewport(), Qt.LeftButton, pos=at)
        assert len([w for w in panel.windows if w.isVisible()]) == 1
        first = panel.windows[0]
        qtbot.mouseClick(panel.list.viewport(), Qt.LeftButton, pos=at)
        assert panel.windows == [first] and first.isVisible()
        first.close()
        qtbot.mouseClick(panel.list.viewport(), Qt.LeftButton, pos=at)  # closed: a new one
        assert len(panel.windows) == 1 and panel.windows[0] is not first
    finally:
        panel.close_windows()


def _dialog_opened_by(qtbot, act) -> tuple[str, list[str]]:
    """Do ``act`` (a key or a click that opens a file dialog), note the folder the dialog
    starts in and the file it proposes, and cancel it as a person would."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QFileDialog
    seen: list[tuple[str, list[str]]] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog) and dialog.isVisible():
            seen.append((dialog.directory().absolutePath(), dialog.selectedFiles()))
            qtbot.keyClick(dialog, Qt.Key_Escape)
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)
    act()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    return seen[0]


def test_file_dialogs_start_in_the_documents_folder_or_the_designs_own(qtbot, make_window,
                                                                        tmp_path):
    """Ctrl+S on a new design opened the Save dialog in the working folder (the app's source
    tree, in the walk) with no file name; now it starts in the user's documents folder with the
    design's name, and Open / Load data follow a saved design's own folder."""
    import json
    import os

    from playground.paths import documents_dir
    from tests.helpers.window_input import click
    win = make_window(MAIN_DESIGN, factory=_fake)
    activate(qtbot, win)
    docs = os.path.realpath(documents_dir())
    assert docs != os.path.realpath(os.getcwd())
    folder, files = _dialog_opened_by(qtbot, lambda: qtbot.keyClick(win, Qt.Key_S,
                                                                    Qt.ControlModifier))
    assert os.path.realpath(folder) == docs
    assert files and os.path.basename(files[0]).endswith(".playground.json")
    assert os.path.basename(files[0]) != ".playground.json"  # the design's name, not empty
    folder, _ = _dialog_opened_by(qtbot, lambda: click(qtbot, win.data_panel.load_button))
    assert os.path.realpath(folder) == docs
    saved = tmp_path / "mine" / "net.playground.json"
    saved.parent.mkdir()
    saved.write_text(json.dumps(MAIN_DESIGN))
    win.doc.path = str(saved)
    activate(qtbot, win)
    folder, _ = _dialog_opened_by(qtbot, lambda: qtbot.keyClick(win, Qt.Key_O,
                                                                Qt.ControlModifier))
    assert os.path.realpath(folder) == os.path.realpath(saved.parent)


def test_german_labels_do_not_widen_the_data_panel(qtbot, make_window, qapp):
    """In German at 1280x720 the Data panel was wider than its dock: the data-set list, the
    number boxes and the label-flip box lost their arrows under the scroll bar. Long labels
    ("Label-Vertauschung · baut neu auf", "Trainingsanteil" beside its field) set the width;
    now they wrap, so the German panel needs no more width than the English one."""
    from playground import i18n

    def needed_width() -> int:
        win = make_window(MAIN_DESIGN, factory=_fake)
        win.resize(1280, 720)
        reveal(win.data_panel.extras.flip)
        return win.data_panel.minimumSizeHint().width()

    english = needed_width()
    assert i18n.install_translators(qapp, "de") == "de"
    try:
        german = needed_width()
    finally:
        i18n.remove_translators(qapp)
    assert german <= english, f"German needs {german} px, English {english} px"


def test_a_class_weight_change_is_marked_as_such_on_the_plots(qtbot, make_window):
    """The walk switched class weights to balanced, then custom: the plots' markers read
    "loss binary_crossentropy" twice, as if the loss had changed."""
    from tests.helpers.window_input import pick, type_text
    win = make_window(MAIN_DESIGN, factory=_fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    win.controller.post("step", n=5)
    qtbot.waitUntil(lambda: win.controller.latest().snapshot is not None
                    and win.controller.latest().snapshot.step == 5, timeout=15_000)
    form = win.settings_panel.loss
    pick(qtbot, form.mode, "balanced")
    qtbot.waitUntil(lambda: any("class weights balanced" in m for _, m in win.worker.markers),
                    timeout=15_000)
    pick(qtbot, form.mode, "custom")
    type_text(qtbot, form.custom, "0: 1, 1: 3")
    qtbot.waitUntil(lambda: any("class weights 0: 1, 1: 3" in m for _, m in win.worker.markers),
                    timeout=15_000)
    assert not any(m.startswith("loss ") for _, m in win.worker.markers)


def test_a_lesson_window_has_previous_and_next_lesson_buttons(qtbot):
    """The lesson window offered only Ctrl+N to reach another lesson: a student does not know
    the numbers. Its toolbar now has ◀ Previous lesson / Next lesson ▶ (disabled at the ends)."""
    from PySide6.QtWidgets import QPushButton
    from playground.classroom import LessonsPanel
    from tests.helpers.app import fake
    from tests.helpers.window_input import click
    panel = LessonsPanel(open_design=lambda path, lesson: None, factory=fake)
    qtbot.addWidget(panel)
    panel.show()
    try:
        first = panel.open_number(panel.lessons[0].number)
        qtbot.waitExposed(first)
        back = first.findChild(QPushButton, "previousLesson")
        ahead = first.findChild(QPushButton, "nextLesson")
        assert not back.isEnabled() and ahead.isEnabled()
        second = panel.lessons[1]
        assert second.title in ahead.toolTip()
        click(qtbot, ahead)
        assert panel.list.currentItem().data(Qt.UserRole) == second.number
        if len(second.designs) > 1:  # a comparison lesson: its own window, the first kept
            assert [w.lesson_number for w in panel.windows if w.isVisible()] == [
                panel.lessons[0].number, second.number]
    finally:
        panel.close_windows()


def test_a_german_lesson_window_speaks_german(qtbot, qapp):
    """In German the lesson window's plots read "training loss (smoothed)", "accuracy",
    "step" and its counter "step 0 · 2 runs · 0 steps/s"."""
    from playground import i18n
    from playground.classroom import ComparisonWindow
    from tests.helpers.app import COMPARE_DESIGN, fake
    assert i18n.install_translators(qapp, "de") == "de"
    win = ComparisonWindow([("A", COMPARE_DESIGN), ("B", COMPARE_DESIGN)], factory=fake)
    try:
        win.show()
        activate(qtbot, win)
        qtbot.waitUntil(lambda: len(win.runs()) == 2, timeout=30000)
        qtbot.keyClick(win, Qt.Key_Right)
        qtbot.waitUntil(lambda: win.counter.text().startswith("Schritt 1 · 2 Läufe"), timeout=30000)
        titles = [p.plotItem.titleLabel.text for p in win.findChildren(pg.PlotWidget)
                  if p.plotItem.titleLabel.text]
        assert any("Genauigkeit" in t for t in titles) and any("geglättet" in t for t in titles)
        assert not any("accuracy" in t or "smoothed" in t for t in titles)
        assert win.plots.findChildren(pg.PlotWidget)[0].plotItem.getAxis("bottom").labelText \
            == "Schritt"
    finally:
        win.close()
        win.shutdown()
        i18n.remove_translators(qapp)


def test_a_refused_custom_class_weight_frames_the_field_typed_in(qtbot, make_window):
    """Typing 0:2,1:-3 as custom class weights framed the none/balanced/custom list in red,
    not the field holding the bad number."""
    from tests.helpers.window_input import pick, type_text
    win = make_window(MAIN_DESIGN, factory=_fake)
    form = win.settings_panel.loss
    pick(qtbot, form.mode, "custom")
    type_text(qtbot, form.custom, "0:2,1:-3")
    qtbot.waitUntil(lambda: form.error.isVisible(), timeout=10_000)
    assert "-3" in form.error.text()
    assert form.custom.property("invalid") is True
    form.custom.clear()
    type_text(qtbot, form.custom, "0:2,1:3")
    qtbot.waitUntil(lambda: not form.custom.property("invalid"), timeout=10_000)
