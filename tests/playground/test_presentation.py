"""Presentation mode: text of the zoom's pixel size (at least 18 px), thick lines and large
markers, the projector theme, full screen, side docks collapsed — and everything back
afterwards; the shortcut sheet."""
import pyqtgraph as pg
import pytest
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QLabel

from playground.classroom.presentation import text_px
from playground.theme import PROJECTOR

from tests.helpers.app import COMPARE_DESIGN as DESIGN, fake


def data_items(window):
    out = []
    for view in window.findChildren(pg.PlotWidget):
        out += [i for i in view.getPlotItem().listDataItems()
                if isinstance(i, pg.PlotDataItem) and i.opts.get("pen") is not None]
    return out


def widths(window):
    from playground.classroom.presentation import pen_width
    return {id(i): pen_width(i) for i in data_items(window)}


@pytest.mark.parametrize("zoom", [1.6, 2.0])
def test_comparison_window_presentation_and_back(qtbot, make_compare, zoom):
    from playground.classroom import apply_presentation, is_presenting
    win = make_compare([("A", DESIGN), ("B", DESIGN)], factory=fake)
    win.step(3)
    qtbot.waitUntil(lambda: len(win.plots.plots["loss"].curves) == 2, timeout=30000)
    label = win.counter
    size0 = label.font().pointSizeF()
    tick0 = win.plots.plots["loss"].getAxis("left").style["tickFont"]
    before = widths(win)
    assert before
    apply_presentation(win, True, zoom)
    assert is_presenting(win)
    assert QFontInfo(label.font()).pixelSize() >= text_px(zoom) >= 18
    assert win.isFullScreen()
    after = widths(win)
    assert all(after[k] >= 1.5 * before[k] - 1e-9 and after[k] >= 3 for k in before)
    dots = win.boundaries.panels[0].train
    assert dots.opts["size"] == pytest.approx(5 * zoom)  # large markers
    tick = win.plots.plots["loss"].getAxis("left").style["tickFont"]
    assert QFontInfo(tick).pixelSize() >= 18
    assert win.plots.plots["loss"].backgroundBrush().color().name() == PROJECTOR["plot"]
    assert win.palette().window().color().name() == PROJECTOR["window"]
    assert not win.lesson_dock.isVisible()  # side docks collapse (none shown here anyway)
    apply_presentation(win, False)
    assert not is_presenting(win)
    assert label.font().pointSizeF() == pytest.approx(size0)
    now = widths(win)
    assert {k: now[k] for k in before} == before
    assert win.plots.plots["loss"].getAxis("left").style["tickFont"] == tick0
    assert not win.isFullScreen()
    assert dots.opts["size"] == 5


def test_new_curves_are_styled_while_presenting(qtbot, make_compare):
    from playground.classroom import apply_presentation
    from playground.classroom.presentation import pen_width
    win = make_compare([("A", DESIGN), ("B", DESIGN)], factory=fake)
    apply_presentation(win, True, 1.6)
    win.step(2)  # curves are made at the first frame with data, after the switch
    qtbot.waitUntil(lambda: len(win.plots.plots["loss"].curves) == 2, timeout=30000)
    qtbot.waitUntil(lambda: all(pen_width(c) >= 3 for c in
                                win.plots.plots["loss"].curves.values()), timeout=30000)
    apply_presentation(win, False)
    assert all(pen_width(c) == 2 for c in win.plots.plots["loss"].curves.values())


def test_main_window_presentation_with_explicit_fonts_and_docks(qtbot, make_window):
    from playground.classroom import apply_presentation
    from tests.helpers.app import MAIN_DESIGN, paced_fake as _fake
    win = make_window(MAIN_DESIGN, factory=_fake)
    win.draw_all = True
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=30000)
    win.controller.post("step", n=3)
    qtbot.waitUntil(lambda: bool(data_items(win)), timeout=30000)
    labels = [l for l in win.findChildren(QLabel) if l.text()]
    sizes = {id(l): l.font().pointSizeF() for l in labels}
    left = [d for d in win.docks.values() if not hasattr(d.widget(), "update_frame")]
    assert any(d.isVisible() for d in left)
    before = widths(win)
    legend = win.dashboards[0].loss_plot.legend
    legend_color = legend.palette().color(legend.foregroundRole()).name()
    background = win.dashboards[0].loss_plot.backgroundBrush().color().name()
    apply_presentation(win, True, 1.6)
    assert all(QFontInfo(l.font()).pixelSize() >= 18 for l in labels)
    assert not any(d.isVisible() for d in left)
    after = widths(win)
    assert all(after[k] > before[k] for k in before)
    apply_presentation(win, False)
    assert all(l.font().pointSizeF() == pytest.approx(sizes[id(l)]) for l in labels)
    assert any(d.isVisible() for d in left)
    # the desk's legend text and plot background come back (not the projector's, not black)
    assert legend.palette().color(legend.foregroundRole()).name() == legend_color
    assert win.dashboards[0].loss_plot.backgroundBrush().color().name() == background
    now = widths(win)
    assert {k: now[k] for k in before} == before


def test_shortcut_sheet_lists_the_teacher_keys(qtbot, make_compare):
    win = make_compare([("A", DESIGN)], factory=fake)
    sheet = win.show_shortcuts()
    qtbot.waitExposed(sheet)
    keys = [sheet.table.item(r, 0).text() for r in range(sheet.table.rowCount())]
    for key in ("Space", "Right", "R", "B", "D", "F11"):
        assert any(key in k for k in keys), keys
    assert any("Ctrl+1" in k for k in keys)
    sheet.close()


def test_screenshot_script_saves_a_presentation_comparison(qtbot, tmp_path):
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    from playground.classroom.shots import PROJECTOR, comparison_shot
    out = comparison_shot(QApplication.instance(), 1, 10, tmp_path / "c.png", present=True)
    img = QImage(str(out))
    assert (img.width(), img.height()) == PROJECTOR
    assert img.pixelColor(img.width() // 2, img.height() - 5).lightness() < 60  # projector


def test_log_axis_labels_thin_out_to_1_2_5_then_powers_of_ten():
    import numpy as np

    from playground.classroom.overlay import one_two_five
    few = list(np.log10([0.1, 0.2, 0.3, 0.5, 1.0]))
    assert one_two_five(few, ["a", "b", "c", "d", "e"]) == ["a", "b", "", "d", "e"]
    many = list(np.log10([1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 7e-3]))
    assert one_two_five(many, list("abcdefg")) == ["a", "", "", "d", "", "", ""]
    assert one_two_five(few[:3], ["a", "b", "c"]) == ["a", "b", "c"]


def test_main_window_training_bar_fits_a_1280_projector_while_presenting(qtbot, make_window):
    """Presentation hides the bar's secondary controls (schedule, batch, device, early stop);
    Play … Reset and the counter always show; leaving presentation shows them again."""
    from playground.classroom import apply_presentation
    from tests.helpers.app import MAIN_DESIGN, paced_fake as _fake
    win = make_window(MAIN_DESIGN, factory=_fake)
    bar = win.bar
    assert not bar.compact and bar.groups["schedule"].isVisible()
    apply_presentation(win, True, 1.6)
    assert bar.compact
    assert not any(bar.groups[n].isVisible() for n in ("schedule", "batch", "device"))
    assert bar.groups["run"].isVisible() and bar.groups["lr"].isVisible()
    assert bar.shown_groups()[:2] == ["run", "counter"]  # the rest may go behind »
    apply_presentation(win, False)
    assert not bar.compact and bar.groups["schedule"].isVisible()
