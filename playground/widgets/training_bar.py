"""The training bar: play/pause, step, epoch, reset, speed, optimiser, rate, schedule, batch, device.

Two toolbars: the run controls and the run's settings. They share one row where the window is
wide enough for both and the settings take a second row where it is not (1280×720, German), so
no control ever hides behind a toolbar's » extension button."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QMainWindow,
                               QPushButton, QSpinBox, QStyle, QToolBar, QWidget)

from playground import catalog
from playground.widgets.numbers import NumberBox, commit_on_finish
from playground.widgets.speed import SPEEDS, SpeedBox  # noqa: F401 - re-exported

__all__ = ["SPEEDS", "SpeedBox", "TrainingBar", "cuda_status"]

LR_RANGE = (1e-8, 1e6)  # as the optimiser form: any finite rate > 0 the engine accepts

def cuda_status() -> tuple[bool, str]:
    """(usable, reason) for numba.cuda on this machine."""
    try:
        from numba import cuda
        if cuda.is_available():
            return True, "numba.cuda found a usable GPU"
        return False, "numba.cuda is not available: no CUDA GPU or driver found"
    except Exception as err:  # noqa: BLE001 - any import problem means no CUDA
        return False, f"numba.cuda is not available: {err}"


class TrainingBar(QToolBar):
    """Buttons for the run, as a toolbar, with its settings on a second toolbar
    (``settings_bar``; :meth:`attach` puts both on a window). Emits intents; the main window
    applies them."""

    play_toggled = Signal(bool)
    step_clicked = Signal()
    epoch_clicked = Signal()
    reset_clicked = Signal()
    speed_changed = Signal(int)
    optimizer_changed = Signal(str)
    lr_changed = Signal(float)
    schedule_changed = Signal(str)
    batch_changed = Signal(int)
    device_changed = Signal(str)
    early_stopping_changed = Signal(bool)

    # Controls hidden in compact mode (the projector layout); the schedule and the batch size
    # stay editable in the Optimizer tab.
    SECONDARY = ("schedule", "batch", "device", "early stop")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(self.tr("Training"), parent)
        self.setObjectName("trainingBar")
        self._ready = True
        self._runnable: tuple[bool, str] = (True, "")
        self.setMovable(False)
        self.settings_bar = QToolBar(self.tr("Training settings"))
        self.settings_bar.setObjectName("trainingSettingsBar")
        self.settings_bar.setMovable(False)
        self._make_buttons()
        self._make_settings()
        self.counter = QLabel(self.tr("epoch 0 · step 0"))
        self.counter.setObjectName("counter")
        self.rate = QLabel(self.tr("0 steps/s"))
        self.rate.setObjectName("rate")
        self._steady_counter()
        self.groups: dict[str, QAction] = {}
        self._bar_of: dict[str, QToolBar] = {}
        self._add(self, "run", self.play, self.step, self.epoch, self.reset)
        self._add(self, "counter", self.counter, self.rate)
        self._add(self, "speed", QLabel(self.tr("speed")), self.speed)
        bar = self.settings_bar
        self._add(bar, "opt", QLabel(self.tr("opt")), self.optimizer)
        self._add(bar, "lr", QLabel(self.tr("lr")), self.lr)
        self._add(bar, "schedule", QLabel(self.tr("schedule")), self.schedule)
        self._add(bar, "batch", QLabel(self.tr("batch")), self.batch)
        self._add(bar, "device", QLabel(self.tr("device")), self.device)
        self._add(bar, "early stop", self.early_stopping)

    def _add(self, bar: QToolBar, name: str, *widgets: QWidget) -> None:
        group = QWidget()
        group.setObjectName(f"barGroup_{name.replace(' ', '_')}")
        lay = QHBoxLayout(group)
        lay.setContentsMargins(4, 1, 8, 1)
        lay.setSpacing(4)
        for w in widgets:
            lay.addWidget(w)
        self.groups[name] = bar.addWidget(group)
        self._bar_of[name] = bar

    def _steady_counter(self) -> None:
        """The counter and the rate as wide as a long run's figures need: the bar does not
        change its width (nor its row) at every step."""
        long = self.tr("epoch {0} · step {1} · loss {2}").format(8888, 888888, "0.8888")
        self.counter.setMinimumWidth(self.counter.fontMetrics().horizontalAdvance(long) + 12)
        rate = self.tr("{0:,.0f} steps/s").format(88888)
        self.rate.setMinimumWidth(self.rate.fontMetrics().horizontalAdvance(rate) + 4)

    def attach(self, window: QMainWindow) -> None:
        """Put the bar and its settings bar at the top of ``window``: one row where both fit,
        else two (re-decided when the window or a bar changes size)."""
        window.addToolBar(Qt.TopToolBarArea, self)
        window.addToolBar(Qt.TopToolBarArea, self.settings_bar)
        self._wrap = RowWrap(window, self, self.settings_bar)

    def controls(self) -> list[QWidget]:
        """Every control of both bars (buttons, boxes, the counter), in bar order."""
        return [self.play, self.step, self.epoch, self.reset, self.counter, self.rate,
                self.speed, self.optimizer, self.lr, self.schedule, self.batch, self.device,
                self.early_stopping]

    def _make_buttons(self) -> None:
        self.play = QPushButton(self.tr("Play"))
        self._icons = {on: self.style().standardIcon(QStyle.SP_MediaPause if on
                                                     else QStyle.SP_MediaPlay)
                       for on in (False, True)}
        self.play.setIcon(self._icons[False])
        self.play.setCheckable(True)
        self.play.setToolTip(self.tr("Start or pause training (Space)."))
        self.play.setShortcut(Qt.Key_Space)
        self.play.toggled.connect(self._play)
        self.step = QPushButton(self.tr("Step"))
        self.step.setToolTip(self.tr("One optimiser step (→)."))
        self.step.clicked.connect(self.step_clicked)
        self.epoch = QPushButton(self.tr("Epoch"))
        self.epoch.setToolTip(self.tr("Train to the end of the current epoch."))
        self.epoch.clicked.connect(self.epoch_clicked)
        self.reset = QPushButton(self.tr("Reset"))
        self.reset.setIcon(self.style().standardIcon(QStyle.SP_BrowserReload))
        self.reset.setToolTip(self.tr("Re-initialise the weights from the seed (R)."))
        self.reset.clicked.connect(self.reset_clicked)

    def _make_settings(self) -> None:
        self.speed = SpeedBox()
        self.speed.setObjectName("speed")
        self.speed.valueChanged.connect(self.speed_changed)
        self.optimizer = self._combo(catalog.OPTIMIZERS, "optimizer", self.tr("The optimisation rule."))
        self.optimizer.currentTextChanged.connect(self.optimizer_changed)
        self.lr = NumberBox(LR_RANGE[0], LR_RANGE[1], log_steps=True)
        self.lr.setObjectName("lr")
        self.lr.setToolTip(self.tr("Learning rate (applied at the next step; type it, then Enter)."))
        self.lr.valueChanged.connect(self.lr_changed)
        self.schedule = self._combo(catalog.SCHEDULES, "schedule", self.tr("Learning-rate schedule."))
        self.schedule.currentTextChanged.connect(self.schedule_changed)
        self.batch = self._spin(1, 100_000, 32, "batch", self.tr("Mini-batch size (type it, then Enter)."))
        self.batch.valueChanged.connect(self.batch_changed)
        self.device = QComboBox()
        self.device.addItems(["cpu", "cuda"])
        ok, reason = cuda_status()
        item = self.device.model().item(1)
        item.setEnabled(ok)
        item.setToolTip(reason)
        self.device.setToolTip(self.tr("Where training runs.") + ("" if ok else f" cuda: {reason}"))
        self.device.currentTextChanged.connect(self.device_changed)
        self.early_stopping = QCheckBox(self.tr("early stop"))
        self.early_stopping.setObjectName("earlyStopping")
        self.early_stopping.setToolTip(
            self.tr("Stop when the monitored loss has not improved for 'patience' epochs "
                    "(training.early_stopping). Off: the run goes on to its epoch limit."))
        self.early_stopping.toggled.connect(self.early_stopping_changed)

    def set_compact(self, on: bool) -> None:
        """Hide (or show again) the secondary controls (the projector layout)."""
        for name in self.SECONDARY:
            self.groups[name].setVisible(not on)

    @property
    def compact(self) -> bool:
        return not self.groups[self.SECONDARY[0]].isVisible()

    def shown_groups(self) -> list[str]:
        """Names of the groups on the bars themselves (not behind a » button, not hidden)."""
        out = []
        for name, act in self.groups.items():
            w = self._bar_of[name].widgetForAction(act)
            if act.isVisible() and w is not None and w.isVisible():
                out.append(name)
        return out

    @staticmethod
    def _spin(lo: int, hi: int, value: int, name: str, tip: str) -> QSpinBox:
        w = commit_on_finish(QSpinBox())
        w.setRange(lo, hi)
        w.setValue(value)
        w.setToolTip(tip)
        w.setObjectName(name)
        return w

    @staticmethod
    def _combo(items: list[str], name: str, tip: str) -> QComboBox:
        w = QComboBox()
        w.addItems(items)
        w.setToolTip(tip)
        w.setObjectName(name)
        return w

    @property
    def ready(self) -> bool:
        """Whether the engine is compiled."""
        return self._ready

    def set_ready(self, on: bool) -> None:
        """Enable Play/Step/Epoch once the engine is compiled (disabled while it compiles)."""
        self._ready = bool(on)
        self._enable()

    def set_runnable(self, on: bool, why: str = "") -> None:
        """Enable Play/Step/Epoch only while there is a model to train (a design that could not
        be built has none: the buttons say why)."""
        self._runnable = (bool(on), why)
        self._enable()

    def _enable(self) -> None:
        ok = self._ready and self._runnable[0]
        for b in (self.play, self.step, self.epoch):
            b.setEnabled(ok)
        if not self._ready:
            tip = self.tr(" (waiting: compiling the engine…)")
        elif not self._runnable[0]:
            tip = " ({})".format(self._runnable[1] or self.tr("nothing to train"))
        else:
            tip = ""
        self.play.setToolTip(self.tr("Start or pause training (Space).") + tip)

    def _show_play_state(self, on: bool) -> None:
        self.play.setText(self.tr("Pause") if on else self.tr("Play"))
        self.play.setIcon(self._icons[on])

    def _play(self, on: bool) -> None:
        self._show_play_state(on)
        self.play_toggled.emit(on)

    def set_playing(self, on: bool) -> None:
        """Reflect the worker's state without emitting."""
        if self.play.isChecked() != on:
            self.play.blockSignals(True)
            self.play.setChecked(on)
            self._show_play_state(on)
            self.play.blockSignals(False)

    def show_design(self, design: dict) -> None:
        """Show the design's optimiser, rate, schedule and batch size (no signals)."""
        opt = design.get("optimizer", {})
        widgets = (self.optimizer, self.lr, self.schedule, self.batch, self.early_stopping)
        for w in widgets:
            w.blockSignals(True)
        try:
            self.optimizer.setCurrentText(str(opt.get("type", "adam")))
            self.lr.setValue(float(opt.get("learning_rate", 0.01)))
            self.schedule.setCurrentText(str(design.get("schedule", {}).get("type", "constant")))
            bs = design.get("training", {}).get("batch_size", 32)
            self.batch.setValue(int(bs) if isinstance(bs, int) else self.batch.maximum())
            es = design.get("training", {}).get("early_stopping")
            self.early_stopping.setChecked(bool(es))
            if es:
                self.early_stopping.setToolTip(
                    self.tr("Early stopping on {0}, patience {1} epochs. Off: the run goes on to "
                            "its epoch limit.").format(es.get('monitor', 'val_loss'),
                                                       es.get('patience')))
        finally:
            for w in widgets:
                w.blockSignals(False)

    def show_progress(self, snap, steps_per_s: float) -> None:
        if snap is None:
            self.counter.setText(self.tr("epoch 0 · step 0"))
        else:
            loss = "—" if snap.loss is None else f"{snap.loss:.4g}"
            self.counter.setText(self.tr("epoch {0} · step {1} · loss {2}").format(snap.epoch, snap.step, loss))
        self.rate.setText(self.tr("{0:,.0f} steps/s").format(steps_per_s))


class RowWrap(QObject):
    """Keeps ``second`` on the row of ``first`` while the window is wide enough for both,
    else on a row of its own (a toolbar break): neither toolbar ever needs its » button."""

    def __init__(self, window: QMainWindow, first: QToolBar, second: QToolBar):
        super().__init__(window)
        self.window, self.first, self.second = window, first, second
        self._pending = False
        for watched in (window, first, second):
            watched.installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in (QEvent.Resize, QEvent.LayoutRequest, QEvent.Show) \
                and not self._pending:
            self._pending = True
            QTimer.singleShot(0, self, self.fit)
        return False

    def needs_two_rows(self) -> bool:
        """Whether the two bars' widths together exceed the window's."""
        lay = self.window.layout()
        room = self.window.width() - (lay.contentsMargins().left() + lay.contentsMargins().right()
                                      if lay is not None else 0)
        return self.first.sizeHint().width() + self.second.sizeHint().width() > room

    def fit(self) -> None:
        """Add or remove the break before the second bar."""
        self._pending = False
        two = self.needs_two_rows()
        if two != self.window.toolBarBreak(self.second):
            if two:
                self.window.insertToolBarBreak(self.second)
            else:
                self.window.removeToolBarBreak(self.second)
