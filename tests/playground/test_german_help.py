"""The help in German: with German chosen (View → Language or the system locale), every
dashboard's "?" text and the user guide are German (resources/guide/**/<name>.de.md and the
.ts's "Guide" texts); in English they stay English."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from engine.design.lessons import list_lessons
from playground import catalog, help_texts, i18n
from tests.helpers.app import MAIN_DESIGN, fake, open_user_guide

GUIDE = help_texts.GUIDE_DIR
ENGLISH_FILES = sorted(p for p in GUIDE.rglob("*.md") if not p.name.endswith(".de.md"))
EN_HEADINGS = ("What is drawn", "How to read it", "Healthy", "Unhealthy")
DE_HEADINGS = ("Was gezeigt wird", "Wie man es liest", "Gesund", "Ungesund")


def _german_file(path: Path) -> Path:
    return path.with_name(path.name[:-len(".md")] + ".de.md")


def _rendered(markdown: str) -> str:
    doc = QTextDocument()
    doc.setMarkdown(markdown)
    return doc.toPlainText()


def _formulas(text: str) -> list[str]:
    """The bold formulas (``**y = x · W + b**``): the same in both languages."""
    return [" ".join(f.split()) for f in re.findall(r"\*\*(.+?)\*\*", text, re.S) if "=" in f]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_every_guide_text_has_its_german_sibling_with_the_same_formulas():
    assert len(ENGLISH_FILES) >= 18  # intro, the dashboards and the layer types
    for english in ENGLISH_FILES:
        german = _german_file(english)
        assert german.is_file(), f"{german.relative_to(GUIDE)} is missing"
        en, de = english.read_text(encoding="utf-8"), german.read_text(encoding="utf-8")
        assert de.strip() and de != en, german
        assert _formulas(de) == _formulas(en), german
        if english.parent.name == "dashboards":
            assert de.splitlines()[0].startswith("## ")
            assert all(f"**{h}.**" in de for h in DE_HEADINGS), german
            assert not any(h in de for h in EN_HEADINGS), german


def _help_texts(qtbot, win) -> dict[str, str]:
    """Click every dashboard's "?": {dashboard class name: the dialog's plain text}."""
    out = {}
    for dash in win.dashboards:
        qtbot.mouseClick(dash.help_button, Qt.LeftButton)
        window = dash.help_window
        assert window is not None and window.isVisible()
        out[type(dash).__name__] = window.browser.toPlainText()
        window.close()
    return out


def test_every_dashboards_help_is_german_in_the_german_window(qtbot, make_window, german):
    win = make_window(MAIN_DESIGN, factory=fake)
    texts = _help_texts(qtbot, win)
    assert set(texts) == set(help_texts.DASHBOARD_HELP)
    lessons = {lesson.number: lesson.in_language("de").title for lesson in list_lessons()}
    for name, text in texts.items():
        path = GUIDE / "dashboards" / f"{help_texts.DASHBOARD_HELP[name]}.de.md"
        assert text == _rendered(path.read_text(encoding="utf-8")), name
        assert all(h in text for h in DE_HEADINGS) and "What is drawn" not in text, name
        named = [int(n) for n in re.findall(r"Lektion (\d+):", text)]
        assert named and "Lesson" not in text, name
        for number in named:  # the lessons by their German titles
            assert _flat(lessons[number]) in _flat(text), (name, lessons[number])


def test_every_dashboards_help_stays_english_in_the_english_window(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=fake)
    for name, text in _help_texts(qtbot, win).items():
        path = GUIDE / "dashboards" / f"{help_texts.DASHBOARD_HELP[name]}.md"
        assert text == _rendered(path.read_text(encoding="utf-8")), name
        assert "Was gezeigt wird" not in text and "Lektion" not in text, name


def _open_guide(qtbot, win) -> str:
    """F1 in the main window: the guide's Markdown as its browser holds it."""
    open_user_guide(qtbot, win)
    text = win.user_guide.browser.toMarkdown()
    win.user_guide.close()
    return _flat(text)


def test_the_user_guide_is_german_in_the_german_window(qtbot, make_window, german):
    text = _open_guide(qtbot, make_window(MAIN_DESIGN, factory=fake))
    for heading in ("# Network Playground: Benutzerhandbuch", "## Erste Schritte",
                    "## Dashboards", "### Loss und Genauigkeit", "## Schichten",
                    "## Lektionen"):
        assert heading in text, heading
    assert re.search(r"\|\s*Option\s*\|\s*Vorgabe\s*\|\s*was sie bewirkt\s*\|", text)
    assert "Öffnen Sie eine Lektion über das Menü Lektionen" in text
    tip = catalog.OPTION_TIPS["units"]  # the option tables' tips in German
    assert i18n.translate("Catalog", tip) != tip and i18n.translate("Catalog", tip) in text
    assert tip not in text
    for lesson in list_lessons():  # the lesson list by German title and summary
        de = lesson.in_language("de")
        assert f"**{de.number}\\. {_flat(de.title)}**" in text and _flat(de.summary) in text
        assert _flat(lesson.summary) not in text, lesson.number
    intro = _flat((GUIDE / "intro.md").read_text(encoding="utf-8").split("\n", 2)[2])
    for english in ("Getting started", "What is drawn", "How to read it", "what it does",
                    intro[:60]):
        assert english not in text, english
    assert "### dense" in text and "**y = x · W + b**" in text  # Keras names, formulas kept


def test_the_user_guide_stays_english_in_the_english_window(qtbot, make_window):
    text = _open_guide(qtbot, make_window(MAIN_DESIGN, factory=fake))
    assert "## Getting started" in text
    assert re.search(r"\|\s*option\s*\|\s*default\s*\|\s*what it does\s*\|", text)
    assert "## Lessons" in text and _flat(list_lessons()[0].title) in text
    assert "Erste Schritte" not in text and "Lektion" not in text
