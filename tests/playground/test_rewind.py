"""Rewind and branch in the window, on the real engine: the timeline under the loss plot shows
the kept points; a click on one rewinds there, the curves after it stay greyed as the old branch,
and continuing reproduces the first run's losses exactly. "Open as A/B comparison from here"
starts both runs of a comparison from the kept point."""
import json

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMenu

from engine.errors import BadInput
from playground.classroom import install_classroom
from playground.classroom.compare_dialog import CompareDialog
from playground.classroom.compare_worker import CompareWorker
from playground.classroom.variants import make_variant
from playground.dashboards.timeline import PICKED
from playground.dashboards.training import OLD_BRANCH
from playground.engine_bridge import make_session
from tests.helpers.app import activate
from tests.helpers.graph import graph_design


def _design():
    """The graph tests' design (dense, tanh, dropout, sigmoid) with batch norm after d1."""
    d = graph_design()
    d["model"]["layers"].insert(1, {"id": "bn1", "type": "batch_norm", "momentum": 0.9})
    return d


STEPS = 60  # 6 epochs of 10 steps: the branch crosses epoch ends
BACK_TO = 25  # a kept point: every 25 steps at first (the one nearest it is taken, see _kept)


def _frame(win):
    return win.controller.latest()


def _step(win):
    f = _frame(win)
    return None if f is None or f.snapshot is None else f.snapshot.step


def _steps(qtbot, win, n):
    """Click Step ``n`` times, each after the last one's frame arrived."""
    for _ in range(n):
        before = _step(win)
        qtbot.mouseClick(win.bar.step, Qt.LeftButton)
        qtbot.waitUntil(lambda: _step(win) > before, timeout=30_000)


def _trained(qtbot, make_window, tmp_path):
    path = tmp_path / "tiny.json"
    path.write_text(json.dumps(_design()), encoding="utf-8")
    win = make_window(json.loads(path.read_text()), str(path))
    qtbot.waitUntil(lambda: win.bar.ready and _step(win) is not None, timeout=300_000)
    _steps(qtbot, win, STEPS)
    win.docks["Loss and accuracy"].raise_()
    loss = win.dashboards[0]
    # the timeline shows the points of the newest frame
    qtbot.waitUntil(lambda: loss.timeline.steps == _frame(win).extra["rewind"][1],
                    timeout=10_000)
    return win, loss


def _kept(timeline):
    """The kept point nearest BACK_TO inside the run (the worker spaces points out further
    when keeping one would take more than a twentieth of the time: a busy machine)."""
    inside = [s for s in timeline.steps if 0 < s < STEPS]
    assert inside, timeline.steps
    return min(inside, key=lambda s: abs(s - BACK_TO))


def _resize(qtbot, win, width, height):
    win.resize(width, height)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == (width, height), timeout=5000)


def _person_pos(qtbot, win, timeline, step):
    """Where kept point ``step`` is drawn, in window coordinates, checked to be on the timeline
    as Qt sees the window (the widget under the cursor)."""
    pos = timeline.mapTo(win, timeline.point_pos(step))
    assert win.childAt(pos) is timeline
    return pos


