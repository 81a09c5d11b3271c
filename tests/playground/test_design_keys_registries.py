"""Every key of the optimiser, schedule and layer registries edited through its generated form
(the Optimizer tab, the inspector) as a person would, saved, and opened in a fresh window
(issue 14, item 1; the sections of tests/playground/test_design_keys.py)."""
import json

import pytest
from PySide6.QtWidgets import QAbstractSpinBox, QCheckBox, QComboBox, QLineEdit, QSpinBox

from engine.layers import LAYERS
from engine.optimizers import BASE_KEYS, OPTIMIZERS
from engine.schedules import SCHEDULES
from playground.widgets.option_editors import (ClippingEditor, OptionalNumber,
                                               RegularizerEditor)
from tests.helpers.app import MAIN_DESIGN, open_design
from tests.helpers.fakes import FakeSession
from tests.helpers.window_input import click, pick, type_text

#: layer keys the inspector does not show: ids are made by the window, types come from the
#: palette (tests/playground/test_stack_dnd.py)
LAYER_KEYS_ELSEWHERE = ("id", "type")
#: activation functions whose parameters the inspector shows (every key of the type once)
ACTIVATIONS = ("leaky_relu", "prelu", "rrelu")
#: the optimisers' gradient clips: at most one may be set, each has its own round trip
CLIPS = tuple(k for k in BASE_KEYS if "clip" in k)


def _fake(d, b, dev):
    return FakeSession(d, b, dev)


def _typed_number(value: float, integer: bool) -> str:
    if integer:
        return str(int(value) + 1)
    return f"{value * 0.5:g}" if value > 0 else "0.5"


def _edit(qtbot, editor) -> None:
    """Change what ``editor`` shows the way a person does."""
    if isinstance(editor, RegularizerEditor):
        pick(qtbot, editor.kind, "L2" if editor.kind.currentText() != "L2" else "L1")
    elif isinstance(editor, OptionalNumber):  # also the max-norm constraint
        click(qtbot, editor.on)
    elif isinstance(editor, ClippingEditor):
        type_text(qtbot, editor.rmax, _typed_number(editor.rmax.value(), True))
    elif isinstance(editor, QCheckBox):
        click(qtbot, editor)
    elif isinstance(editor, QComboBox):
        other = next(editor.itemText(i) for i in range(editor.count())
                     if editor.itemText(i) != editor.currentText())
        pick(qtbot, editor, other)
    elif isinstance(editor, QAbstractSpinBox):
        type_text(qtbot, editor, _typed_number(editor.value(), isinstance(editor, QSpinBox)))
    elif isinstance(editor, QLineEdit):
        try:  # a JSON list (piecewise boundaries and values): every number doubled
            value = json.loads(editor.text())
            type_text(qtbot, editor, json.dumps([v * 2 for v in value]))
        except json.JSONDecodeError:  # a name (reduce_on_plateau's monitor)
            type_text(qtbot, editor, "loss" if editor.text() != "loss" else "val_loss")
    else:
        raise AssertionError(f"no way to edit {editor!r}")


def _round_trip(qtbot, make_window, tmp_path, design, show, read, skip=()):
    """Edit every editor ``show(win)`` returns (but ``skip``), save, reopen; every key changed
    and kept. Returns the keys of the editors shown."""
    win = make_window(design, factory=_fake)
    win.resize(1280, 720)
    qtbot.waitUntil(lambda: win.width() == 1280)
    shown = show(win)
    editors = [k for k in shown if k not in skip]
    before = read(win)
    for key in editors:
        _edit(qtbot, show(win)[key])  # a form may have been rebuilt by the edit before
    after = read(win)
    unchanged = [k for k in editors if after.get(k) == before.get(k)]
    assert not unchanged, f"not changed through the window: {unchanged}"
    path = tmp_path / "edited.json"
    assert win.files.save_to(str(path))
    other = make_window(None, factory=_fake)
    assert open_design(qtbot, other, path)
    assert read(other) == after
    return set(shown)


@pytest.mark.parametrize("section, kind", [("optimizer", t) for t in OPTIMIZERS]
                         + [("schedule", t) for t in SCHEDULES if SCHEDULES[t].config_keys])
def test_every_optimizer_and_schedule_key_round_trips(qtbot, make_window, tmp_path, section,
                                                      kind):
    design = json.loads(json.dumps(MAIN_DESIGN))
    design[section] = {"type": kind}
    form = lambda win: getattr(win.settings_panel, section)  # noqa: E731

    def read(win):
        return form(win)._full()
    editors = _round_trip(qtbot, make_window, tmp_path, design,
                          lambda win: form(win).editors, read, skip=CLIPS)
    assert editors == set(SCHEDULES[kind].config_keys if section == "schedule"
                          else OPTIMIZERS[kind].config_keys)


@pytest.mark.parametrize("clip", CLIPS)
def test_each_gradient_clip_round_trips(qtbot, make_window, tmp_path, clip):
    """At most one of the three may be set (as Keras): each on its own."""
    form = lambda win: win.settings_panel.optimizer  # noqa: E731
    editors = _round_trip(qtbot, make_window, tmp_path, MAIN_DESIGN,
                          lambda win: form(win).editors, lambda win: form(win)._full(),
                          skip=set(CLIPS + BASE_KEYS) - {clip})
    assert clip in editors


def _layer_cases() -> list[dict]:
    cases = []
    for kind in LAYERS:
        if kind == "activation":
            cases += [{"type": kind, "function": f} for f in ACTIVATIONS]
        else:
            cases.append({"type": kind, **({"units": 3} if kind == "dense" else {})})
    return cases


@pytest.mark.parametrize("layer", _layer_cases(), ids=lambda c: c.get("function", c["type"]))
def test_every_layer_key_round_trips(qtbot, make_window, tmp_path, layer):
    design = json.loads(json.dumps(MAIN_DESIGN))
    design["model"]["layers"].insert(1, {"id": "probe", **layer})

    def show(win):
        if win.inspector.index != 1:
            click(qtbot, win.stack.cards[1])
        return {k: e for k, e in win.inspector.editors.items() if k != "function"}

    def read(win):
        return win.inspector._full_config(1)
    editors = _round_trip(qtbot, make_window, tmp_path, design, show, read)
    expected = set(LAYERS[layer["type"]].config_keys) - set(LAYER_KEYS_ELSEWHERE) - {"function"}
    if layer["type"] == "activation":  # each function's own parameters; all of them together
        expected &= {"leaky_relu": {"alpha"}, "prelu": {"alpha", "trainable"},
                     "rrelu": {"lower", "upper"}}[layer["function"]]
    assert set(editors) == expected


def test_activation_function_round_trips(qtbot, make_window, tmp_path):
    win = make_window(MAIN_DESIGN, factory=_fake)
    click(qtbot, win.stack.cards[2])
    pick(qtbot, win.inspector.editors["function"], "tanh")
    assert win.doc.layers[2]["function"] == "tanh"
    path = tmp_path / "tanh.json"
    assert win.files.save_to(str(path))
    other = make_window(None, factory=_fake)
    assert open_design(qtbot, other, path)
    assert other.doc.layers[2]["function"] == "tanh"
