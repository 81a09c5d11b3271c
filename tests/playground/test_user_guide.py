"""Help → User guide: generated from the layer registry, searchable, opened from the keyboard."""
from PySide6.QtCore import Qt

from engine.design.lessons import list_lessons
from engine.layers import ACTIVATION_CODES, LAYERS
from playground import guide
from playground.widgets.help_view import UserGuide
from tests.helpers.app import MAIN_DESIGN, fake, open_user_guide


def test_every_registered_layer_type_and_function_is_in_the_guide_with_its_options():
    text = guide.guide_markdown()
    for layer_type in LAYERS:
        section = guide.layer_section(layer_type)
        assert f"### {layer_type}\n" in text
        assert "=" in section, layer_type  # its formula
        cls = LAYERS[layer_type]
        for key in cls.config_keys:
            if key not in ("id", "type"):
                assert f"`{key}`" in section, (layer_type, key)
    for function in ACTIVATION_CODES:
        assert f"**{function}**" in text, function
    for lesson in list_lessons():
        assert lesson.title in text


def test_a_layer_type_without_a_formula_text_cannot_be_left_out(monkeypatch, tmp_path):
    monkeypatch.setattr(guide, "read_text", lambda name, lang=None: (
        (tmp_path / "missing.md").read_text() if name == "layers/dense" else "x = y"))
    try:
        guide.guide_markdown()
    except FileNotFoundError:
        return
    raise AssertionError("a missing layer text went unnoticed")


def _caret_visible(view: UserGuide) -> bool:
    rect = view.browser.cursorRect()
    return view.browser.viewport().rect().contains(rect.center())


def test_search_finds_a_term_and_scrolls_to_it(qtbot):
    view = UserGuide(guide.guide_markdown())
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    qtbot.waitExposed(view)
    assert view.browser.verticalScrollBar().value() == 0
    view.search.setFocus()
    qtbot.keyClicks(view.search, "gaussian_noise")
    qtbot.keyClick(view.search, Qt.Key_Return)
    cursor = view.browser.textCursor()
    assert cursor.selectedText() == "gaussian_noise"
    assert view.browser.verticalScrollBar().value() > 0  # far down: in the layer section
    assert _caret_visible(view)
    view.search.clear()
    qtbot.keyClicks(view.search, "renorm")  # several places: Enter goes on, then wraps round
    qtbot.keyClick(view.search, Qt.Key_Return)
    first = view.browser.textCursor().selectionStart()
    positions, wraps = [first], 0
    for _ in range(30):
        qtbot.keyClick(view.search, Qt.Key_Return)
        here = view.browser.textCursor().selectionStart()
        if here == first:
            break
        wraps += here < positions[-1]
        positions.append(here)
        assert _caret_visible(view)
    assert len(positions) >= 3 and wraps == 1
    assert view.browser.textCursor().selectionStart() == first
    view.search.clear()
    qtbot.keyClicks(view.search, "no such word here")
    qtbot.keyClick(view.search, Qt.Key_Return)
    assert view.status.text() == "not found"


def test_f1_opens_the_guide_from_the_main_window(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=fake)
    open_user_guide(qtbot, win)
    assert "### dense" in win.user_guide.browser.toMarkdown()
    menus = [a.text().replace("&", "") for a in win.menuBar().actions()]
    assert menus[-1] == "Help"
    win.user_guide.close()
