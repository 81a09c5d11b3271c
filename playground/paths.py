"""Where the app keeps its files: settings (with the recent-files list), autosaves, logs and the
compiled engine, in the platform's per-user folders (``platformdirs``), and the app's version.

Setting ``NETWORK_PLAYGROUND_HOME`` puts all of them under that one folder instead (tests,
portable installs on a USB stick). Nothing here imports Qt or the engine at module level.
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import re
from pathlib import Path

APP_NAME = "network-playground"
HOME_ENV = "NETWORK_PLAYGROUND_HOME"
LOG_NAME = "playground.log"


def _folder(kind: str) -> Path:
    """The folder of ``kind`` (config, data, cache, log), created when missing (where it cannot
    be, writing into it fails later, where the caller handles it: the app still starts)."""
    home = os.environ.get(HOME_ENV)
    if home:
        path = Path(home).expanduser() / kind
    else:
        import platformdirs
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        path = Path({"config": dirs.user_config_dir, "data": dirs.user_data_dir,
                     "cache": dirs.user_cache_dir, "log": dirs.user_log_dir}[kind])
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return path


def config_dir() -> Path:
    """Settings: window layout, recent files (``settings.ini``)."""
    return _folder("config")


def data_dir() -> Path:
    """The user's own data (the autosave folder lives here)."""
    return _folder("data")


def autosave_dir() -> Path:
    """Autosaved designs and runs (crash recovery)."""
    path = data_dir() / "autosave"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass
    return path


def cache_dir() -> Path:
    """Things that can be rebuilt: the compiled engine."""
    return _folder("cache")


def log_dir() -> Path:
    """Log files."""
    return _folder("log")


def documents_dir() -> Path:
    """Where file dialogs start for a design that has no folder of its own: the user's documents
    folder (``NETWORK_PLAYGROUND_HOME``/documents when that is set), never the working folder."""
    home = os.environ.get(HOME_ENV)
    if home:
        return _folder("documents")
    import platformdirs
    path = Path(platformdirs.user_documents_dir())
    return path if path.is_dir() else Path.home()


def dialog_folder(design_path: str | None) -> str:
    """The folder a file dialog starts in: the design's own folder when the user may write
    there (not the app's bundled designs and lessons), else :func:`documents_dir`."""
    if design_path:
        folder = Path(design_path).expanduser().resolve().parent
        bundled = Path(__file__).resolve().parents[1] / "resources"
        if folder.is_dir() and os.access(folder, os.W_OK) and bundled not in (folder, *folder.parents):
            return str(folder)
    return str(documents_dir())


def settings_path() -> Path:
    """The app's settings file (INI format, the same on every platform)."""
    return config_dir() / "settings.ini"


def qsettings():
    """A QSettings on :func:`settings_path` (imports Qt, so only the app calls it)."""
    from PySide6.QtCore import QSettings
    return QSettings(str(settings_path()), QSettings.IniFormat)


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send the ``playground`` and ``engine`` loggers to a rotating file in :func:`log_dir`;
    returns the file's path (None, and no log, where it cannot be written). Idempotent."""
    path = log_dir() / LOG_NAME
    try:
        with open(path, "a", encoding="utf-8"):
            pass
    except OSError:
        return None
    for name in ("playground", "engine"):
        logger = logging.getLogger(name)
        logger.setLevel(level)
        if not any(getattr(h, "baseFilename", None) == str(path) for h in logger.handlers):
            handler = logging.handlers.RotatingFileHandler(path, maxBytes=1 << 20, backupCount=3,
                                                           encoding="utf-8", delay=True)
            handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
            logger.addHandler(handler)
    return path


def app_version() -> str:
    """The version of the installed package (pyproject.toml's), or of the checkout's pyproject."""
    from importlib import metadata
    try:
        return metadata.version(APP_NAME)
    except metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            found = re.search(r'^version\s*=\s*"([^"]+)"', pyproject.read_text(encoding="utf-8"),
                              re.MULTILINE)
        except OSError:
            found = None
        return found.group(1) if found else "unknown"
