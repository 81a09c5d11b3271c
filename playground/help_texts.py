"""The app's help texts (Qt-free): Markdown files under ``resources/guide/``.

``<name>.<lang>.md`` is read when it exists for the UI language (``de``: a German sibling),
``<name>.md`` otherwise. Each dashboard class names its text in :data:`DASHBOARD_HELP`.
"""
from __future__ import annotations

import locale
import os
from pathlib import Path

GUIDE_DIR = Path(__file__).resolve().parents[1] / "resources" / "guide"

#: dashboard class name -> its help text (``resources/guide/dashboards/<name>.md``)
DASHBOARD_HELP: dict[str, str] = {
    "LossDashboard": "loss", "GradientDashboard": "gradients",
    "ActivationDashboard": "activations", "DeadUnitsDashboard": "dead",
    "WeightDashboard": "weights", "BatchNormDashboard": "bn", "BoundaryDashboard": "boundary",
    "ConfusionDashboard": "confusion", "NetworkGraphDashboard": "graph",
    "UncertaintyDashboard": "uncertainty"}


def ui_language() -> str:
    """Two-letter language of the UI: ``PLAYGROUND_LANG`` when set, else the system locale's
    (``en`` when unknown)."""
    lang = os.environ.get("PLAYGROUND_LANG") or (locale.getlocale()[0] or "en")
    return lang[:2].lower()


def text_path(name: str, lang: str | None = None) -> Path:
    """The file of help text ``name`` (``"dashboards/loss"``): the ``lang`` sibling when there
    is one, else the default (English) file."""
    lang = ui_language() if lang is None else lang
    translated = GUIDE_DIR / f"{name}.{lang}.md"
    return translated if translated.is_file() else GUIDE_DIR / f"{name}.md"


def read_text(name: str, lang: str | None = None) -> str:
    """Help text ``name`` as Markdown (see :func:`text_path`)."""
    return text_path(name, lang).read_text(encoding="utf-8")


def dashboard_help(class_name: str, lang: str | None = None) -> str:
    """The help text (Markdown) of the dashboard class ``class_name``; KeyError when it has
    none."""
    return read_text(f"dashboards/{DASHBOARD_HELP[class_name]}", lang)
