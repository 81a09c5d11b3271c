"""A dashboard brought forward draws the whole run so far, in the main window and in comparison
windows, even after training has stopped; the watch speeds show every batch (issue 11, point 5)."""
from PySide6.QtCore import Qt

from tests.helpers.app import COMPARE_DESIGN, fake
from tests.helpers.app import MAIN_DESIGN as DESIGN, paced_fake as _fake, step_at_least as _step_at_least


def test_comparison_tab_shown_after_the_race_draws_the_whole_run(qtbot, make_compare):
    win = make_compare([("A", COMPARE_DESIGN), ("B", COMPARE_DESIGN)], factory=fake,
                       details=("loss", "dead", "bn"))
    assert win.details.currentWidget() is win.plots  # the lesson names the curves first
    qtbot.waitUntil(lambda: len(win.runs()) == 2, timeout=30_000)
    for _ in range(8):
        win.step(5)  # eight chunks: eight points of history
    qtbot.waitUntil(lambda: all(r.step == 40 for r in win.runs()), timeout=30_000)
    qtbot.wait(200)  # the race is over: no new frame will come
    dead = win.details.dashboards["dead"]
    assert all(d.frames_drawn == 0 for d in dead)  # never on screen while it ran
    qtbot.mouseClick(win.details.tabBar(), Qt.LeftButton,
                     pos=win.details.tabBar().tabRect(win.details.indexOf(
                         win.details.page("dead"))).center())
    assert win.details.currentWidget() is win.details.page("dead")
    qtbot.waitUntil(lambda: all(d.frames_drawn > 0 for d in dead), timeout=5_000)
    for dash in dead:
        curve = next(iter(dash.time_plot.curves.values()))
        assert list(curve.xData) == [0, 5, 10, 15, 20, 25, 30, 35, 40]  # the whole run


def test_a_lesson_that_names_a_run_dashboard_first_opens_on_it(qtbot, make_compare):
    win = make_compare([("A", COMPARE_DESIGN)], factory=fake, details=("bn", "loss"))
    assert win.details.currentWidget() is win.details.page("bn")


def test_main_window_tab_raised_after_pausing_draws_the_whole_run(qtbot, make_window):
    win = make_window(DESIGN, factory=_fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    dead = next(d for d in win.dashboards if type(d).__name__ == "DeadUnitsDashboard")
    win.docks["Gradients"].raise_()
    for _ in range(6):
        win.controller.post("step", n=10)
    qtbot.waitUntil(lambda: _step_at_least(win, 60), timeout=15_000)
    qtbot.wait(100)
    assert dead.frames_drawn == 0
    win.docks[dead.title].raise_()
    qtbot.waitUntil(lambda: dead.frames_drawn > 0, timeout=5_000)
    xs = next(iter(dead.time_plot.curves.values())).xData
    assert list(xs) == [0, 10, 20, 30, 40, 50, 60]  # from the untrained state on


def test_watch_speed_publishes_every_step_a_few_a_second(qtbot, make_window):
    win = make_window(DESIGN, factory=_fake)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    published = []
    original = win.worker._publish

    def recording(snap):
        original(snap)
        if snap is not None:
            published.append(int(snap.step))
    win.worker._publish = recording
    win.bar.speed.setCurrentIndex(win.bar.speed.findData("watch:5"))
    assert win.bar.speed.per_second() == 5.0
    qtbot.waitUntil(lambda: win.worker.pacing.per_second == 5.0, timeout=5_000)
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    qtbot.wait(1_000)
    qtbot.mouseClick(win.bar.play, Qt.LeftButton)
    qtbot.waitUntil(lambda: not win.worker.playing, timeout=5_000)
    steps = sorted(set(published))
    assert 1 <= steps[-1] <= 10  # about five a second, not hundreds
    assert steps == list(range(steps[0], steps[-1] + 1))  # every batch was published


def test_lesson_12_opens_at_a_watch_speed_and_lessons_10_to_13_have_keys(qtbot, classroom):
    win, room = classroom
    keys = {a.text().split(".")[0]: a.shortcut().toString() for a in room.lesson_actions}
    assert [keys[str(n)] for n in (10, 11, 12, 13)] == ["Alt+0", "Alt+1", "Alt+2", "Alt+3"]
    qtbot.keyClick(win, Qt.Key_2, Qt.AltModifier)
    assert len(room.panel.windows) == 1
    lesson = room.panel.windows[0]
    assert lesson.windowTitle().startswith("Lesson 12")
    assert lesson.speed.per_second() == 5.0
    qtbot.waitUntil(lambda: lesson.worker.pacing.per_second == 5.0, timeout=30_000)
    assert lesson.details.currentWidget() is lesson.details.page("bn")
    sheet = room.show_shortcuts()
    rows = [sheet.table.item(r, 0).text() for r in range(sheet.table.rowCount())]
    assert any("Alt+0" in r for r in rows)
    sheet.close()
