"""``network-playground --install-desktop``: put the app into this user's desktop menu (Linux,
freedesktop.org): the launcher (``.desktop``), the icon and the MIME type of design files
(``*.playground.json``, so that a double-click opens a design). The templates are
``packaging/linux/`` in a checkout and ``_internal/desktop/`` in the bundle."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from engine.atomic import atomic_write

APP_ID = "network-playground"
MIME_TYPE = "application/x-network-playground-design"
ROOT = Path(__file__).resolve().parent.parent


def template_dir() -> Path:
    """Where the .desktop and MIME templates are (bundle or checkout)."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) / "desktop" if frozen else ROOT / "packaging" / "linux"


def icon_path() -> Path:
    base = Path(getattr(sys, "_MEIPASS", ROOT))
    return base / "resources" / "icons" / "playground.svg"


def launcher() -> str:
    """The command line that starts the app, quoted as the Desktop Entry spec wants."""
    if getattr(sys, "frozen", False):
        parts = [str(Path(sys.executable).resolve())]
    else:
        script = shutil.which("playground") or str(Path(sys.executable).parent / "playground")
        parts = [script] if os.path.exists(script) else [sys.executable, "-m", "playground.main"]
    return " ".join(f'"{p}"' if any(c in p for c in ' "\'\\$`') else p for p in parts)


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def install(home: Path | None = None) -> list[Path]:
    """Write the launcher, the MIME type and the icon under ``home`` (default
    $XDG_DATA_HOME); refresh the desktop's databases where their tools exist. Returns the
    files written."""
    home = home or data_home()
    src = template_dir()
    entry = (src / f"{APP_ID}.desktop").read_text(encoding="utf-8").replace("@EXEC@", launcher())
    targets = {home / "applications" / f"{APP_ID}.desktop": entry,
               home / "mime" / "packages" / f"{APP_ID}.xml":
                   (src / f"{APP_ID}.xml").read_text(encoding="utf-8"),
               home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg":
                   icon_path().read_text(encoding="utf-8")}
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)
    for tool, folder in (("update-mime-database", home / "mime"),
                         ("update-desktop-database", home / "applications")):
        if shutil.which(tool):
            subprocess.run([tool, str(folder)], check=False, capture_output=True, timeout=60)
    return list(targets)


def install_desktop() -> int:
    """The command-line flag: install, say what was written; exit code."""
    if not sys.platform.startswith("linux"):
        print("--install-desktop: only for Linux desktops", file=sys.stderr)
        return 2
    try:
        written = install()
    except OSError as err:
        print(f"--install-desktop: {err.filename or ''} {err.strerror or err}".strip(),
              file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path}")
    return 0
