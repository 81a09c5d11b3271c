"""Every key of the design in the window (issue 14, item 1): the keys are enumerated from the
engine (the format's sections, the data config, the registries), each has a control, and each
edited through the window as a person would (click, type digit by digit, pick from a list)
round-trips through the app's save and a File → Open in a fresh window."""
import csv
import json

import pytest
from PySide6.QtWidgets import QWidget

from engine.data.config import FILE_KEYS, INLINE_KEYS, DataConfig
from engine.design import sections as sec
from engine.design.format import TOP_KEYS
from engine.layers import LAYERS
from engine.losses import LOSSES
from engine.optimizers import OPTIMIZERS
from engine.schedules import SCHEDULES
from playground import catalog
from tests.helpers.app import MAIN_DESIGN, open_design
from tests.helpers.fakes import FakeSession
from tests.helpers.window_input import click, pick, type_text

SECTIONS = ("data", "model", "loss", "optimizer", "schedule", "training")
#: keys no person edits, each with the reason
NOT_EDITED = {"format": "a constant of the file format",
              "version": "the format's version, written on save",
              "model.input_dim": "follows the data (the data panel sets it)",
              **{f"data.dataset.{k}": "inline arrays, for tiny hand-written examples"
                 for k in INLINE_KEYS}}


def _fake(d, b, dev):
    return FakeSession(d, b, dev)


def design_keys() -> set[str]:
    """Every key a design file can hold, from the engine's own tables (layer, optimiser and
    schedule keys per type as ``optimizer.adam.beta_1``)."""
    keys = {k for k in TOP_KEYS if k not in SECTIONS}
    keys |= {f"data.{k}" for k in DataConfig.config_keys}
    keys |= {f"data.dataset.{k}" for k in FILE_KEYS + INLINE_KEYS}
    keys |= {f"model.{k}" for k in sec.MODEL_KEYS if k != "layers"}
    keys |= {"loss.type"} | {f"loss.{k}" for cls in LOSSES.values() for k in cls.config_keys}
    keys |= {f"training.{k}" for k in sec.TRAINING_DEFAULTS}
    keys |= {f"training.early_stopping.{k}" for k in sec.EARLY_STOPPING_DEFAULTS}
    keys |= {"optimizer.type"} | {f"optimizer.{t}.{k}" for t, cls in OPTIMIZERS.items()
                                  for k in cls.config_keys}
    keys |= {"schedule.type"} | {f"schedule.{t}.{k}" for t, cls in SCHEDULES.items()
                                 for k in cls.config_keys}
    keys |= {f"model.layers.{t}.{k}" for t, cls in LAYERS.items() for k in cls.config_keys}
    return keys


def _panel_control(win, key: str) -> QWidget | None:
    """The control of a key of the loss, training, early-stopping or data forms."""
    forms = (win.settings_panel.loss, win.settings_panel.training,
             win.settings_panel.early_stopping, win.data_panel.extras)
    for form in forms:
        if key in form.editors:
            return form.editors[key]
    data_panel = {"data.dataset": win.data_panel.dataset, "data.noise": win.data_panel.noise,
                  "data.samples": win.data_panel.samples,
                  "data.features": win.data_panel.features.get("x1^2"),
                  "data.dataset.path": win.data_panel.load_button}
    return data_panel.get(key)


def _layer_with(kind: str, key: str) -> dict:
    """A config of layer type ``kind`` that has option ``key`` (an activation's parameters
    belong to some functions only)."""
    base = {"id": "probe", "type": kind, **({"units": 4} if kind == "dense" else {})}
    if kind == "activation":
        for function in catalog.ACTIVATION_INFO:
            cfg = {**base, "function": function}
            if key in catalog.normalize_layer(dict(cfg)):
                return cfg
    return base


