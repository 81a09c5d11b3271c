"""Trim the Linux bundle: Qt plugins the app never loads, and the shared libraries that only
they needed (the GTK stack of the GTK platform theme, eglfs/vnc's Qt6Network, ...).

Used by network-playground.spec on the Analysis's ``binaries`` TOC (dest, source, typecode).
"""
from __future__ import annotations

import os
import sys

# Qt plugin folders -> the plugins to keep (None: all of them); folders not named are dropped
KEEP_PLUGINS = {
    "platforms": {"libqxcb.so", "libqwayland.so", "libqoffscreen.so", "libqminimal.so"},
    "platforminputcontexts": None,
    "platformthemes": {"libqxdgdesktopportal.so"},
    "imageformats": {"libqsvg.so", "libqjpeg.so", "libqico.so"},
    "iconengines": None,
    "xcbglintegrations": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": None,
    "wayland-shell-integration": None,
}
PLUGIN_DIR = "PySide6/Qt/plugins/"
# libraries only loaded through another binary's NEEDED entries (prunable when nothing needs them)
PRUNABLE_DIRS = ("", "PySide6/Qt/lib")


def _keep_plugin(dest: str) -> bool:
    rest = dest.replace(os.sep, "/").split(PLUGIN_DIR, 1)[1]
    folder, _, name = rest.partition("/")
    if folder not in KEEP_PLUGINS:
        return False
    keep = KEEP_PLUGINS[folder]
    return keep is None or name in keep


def _prunable(dest: str) -> bool:
    folder = os.path.dirname(dest.replace(os.sep, "/"))
    name = os.path.basename(dest)
    return folder in PRUNABLE_DIRS and ".so" in name and not name.startswith("libpython")


def prune(binaries: list) -> list:
    """``binaries`` without the dropped plugins and the libraries nothing left needs."""
    if not sys.platform.startswith("linux"):
        return binaries
    from PyInstaller.depend.bindepend import get_imports
    kept = [e for e in binaries if PLUGIN_DIR not in e[0].replace(os.sep, "/") or _keep_plugin(e[0])]
    by_name = {os.path.basename(e[0]): e for e in kept}
    needed: set[str] = set()
    todo = [e for e in kept if not _prunable(e[0])]
    while todo:
        dest, src, kind = todo.pop()
        if kind == "SYMLINK":
            targets = [os.path.basename(src)]
        else:
            targets = [os.path.basename(name) for name, _ in get_imports(src)]
        for name in targets:
            if name not in needed and name in by_name:
                needed.add(name)
                todo.append(by_name[name])
    return [e for e in kept if not _prunable(e[0]) or os.path.basename(e[0]) in needed]
