"""`playground` entry point: the app, plus its automation flags (--screenshot, --measure-ui)."""
from __future__ import annotations

import argparse
import atexit
import logging
import os
import shutil
import sys
import tempfile
from typing import Any

from playground import paths

MEASURE_EPOCHS = 1_000_000


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="playground", description="Network Playground")
    parser.add_argument("design", nargs="?", help="design file to open")
    parser.add_argument("--design", dest="design_opt", help="design file to open")
    parser.add_argument("--train-steps", type=int, default=0,
                        help="with --screenshot, --export-plots or --export-run: train this "
                             "many steps first")
    parser.add_argument("--screenshot", metavar="OUT.png", help="save the main window and exit")
    parser.add_argument("--export-plots", metavar="DIR",
                        help="after --train-steps: every dashboard as PNG and SVG into DIR, exit")
    parser.add_argument("--export-run", metavar="FILE.csv",
                        help="after --train-steps: the run's metrics CSV (the columns of "
                             "playground-train --metrics), exit")
    parser.add_argument("--measure-ui", type=float, metavar="SECONDS",
                        help="train with all dashboards visible, print fps and steps/s, exit")
    parser.add_argument("--presentation", action="store_true",
                        help="open in presentation mode (the projector layout); works with "
                             "--screenshot")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"),
                        help="where training runs (default cpu)")
    parser.add_argument("--install-desktop", action="store_true",
                        help="add the app, its icon and the design file type to this user's "
                             "desktop menu (Linux), then exit")
    parser.add_argument("--version", action="version",
                        version=f"Network Playground {paths.app_version()}")
    return parser.parse_args(argv)


def make_app():
    from PySide6.QtWidgets import QApplication
    # the training thread hands the GIL back and forth around every compiled call; with the
    # default 5 ms switch interval it waits up to that long whenever the UI thread is drawing
    sys.setswitchinterval(0.0002)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("NetworkPlayground")
    app.setApplicationName("playground")
    app.setDesktopFileName("network-playground")  # the launcher's icon and name (packaging/linux)
    from playground import gui_gc
    gui_gc.install()  # collect garbage in the GUI thread only
    from playground.theme import ICON, apply_theme
    apply_theme(app)
    if ICON.is_file():
        from PySide6.QtGui import QIcon
        app.setWindowIcon(QIcon(str(ICON)))
    return app


def throwaway_settings():
    """Automated runs start from the default settings and leave nothing behind: a settings
    file in a temporary folder (never os.devnull: Qt replaces a settings file by renaming a
    new one over it, which as root would replace /dev/null itself)."""
    from PySide6.QtCore import QSettings
    folder = tempfile.mkdtemp(prefix="playground-settings-")
    atexit.register(shutil.rmtree, folder, True)
    return QSettings(os.path.join(folder, "settings.ini"), QSettings.IniFormat)


def open_window(path: str | None, settings=None, epochs: int | None = None,
                autosave: bool = False, ask_outside: Any = None):
    """A MainWindow with the design at ``path`` (default design when None); ``epochs`` replaces
    ``training.epochs`` (--measure-ui must not run out of epochs while it measures);
    ``autosave`` on for the interactive app; ``ask_outside(path, data)`` is asked before a
    design reads data from outside its folder (None: not asked).

    Returns (window, error): a bad file gives the default design and the error text.
    """
    from engine.errors import BadInput
    from playground import engine_bridge
    from playground.main_window import MainWindow
    design, error = None, None
    if path:
        try:
            design = engine_bridge.load_design_dict(path)
        except (BadInput, OSError, ValueError) as err:
            error = f"{path}: {err}" if not isinstance(err, BadInput) else str(err)
    if design is not None and ask_outside is not None:
        from playground.file_actions import outside_data
        outside = outside_data(design, path)
        if outside is not None and not ask_outside(path, outside):
            design, error = None, f"{path}: not opened (its data file {outside} lies outside " \
                                  "the design's folder)"
    file_path = os.path.abspath(path) if design is not None else None
    if epochs is not None:
        design = design if design is not None else engine_bridge.default_design()
        design.setdefault("training", {})["epochs"] = int(epochs)
    win = MainWindow(design, file_path, settings=settings, autosave=autosave)
    install_extras(win)
    return win, error