def _registry_control(win, key: str) -> QWidget | None:
    """The generated editor of an optimiser, schedule or layer key (the type chosen first)."""
    parts = key.split(".")
    if key == "optimizer.type":
        return win.bar.optimizer
    if key == "schedule.type":
        return win.bar.schedule
    if parts[0] in ("optimizer", "schedule"):
        form = getattr(win.settings_panel, parts[0])
        win.doc.set_section(parts[0], {"type": parts[1]})
        form.refresh()
        return form.editors.get(parts[2])
    if parts[:2] == ["model", "layers"]:
        if parts[3] in ("id", "type"):
            return win.stack.cards[0]  # a card: its id, and its type from the palette
        win.doc.set_layer_config(0, _layer_with(parts[2], parts[3]))
        win.inspector.show_layer(0, force=True)
        return win.inspector.editors.get(parts[3])
    return None


def test_every_design_key_has_a_window_control(make_window):
    win = make_window(MAIN_DESIGN, factory=_fake)
    keys = design_keys()
    assert {"training.epochs", "loss.class_weight", "data.label_flip",
            "training.early_stopping.min_delta", "optimizer.adam.beta_1"} <= keys
    missing = []
    for key in sorted(keys - set(NOT_EDITED)):
        control = _panel_control(win, key) or _registry_control(win, key)
        if control is None or not control.toolTip() and not key.startswith("model.layers"):
            missing.append(key)
    assert not missing, f"design keys without a window control (or its tooltip): {missing}"


# ----------------------------------------------------------------------------- round trips
def _forms(win):
    sp, ex = win.settings_panel, win.data_panel.extras
    return sp.loss, sp.training, sp.early_stopping, ex


def _edit_name(qtbot, win):
    type_text(qtbot, win.settings_panel.training.name, "Moons 2")
    return "name", "Moons 2"


def _edit_seed(qtbot, win):
    type_text(qtbot, win.settings_panel.training.seed, "4711")
    return "seed", 4711


def _edit_epochs(qtbot, win):
    type_text(qtbot, win.settings_panel.training.epochs, "37")
    return "training.epochs", 37


def _edit_unlimited(qtbot, win):
    click(qtbot, win.settings_panel.training.unlimited)
    return "training.epochs", 1_000_000


def _edit_batch(qtbot, win):
    type_text(qtbot, win.settings_panel.training.batch, "17")
    return "training.batch_size", 17


def _edit_full_batch(qtbot, win):
    click(qtbot, win.settings_panel.training.full)
    return "training.batch_size", "full"


def _edit_shuffle(qtbot, win):
    click(qtbot, win.settings_panel.training.shuffle)
    return "training.shuffle", False


def _edit_split(qtbot, win):
    type_text(qtbot, win.settings_panel.training.split, "0.3")
    return "data.train_fraction", 0.7


def _edit_early_stopping(qtbot, win):
    es = win.settings_panel.early_stopping
    click(qtbot, es.on)
    pick(qtbot, es.monitor, "val_accuracy")
    type_text(qtbot, es.patience, "7")
    type_text(qtbot, es.min_delta, "0.005")
    click(qtbot, es.restore)
    return "training.early_stopping", {"monitor": "val_accuracy", "patience": 7,
                                       "restore_best": False, "min_delta": 0.005}


def _edit_loss_type(qtbot, win):
    pick(qtbot, win.settings_panel.loss.type, "mse")
    return "loss.type", "mse"


def _edit_balanced(qtbot, win):
    pick(qtbot, win.settings_panel.loss.mode, "balanced")
    return "loss.class_weight", "balanced"


def _edit_custom_weights(qtbot, win):
    loss = win.settings_panel.loss
    pick(qtbot, loss.mode, "custom")
    type_text(qtbot, loss.custom, "0: 1, 1: 3")
    return "loss.class_weight", {"0": 1.0, "1": 3.0}


def _edit_standardize(qtbot, win):
    click(qtbot, win.data_panel.extras.standardize)
    return "data.standardize", False


def _edit_fractions(qtbot, win):
    type_text(qtbot, win.data_panel.extras.fractions, "1: 0.5")
    return "data.class_fractions", {"1": 0.5}


def _edit_flip(qtbot, win):
    type_text(qtbot, win.data_panel.extras.flip, "0.15")
    return "data.label_flip", 0.15


def _edit_dataset(qtbot, win):
    pick(qtbot, win.data_panel.dataset, "moons")
    return "data.dataset", "moons"


