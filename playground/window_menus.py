"""The main window's File, Edit and View menus."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence

from playground import i18n
from playground.i18n import translate
from playground.exports import install_exports, install_run_menu

if TYPE_CHECKING:
    from playground.main_window import MainWindow
    from playground.widgets.help_view import UserGuide

#: file and edit keys, for the shortcut sheet (key, what it does)
FILE_KEYS = (("Ctrl+N", QT_TRANSLATE_NOOP("Keys", "new design")),
             ("Ctrl+O", QT_TRANSLATE_NOOP("Keys", "open a design")),
             ("Ctrl+S", QT_TRANSLATE_NOOP("Keys", "save")),
             ("Ctrl+Shift+S", QT_TRANSLATE_NOOP("Keys", "save as")),
             ("Ctrl+Z", QT_TRANSLATE_NOOP("Keys", "undo")),
             ("Ctrl+Y / Ctrl+Shift+Z", QT_TRANSLATE_NOOP("Keys", "redo")),
             ("Ctrl+Q", QT_TRANSLATE_NOOP("Keys", "quit")),
             ("F1", QT_TRANSLATE_NOOP("Keys", "user guide")),
             ("Ctrl+Shift+P", QT_TRANSLATE_NOOP("Keys", "keyboard focus to the layer palette")),
             ("Ctrl+Shift+L", QT_TRANSLATE_NOOP("Keys", "keyboard focus to the layer stack")),
             ("Ctrl+Up / Ctrl+Down", QT_TRANSLATE_NOOP("Keys", "move the selected layer")),
             ("Enter", QT_TRANSLATE_NOOP("Keys", "on a palette card: add its layer after the selected one")))
#: View → Language: settings value -> menu text
LANGUAGE_NAMES = {"system": QT_TRANSLATE_NOOP("Menus", "&System language"),
                  "en": QT_TRANSLATE_NOOP("Menus", "&English"),
                  "de": QT_TRANSLATE_NOOP("Menus", "&Deutsch")}



def _action(win: "MainWindow", text: str, keys, slot) -> QAction:
    act = QAction(text, win)
    act.setShortcuts(keys if isinstance(keys, list) else QKeySequence.keyBindings(keys))
    act.triggered.connect(slot)
    return act


def build_menus(win: "MainWindow") -> None:
    """File (new, open, recent, save, quit), Edit (undo, redo: Ctrl+Z, Ctrl+Y and
    Ctrl+Shift+Z), View (the docks, Reset layout, presentation mode)."""
    files = win.menuBar().addMenu(translate("Menus", "&File"))
    for text, key, slot in ((translate("Menus", "&New"), QKeySequence.New, win.files.new),
                            (translate("Menus", "&Open…"), QKeySequence.Open, win.files.open_dialog),
                            (translate("Menus", "&Save"), QKeySequence.Save, win.files.save),
                            (translate("Menus", "Save &As…"), QKeySequence.SaveAs, win.files.save_as)):
        files.addAction(_action(win, text, key, slot))
    win.recent_menu = files.addMenu(translate("Menus", "Open &Recent"))
    win.files.fill_recent_menu()
    files.addSeparator()
    install_exports(win, files)  # Open checkpoint, Export ▸ (playground/exports.py)
    files.addSeparator()
    files.addAction(_action(win, translate("Menus", "&Quit"), [QKeySequence("Ctrl+Q")], win.close))
    edit = win.menuBar().addMenu(translate("Menus", "&Edit"))
    win.undo_action = _action(win, translate("Menus", "&Undo"), QKeySequence.Undo, win.doc.undo)
    redo_keys = QKeySequence.keyBindings(QKeySequence.Redo)
    for extra in (QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")):
        if extra not in redo_keys:
            redo_keys.append(extra)
    win.redo_action = _action(win, translate("Menus", "&Redo"), redo_keys, win.doc.redo)
    edit.addAction(win.undo_action)
    edit.addAction(win.redo_action)
    view = win.menuBar().addMenu(translate("Menus", "&View"))
    for title, dock in win.docks.items():
        action = dock.toggleViewAction()
        action.setText(translate("Docks", title))  # the panel's full name (its tab may show a short one)
        view.addAction(action)
    view.addSeparator()
    for text, key, slot, tip in (
            (translate("Menus", "Go to layer &palette"), "Ctrl+Shift+P", lambda: _focus_palette(win),
             translate("Menus", "Keyboard focus to the first palette card: Tab to a card, Enter adds it.")),
            (translate("Menus", "Go to layer &stack"), "Ctrl+Shift+L", lambda: _focus_stack(win),
             translate("Menus", "Keyboard focus to the layer stack: Up/Down select, Ctrl+Up/Down move, "
                    "Delete removes."))):
        act = _action(win, text, [QKeySequence(key)], slot)
        act.setToolTip(tip)
        view.addAction(act)
    view.addSeparator()
    win.reset_layout_action = _action(win, translate("Menus", "Reset &layout"), [], win.reset_layout)
    win.reset_layout_action.setToolTip(translate("Menus", "Every panel back in its place, sized for this screen."))
    view.addAction(win.reset_layout_action)
    win.presentation_action = QAction(translate("Menus", "&Presentation mode"), win)
    win.presentation_action.setCheckable(True)
    win.presentation_action.setShortcut(QKeySequence("F11"))
    win.presentation_action.setToolTip(translate("Menus", "The projector layout: large boundary and loss curve, "
                                           "large text, high contrast, full screen."))
    win.presentation_action.toggled.connect(win.set_presentation)
    view.addAction(win.presentation_action)
    install_language_menu(win, view)
    install_run_menu(win)  # Run → Find learning rate…
    help_menu = win.menuBar().addMenu(translate("Menus", "&Help"))
    win.guide_action = _action(win, translate("Menus", "&User guide"), [QKeySequence("F1")],
                               lambda: show_user_guide(win))
    win.guide_action.setToolTip(translate("Menus", "The dashboards, every layer with its formula, the "
                                       "lessons; searchable."))
    help_menu.addAction(win.guide_action)


def _focus_palette(win: "MainWindow") -> None:
    dock = win.docks["Layers"]
    dock.show()
    dock.raise_()
    win.palette.focus_first()


def _focus_stack(win: "MainWindow") -> None:
    if win.stack.current < 0 and win.stack.cards:
        win.stack.select(0)
    win.stack.setFocus(Qt.ShortcutFocusReason)


def show_user_guide(win: "MainWindow") -> "UserGuide":
    """Help → User guide (F1): one guide window, raised when already open."""
    from playground.guide import guide_markdown
    from playground.widgets.help_view import UserGuide
    guide = getattr(win, "user_guide", None)
    if guide is None:
        guide = win.user_guide = UserGuide(guide_markdown(), win)
        guide.setWindowFlag(Qt.Window)
    guide.show()
    guide.raise_()
    guide.search.setFocus()
    return guide


def install_language_menu(win: "MainWindow", view) -> None:
    """View → Language: System / English / Deutsch, saved in the settings, used at the next
    start (the texts are loaded once, before any window exists)."""
    menu = view.addMenu(translate("Menus", "&Language"))
    menu.setObjectName("languageMenu")
    group = QActionGroup(menu)
    chosen = i18n.chosen_language(win.settings)
    win.language_actions = {}
    for code, name in LANGUAGE_NAMES.items():
        act = QAction(translate("Menus", name), menu)
        act.setCheckable(True)
        act.setChecked(code == chosen)
        act.setStatusTip(translate("Menus", "The language changes at the next start."))
        act.triggered.connect(lambda _on=False, c=code: _choose_language(win, c))
        group.addAction(act)
        menu.addAction(act)
        win.language_actions[code] = act


def _choose_language(win: "MainWindow", code: str) -> None:
    i18n.set_chosen_language(win.settings, code)
    win.statusBar().showMessage(translate("Menus", "Language saved: it applies when the app starts again."),
                                8000)
