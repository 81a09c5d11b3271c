"""The user guide's Markdown: the introduction, the dashboards' texts, every layer
type of the engine's registry with its formula and options, and the lessons.

The layer section is generated from ``engine.layers.LAYERS``: a new layer type appears in the
guide with its options, and its formula text is ``resources/guide/layers/<type>.md``.
"""
from __future__ import annotations

import json

from engine.design.lessons import list_lessons
from engine.layers import ACTIVATION_CODES, LAYERS
from playground import catalog
from playground.help_texts import DASHBOARD_HELP, read_text, ui_language
from playground.i18n import translate


def _value(value: object) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def layer_section(layer_type: str, lang: str | None = None) -> str:
    """Markdown for one layer type: heading, formula text, a table of its options."""
    function = "relu" if layer_type == "activation" else None
    cfg = catalog.default_config(layer_type, function)
    head = (translate("Guide", "option"), translate("Guide", "default"),
            translate("Guide", "what it does"))
    lines = [f"### {layer_type}", "", read_text(f"layers/{layer_type}", lang).strip(), "",
             "| " + " | ".join(head) + " |", "|---|---|---|"]
    for key in LAYERS[layer_type].config_keys:  # every key, also those only some functions use
        if key in ("id", "type"):
            continue
        value = cfg.get(key)
        tip = translate("Catalog", catalog.option_spec(key, value).tip)
        shown = f"`{_value(value)}`" if key in cfg else translate("Guide", "per function")
        lines.append(f"| `{key}` | {shown} | {tip} |")
    return "\n".join(lines)


def lessons_section(lang: str | None = None) -> str:
    """One paragraph per lesson: number, title, summary (in ``lang``, default the app's)."""
    lang = ui_language() if lang is None else lang
    lines = ["## " + translate("Guide", "Lessons"), "",
             translate("Guide", "Open a lesson from the Lessons menu (Ctrl+1 … Ctrl+9, "
                                "Alt+0 … Alt+3).")]
    for lesson in list_lessons():
        lesson = lesson.in_language(lang)
        lines += ["", f"**{lesson.number}. {lesson.title}**: {lesson.summary}"]
    return "\n".join(lines)


def guide_markdown(lang: str | None = None) -> str:
    """The whole guide as one Markdown document, in ``lang`` (default: the app's language;
    the generated headings and labels follow the installed translation)."""
    lang = ui_language() if lang is None else lang
    parts = [read_text("intro", lang).strip(), "## " + translate("Guide", "Dashboards")]
    parts += [read_text(f"dashboards/{name}", lang).strip().replace("## ", "### ", 1)
              for name in DASHBOARD_HELP.values()]
    parts.append("## " + translate("Guide", "Layers"))
    parts += [layer_section(t, lang) for t in LAYERS]
    parts.append(lessons_section(lang))
    return "\n\n".join(parts) + "\n"


def activation_functions() -> list[str]:
    """The activation functions the engine knows (each must be in the guide)."""
    return list(ACTIVATION_CODES)
