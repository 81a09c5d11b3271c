"""Screenshots written as every other file: PNG bytes through engine.atomic (a crash leaves the
old file or the new one, never half a PNG)."""
from __future__ import annotations

import os
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice


def png_bytes(image: Any) -> bytes:
    """A QPixmap or QImage encoded as PNG (OSError when it cannot be)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    ok = image.save(buffer, "PNG")
    buffer.close()
    if not ok:
        raise OSError("the image could not be encoded as PNG")
    return bytes(data.data())


def save_png(image: Any, path: str | os.PathLike[str]) -> bool:
    """Write a QPixmap or QImage to ``path`` as PNG, atomically; False when it cannot be
    encoded or written."""
    from engine.atomic import atomic_write
    from engine.errors import BadInput
    try:
        atomic_write(path, png_bytes(image))
    except (OSError, BadInput):
        return False
    return True