def test_rewind_through_the_timeline_reproduces_the_first_run_exactly(
        qtbot, make_window, tmp_path):
    win, loss = _trained(qtbot, make_window, tmp_path)
    _resize(qtbot, win, 1280, 720)
    first = _frame(win).history
    assert first["steps"][-1] == STEPS
    tl = loss.timeline
    assert 0 in tl.steps and tl.toolTip()
    back = _kept(tl)
    pos = _person_pos(qtbot, win, tl, back)
    # press, drag a little (the nearest kept point stays picked), release: rewind there
    qtbot.mousePress(win.windowHandle(), Qt.LeftButton, Qt.NoModifier, pos)
    qtbot.mouseMove(win.windowHandle(), pos + type(pos)(2, 0))
    assert tl.steps[tl.picked] == back
    qtbot.mouseRelease(win.windowHandle(), Qt.LeftButton, Qt.NoModifier, pos + type(pos)(2, 0))
    qtbot.waitUntil(lambda: _step(win) == back, timeout=30_000)
    h = _frame(win).history
    assert len(h["old_branches"]) == 1 and h["steps"][-1] == back
    assert not win.bar.play.isChecked()
    _steps(qtbot, win, STEPS - back)
    again = _frame(win).history
    after = first["steps"] > back
    np.testing.assert_array_equal(again["steps"][again["steps"] > back], first["steps"][after])
    # exactly the first run's losses, step for step (batch norm and dropout on)
    assert again["loss"][again["steps"] > back].tolist() == first["loss"][after].tolist()
    old = again["old_branches"][0]
    assert old["steps"][0] == back and old["loss"].tolist() == \
        first["loss"][first["steps"] >= back].tolist()
    # the old branch is drawn, greyed, on the loss plot
    qtbot.waitUntil(lambda: "old branch 0" in loss.loss_plot.curves, timeout=10_000)
    curve = loss.loss_plot.curves["old branch 0"]
    xs, ys = curve.getOriginalDataset()
    assert xs[0] == back and xs[-1] == STEPS and np.isfinite(ys).all()
    assert curve.opts["pen"].color().name() == OLD_BRANCH


def _focused():
    return QApplication.focusWidget()


def _press(win, key) -> None:
    """A key pressed as a person presses it: through the window, so the window's shortcuts
    (Right is Step) compete for it as they do on a real keyboard."""
    QTest.keyClick(win.windowHandle(), key)


def _frame_drawn(tl) -> bool:
    """Whether the timeline draws its focus frame (the picked colour down its left edge)."""
    image = tl.grab().toImage()
    return any(image.pixelColor(0, y).name() == PICKED.lower() for y in range(image.height()))


def test_the_timeline_is_usable_from_the_keyboard(qtbot, make_window, tmp_path):
    win, loss = _trained(qtbot, make_window, tmp_path)
    install_classroom(win)  # as the app does: Right is also the window's Step key
    _resize(qtbot, win, 1280, 720)
    activate(qtbot, win)
    tl = loss.timeline
    assert "Left/Right" in tl.toolTip() and not _frame_drawn(tl)
    loss.loss_plot.setFocus(Qt.OtherFocusReason)  # the person was on the loss plot
    for _ in range(4):  # Tab (a few times at most) reaches the timeline
        if tl.hasFocus():
            break
        qtbot.keyClick(_focused(), Qt.Key_Tab)
    assert tl.hasFocus() and _frame_drawn(tl)  # a visible focus
    back = _kept(tl)
    _press(win, Qt.Key_End)
    assert tl.chosen == tl.steps[-1]
    _press(win, Qt.Key_Home)
    assert tl.chosen == tl.steps[0] == 0
    while tl.chosen < back:
        _press(win, Qt.Key_Right)
    assert tl.chosen == back
    _press(win, Qt.Key_Right)
    _press(win, Qt.Key_Left)
    assert tl.chosen == back and _step(win) == STEPS  # choosing alone rewinds nothing
    qtbot.keyClick(_focused(), Qt.Key_Menu)  # the menu key: the point's context menu
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    menu = QApplication.activePopupWidget()
    assert menu.objectName() == "rewindMenu"
    assert menu.actions()[0].text() == f"Rewind to step {back}"
    qtbot.keyClick(menu, Qt.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=5000)
    _resize(qtbot, win, 1366, 768)
    assert tl.hasFocus() and tl.chosen == back
    qtbot.keyClick(_focused(), Qt.Key_Return)
    qtbot.waitUntil(lambda: _step(win) == back, timeout=30_000)
    assert len(_frame(win).history["old_branches"]) == 1
    assert not win.bar.play.isChecked()
    from pathlib import Path
    guide = Path(__file__).resolve().parents[2] / "resources" / "guide" / "dashboards"
    assert "Left/Right" in (guide / "loss.md").read_text(encoding="utf-8")
    assert "Links/Rechts" in (guide / "loss.de.md").read_text(encoding="utf-8")


