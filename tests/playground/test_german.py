"""German and English: with German chosen, every text a person sees in the window, its menus,
toolbars and main dialogs is German (Qt's translation system, resources/i18n/playground_de.ts);
English stays English; View → Language is saved for the next start; lessons come in both."""
from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDockWidget, QGroupBox,
                               QLabel, QLineEdit, QListWidget, QMenu, QTabBar, QTableWidget, QWidget)

from engine.design.lessons import LESSONS_DIR, list_lessons
from engine.losses import LOSSES
from playground import catalog, i18n
from tests.helpers.app import COMPARE_DESIGN, fake

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "playground_de.ts"

#: Texts that are the same in both languages on purpose: the names students type in their Keras
#: form (layer types, activations, optimisers, losses, schedules, initialisers), the data sets'
#: and features' names (keys of the design format), the devices, and the app's own name.
TECHNICAL = set(catalog.layer_types()) | set(catalog.ACTIVATION_INFO) | set(catalog.OPTIMIZERS) \
    | set(catalog.SCHEDULES) | set(catalog.INITIALIZERS) | set(catalog.DATASETS) \
    | set(catalog.FEATURES) | set(LOSSES) | {"cpu", "cuda", "Network Playground"}


#: the same in both by nature: identifiers as the design file spells them (option keys, layer
#: ids), the window title (the design's name and the app's), pyqtgraph's own plot context menu
#: (not ours to translate) and "OK"
SAME = (re.compile(r"[a-z0-9_]+"), re.compile(r".* — Network Playground"),
        re.compile(r"Export(\.\.\.)?"), re.compile(r"OK"))


def _bare(text: str) -> str:
    return " ".join(text.replace("&", "").replace("…", " ").split())


def same_in_german() -> set[str]:
    """Sources the .ts translates to themselves (a translator's choice: "Training", "Pause")."""
    out = set()
    for message in ET.parse(TS).getroot().iter("message"):
        source, german = message.findtext("source", ""), message.findtext("translation", "")
        if _bare(source) == _bare(german):
            out |= {plain(source), _bare(source)}
    return out


