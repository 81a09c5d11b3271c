"""The lessons catalogue (Qt-free): ``resources/lessons/NN_slug/{lesson.json, lesson.md, *.json}``.

A lesson folder holds ``lesson.json`` (metadata), ``lesson.md`` (the text shown beside the
dashboards) and the design files it opens. ``lesson.json`` keys:

- ``id`` (str, the slug), ``number`` (int >= 1), ``title`` (str), ``summary`` (one line);
- ``designs``: ``[{"file": "a.json", "label": "Glorot"}, ...]``; two or more open side by side as a
  comparison (a race) that shares data, seed and batch order;
- ``dashboards``: names from :data:`DASHBOARDS` (what to show, in order);
- ``watch``: short strings, what to look at while it trains;
- ``steps``: ``{"epochs": n}`` or ``{"steps": n}``, how long to run for the effect to show;
- ``shortcut``: ``"Ctrl+1"`` .. ``"Ctrl+9"`` or null;
- ``de`` (optional): the German ``title``, ``summary`` and ``watch``; the German text is
  ``lesson.de.md`` beside ``lesson.md`` (:meth:`Lesson.in_language`).

Bad lesson files raise :class:`engine.errors.BadInput` naming the file and the key.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import engine
from engine.design import Design, load_design, parse_design_text
from engine.errors import BadInput
from engine.validation import check_int

__all__ = ["DASHBOARDS", "LESSONS_DIR", "Lesson", "LessonDesign", "list_lessons", "load_lesson"]

LESSONS_DIR = Path(engine.__file__).resolve().parents[1] / "resources" / "lessons"

#: Dashboard names a lesson may ask for (the app maps them to its dashboard widgets).
DASHBOARDS: tuple[str, ...] = ("loss", "gradients", "activations", "dead", "weights", "bn",
                               "boundary", "confusion", "lr", "uncertainty")

LESSON_KEYS = ("id", "number", "title", "summary", "designs", "dashboards", "watch", "steps",
               "shortcut", "de")
#: languages a lesson may carry besides English: ``lesson.<lang>.md`` and a ``<lang>`` block
LANGUAGES = ("de",)
_SHORTCUT = re.compile(r"^Ctrl\+[1-9]$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class LessonDesign:
    """One design a lesson opens: its label, file name, path and the validated Design."""

    label: str
    file: str
    path: Path
    design: Design

    def __repr__(self) -> str:
        return f"LessonDesign(label={self.label!r}, file={self.file!r})"


@dataclass(frozen=True)
class Lesson:
    """A validated lesson.

    Attributes
    ----------
    id, number, title, summary : identification and the one-line summary.
    text : the lesson's markdown (``lesson.md``).
    designs : the designs it opens, in order (2+: a side-by-side comparison).
    dashboards : dashboard names (see :data:`DASHBOARDS`), in display order.
    watch : what to look at while it trains.
    run_epochs, run_steps : suggested length of the run (exactly one is not None).
    shortcut : ``"Ctrl+N"`` or None.
    base_dir : the lesson's folder (design data paths are relative to it).
    """

    id: str
    number: int
    title: str
    summary: str
    text: str
    designs: tuple[LessonDesign, ...]
    dashboards: tuple[str, ...]
    watch: tuple[str, ...]
    run_epochs: int | None
    run_steps: int | None
    shortcut: str | None
    base_dir: Path
    translations: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)

    def in_language(self, language: str) -> "Lesson":
        """This lesson with its title, summary, watch list and text in ``language`` (``en``, or
        one of :data:`LANGUAGES`); English where the lesson has no such translation."""
        return replace(self, **self.translations[language]) \
            if language in self.translations else self

    @property
    def is_comparison(self) -> bool:
        """True when the lesson opens two or more designs side by side."""
        return len(self.designs) >= 2

    @property
    def labels(self) -> tuple[str, ...]:
        """The designs' labels, in order."""
        return tuple(d.label for d in self.designs)

    def __repr__(self) -> str:
        return (f"Lesson(number={self.number}, id={self.id!r}, title={self.title!r}, "
                f"designs={list(self.labels)})")


def _string(meta: dict[str, Any], key: str, where: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"must be a non-empty string, got {json.dumps(value)}", f"{where}: {key}")
    return value.strip()


