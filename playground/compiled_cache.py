"""The compiled engine of the standalone bundle, and a count of what numba compiles.

numba's own cache locators do not fit a frozen app: a frozen app's source stamp is a hash of the
executable (different for ``network-playground`` and ``playground-train``) and the cache folder
is named after the absolute path of the sources (different on every machine). The bundle
therefore ships the engine's ``.py`` files and a numba cache built from them during
``make bundle`` (``_internal/numba_cache``, with a manifest naming the processor it was built
for), and registers :class:`RelocatableCacheLocator`: cache files live under a cache root at the
module's path relative to the source root, stamped with a hash of the source file's content.

At start-up :func:`prepare_bundle` points the cache root at the user's cache folder and, the
first time, copies the shipped cache there when it was built for this processor (the bundle
itself may be read-only; numba also saves new entries where it loads them). On another processor
the folder starts empty and the app's warm-up compiles into it once, showing its progress.
"""
from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import shutil
import sys
import uuid
from pathlib import Path
from typing import Any

SHIPPED_DIR = "numba_cache"
MANIFEST = "manifest.json"
# make bundle: warm this folder in place (the bundle's own cache), no copying
BUILD_ENV = "NETWORK_PLAYGROUND_NUMBA_CACHE"
log = logging.getLogger("playground.compiled_cache")


def _locator_class():
    """The locator class (built on first use, so that importing this module imports no numba)."""
    from numba.core import caching

    class RelocatableCacheLocator(caching._CacheLocator):
        """Cache files at ``cache_root / <module folder relative to source_root>``, stamped with
        the SHA-256 of the source file (as numba's own locators outside a frozen app)."""

        source_root: str | None = None
        cache_root: str | None = None

        def __init__(self, py_func: Any, py_file: str):
            self._py_file = py_file
            self._lineno = py_func.__code__.co_firstlineno
            rel = os.path.relpath(os.path.dirname(os.path.realpath(py_file)), self.source_root)
            self._cache_path = os.path.join(self.cache_root, rel)

        def get_cache_path(self) -> str:
            return self._cache_path

        def get_source_stamp(self) -> bytes:
            with open(self._py_file, "rb") as fh:
                return hashlib.sha256(fh.read()).digest()

        def get_disambiguator(self) -> str:
            return str(self._lineno)

        @classmethod
        def from_function(cls, py_func: Any, py_file: str):
            if not (cls.source_root and cls.cache_root and os.path.isfile(py_file)):
                return None
            if not _inside(py_file, cls.source_root):
                return None
            self = cls(py_func, py_file)
            try:
                self.ensure_cache_path()
            except OSError:
                return None
            return self

    return RelocatableCacheLocator


_LOCATOR: Any = None


def _inside(path: str, root: str) -> bool:
    """``path`` lies under ``root`` (both through their symbolic links: /tmp on macOS)."""
    path, root = os.path.realpath(path), os.path.realpath(root)
    try:
        return os.path.commonpath([path, root]) == root
    except ValueError:  # another drive (Windows)
        return False


def register_locator(source_root: str | Path, cache_root: str | Path):
    """Use :class:`RelocatableCacheLocator` (first, before numba's own) for functions whose
    source lies under ``source_root``; returns the class. Call before the engine is imported."""
    global _LOCATOR
    if _LOCATOR is None:
        _LOCATOR = _locator_class()
    _LOCATOR.source_root = str(Path(source_root).resolve())
    _LOCATOR.cache_root = str(Path(cache_root).resolve())
    from numba.core.caching import CacheImpl
    classes = CacheImpl._locator_classes
    if _LOCATOR not in classes:
        classes.insert(0, _LOCATOR)
    return _LOCATOR


def host_signature() -> list:
    """numba's description of this processor (target triple, CPU name, CPU features): a cache
    entry is used only where it matches."""
    from numba.core.registry import cpu_target
    return [str(part) for part in cpu_target.target_context.codegen().magic_tuple()]


