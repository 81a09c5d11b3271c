"""Where the app keeps its files (playground/paths.py), --version, the desktop integration and
the design file suffix (issue 13)."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from playground import desktop, main, paths

ROOT = Path(__file__).resolve().parents[2]


def test_home_override_puts_every_folder_under_it(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path))
    assert paths.config_dir() == tmp_path / "config"
    assert paths.autosave_dir() == tmp_path / "data" / "autosave"
    assert paths.cache_dir() == tmp_path / "cache" and paths.log_dir() == tmp_path / "log"
    assert all(p.is_dir() for p in (paths.config_dir(), paths.autosave_dir(), paths.log_dir()))
    settings = paths.qsettings()
    settings.setValue("recentFiles", ["/a.json"])
    settings.sync()
    assert paths.settings_path() == tmp_path / "config" / "settings.ini"
    assert "recentFiles" in paths.settings_path().read_text()


def test_unwritable_home_does_not_stop_the_app(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(paths.HOME_ENV, str(blocker / "home"))  # cannot be created
    assert paths.setup_logging() is None
    assert paths.autosave_dir() == blocker / "home" / "data" / "autosave"
    settings = paths.qsettings()
    settings.setValue("x", 1)
    settings.sync()  # fails quietly: nothing to write to


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are Linux's")
def test_platform_folders_follow_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv(paths.HOME_ENV, raising=False)
    for var, sub in (("XDG_CONFIG_HOME", "c"), ("XDG_DATA_HOME", "d"), ("XDG_CACHE_HOME", "k"),
                     ("XDG_STATE_HOME", "s")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    assert paths.settings_path() == tmp_path / "c" / "network-playground" / "settings.ini"
    assert paths.autosave_dir() == tmp_path / "d" / "network-playground" / "autosave"
    assert paths.cache_dir() == tmp_path / "k" / "network-playground"
    assert paths.log_dir().is_relative_to(tmp_path / "s" / "network-playground")


def test_logging_goes_to_the_log_folder(tmp_path, monkeypatch):
    import logging
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path))
    log_file = paths.setup_logging()
    try:
        logging.getLogger("playground.test").info("hello from the test")
        for handler in logging.getLogger("playground").handlers:
            handler.flush()
        assert log_file.parent == tmp_path / "log"
        assert "hello from the test" in log_file.read_text()
    finally:
        for name in ("playground", "engine"):
            logger = logging.getLogger(name)
            for handler in [h for h in logger.handlers if getattr(h, "baseFilename", "")
                            == str(log_file)]:
                logger.removeHandler(handler)
                handler.close()


def test_version_comes_from_pyproject():
    declared = re.search(r'^version = "([^"]+)"', (ROOT / "pyproject.toml").read_text(),
                         re.MULTILINE).group(1)
    assert paths.app_version() == declared


@pytest.mark.parametrize("module", ["playground.main", "playground.cli_train"])
def test_version_flag_on_both_commands(module):
    done = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(paths.app_version())


def test_automated_runs_never_write_settings_to_dev_null(qapp):
    """Qt renames a new settings file over the old one: on os.devnull, as root, that replaced
    /dev/null with a regular file."""
    settings = main.throwaway_settings()
    settings.setValue("recentFiles", ["/x.json"])
    settings.sync()
    path = Path(settings.fileName())
    assert path.is_file() and path.parent != Path("/dev")
    assert Path("/dev/null").is_char_device() or sys.platform == "win32"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="freedesktop.org only")
def test_install_desktop_registers_launcher_icon_and_design_type(tmp_path):
    written = desktop.install(tmp_path)
    entry = (tmp_path / "applications" / "network-playground.desktop").read_text()
    assert re.search(r"^Exec=\S.* %f$", entry, re.MULTILINE) and "@EXEC@" not in entry
    assert f"MimeType={desktop.MIME_TYPE};application/json;" in entry
    assert "Icon=network-playground" in entry
    assert (tmp_path / "icons" / "hicolor" / "scalable" / "apps" /
            "network-playground.svg").read_text().lstrip().startswith("<")
    assert len(written) == 3
    if shutil.which("update-mime-database"):  # the desktop now maps the suffix to the type
        globs = (tmp_path / "mime" / "globs2").read_text()
        assert f"{desktop.MIME_TYPE}:*.playground.json" in globs


def test_save_as_gives_designs_the_playground_suffix(make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog
    win = make_window()  # the default design, the real engine
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "mine"), "")))
    assert win.files.save_as()
    saved = tmp_path / "mine.playground.json"
    assert saved.is_file() and win.doc.path == str(saved)
    assert win.files.open_path(str(saved))  # and it opens like any .json design
    assert win.files.recent()[0] == str(saved)


def test_window_keeps_recent_files_in_the_platform_settings(qtbot, tmp_path, monkeypatch):
    from playground.main_window import MainWindow
    monkeypatch.setenv(paths.HOME_ENV, str(tmp_path))
    win = MainWindow()  # no settings given: the app's own file
    try:
        win.files.add_recent(str(tmp_path / "a.playground.json"))
        win.settings.sync()
        assert "a.playground.json" in paths.settings_path().read_text()
        assert [a.text() for a in win.recent_menu.actions()] == ["a.playground.json"]
    finally:
        win.shutdown()
        win.close()
