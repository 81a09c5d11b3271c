"""The user guide's Markdown: the introduction, the dashboards' texts, every layer
type of the engine's registry with its formula and options, and the lessons.

The layer section is generated from ``engine.layers.LAYERS``: a new layer type appears in the
guide with its options, and its formula text is ``resources/guide/layers/<type>.md``.
"""
from __future__ import annotations

import json

from PySide6.QtCore import QCoreApplication

from engine.design.lessons import list_lessons
from engine.layers import ACTIVATION_CODES, LAYERS
from playground import catalog
from playground.help_texts import DASHBOARD_HELP, read_text


def _tr(text: str) -> str:
    return QCoreApplication.translate("UserGuide", text)


def _value(value: object) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def layer_section(layer_type: str, lang: str | None = None) -> str:
    """Markdown for one layer type: heading, formula text, a table of its options."""
    function = "relu" if layer_type == "activation" else None
    cfg = catalog.default_config(layer_type, function)
    lines = [f"### {layer_type}", "", read_text(f"layers/{layer_type}", lang).strip(), "",
             f"| {_tr('option')} | {_tr('default')} | {_tr('what it does')} |",
             "|---|---|---|"]
    for key in LAYERS[layer_type].config_keys:  # every key, also those only some functions use
        if key in ("id", "type"):
            continue
        value = cfg.get(key)
        tip = catalog.option_spec(key, value).tip
        shown = f"`{_value(value)}`" if key in cfg else _tr("per function")
        lines.append(f"| `{key}` | {shown} | {tip} |")
    return "\n".join(lines)


def lessons_section() -> str:
    """One paragraph per lesson: number, title, summary."""
    lines = [f"## {_tr('Lessons')}", "",
             _tr("Open a lesson from the Lessons menu (Ctrl+1 … Ctrl+9, Alt+0 … Alt+3).")]
    for lesson in list_lessons():
        lines += ["", f"**{lesson.number}. {lesson.title}**: {lesson.summary}"]
    return "\n".join(lines)


def guide_markdown(lang: str | None = None) -> str:
    """The whole guide as one Markdown document."""
    parts = [read_text("intro", lang).strip(), f"## {_tr('Dashboards')}"]
    parts += [read_text(f"dashboards/{name}", lang).strip().replace("## ", "### ", 1)
              for name in DASHBOARD_HELP.values()]
    parts.append(f"## {_tr('Layers')}")
    parts += [layer_section(t, lang) for t in LAYERS]
    parts.append(lessons_section())
    return "\n\n".join(parts) + "\n"


def activation_functions() -> list[str]:
    """The activation functions the engine knows (each must be in the guide)."""
    return list(ACTIVATION_CODES)
