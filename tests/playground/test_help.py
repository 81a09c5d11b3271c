"""Every view explains itself: the dashboards' "?" texts and the help-text loader."""
import re

from PySide6.QtCore import Qt

from engine.design.lessons import list_lessons
from playground import help_texts, i18n
from tests.helpers.app import MAIN_DESIGN, fake


def test_every_dashboard_has_a_help_button_whose_text_names_existing_lessons(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=fake)
    lessons = {lesson.number: lesson.title for lesson in list_lessons()}
    assert len(win.dashboards) == len(help_texts.DASHBOARD_HELP)
    for dash in win.dashboards:
        button = dash.help_button
        assert button.text() == "?" and button.toolTip()
        qtbot.mouseClick(button, Qt.LeftButton)
        window = dash.help_window
        assert window is not None and window.isVisible()
        text = window.browser.toPlainText()
        for heading in ("What is drawn", "How to read it", "Healthy", "Unhealthy"):
            assert heading in text, (dash.title, heading)
        named = [int(n) for n in re.findall(r"Lesson (\d+):", text)]
        assert named, dash.title
        for number in named:
            assert number in lessons, (dash.title, number)
            assert " ".join(lessons[number].split()) in " ".join(text.split()), \
                (dash.title, lessons[number])
        window.close()


def test_help_button_sits_inside_the_dashboard_above_its_plots(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=fake)
    dash = win.dashboards[0]
    win.docks[dash.title].show()
    win.docks[dash.title].raise_()
    qtbot.waitUntil(dash.isVisible)
    button = dash.help_button
    assert dash.rect().contains(button.geometry())
    center = button.geometry().center()
    assert dash.childAt(center) is button


def test_a_language_sibling_is_preferred_and_english_is_the_fallback(tmp_path, monkeypatch, qapp):
    (tmp_path / "dashboards").mkdir()
    (tmp_path / "dashboards" / "loss.md").write_text("english", encoding="utf-8")
    (tmp_path / "dashboards" / "loss.de.md").write_text("deutsch", encoding="utf-8")
    monkeypatch.setattr(help_texts, "GUIDE_DIR", tmp_path)
    assert help_texts.dashboard_help("LossDashboard", "de") == "deutsch"
    assert help_texts.dashboard_help("LossDashboard", "fr") == "english"
    assert help_texts.read_text("dashboards/loss") == "english"  # the app speaks English
    monkeypatch.setenv("PLAYGROUND_LANG", "de_DE")  # no longer a second language switch
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    assert help_texts.read_text("dashboards/loss") == "english"
    assert i18n.install_translators(qapp, "de") == "de"  # View → Language: German
    try:
        assert help_texts.read_text("dashboards/loss") == "deutsch"
    finally:
        i18n.remove_translators(qapp)
