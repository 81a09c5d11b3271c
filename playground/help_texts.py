"""The app's help texts: Markdown files under ``resources/guide/``.

``<name>.<lang>.md`` is read when it exists for the UI language (``de``: a German sibling),
``<name>.md`` otherwise. The UI language is the app's one choice (:mod:`playground.i18n`:
View → Language or the system locale, fixed at start). Each dashboard class names its text in
:data:`DASHBOARD_HELP`.
"""
from __future__ import annotations

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
    """The language the app speaks now (``en`` or ``de``, :func:`playground.i18n.current_language`:
    German only once the German translation is installed)."""
    from playground.i18n import current_language  # Qt: imported only when a text is shown
    return current_language()


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