def _edit_noise(qtbot, win):
    type_text(qtbot, win.data_panel.noise, "0.25")
    return "data.noise", 0.25


def _edit_samples(qtbot, win):
    type_text(qtbot, win.data_panel.samples, "300")
    return "data.samples", 300


def _edit_fraction(qtbot, win):
    type_text(qtbot, win.data_panel.fraction, "0.6")
    return "data.train_fraction", 0.6


def _edit_features(qtbot, win):
    click(qtbot, win.data_panel.features["x1^2"])
    return "data.features", ["x1", "x2", "x1^2"]


EDITS = {"name": [_edit_name], "seed": [_edit_seed],
         "training.epochs": [_edit_epochs, _edit_unlimited],
         "training.batch_size": [_edit_batch, _edit_full_batch],
         "training.shuffle": [_edit_shuffle],
         "training.early_stopping": [_edit_early_stopping],
         "loss.type": [_edit_loss_type],
         "loss.class_weight": [_edit_balanced, _edit_custom_weights],
         "data.standardize": [_edit_standardize], "data.class_fractions": [_edit_fractions],
         "data.label_flip": [_edit_flip], "data.dataset": [_edit_dataset],
         "data.noise": [_edit_noise], "data.samples": [_edit_samples],
         "data.train_fraction": [_edit_fraction, _edit_split],
         "data.features": [_edit_features]}
#: keys whose round trip is another test's (the CSV's label column and path below; the
#: optimiser, schedule and layer forms are generated from their registries)
ELSEWHERE = ("data.dataset.", "optimizer.", "schedule.", "model.layers.")


def test_every_key_outside_the_registries_has_a_round_trip():
    # one edit sets all four early-stopping keys (monitor, patience, min_delta, restore_best)
    keys = {"training.early_stopping" if k.startswith("training.early_stopping.") else k
            for k in design_keys() - set(NOT_EDITED) if not k.startswith(ELSEWHERE)}
    assert keys - set(EDITS) == set(), "keys never edited through the window in these tests"


def _value(design: dict, key: str):
    value = design
    for part in key.split("."):
        value = value[part]
    return value


def _round_trip(qtbot, make_window, tmp_path, edit, design=MAIN_DESIGN):
    win = make_window(design, factory=_fake)
    win.resize(1280, 720)
    qtbot.waitUntil(lambda: win.width() == 1280)
    key, expected = edit(qtbot, win)
    assert _value(win.doc.design, key) == expected, (key, _value(win.doc.design, key))
    path = tmp_path / "edited.json"
    assert win.files.save_to(str(path))
    saved = json.loads(path.read_text())
    assert _value(saved, key) == expected
    other = make_window(None, factory=_fake)
    assert open_design(qtbot, other, path)
    assert _value(other.doc.design, key) == expected
    return win, other


@pytest.mark.parametrize("edit", [e for edits in EDITS.values() for e in edits],
                         ids=lambda e: e.__name__[len("_edit_"):])
def test_a_key_edited_in_the_window_round_trips(qtbot, make_window, tmp_path, edit):
    win, other = _round_trip(qtbot, make_window, tmp_path, edit)
    for form in _forms(other):  # the fresh window's controls show what was opened
        for path, control in form.editors.items():
            assert control.property("invalid") in (None, False), path
    note = [f.note.text() for f in _forms(win) if f.note.text()]
    assert note and ("live" in note[0] or "Rebuilt" in note[0] or "not changed" in note[0])


def test_new_seed_button_draws_another_seed_and_it_is_saved(qtbot, make_window, tmp_path):
    def new_seed(qtbot, win):
        before = win.doc.design["seed"]
        click(qtbot, win.settings_panel.training.new_seed)
        assert win.doc.design["seed"] != before
        assert win.settings_panel.training.seed.text() == str(win.doc.design["seed"])
        assert "new initial weights" in win.settings_panel.training.note.text()
        return "seed", win.doc.design["seed"]
    _round_trip(qtbot, make_window, tmp_path, new_seed)


