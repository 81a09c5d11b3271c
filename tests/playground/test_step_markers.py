"""Changes made together (a new user's several edits before training) are drawn as one marker
whose label names them all, not as labels piled on top of each other at step 0; each change
stays its own history entry and the plot's tooltip lists each."""
import pytest
from PySide6.QtCore import Qt

from playground.dashboards.base import TimePlot
from playground.dashboards.markers import MAX_LABEL_CHARS, joined_label, marker_groups
from tests.helpers.app import MAIN_DESIGN, activate, step_at_least
from tests.helpers.fakes import FakeSession
from tests.helpers.window_input import click, type_text


def _fake(d, b, dev):
    session = FakeSession(d, b, dev)
    session.set_batch_size = lambda v: None
    return session


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_edits_before_training_are_one_marker_naming_each(qtbot, make_window, size):
    win = make_window(MAIN_DESIGN, factory=_fake)
    win.resize(*size)
    qtbot.waitUntil(lambda: (win.width(), win.height()) == size, timeout=5_000)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=15_000)
    activate(qtbot, win)
    training = win.settings_panel.training
    type_text(qtbot, training.batch, "16")
    type_text(qtbot, training.epochs, "12")
    click(qtbot, training.shuffle)  # rebuilds: its marker starts a new segment
    qtbot.waitUntil(lambda: len(win.controller.latest().markers) == 3, timeout=15_000)
    win.controller.post("step", n=2000)  # then the run trains: one pixel holds them all
    qtbot.waitUntil(lambda: step_at_least(win, 2000), timeout=30_000)
    markers = win.controller.latest().markers
    assert len(markers) == 3  # one history entry per change
    labels = [label for _, label in markers]
    dashboard = win.dashboards[0].loss_plot
    qtbot.waitUntil(lambda: dashboard.markers.labels == labels, timeout=10_000)
    # the loss plot as wide as the loss dock at this size (the test's offscreen screen is
    # smaller than the window sizes under test), with the window's frame
    plot = TimePlot("loss")
    qtbot.addWidget(plot)
    plot.resize(size[0] // 3, 260)
    plot.show()
    qtbot.waitExposed(plot)
    history = win.controller.latest().history
    plot.set_series("loss", history["steps"], history["loss"], "#56B4E9")
    plot.fit()
    plot.markers.update(markers)
    assert plot.markers.shown_labels == ["; ".join(labels)]  # one label, not a pile of three
    tip = plot.describe(markers[0][0])
    assert all(f"▸ {label} " in tip for label in labels)  # the tooltip lists each change


def test_a_long_list_of_changes_at_one_line_names_the_first_and_how_many_more():
    many = [(0, f"d{i}: units={i}") for i in range(6)] + [(40, "lr=0.1")]
    (x0, first), (x1, second) = marker_groups(many, px_w=1.0, gap_px=6)
    assert (x0, x1) == (0, 40) and second == ["lr=0.1"]
    assert len("; ".join(first)) > MAX_LABEL_CHARS
    assert joined_label(first) == "d0: units=0 (+5 more)"
    assert joined_label(["a", "b"]) == "a; b" and joined_label(["a"]) == "a"