def offer_recovery(win: Any, ask: Any = None) -> bool:
    """At start-up: offer each autosave left by an app that did not quit cleanly ("Recover the
    unsaved design from 14:32?", showing what it holds); recover the one accepted into ``win``
    and discard those declined. ``ask(entry)`` -> "recover" | "discard" | "later" (a dialog by
    default). True when a design was recovered."""
    from playground.autosave import find_recoverable, recover
    ask = ask or (lambda entry: recovery_dialog(win, entry))
    for entry in find_recoverable():
        answer = ask(entry)
        if answer == "recover":
            recover(win, entry)
            return True
        if answer == "discard":
            entry.discard()
    return False


def recovery_dialog(parent: Any, entry: Any) -> str:
    """The recovery question as a dialog: "recover", "discard" or "later"."""
    from PySide6.QtWidgets import QMessageBox
    from playground.i18n import translate
    box = QMessageBox(QMessageBox.Question, translate("Recovery", "Recover unsaved work"), entry.question(),
                      QMessageBox.NoButton, parent)
    box.setObjectName("recoveryDialog")
    box.setInformativeText(entry.details())
    recover = box.addButton(translate("Recovery", "Recover"), QMessageBox.AcceptRole)
    discard = box.addButton(translate("Recovery", "Discard"), QMessageBox.DestructiveRole)
    box.addButton(translate("Recovery", "Later"), QMessageBox.RejectRole)
    box.setDefaultButton(recover)
    box.exec()
    clicked = box.clickedButton()
    return "recover" if clicked is recover else "discard" if clicked is discard else "later"


def install_extras(win) -> None:
    """The classroom (lessons, presentation mode, comparisons) on ``win``: part of the app, so a
    failure here is a bug and is raised, not hidden."""
    from playground.classroom import install_classroom
    room = install_classroom(win)
    win.add_side_dock(room.dock)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.install_desktop:
        from playground.desktop import install_desktop
        return install_desktop()
    paths.setup_logging()
    logging.getLogger("playground").info("playground %s started", paths.app_version())
    path = args.design_opt or args.design
    exporting = bool(args.export_plots or args.export_run)
    automated = bool(args.screenshot or args.measure_ui or exporting)
    if automated and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # no screen: render offscreen
    app = make_app()
    settings = throwaway_settings() if automated else paths.qsettings()
    from playground import i18n
    i18n.install_translators(app, i18n.chosen_language(settings))  # before any window
    ask_outside = None
    if not automated:
        def ask_outside(design_path: str, data: str) -> bool:
            from PySide6.QtWidgets import QMessageBox
            from playground.file_actions import outside_question
            from playground.i18n import translate
            return QMessageBox.question(None, translate("FileActions", "Data outside the design's folder"),
                                        outside_question(design_path, data),
                                        QMessageBox.Yes | QMessageBox.No,
                                        QMessageBox.No) == QMessageBox.Yes
    win, error = open_window(path, settings, MEASURE_EPOCHS if args.measure_ui else None,
                             autosave=not automated, ask_outside=ask_outside)
    if path and not error and not automated:
        win.files.add_recent(os.path.abspath(path))  # opened from the desktop: Open Recent
    if args.device != "cpu":
        win.bar.device.setCurrentText(args.device)
    if error:
        if automated:
            print(f"error: {error}", file=sys.stderr)
            win.shutdown()
            return 2
        win.notify(i18n.translate("FileActions", "Cannot open design"), error)
    win.show()
    if not automated:
        offer_recovery(win)
    if args.presentation:
        win.presentation_action.setChecked(True)
    if exporting:
        from playground.exports_cli import export_cli
        return export_cli(app, win, args.export_plots, args.export_run, args.train_steps)
    if args.screenshot:
        from playground.automation import screenshot
        return screenshot(app, win, args.screenshot, args.train_steps)
    if args.measure_ui:
        from playground.automation import measure_ui
        return measure_ui(app, win, args.measure_ui)
    win.closed.connect(app.quit)  # Quit means quit, whatever other window is still open
    code = app.exec()
    win.shutdown()
    win.settings.sync()  # written now: a worker stuck in a compile may end the process below
    from playground.threads import finish_process
    return finish_process(code)


if __name__ == "__main__":
    sys.exit(main())