def plain(text: str) -> str:
    """What a person reads: no markup, no mnemonic '&', no key hint after a tab."""
    text = re.sub(r"<[^>]+>", " ", text.split("\t")[0]).replace("&nbsp;", " ")
    return " ".join(text.replace("&", "").split())


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every text on ``root`` and its children: titles, labels, buttons, tool
    tips, status tips, placeholders, combo items, tabs, table headers, actions and menus."""
    out: list[tuple[str, str]] = []
    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__}#{w.objectName()}"
        if isinstance(w, (QDockWidget, QMenu)) or w.isWindow():
            out.append((name + ".title", w.windowTitle() if not isinstance(w, QMenu)
                        else w.title()))
        out += [(name + ".toolTip", w.toolTip()), (name + ".statusTip", w.statusTip())]
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append((name + ".text", w.text()))
        if isinstance(w, QGroupBox):
            out.append((name + ".title", w.title()))
        if isinstance(w, QLineEdit):
            out.append((name + ".placeholder", w.placeholderText()))
        if isinstance(w, QComboBox):
            out += [(f"{name}.item{i}", w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QTabBar):
            out += [(f"{name}.tab{i}", w.tabText(i)) for i in range(w.count())]
        if isinstance(w, QListWidget):
            out += [(f"{name}.row{i}", w.item(i).text()) for i in range(w.count())]
        if isinstance(w, QTableWidget):
            out += [(f"{name}.head{i}", w.horizontalHeaderItem(i).text())
                    for i in range(w.columnCount()) if w.horizontalHeaderItem(i) is not None]
    for i, act in enumerate(root.findChildren(QAction)):
        name = f"QAction{i}#{act.objectName()}"
        out += [(name + ".text", act.text()), (name + ".toolTip", act.toolTip()),
                (name + ".statusTip", act.statusTip())]
    return [(where, plain(text)) for where, text in out]


def untranslated(english: list[tuple[str, str]], german: list[tuple[str, str]]) -> list[str]:
    """Texts that read the same in the German window as in the English one (same widgets,
    built the same way), less the technical names and the deliberate ones."""
    assert [w for w, _ in english] == [w for w, _ in german], "the two windows differ"
    allowed = TECHNICAL | same_in_german()
    bad = []
    for (where, en), (_, de) in zip(english, german):
        if en == de and re.search("[A-Za-z]{2}", en) and en not in allowed \
                and not any(p.fullmatch(en) for p in SAME):
            bad.append(f"{where}: {en!r}")
    return sorted(set(bad))


def _classroom_window(qtbot, make_window):
    from playground.classroom import install_classroom
    win = make_window(COMPARE_DESIGN, factory=fake)
    room = install_classroom(win, factory=fake)
    win.add_side_dock(room.dock)
    qtbot.waitUntil(lambda: win.controller.latest() is not None, timeout=30000)
    return win, room


def _dialogs(win, room) -> list[QWidget]:
    """The main dialogs: shortcut sheet, Compare A/B, the learning-rate finder, a unit map."""
    from playground.classroom.compare_dialog import CompareDialog
    from playground.dashboards.network_graph import UnitMapDialog
    from playground.widgets.lr_finder import LRFinderDialog
    return [room.show_shortcuts(), CompareDialog(dict(win.doc.design), win), LRFinderDialog(win),
            UnitMapDialog(win)]


def _texts(qtbot, make_window) -> list[tuple[str, str]]:
    win, room = _classroom_window(qtbot, make_window)
    dialogs = _dialogs(win, room)
    texts = visible_texts(win) + [t for d in dialogs for t in visible_texts(d)]
    for d in dialogs:
        d.close()
    room.close_windows()
    return texts


def test_every_text_of_the_window_menus_and_dialogs_is_german(qtbot, make_window, qapp):
    english = _texts(qtbot, make_window)
    i18n.install_translators(qapp, "de")
    try:
        german = _texts(qtbot, make_window)
    finally:
        i18n.remove_translators(qapp)
    assert len(english) > 300  # the walk reached the menus, docks, toolbar and dialogs
    assert untranslated(english, german) == []
    titles = {t for w, t in german if w.startswith("QMenu") and w.endswith(".title")}
    assert {"Datei", "Bearbeiten", "Ansicht", "Sprache", "Lektionen"} <= titles


def test_english_stays_english(qtbot, make_window):
    win, _room = _classroom_window(qtbot, make_window)
    menus = [a.text() for a in win.menuBar().actions()]
    assert menus[:3] == ["&File", "&Edit", "&View"] and "&Lessons" in menus
    assert win.bar.play.text() == "Play" and win.docks["Layers"].windowTitle() == "Layers"
    assert i18n.current_language() == "en"


def test_german_window_uses_the_same_dock_names_and_menus(qtbot, make_window, german):
    win, room = _classroom_window(qtbot, make_window)
    assert win.bar.play.text() == "Start"
    assert win.docks["Decision boundary"].windowTitle() == "Grenze"  # its short tab title
    menus = [a.text().replace("&", "") for a in win.menuBar().actions()]
    assert len(menus) == len(set(menus)), menus  # the classroom found the German menus
    assert room.dock.property("plan_name") == "Lessons"
    first = room.panel.lessons[0]
    assert first.title != list_lessons()[0].title and "Glorot" in first.title


def test_language_menu_saves_the_choice_for_the_next_start(qtbot, make_window, tmp_path):
    win = make_window(COMPARE_DESIGN, factory=fake)
    assert win.language_actions["system"].isChecked()
    win.language_actions["de"].trigger()
    assert "next start" in win.language_actions["de"].statusTip()
    assert QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat).value("language") == "de"
    assert "starts again" in win.statusBar().currentMessage()
    assert i18n.current_language() == "en"  # not now: at the next start


def test_system_locale_picks_the_language():
    assert i18n.effective_language("system", QLocale(QLocale.German, QLocale.Germany)) == "de"
    assert i18n.effective_language("system", QLocale(QLocale.English)) == "en"
    assert i18n.effective_language("system", QLocale(QLocale.French)) == "en"
    assert i18n.effective_language("en", QLocale(QLocale.German)) == "en"
    assert i18n.effective_language("de", QLocale(QLocale.English)) == "de"


def test_lang_de_starts_the_app_in_german(tmp_path):
    """A real start with LANG=de_DE.UTF-8 (no settings): the system locale decides."""
    code = ("import sys; from playground import i18n, main; app = main.make_app(); "
            "print(i18n.install_translators(app, i18n.chosen_language(main.throwaway_settings())),"
            " app.translate('Menus', '&File'))")
    env = {"LANG": "de_DE.UTF-8", "LC_ALL": "de_DE.UTF-8", "QT_QPA_PLATFORM": "offscreen",
           "NETWORK_PLAYGROUND_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.split() == ["de", "&Datei"], out.stderr[-2000:]


def test_every_lesson_has_its_german_text_and_titles():
    english = list_lessons()
    assert len(english) == 13
    for lesson in english:
        assert (lesson.base_dir / "lesson.de.md").is_file(), lesson.base_dir
        de = lesson.in_language("de")
        assert de.text != lesson.text
        assert de.summary != lesson.summary and len(de.watch) == len(lesson.watch)
        assert de.text.lstrip().startswith("#")
        assert lesson.in_language("en") is lesson


def test_a_german_block_needs_its_text(tmp_path):
    import shutil

    from engine.errors import BadInput
    folder = tmp_path / "05_dying_relus"
    shutil.copytree(LESSONS_DIR / "05_dying_relus", folder)
    (folder / "lesson.de.md").unlink()
    with pytest.raises(BadInput, match="lesson.de.md is missing"):
        list_lessons(tmp_path)


def test_the_translation_source_is_complete_and_up_to_date(tmp_path):
    """No unfinished entry, and lupdate on today's code finds nothing new."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import i18n as tool
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    assert tool.unfinished(TS) == []
    copy = tmp_path / "playground_de.ts"
    copy.write_bytes(TS.read_bytes())
    subprocess.run([tool.tool("lupdate"), "-silent", "-locations", "none", "-no-obsolete",
                    *tool.sources(), "-ts", str(copy)], cwd=ROOT, check=True)
    missing = tool.unfinished(copy)
    assert missing == [], f"strings without German (python scripts/i18n.py): {missing[:20]}"