# ---------------------------------------------------------------------------- compile counter
class _Counter:
    """How many functions numba compiled in this process (cache loads are not counted)."""

    def __init__(self) -> None:
        self.count = 0
        self.names: list[str] = []


COUNTER = _Counter()
_installed = False


def install_counter(log_at_exit: bool = False) -> _Counter:
    """Count numba's compilations from now on (idempotent); ``log_at_exit`` writes the count to
    the log when the process ends."""
    global _installed
    if not _installed:
        from numba.core import event

        class Listener(event.Listener):
            def on_start(self, ev: Any) -> None:
                pass

            def on_end(self, ev: Any) -> None:
                disp = ev.data.get("dispatcher") if isinstance(ev.data, dict) else None
                func = getattr(disp, "py_func", None)
                COUNTER.names.append(getattr(func, "__qualname__", "?"))
                COUNTER.count += 1

        event.register("numba:compile", Listener())
        _installed = True
    if log_at_exit:
        atexit.register(_log_count)
    return COUNTER


def compiled_count() -> int:
    """Functions compiled so far (0 before :func:`install_counter`); safe from any thread."""
    return COUNTER.count


def _log_count() -> None:
    log.info("numba compilations this run: %d%s", COUNTER.count,
             f" ({', '.join(COUNTER.names[:20])})" if COUNTER.names else "")


# ---------------------------------------------------------------------------- the bundle
def read_manifest(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _copy_tree(src: Path, dest: Path) -> None:
    """Copy ``src`` to ``dest`` atomically (a concurrent start may do the same)."""
    tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}")
    for folder, _dirs, files in os.walk(src):
        out = tmp / Path(folder).relative_to(src)
        out.mkdir(parents=True, exist_ok=True)  # the user's own modes, not the bundle's:
        for name in files:  # a read-only install must not give a read-only cache
            shutil.copyfile(Path(folder) / name, out / name)
    try:
        os.rename(tmp, dest)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)


def install_cache(shipped: Path, user_root: Path) -> tuple[Path, str]:
    """Make the user's cache folder for this bundle: a copy of ``shipped`` when it was built for
    this processor, else an empty folder to compile into. Returns (folder, state) with state
    "ready" (there from an earlier start), "copied" or "compile"."""
    manifest = read_manifest(shipped)
    target = user_root / str(manifest.get("build", "unknown"))
    if (target / MANIFEST).is_file():
        return target, "ready"
    user_root.mkdir(parents=True, exist_ok=True)
    for old in user_root.iterdir():  # caches of earlier versions of the bundle
        if old.name != target.name and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
    if manifest and manifest.get("host") == host_signature():
        _copy_tree(shipped, target)
        return target, "copied"
    target.mkdir(parents=True, exist_ok=True)
    mark = dict(manifest, host=host_signature(), compiled_here=True)
    from engine.atomic import atomic_write
    atomic_write(target / MANIFEST, json.dumps(mark))
    return target, "compile"


STATE: dict[str, Any] = {"state": "source", "folder": None}


def prepare_bundle(app_root: str | Path | None = None) -> str:
    """Start-up of the frozen app (both executables), before the engine is imported: register
    the locator on the right cache folder and count compilations. Returns the state ("build",
    "ready", "copied", "compile")."""
    from playground import paths
    paths.setup_logging()
    root = Path(app_root if app_root is not None else getattr(sys, "_MEIPASS", "."))
    build = os.environ.get(BUILD_ENV)
    if build:
        folder, state = Path(build), "build"
    else:
        try:
            folder, state = install_cache(root / SHIPPED_DIR, paths.cache_dir() / "engine")
        except OSError as err:  # no writable cache folder: numba compiles in memory only
            log.warning("no cache folder for the compiled engine: %s", err)
            folder, state = None, "compile"
    if folder is not None:
        register_locator(root, folder)
    install_counter(log_at_exit=True)
    STATE.update(state=state, folder=folder)
    log.info("start %s: compiled engine %s in %s", os.path.basename(sys.argv[0]), state, folder)
    return state

