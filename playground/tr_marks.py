"""``QT_TRANSLATE_NOOP`` for Qt-free modules: marks a text for ``pyside6-lupdate`` and returns it
unchanged; the widgets show it through Qt's ``translate`` with the same context."""
from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - Qt's name, for lupdate
    """``text`` itself (found by lupdate under ``context``)."""
    return text