def test_open_as_ab_comparison_from_a_kept_point(qtbot, make_window, tmp_path, monkeypatch):
    win, loss = _trained(qtbot, make_window, tmp_path)
    first = _frame(win).history
    chosen = []

    def accept_dropout_off(dialog):
        dialog.select("dropout", False)
        chosen.append(dialog.variant()[1])
        return QDialog.Accepted

    monkeypatch.setattr(CompareDialog, "exec", accept_dropout_off)
    _resize(qtbot, win, 1366, 768)
    back = _kept(loss.timeline)
    pos = _person_pos(qtbot, win, loss.timeline, back)
    qtbot.mouseMove(win.windowHandle(), pos)
    qtbot.mouseClick(win.windowHandle(), Qt.RightButton, Qt.NoModifier, pos,
                     QApplication.doubleClickInterval() + 100)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=5000)
    menu = QApplication.activePopupWidget()
    assert menu.objectName() == "rewindMenu"
    act = next(a for a in menu.actions() if a.objectName() == "compare_from_here")
    qtbot.mouseClick(menu.windowHandle(), Qt.LeftButton, Qt.NoModifier,
                     menu.actionGeometry(act).center(), QApplication.doubleClickInterval() + 100)
    qtbot.waitUntil(lambda: not shiboken6.isValid(menu), timeout=5000)
    qtbot.waitUntil(lambda: bool(win.rewind_link.opened), timeout=30_000)
    cmp = win.rewind_link.opened[0]
    assert chosen == ["dropout off"] and str(back) in cmp.windowTitle()
    try:
        qtbot.waitUntil(lambda: cmp.worker.latest() is not None, timeout=60_000)
        start = cmp.worker.latest()
        assert [r.snapshot.step for r in start.runs] == [back, back]
        cmp.controller.post("step", n=STEPS - back)
        qtbot.waitUntil(lambda: min(cmp.worker.latest().runs[i].snapshot.step
                                    for i in (0, 1)) == STEPS, timeout=60_000)
        runs = cmp.worker.latest().runs
        # run A (the design as it is) continues exactly as the main window's first run did
        assert runs[0].snapshot.loss == first["loss"][first["steps"] == STEPS][0]
        # run B (dropout off) starts from the same point and goes its own way
        assert runs[1].snapshot.loss != runs[0].snapshot.loss
        assert _step(win) == STEPS  # the main window's run is untouched
    finally:
        cmp.close()
        cmp.shutdown()


def test_a_comparison_from_a_kept_state_resets_to_it_and_names_a_run_that_cannot_start():
    """The comparison worker itself (no thread): Reset goes back to the kept point, not to
    step 0; a variant whose optimiser differs cannot take the point's state and says so."""
    first = make_session(_design(), None)
    first.run(BACK_TO)
    state = first.state_dict()
    worker = CompareWorker(make_session)
    off, label = make_variant(_design(), "dropout", False)
    worker._apply("build", {"designs": [_design(), off], "labels": ["A", label],
                            "base_dirs": [None, None], "start": state})
    assert [s.step_count for s in worker.sessions] == [BACK_TO, BACK_TO]
    expected = first.run(5).loss
    worker._apply("step", {"n": 5})
    assert worker.sessions[0].last_loss == expected
    worker._apply("reset", {})
    assert [s.step_count for s in worker.sessions] == [BACK_TO, BACK_TO]
    sgd, _ = make_variant(_design(), "optimizer", "sgd")
    with pytest.raises(BadInput, match="sgd cannot start from this point.*step 0"):
        worker._apply("build", {"designs": [_design(), sgd], "labels": ["A", "sgd"],
                                "base_dirs": [None, None], "start": state})
    assert [s.step_count for s in worker.sessions] == [0, 0] and worker.start is None