def _strings(meta: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = meta.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise BadInput(f"must be a list of non-empty strings, got {json.dumps(value)}",
                       f"{where}: {key}")
    return tuple(v.strip() for v in value)


def _run_length(value: Any, where: str) -> tuple[int | None, int | None]:
    """``{"epochs": n}`` or ``{"steps": n}`` -> (epochs, steps)."""
    if not isinstance(value, dict) or len(value) != 1 or next(iter(value)) not in ("epochs",
                                                                                    "steps"):
        raise BadInput(f'must be {{"epochs": n}} or {{"steps": n}}, got {json.dumps(value)}',
                       f"{where}: steps")
    key, n = next(iter(value.items()))
    n = check_int(n, f"{where}: steps.{key}", 1)
    return (n, None) if key == "epochs" else (None, n)


def _dashboards(meta: dict[str, Any], where: str) -> tuple[str, ...]:
    names = _strings(meta, "dashboards", where)
    if not names:
        raise BadInput("must name at least one dashboard", f"{where}: dashboards")
    for i, name in enumerate(names):
        if name not in DASHBOARDS:
            raise BadInput(f"unknown dashboard {name!r} (known: {', '.join(DASHBOARDS)})",
                           f"{where}: dashboards[{i}]")
    if len(set(names)) != len(names):
        raise BadInput("names a dashboard twice", f"{where}: dashboards")
    return names


def _designs(meta: dict[str, Any], folder: Path, where: str) -> tuple[LessonDesign, ...]:
    entries = meta.get("designs")
    if not isinstance(entries, list) or not entries:
        raise BadInput("must be a non-empty list of {\"file\", \"label\"} objects",
                       f"{where}: designs")
    out: list[LessonDesign] = []
    for i, entry in enumerate(entries):
        path = f"{where}: designs[{i}]"
        if not isinstance(entry, dict) or set(entry) != {"file", "label"}:
            raise BadInput(f"must be an object with exactly 'file' and 'label', got "
                           f"{json.dumps(entry)}", path)
        file, label = entry["file"], entry["label"]
        if not isinstance(file, str) or Path(file).name != file or not file.endswith(".json"):
            raise BadInput(f"must be a .json file name inside the lesson folder, got "
                           f"{json.dumps(file)}", f"{path}.file")
        if not isinstance(label, str) or not label.strip():
            raise BadInput(f"must be a non-empty string, got {json.dumps(label)}", f"{path}.label")
        design_path = folder / file
        if not design_path.is_file():
            raise BadInput(f"design file {file!r} not found in {folder}", f"{path}.file")
        try:
            design = load_design(design_path)
        except BadInput as err:
            raise BadInput(str(err), f"{path}.file") from err
        out.append(LessonDesign(label.strip(), file, design_path, design))
    if len({d.label for d in out}) != len(out):
        raise BadInput("labels must be distinct", f"{where}: designs")
    return tuple(out)


def _read_meta(meta_path: Path) -> dict[str, Any]:
    try:
        text = meta_path.read_text(encoding="utf-8")
    except OSError as err:
        raise BadInput(f"cannot read ({err.strerror or err})", str(meta_path)) from err
    meta = parse_design_text(text, str(meta_path))
    if not isinstance(meta, dict):
        raise BadInput("must hold a JSON object", str(meta_path))
    for key in meta:
        if key not in LESSON_KEYS:
            raise BadInput(f"unknown key {key!r} (allowed: {', '.join(LESSON_KEYS)})",
                           f"{meta_path}: {key}")
    return meta


def _lesson_from_folder(folder: Path) -> Lesson:
    """Read and validate the lesson in ``folder``."""
    meta_path = folder / "lesson.json"
    meta = _read_meta(meta_path)
    where = str(meta_path)
    lesson_id = _string(meta, "id", where)
    if not _SLUG.match(lesson_id):
        raise BadInput(f"must be lower-case letters, digits and '_', got {lesson_id!r}",
                       f"{where}: id")
    shortcut = meta.get("shortcut")
    if shortcut is not None and (not isinstance(shortcut, str) or not _SHORTCUT.match(shortcut)):
        raise BadInput(f"must be 'Ctrl+1' .. 'Ctrl+9' or null, got {json.dumps(shortcut)}",
                       f"{where}: shortcut")
    summary = _string(meta, "summary", where)
    if "\n" in summary:
        raise BadInput("must be one line", f"{where}: summary")
    md_path = folder / "lesson.md"
    if not md_path.is_file():
        raise BadInput("lesson.md is missing", str(folder))
    epochs, steps = _run_length(meta.get("steps"), where)
    translations = {lang: _translation(meta, folder, lang, where) for lang in LANGUAGES
                    if lang in meta or (folder / f"lesson.{lang}.md").is_file()}
    return Lesson(
        id=lesson_id, number=check_int(meta.get("number"), f"{where}: number", 1),
        title=_string(meta, "title", where), summary=summary,
        text=md_path.read_text(encoding="utf-8"), designs=_designs(meta, folder, where),
        dashboards=_dashboards(meta, where), watch=_strings(meta, "watch", where),
        run_epochs=epochs, run_steps=steps, shortcut=shortcut, base_dir=folder,
        translations=translations)


def _translation(meta: dict[str, Any], folder: Path, lang: str, where: str) -> dict[str, Any]:
    """The ``lang`` block of lesson.json and ``lesson.<lang>.md``: both or neither."""
    block = meta.get(lang)
    md_path = folder / f"lesson.{lang}.md"
    if not isinstance(block, dict) or set(block) != {"title", "summary", "watch"}:
        raise BadInput(f"must be an object with exactly 'title', 'summary' and 'watch', got "
                       f"{json.dumps(block)}", f"{where}: {lang}")
    if not md_path.is_file():
        raise BadInput(f"lesson.{lang}.md is missing (lesson.json has a {lang!r} block)",
                       str(folder))
    inner = f"{where}: {lang}"
    summary = _string(block, "summary", inner)
    if "\n" in summary:
        raise BadInput("must be one line", f"{inner}: summary")
    return {"title": _string(block, "title", inner), "summary": summary,
            "watch": _strings(block, "watch", inner), "text": md_path.read_text(encoding="utf-8")}


def _lesson_folders(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "lesson.json").is_file())


