"""The lessons catalogue: every shipped lesson loads, and bad lesson folders are refused."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.design import Design, load_design
from engine.errors import BadInput
from engine.design.lessons import DASHBOARDS, LESSONS_DIR, Lesson, list_lessons, load_lesson

DESIGNS_DIR = LESSONS_DIR.parent / "designs"


@pytest.fixture(scope="module")
def lessons() -> list[Lesson]:
    return list_lessons()


def test_thirteen_lessons_in_order(lessons: list[Lesson]) -> None:
    assert [lesson.number for lesson in lessons] == list(range(1, 14))
    shortcuts = [f"Ctrl+{i}" for i in range(1, 10)] + [None] * 4
    assert [lesson.shortcut for lesson in lessons] == shortcuts
    assert len({lesson.id for lesson in lessons}) == 13
    for lesson in lessons:
        assert lesson.base_dir.name.startswith(f"{lesson.number:02d}_")
        assert lesson.base_dir.name.endswith(lesson.id)


@pytest.mark.parametrize("number", range(1, 14))
def test_lesson_content(lessons: list[Lesson], number: int) -> None:
    lesson = lessons[number - 1]
    assert lesson.is_comparison and len(lesson.designs) >= 2
    assert all(isinstance(d.design, Design) for d in lesson.designs)
    assert set(lesson.dashboards) <= set(DASHBOARDS)
    assert lesson.watch and "\n" not in lesson.summary
    assert (lesson.run_epochs is None) != (lesson.run_steps is None)
    text = lesson.text
    assert text.startswith(f"# {lesson.title}") or text.startswith("# ")
    assert len(text) > 1200
    for needle in ("What to do", "What to watch") if number != 13 else ("SELU", "Monte-Carlo"):
        assert needle in text, needle
    assert "=" in text or "←" in text, "the text states the formula"


def _comparable(design: Design) -> dict[str, Any]:
    """What designs raced side by side must share: data, seed and batch order."""
    return {"data": design.data, "seed": design.seed,
            "batch_size": design.training["batch_size"], "shuffle": design.training["shuffle"]}


@pytest.mark.parametrize("number", range(1, 14))
def test_compared_designs_share_data_seed_and_batches(lessons: list[Lesson], number: int) -> None:
    designs = [d.design for d in lessons[number - 1].designs]
    if number == 13:       # SELU vs ReLU race; the MC-dropout sine model stands on its own
        designs = designs[:2]
    first = _comparable(designs[0])
    for other in designs[1:]:
        assert _comparable(other) == first
        assert [layer["id"] for layer in other.layers if layer["type"] == "dense"] == \
            [layer["id"] for layer in designs[0].layers if layer["type"] == "dense"]


def _diff(a: Any, b: Any, path: str = "") -> set[str]:
    """Paths where two JSON-like values differ (layer list entries by index)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out: set[str] = set()
        for key in set(a) | set(b):
            out |= _diff(a.get(key), b.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        out = set()
        for i, (x, y) in enumerate(zip(a, b)):
            out |= _diff(x, y, f"{path}[{i}]")
        return out
    return set() if a == b else {path}


def _stripped(paths: set[str]) -> set[str]:
    """Paths without list indices: ``model.layers[3].units`` -> ``model.layers.units``."""
    import re
    return {re.sub(r"\[\d+\]", "", p) for p in paths}


@pytest.mark.parametrize("number, files, allowed", [
    (1, ("glorot.json", "he.json"), {"model.layers.kernel_initializer"}),
    (4, ("mse.json", "cross_entropy.json"), {"loss.type"}),
    (6, ("no_dropout.json", "dropout.json"), {"model.layers"}),
    (7, ("l1.json", "l2.json"), {"model.layers.kernel_regularizer.l1",
                                 "model.layers.kernel_regularizer.l2"}),
    (9, ("constant.json", "one_cycle.json"), {"schedule.type", "schedule.max_lr",
                                              "schedule.total_steps", "schedule.start_factor",
                                              "schedule.final_factor", "schedule.max_momentum",
                                              "schedule.min_momentum"}),
    (10, ("unweighted.json", "balanced.json"), {"loss.class_weight"}),
    (11, ("no_stopping.json", "patience20.json"), {"training.early_stopping"}),
    (12, ("batchnorm.json", "renorm.json"), {"model.layers.renorm"}),
])
def test_comparisons_change_only_the_lesson_subject(lessons: list[Lesson], number: int,
                                                    files: tuple[str, str],
                                                    allowed: set[str]) -> None:
    by_file = {d.file: d.design.to_dict() for d in lessons[number - 1].designs}
    a, b = (by_file[f] for f in files)
    a.pop("name"), b.pop("name")
    changed = _stripped(_diff(a, b))
    assert changed and changed <= allowed, changed


def test_optimizer_race_differs_only_in_the_optimizer(lessons: list[Lesson]) -> None:
    dicts = [d.design.to_dict() for d in lessons[7].designs]
    for d in dicts:
        d.pop("name")
        d.pop("optimizer")
    assert all(d == dicts[0] for d in dicts)
    assert {d.design.optimizer["learning_rate"] for d in lessons[7].designs} == {0.01}
    assert len({json.dumps(d.design.optimizer, sort_keys=True) for d in lessons[7].designs}) == 7


def test_design_files_are_saved_with_every_key(lessons: list[Lesson]) -> None:
    for lesson in lessons:
        for entry in lesson.designs:
            raw = json.loads(entry.path.read_text(encoding="utf-8"))
            assert raw == entry.design.to_dict(), entry.path


@pytest.mark.parametrize("name", ["default_config_elu_bn.json", "default_config_selu.json"])
def test_default_configurations_load(name: str) -> None:
    design = load_design(DESIGNS_DIR / name)
    kinds = [layer.get("function", layer["type"]) for layer in design.layers]
    assert design.schedule["type"] == "one_cycle"
    assert design.optimizer["type"] == "sgd" and design.optimizer["momentum"] == 0.9
    if "elu_bn" in name:
        assert "batch_norm" in kinds and "elu" in kinds
        assert design.training["early_stopping"] is not None
        assert design.layers[0]["kernel_initializer"] == "he_normal"
    else:
        assert "selu" in kinds and "alpha_dropout" in kinds
        assert design.layers[0]["kernel_initializer"] == "lecun_normal"


@pytest.mark.parametrize("key", ["glorot_vs_he", "01_glorot_vs_he", "1", 1])
def test_load_lesson_by_id_folder_or_number(key: Any) -> None:
    lesson = load_lesson(key)
    assert lesson.number == 1 and lesson.labels == ("Glorot", "He")


def test_load_lesson_by_path() -> None:
    folder = LESSONS_DIR / "04_saturated_neuron"
    assert load_lesson(folder).id == "saturated_neuron"
    assert load_lesson(folder / "lesson.json").id == "saturated_neuron"


def test_unknown_lesson_is_bad_input() -> None:
    with pytest.raises(BadInput, match="unknown lesson 'nope'"):
        load_lesson("nope")


@pytest.fixture()
def lesson_copy(tmp_path: Path) -> Path:
    target = tmp_path / "lessons" / "04_saturated_neuron"
    shutil.copytree(LESSONS_DIR / "04_saturated_neuron", target)
    return target


def _edit(folder: Path, **changes: Any) -> None:
    meta = json.loads((folder / "lesson.json").read_text())
    for key, value in changes.items():
        if value is ...:
            meta.pop(key)
        else:
            meta[key] = value
    (folder / "lesson.json").write_text(json.dumps(meta))


@pytest.mark.parametrize("changes, match", [
    ({"dashboards": ["loss", "sparkles"]}, "unknown dashboard 'sparkles'"),
    ({"designs": [{"file": "missing.json", "label": "x"}]}, "not found"),
    ({"designs": [{"file": "../x.json", "label": "x"}]}, "inside the lesson folder"),
    ({"designs": [{"file": "mse.json", "label": "a"}, {"file": "mse.json", "label": "a"}]},
     "labels must be distinct"),
    ({"steps": 300}, "epochs"),
    ({"steps": {"epochs": 0}}, "integer >= 1"),
    ({"shortcut": "Ctrl+0"}, "Ctrl"),
    ({"colour": "red"}, "unknown key 'colour'"),
    ({"title": ...}, "title"),
    ({"summary": "two\nlines"}, "one line"),
    ({"id": "Bad Id"}, "lower-case"),
])
def test_bad_lesson_files_are_refused(lesson_copy: Path, changes: dict[str, Any],
                                      match: str) -> None:
    _edit(lesson_copy, **changes)
    with pytest.raises(BadInput, match=match) as info:
        load_lesson(lesson_copy)
    assert "lesson.json" in str(info.value)


def test_invalid_design_in_a_lesson_names_the_entry(lesson_copy: Path) -> None:
    design = json.loads((lesson_copy / "mse.json").read_text())
    design["model"]["layers"][0]["units"] = 0
    (lesson_copy / "mse.json").write_text(json.dumps(design))
    with pytest.raises(BadInput, match=r"designs\[0\]\.file.*units"):
        load_lesson(lesson_copy)


def test_missing_text_and_broken_json(lesson_copy: Path) -> None:
    (lesson_copy / "lesson.md").unlink()
    with pytest.raises(BadInput, match="lesson.md"):
        load_lesson(lesson_copy)
    (lesson_copy / "lesson.json").write_text("{\"id\": ")
    with pytest.raises(BadInput, match="invalid JSON"):
        load_lesson(lesson_copy)


def test_list_lessons_refuses_duplicate_numbers(tmp_path: Path) -> None:
    root = tmp_path / "lessons"
    for name in ("04_saturated_neuron", "05_dying_relus"):
        shutil.copytree(LESSONS_DIR / name, root / name)
    assert [lesson.number for lesson in list_lessons(root)] == [4, 5]
    _edit(root / "05_dying_relus", number=4, shortcut=None)
    with pytest.raises(BadInput, match="number 4"):
        list_lessons(root)


def test_repr_names_the_lesson(lessons: list[Lesson]) -> None:
    assert "glorot_vs_he" in repr(lessons[0]) and "Glorot" in repr(lessons[0])
    assert "glorot.json" in repr(lessons[0].designs[0])


_JSON = st.recursive(st.none() | st.booleans() | st.integers(-5, 20) | st.text(max_size=12),
                     lambda inner: st.lists(inner, max_size=3)
                     | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8)


@settings(deadline=None, max_examples=60,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(("id", "number", "title", "summary", "designs", "dashboards", "watch",
                            "steps", "shortcut")), value=_JSON)
def test_junk_in_lesson_json_is_bad_input_or_accepted(lesson_copy: Path, key: str,
                                                      value: Any) -> None:
    meta = json.loads((LESSONS_DIR / "04_saturated_neuron" / "lesson.json").read_text())
    meta[key] = value
    (lesson_copy / "lesson.json").write_text(json.dumps(meta))
    try:
        lesson = load_lesson(lesson_copy)
    except BadInput as err:
        assert "lesson.json" in str(err) or "designs" in str(err)
    else:
        assert isinstance(lesson, Lesson)


@pytest.mark.parametrize("number", range(1, 14))
def test_every_lesson_design_builds_and_trains_two_steps(lessons: list[Lesson],
                                                         number: int) -> None:
    from engine.build import build_session
    lesson = lessons[number - 1]
    for entry in lesson.designs:
        s = build_session(entry.design, lesson.base_dir)
        snap = s.run(2)
        if entry.label == "N(0, 1)":          # lesson 2's exploding initialisation
            assert snap.status in ("running", "diverged")
            continue
        assert snap.status == "running" and snap.step == 2, entry.label
        assert snap.loss is not None and math.isfinite(snap.loss), entry.label
        assert len(snap.layers) == len(entry.design.layers)
