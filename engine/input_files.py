"""Reading files that come from users: checked before a byte is read, never blocking, one-line errors.

``check_input_file`` refuses what is not a readable regular file of at most a given size (a folder,
``/dev/zero``, a fifo that would block forever, a name too long for the file system, a name that
cannot be encoded) with ``BadInput``; ``read_input_file`` then reads at most that many bytes.
``read_npz`` reads an ``.npz`` archive member by member: every member must be an ``.npy`` array
whose header (dtype, shape) is read and checked against the limits *before* its data are
decompressed, so a zip bomb or a header claiming 2e11 elements costs nothing.
"""
from __future__ import annotations

import os
import stat
import zipfile
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.limits import MAX_NPZ_BYTES, MAX_NPZ_MEMBERS, quote

ALLOWED_KINDS = "biufUS"  # booleans, integers, floats, text; never objects (pickles)


def shown(path: Any) -> str:
    """A file name fit for a message: printable, at most ~80 characters."""
    text = os.fsdecode(path) if isinstance(path, (bytes, os.PathLike)) else str(path)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= 80 else text[:30] + "..." + text[-47:]


def check_input_file(path: Any, max_bytes: int, where: str | None = None) -> int:
    """Size of ``path`` if it is a regular file of at most ``max_bytes``; else BadInput at
    ``where`` (default: the file name)."""
    where = where or shown(path)
    try:
        st = os.stat(path)
    except UnicodeEncodeError:
        raise BadInput(f"the file name {shown(path)} holds characters that no file name can "
                       f"have", where) from None
    except FileNotFoundError:
        raise BadInput(f"file not found: {shown(path)}", where) from None
    except OSError as err:
        raise BadInput(f"cannot be read: {err.strerror or err} ({shown(path)})", where) from None
    except (ValueError, TypeError) as err:  # embedded NUL, not a path at all
        raise BadInput(f"not a usable file name ({quote(str(err))})", where) from None
    if stat.S_ISDIR(st.st_mode):
        raise BadInput(f"{shown(path)} is a folder, not a file", where)
    if not stat.S_ISREG(st.st_mode):
        raise BadInput(f"{shown(path)} is not a regular file (a device, a pipe or a socket)",
                       where)
    if st.st_size > max_bytes:
        raise BadInput(f"{shown(path)} is {st.st_size / 2**20:,.1f} MiB; at most "
                       f"{max_bytes / 2**20:,.0f} MiB", where)
    return int(st.st_size)


def read_input_file(path: Any, max_bytes: int, where: str | None = None) -> bytes:
    """The bytes of a checked input file (never blocks on a fifo, never reads past the limit)."""
    check_input_file(path, max_bytes, where)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as err:
        raise BadInput(f"cannot be read: {err.strerror or err} ({shown(path)})",
                       where or shown(path)) from None
    if len(data) > max_bytes:
        raise BadInput(f"{shown(path)} is larger than {max_bytes / 2**20:,.0f} MiB",
                       where or shown(path))
    return data


def _member_header(zf: zipfile.ZipFile, info: zipfile.ZipInfo, where: str,
                   max_elements: int) -> tuple[np.dtype, tuple[int, ...], int]:
    """(dtype, shape, header bytes) of one .npy member, checked before its data are read."""
    name = info.filename
    with zf.open(info) as fh:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(fh)
        elif version in ((2, 0), (3, 0)):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise ValueError(f"unknown .npy version {version}")
        header = fh.tell()
    if dtype.hasobject:
        raise BadInput(f"array {quote(name[:-4], 40)} holds Python objects (pickled objects are "
                       f"never loaded; only numbers and text)", where)
    if dtype.kind not in ALLOWED_KINDS:
        raise BadInput(f"array {quote(name[:-4], 40)} has dtype {dtype}: only numbers and text "
                       f"are read", where)
    count = 1
    for d in shape:
        if not isinstance(d, int) or d < 0:
            raise ValueError(f"bad shape {shape}")
        count *= d
    if count > max_elements or count * dtype.itemsize > 8 * max_elements:
        raise BadInput(f"array {quote(name[:-4], 40)} claims {count:,} values (shape "
                       f"{quote(shape, 40)}); at most {max_elements:,}", where)
    if header + count * dtype.itemsize != info.file_size:
        raise BadInput(f"array {quote(name[:-4], 40)} is damaged: its header says "
                       f"{count * dtype.itemsize:,} bytes of data, the archive holds "
                       f"{info.file_size - header:,}", where)
    return dtype, shape, header


def read_npz(path: Any, max_elements: int, where: str | None = None,
             max_bytes: int = MAX_NPZ_BYTES, keys: tuple[str, ...] | None = None,
             headers_only: bool = False) -> dict[str, Any]:
    """The arrays of an ``.npz`` file (only ``keys`` when given), each member's header checked
    (``.npy``, dtype, at most ``max_elements`` values, the archive's declared sizes consistent
    and at most ``max_bytes`` in all) before any data are decompressed. With ``headers_only``
    the values are ``(dtype, shape)`` and no data are read. BadInput naming the file
    (``where``) for anything else."""
    where = where or shown(path)
    check_input_file(path, max_bytes, where)
    try:
        with open(path, "rb") as fh:
            magic = fh.read(6)
        if magic.startswith(b"\x93NUMPY"):
            raise BadInput("is a single .npy array, not an .npz archive of named arrays", where)
        if not magic.startswith(b"PK"):
            raise BadInput("is not an .npz file (a zip archive of named arrays)", where)
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_members(infos, where, max_bytes)
            out: dict[str, Any] = {}
            for info in infos:
                dtype, shape, _ = _member_header(zf, info, where, max_elements)
                key = info.filename[:-4]
                if keys is not None and key not in keys:
                    continue
                if headers_only:
                    out[key] = (dtype, shape)
                    continue
                with zf.open(info) as fh:
                    out[key] = np.lib.format.read_array(fh, allow_pickle=False)
            return out
    except BadInput:
        raise
    except Exception as err:  # noqa: BLE001 - whatever a damaged archive makes zipfile or
        # numpy's header parser raise (BadZipFile, EOFError, ValueError, TokenError, ...)
        raise BadInput(f"is not a valid .npz file ({quote(str(err) or type(err).__name__)})",
                       where) from None


def _check_members(infos: list[zipfile.ZipInfo], where: str, max_bytes: int) -> None:
    if len(infos) > MAX_NPZ_MEMBERS:
        raise BadInput(f"holds {len(infos):,} arrays; at most {MAX_NPZ_MEMBERS:,}", where)
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if not name.endswith(".npy") or info.is_dir():
            raise BadInput(f"holds {quote(name, 60)}, which is not an .npy array (an .npz "
                           f"archive holds only arrays)", where)
        if name in seen:
            raise BadInput(f"holds the array {quote(name[:-4], 40)} twice", where)
        seen.add(name)
        total += info.file_size
        if total > max_bytes:
            raise BadInput(f"its arrays unpack to more than {max_bytes / 2**20:,.0f} MiB", where)