def list_lessons(root: str | os.PathLike[str] | None = None) -> list[Lesson]:
    """Every lesson under ``root`` (default: the shipped ``resources/lessons``), by number.

    Raises BadInput if a lesson is invalid or two share a number, id or shortcut.
    """
    lessons = [_lesson_from_folder(p) for p in _lesson_folders(Path(root or LESSONS_DIR))]
    lessons.sort(key=lambda lesson: lesson.number)
    for key in ("number", "id", "shortcut"):
        values = [getattr(lesson, key) for lesson in lessons if getattr(lesson, key) is not None]
        dup = next((v for v in values if values.count(v) > 1), None)
        if dup is not None:
            raise BadInput(f"two lessons share the {key} {dup!r}", str(root or LESSONS_DIR))
    return lessons


def load_lesson(id_or_path: str | int | os.PathLike[str],
                root: str | os.PathLike[str] | None = None) -> Lesson:
    """One lesson, by id (``"glorot_vs_he"``), folder name, number, or a path to its folder or
    its ``lesson.json``. Raises BadInput when it is unknown or invalid."""
    base = Path(root or LESSONS_DIR)
    if isinstance(id_or_path, (str, os.PathLike)) and not isinstance(id_or_path, bool):
        path = Path(id_or_path)
        if path.name == "lesson.json" and path.is_file():
            return _lesson_from_folder(path.parent)
        if (path / "lesson.json").is_file():
            return _lesson_from_folder(path)
        if (base / path / "lesson.json").is_file() and path.name == str(path):
            return _lesson_from_folder(base / path)
    wanted = str(id_or_path)
    for folder in _lesson_folders(base):
        meta = _read_meta(folder / "lesson.json")
        if wanted in (meta.get("id"), str(meta.get("number")), folder.name):
            return _lesson_from_folder(folder)
    known = ", ".join(p.name for p in _lesson_folders(base)) or "none"
    raise BadInput(f"unknown lesson {wanted!r} (known: {known})", "lesson")
