"""File menu behaviour: new, open, save, save as, recent files, the unsaved-changes prompt."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox
from PySide6.QtCore import QT_TRANSLATE_NOOP

from engine.errors import BadInput
from playground.i18n import translate
from playground import engine_bridge
from playground.loading import Loader
from playground.paths import dialog_folder
from playground.plot_export import slug

if TYPE_CHECKING:
    from playground.main_window import MainWindow

MAX_RECENT = 8
FILTER = QT_TRANSLATE_NOOP("FileActions", "Designs (*.playground.json *.json);;All files (*)")
SUFFIX = ".playground.json"  # the desktop's MIME type for designs (packaging/linux)


def outside_data(design: dict, path: str | None) -> str | None:
    """The data file ``design`` (read from ``path``) names when it lies outside the design's
    folder (engine.design.adapt.data_outside_folder), else None."""
    from engine.design.adapt import data_outside_folder
    found = data_outside_folder(design, os.path.dirname(os.path.abspath(path)) if path else None)
    return None if found is None else str(found)


def outside_question(path: str, data: str) -> str:
    """The question asked before a design reads data from outside its folder."""
    return translate("FileActions", "“{0}” reads its data from\n{1}\noutside the design's folder. Read that "
                     "file?\n(Answer No if you did not expect this, e.g. for a design someone "
                     "sent you.)").format(os.path.basename(path), data)


class FileActions:
    """Owns the document's file life cycle for a :class:`MainWindow`.

    ``ask`` returns "save", "discard" or "cancel" for unsaved changes (a dialog by default;
    tests replace it); ``ask_outside(design path, data path)`` whether to read data from
    outside the design's folder.
    """

    def __init__(self, window: "MainWindow"):
        self.win = window
        self.ask: Callable[[], str] = self._ask_dialog
        self.ask_outside: Callable[[str, str], bool] = self._ask_outside_dialog
        self.allowed_outside: set[tuple[str, str]] = set()
        self.loader: Loader | None = None

    def __repr__(self) -> str:
        return f"FileActions(path={self.win.doc.path!r})"

    # ------------------------------------------------------------------ prompts
    def unsaved_question(self) -> str:
        """The prompt's question, naming the file (or saying that there is none yet)."""
        path = self.win.doc.path
        if path:
            return translate("FileActions", "Save the changes to “{0}”?\n({1})").format(os.path.basename(path), path)
        return translate("FileActions", "Save the design “{0}”? It has not been saved to a file yet.").format(
            self.win.doc.name)

    def _ask_dialog(self) -> str:
        answer = QMessageBox.question(
            self.win, translate("FileActions", "Unsaved changes"), self.unsaved_question(),
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(answer, "cancel")

    def confirm_discard(self) -> bool:
        """True when the current design may be replaced (saved, discarded, or not dirty)."""
        if not self.win.doc.dirty:
            return True
        answer = self.ask()
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ------------------------------------------------------------------ actions
    def new(self) -> None:
        if self.confirm_discard():
            self.win.doc.replace(engine_bridge.default_design(), None)

    def open_dialog(self) -> None:
        if not self.confirm_discard():
            return
        path, _ = QFileDialog.getOpenFileName(self.win, translate("FileActions", "Open design"), self._folder(),
            translate("FileActions", FILTER))
        if path:
            self.open_path(path, confirm=False)

    def open_path(self, path: str, confirm: bool = True) -> bool:
        """Load ``path`` off the GUI thread (a progress dialog with Cancel after a moment);
        True when the load started. A bad file leaves everything as it was and shows the
        problem; a design whose data lie outside its folder asks first (once)."""
        if confirm and not self.confirm_discard():
            return False
        if self.loader is not None and not self.loader.finished:
            self.loader.cancel()
        self.loader = Loader(self.win, f"Opening {os.path.basename(path)}…",
                             lambda _cancelled: engine_bridge.load_design_dict(path),
                             lambda design: self._opened(path, design),
                             lambda err: self._open_failed(path, err)).start()
        return True

    def _opened(self, path: str, design: dict) -> None:
        full = os.path.abspath(path)
        if not self.allow_outside_data(design, full):
            self.win.statusBar().showMessage(f"{os.path.basename(path)} was not opened", 10000)
            return
        self.win.doc.replace(design, full)
        self.add_recent(full)

    def _open_failed(self, path: str, err: BaseException) -> None:
        if isinstance(err, BadInput):
            self.win.notify(translate("FileActions", "Cannot open design"), f"{os.path.basename(path)}: {err}")
        elif isinstance(err, (OSError, UnicodeDecodeError, ValueError)):
            self.win.notify(translate("FileActions", "Cannot open design"), f"{path}: {err}")
        else:
            from engine.errors import append_error_log, error_report
            from playground.problems import error_log_path
            append_error_log(error_log_path(), err, f"opening {path}")
            self.win.show_error(translate("FileActions", "Cannot open design"), *error_report(err))

    def allow_outside_data(self, design: dict, path: str) -> bool:
        """True when the design's data file lies inside its folder (or is built in), or the
        user agrees to read it (asked once per design and data file)."""
        outside = outside_data(design, path)
        if outside is None:
            return True
        key = (os.path.abspath(path), str(outside))
        if key not in self.allowed_outside:
            if not self.ask_outside(path, str(outside)):
                return False
            self.allowed_outside.add(key)
        return True

    def _ask_outside_dialog(self, path: str, data: str) -> bool:
        answer = QMessageBox.question(
            self.win, translate("FileActions", "Data outside the design's folder"), outside_question(path, data),
            QMessageBox.Yes | QMessageBox.No, QMessageBox.No)
        return answer == QMessageBox.Yes

    def save(self) -> bool:
        if not self.win.doc.path:
            return self.save_as()
        return self.save_to(self.win.doc.path)

    def save_as(self) -> bool:
        path, _ = QFileDialog.getSaveFileName(self.win, translate("FileActions", "Save design as"), self._save_name(),
            translate("FileActions", FILTER))
        if not path:
            return False
        if not path.lower().endswith(".json"):
            path += SUFFIX
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Validate and write the design; False (and a message) when the design is invalid."""
        try:
            engine_bridge.save_design_dict(self.win.doc.design, path)
        except BadInput as err:
            self.win.notify(translate("FileActions", "Cannot save design"), str(err))
            return False
        except OSError as err:
            self.win.notify(translate("FileActions", "Cannot save design"), f"{path}: {err}")
            return False
        self.win.doc.mark_saved(os.path.abspath(path))
        self.add_recent(os.path.abspath(path))
        return True

    # ------------------------------------------------------------------ recent files
    def _folder(self) -> str:
        return dialog_folder(self.win.doc.path)

    def _save_name(self) -> str:
        """The file the Save dialog proposes: the design's own, or its name in :meth:`_folder`."""
        doc = self.win.doc
        stem = os.path.basename(doc.path).split(".")[0] if doc.path else slug(doc.name or "design")
        return os.path.join(self._folder(), stem + SUFFIX)

    def recent(self) -> list[str]:
        value = self.win.settings.value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: str) -> None:
        items = [path] + [p for p in self.recent() if p != path]
        self.win.settings.setValue("recentFiles", items[:MAX_RECENT])
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        menu = getattr(self.win, "recent_menu", None)
        if menu is None:
            return
        menu.clear()
        for path in self.recent():
            act = QAction(os.path.basename(path), menu)
            act.setToolTip(path)
            act.triggered.connect(lambda _=False, p=path: self.open_path(p))
            menu.addAction(act)
        menu.setEnabled(bool(self.recent()))
