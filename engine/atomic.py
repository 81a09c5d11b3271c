"""Atomic file writes: a reader (or a crash, ``kill -9``, a power cut) sees the old file or the
new one, complete, never a mix or a truncated file.

Every file the engine and the command line write goes through here: designs, weights,
checkpoints, exported scripts and their data, metrics CSVs (and the app's autosaves). The recipe:
a temporary file in the same folder (so the rename never crosses file systems), written, flushed
and ``fsync``-ed, then ``os.replace``-d over the target and the folder ``fsync``-ed; on any failure
the temporary file is removed and the target is left as it was.

Temporary files are named ``.<name>.<pid>.<random>.nptmp``: a writer that was killed leaves one
behind, and the next write to the same target removes those whose process is gone
(:func:`clean_stale_temps`).
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import IO, Iterator

from engine.errors import BadInput

__all__ = ["atomic_write", "atomic_open", "clean_stale_temps", "TEMP_SUFFIX"]

TEMP_SUFFIX = ".nptmp"
LEGACY_SUFFIX = ".tmp"  # earlier versions wrote "<name>.tmp" and never removed it


def _temp_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}{TEMP_SUFFIX}")


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process (or an odd number): leave its file alone
    return True


def clean_stale_temps(path: str | os.PathLike[str]) -> int:
    """Remove temporary files of earlier writes to ``path`` whose writer process is gone (and the
    legacy ``<name>.tmp``). Returns how many were removed; never raises."""
    path = Path(path)
    removed = 0
    prefix = f".{path.name}."
    try:
        entries = list(os.scandir(path.parent if str(path.parent) else "."))
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        stale = name == path.name + LEGACY_SUFFIX
        if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
            pid_text = name[len(prefix):-len(TEMP_SUFFIX)].split(".")[0]
            stale = pid_text.isdigit() and not _pid_alive(int(pid_text))
        if stale and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed += 1
    return removed


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise BadInput("is a folder, not a file name", _short(path))
    if path.exists() and not path.is_file():
        raise BadInput("is not a regular file (a device, a pipe?); refusing to replace it",
                       _short(path))


def _short(path: Path) -> str:
    text = str(path).encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= 80 else text[:38] + "..." + text[-38:]


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", encoding: str = "utf-8",
                newline: str | None = None) -> Iterator[IO]:
    """Open a temporary file for writing that replaces ``path`` when the block ends normally.

    ``mode`` is ``"w"`` (text) or ``"wb"``. If the block raises, the temporary file is removed and
    ``path`` keeps its old content (or stays absent).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    path = Path(path)
    _check_target(path)
    clean_stale_temps(path)
    tmp = _temp_path(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if mode == "wb":
            fh: IO = os.fdopen(fd, "wb")
        else:
            fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    try:
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent if str(path.parent) else Path("."))


def atomic_write(path: str | os.PathLike[str], data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, or text encoded with ``encoding``) to ``path`` atomically.

    Text that cannot be encoded (a lone surrogate, say) is BadInput before any file is created.
    """
    path = Path(path)
    if isinstance(data, str):
        try:
            data = data.encode(encoding)
        except UnicodeEncodeError as err:
            bad = err.object[err.start:err.end].encode("unicode_escape").decode("ascii")
            raise BadInput(f"the text holds a character that cannot be written as {encoding} "
                           f"({bad} at position {err.start})", _short(path)) from None
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return path