def test_balanced_weights_are_shown_as_numbers(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=_fake)
    loss = win.settings_panel.loss
    assert "weighs 1" in loss.shown.text()
    type_text(qtbot, win.data_panel.extras.fractions, "1: 0.25")
    pick(qtbot, loss.mode, "balanced")
    text = loss.shown.text()
    numbers = [float(part.split(":")[1]) for part in text.split("used: ")[1].split(",")]
    assert len(numbers) == 2 and numbers[1] > 2 * numbers[0]  # class 1 is rarer: weighs more


@pytest.mark.parametrize("control, text, words", [
    (lambda w: w.settings_panel.training.epochs, "0", "training.epochs"),
    (lambda w: w.data_panel.extras.flip, "1.5", "label_flip"),
    (lambda w: w.settings_panel.early_stopping.patience, "-3", "patience"),
    (lambda w: w.settings_panel.training.seed, "12a", "seed"),
    (lambda w: w.data_panel.extras.fractions, "half", "class_fractions"),
])
def test_invalid_values_get_a_sentence_and_change_nothing(qtbot, make_window, control, text,
                                                          words):
    win = make_window(MAIN_DESIGN, factory=_fake)
    if "patience" in words:
        click(qtbot, win.settings_panel.early_stopping.on)
    before = json.dumps(win.doc.design, sort_keys=True)
    box = control(win)
    type_text(qtbot, box, text)
    form = next(f for f in _forms(win) if box in f.editors.values())
    assert form.error.isVisible() and words in form.error.text(), form.error.text()
    assert box.property("invalid") is True
    assert json.dumps(win.doc.design, sort_keys=True) == before


def test_the_loss_card_opens_the_loss_settings(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=_fake)
    win.resize(1280, 720)
    win.docks["Data"].raise_()  # another tab in front
    click(qtbot, win.stack.loss_card)
    loss = win.settings_panel.loss
    qtbot.waitUntil(lambda: not loss.type.visibleRegion().isEmpty())
    assert loss.type.hasFocus()


def _csv_design(tmp_path):
    with open(tmp_path / "points.csv", "w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["a", "b", "label", "c"])
        for i in range(40):
            out.writerow([i * 0.1, (i % 7) * 0.5, i % 2, (i % 3) - 1])
    design = json.loads(json.dumps(MAIN_DESIGN))
    design["data"] = {"dataset": {"path": "points.csv", "label_column": None},
                      "train_fraction": 0.8}
    design["model"]["input_dim"] = 3
    path = tmp_path / "csv_design.json"
    path.write_text(json.dumps(design))
    return path


def test_label_column_picked_under_a_preview_round_trips(qtbot, make_window, tmp_path):
    path = _csv_design(tmp_path)
    win = make_window(None, factory=_fake)
    assert open_design(qtbot, win, path)
    extras = win.data_panel.extras
    assert extras.preview.columnCount() == 4 and extras.preview.rowCount() == 5
    assert extras.preview.horizontalHeaderItem(2).text() == "label"
    assert extras.preview.item(1, 0).text() == "0.1"
    pick(qtbot, extras.column, "label")
    assert win.doc.design["data"]["dataset"] == {"path": "points.csv", "label_column": "label"}
    assert win.files.save_to(str(path))
    other = make_window(None, factory=_fake)
    assert open_design(qtbot, other, path)
    assert other.doc.design["data"]["dataset"]["label_column"] == "label"
    assert other.data_panel.extras.column.currentText() == "label"


def test_early_stopping_and_batch_changes_apply_live(qtbot, make_window):
    win = make_window(MAIN_DESIGN, factory=_fake)
    session = win.worker.session
    qtbot.waitUntil(lambda: win.worker.session is not None)
    session = win.worker.session
    click(qtbot, win.settings_panel.early_stopping.on)
    assert "live" in win.settings_panel.early_stopping.note.text()
    type_text(qtbot, win.settings_panel.training.batch, "8")
    qtbot.waitUntil(lambda: ("batch_size", 8) in session.calls)
    assert win.worker.session is session  # not rebuilt
    click(qtbot, win.settings_panel.training.shuffle)
    assert "Rebuilt" in win.settings_panel.training.note.text()
    qtbot.waitUntil(lambda: win.worker.session is not session)
    qtbot.waitUntil(lambda: ("keep_weights", ["d1"]) in win.worker.session.calls)
