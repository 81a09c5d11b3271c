"""The main window: palette, layer stack, inspector, data panel, training bar, dashboards, menus."""
from __future__ import annotations

import copy
import os
import time
from typing import Callable

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import (QApplication, QDockWidget, QLabel, QMainWindow, QScrollArea,
                               QSplitter, QVBoxLayout, QWidget)
from PySide6.QtCore import QT_TRANSLATE_NOOP


from playground.i18n import translate
from playground import engine_bridge, paths, projector_layout, sync, window_layout
from playground.dashboards.activations import (ActivationDashboard, DeadUnitsDashboard,
                                               WeightDashboard)
from playground.dashboards.base import Dashboard
from playground.dashboards.inspect_plots import (BatchNormDashboard, BoundaryDashboard,
                                                 ConfusionDashboard)
from playground.dashboards.training import GradientDashboard, LossDashboard
from playground.dashboards.network_graph import NetworkGraphDashboard
from playground.dashboards.uncertainty import UncertaintyDashboard
from playground.document import DesignDocument, DocEvent
from playground.autosave import Autosave
from playground.data_files import DataFiles, is_data_file
from playground.file_actions import FileActions
from playground.graph_wiring import connect_graph
from playground.rewind_wiring import RewindLink
from playground.run_control import RunControl
from playground.sync_tracker import SyncTracker
from playground.widgets.compile_progress import CompileProgress, WarmUpCount
from playground.widgets.data_panel import DataPanel
from playground.widgets.inspector import Inspector
from playground.widgets.messages import MessageWindow, RefusalBar
from playground.widgets.network_strip import NetworkStrip
from playground.widgets.palette import LayerPalette
from playground.widgets.run_banner import RunBanner
from playground.widgets.stack import LayerStack
from playground.widgets.settings_panel import SettingsPanel
from playground.widgets.summary import ModelSummary
from playground.widgets.training_bar import TrainingBar
from playground.window_menus import build_menus
from playground.window_tips import ChromeTips
from playground.window_frames import FrameDrawing
from playground.window_messages import WindowMessages
from playground.worker import SessionFactory, TrainingController, WarmUp

FRAME_MS = 30  # a little faster than 30 Hz: coarse timers run late
CENTRAL_MIN_WIDTH = 240  # the layer stack and the inspector


class MainWindow(WindowMessages, FrameDrawing, QMainWindow):
    """The app window. ``factory`` builds sessions (the engine's by default; tests may inject one);
    ``settings`` holds geometry, dock state and recent files; ``warm_up`` compiles the engine in
    the worker thread before Play is enabled (the engine's own when ``factory`` is None);
    ``autosave`` writes the design and the run for crash recovery (playground/autosave.py)."""

    closed = Signal()  # the window was closed for good (the app quits)

    def __init__(self, design: dict | None = None, path: str | None = None,
                 factory: SessionFactory | None = None, settings: QSettings | None = None,
                 warm_up: WarmUp | None = None, autosave: bool = True):
        super().__init__()
        self.setWindowTitle("Network Playground")
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.AllowNestedDocks | QMainWindow.AllowTabbedDocks)
        self.settings = settings or paths.qsettings()
        self.doc = DesignDocument(design if design is not None else engine_bridge.default_design(),
                                  path)
        if warm_up is None and factory is None:
            warm_up = engine_bridge.warm_up
        self.warm_up_count = WarmUpCount()  # for the compile progress in the status bar
        warm_up = self.warm_up_count.wrap(warm_up) if warm_up is not None else None
        self.controller = TrainingController(factory or engine_bridge.make_session, self,
                                             warm_up=warm_up)
        self.worker = self.controller.worker
        self.worker.ui_sync = False
        self.applied: dict | None = None
        self.presentation_zoom = 1.6
        self.device = "cpu"
        self.tracker = SyncTracker()  # which design the session runs (refusals change it)
        self.message_window = MessageWindow(self)  # the one message box: never stacked
        self.refusals = 0
        self.draw_all = False
        self.on_screen_only = True  # --measure-ui sets False: every dashboard in the dock layout
        self.notify: Callable[[str, str], None] = self._show_message
        self.resize(*window_layout.DEFAULT_SIZE)
        self.whole_tab_titles = window_layout.WholeTabTitles(self)
        self.installEventFilter(self.whole_tab_titles)
        self._build_widgets()
        self._build_docks()
        self.files = FileActions(self)
        self.data_files = DataFiles(self)
        build_menus(self)
        self.chrome_tips = ChromeTips(self)  # Qt's own dock and tab buttons get tooltips
        self._update_undo_actions()
        self._connect()
        self.frames = 0
        self._fps_t0, self._fps_n, self.fps = time.perf_counter(), 0, 0.0
        self._last_serial = -1
        self._refreshed: dict[int, int] = {}  # id(dashboard) -> serial of the frame it shows
        self._refresh_order: dict[int, int] = {}
        self._tab_checked = False
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self.on_timer)
        self.timer.start()
        self._update_title()
        self.autosave = Autosave(self) if autosave else None
        self.rebuild_session()

    # ------------------------------------------------------------------ construction
    def _build_widgets(self) -> None:
        self.palette = LayerPalette()
        self.stack = LayerStack(self.doc)
        self.inspector = Inspector(self.doc)
        self.data_panel = DataPanel(self.doc)
        self.summary = ModelSummary(self.doc)
        self.settings_panel = SettingsPanel(self.doc)
        self.bar = TrainingBar()
        self.bar.show_design(self.doc.design)
        self.bar.attach(self)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.stack)
        scroll.setObjectName("stackScroll")
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        center = QSplitter(Qt.Vertical)
        center.addWidget(scroll)
        center.addWidget(window_layout.scrolling(self.inspector))
        center.setSizes([600, 300])
        center.setMinimumWidth(CENTRAL_MIN_WIDTH)
        self.desk_view = center
        self.strip = NetworkStrip(self.doc)
        self.strip.hide()  # the projector layout shows it instead of the stack
        self.desk_saved: tuple | None = None  # the desk layout while presenting
        self.pending_state = None  # the desk's dock state, again when leaving full screen
        host = QWidget()
        box = QVBoxLayout(host)
        box.setContentsMargins(0, 0, 0, 0)
        self.refusal_bar = RefusalBar()  # a refused edit, in place above the stack
        box.addWidget(self.refusal_bar)
        box.addWidget(self.strip)
        box.addWidget(center, 1)
        self.setCentralWidget(host)
        self.fps_label = QLabel(self.tr("0 fps"))
        self.statusBar().addPermanentWidget(self.fps_label)

    def _dock(self, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(translate("Docks", window_layout.TAB_TITLES.get(title, title)), self)
        dock.setObjectName("dock_" + title.lower().replace(" ", "_"))
        dock.setProperty("plan_name", title)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetFloatable
                         | QDockWidget.DockWidgetClosable)
        self.addDockWidget(area, dock)
        dock.hide()  # shown when arranged (first show): nine stacked docks would be ~1600 px tall
        self.docks[title] = dock
        return dock

    def _build_docks(self) -> None:
        self.docks: dict[str, QDockWidget] = {}
        left, right = Qt.LeftDockWidgetArea, Qt.RightDockWidgetArea
        for title, widget in ((QT_TRANSLATE_NOOP("Docks", "Layers"), self.palette),
                              (QT_TRANSLATE_NOOP("Docks", "Data"), window_layout.scrolling(self.data_panel)),
                              (QT_TRANSLATE_NOOP("Docks", "Summary"), self.summary),
                              (QT_TRANSLATE_NOOP("Docks", "Optimizer"), window_layout.scrolling(self.settings_panel))):
            self._dock(title, widget, left)
        self.dashboards: list[Dashboard] = [
            LossDashboard(), BoundaryDashboard(), GradientDashboard(), ActivationDashboard(),
            DeadUnitsDashboard(), BatchNormDashboard(), WeightDashboard(), ConfusionDashboard(),
            NetworkGraphDashboard(), UncertaintyDashboard()]
        self.banner = RunBanner()
        self.dashboards[0].add_banner(self.banner)
        for dash in self.dashboards:
            self._dock(dash.title, dash, right)
        # the MC-dropout band costs ~30 predictions per refresh: computed only while it shows
        self.docks["Uncertainty"].visibilityChanged.connect(
            lambda shown: self.controller.post("uncertainty", on=bool(shown)))
        self._arranged = False  # the docks are arranged at the first show (see showEvent)

    def _connect(self) -> None:
        self._doc_handle = self.doc.subscribe(self._on_doc)
        self.stack.selected.connect(self.inspector.show_layer)
        self.stack.loss_clicked.connect(self.settings_panel.reveal_loss)
        self.stack.crawl_warning.connect(lambda text: self.statusBar().showMessage(text, 15000))
        self.palette.activated.connect(lambda cfg: self.doc.insert_layer(len(self.doc.layers), cfg))
        self.palette.chosen.connect(self._add_after_selection)
        b = self.bar
        self.run = RunControl(b, self.controller, self.doc, self.banner, self)
        b.speed_changed.connect(lambda _n: self.controller.post("speed", **b.speed.command()))
        b.lr_changed.connect(lambda v: self.doc.set_value("optimizer", "learning_rate", float(v)))
        b.optimizer_changed.connect(self._set_optimizer)
        b.schedule_changed.connect(lambda t: self.doc.set_section("schedule", {"type": t}))
        b.batch_changed.connect(lambda n: self.doc.set_value("training", "batch_size", int(n)))
        b.device_changed.connect(self._set_device)
        self.worker.error.connect(self._worker_error)
        self.worker.failed.connect(self._worker_failed)
        self.worker.accepted.connect(self._worker_accepted)
        self.refusal_bar.undo_clicked.connect(self._undo_refused)
        self.data_panel.load_requested.connect(self.data_files.load)
        self.worker.built.connect(self._built)
        self.worker.diverged.connect(self._diverged)
        self.worker.status.connect(self._worker_status)
        self.worker.warmed.connect(self._warmed)
        self.controller.post("speed", **b.speed.command())
        connect_graph(self)
        self.rewind_link = RewindLink(self)  # the loss timeline: rewind, A/B from a kept point
        if self.worker.ready:
            self._warmed(0.0)
        else:
            self.bar.set_ready(False)
            self.statusBar().showMessage(self.tr("compiling the engine…"))
            self.compile_progress = CompileProgress(self.warm_up_count)
            self.statusBar().addPermanentWidget(self.compile_progress)

    def _warmed(self, seconds: float) -> None:
        """The engine is compiled: enable the training buttons."""
        if getattr(self, "compile_progress", None) is not None:
            self.compile_progress.finish()
        if not self.bar.ready:
            self.bar.set_ready(True)
            self.statusBar().showMessage(self.tr("engine ready ({0:.1f} s)").format(seconds), 4000)

    # ------------------------------------------------------------------ document -> session
    def _on_doc(self, event: DocEvent) -> None:
        self._update_undo_actions()
        self._update_title()
        if event.kind == "saved":
            return
        if event.kind in ("reset", "undo", "redo", "section"):
            self.bar.show_design(self.doc.design)
        if event.kind == "reset":
            self.rebuild_session()
            return
        self.sync_session()

    def sync_session(self) -> None:
        """Send the worker what changed since the design it runs."""
        new = copy.deepcopy(self.doc.design)
        cmds = sync.commands_for(self.applied, new)
        if any(name == "build" for name, _ in cmds):
            self.rebuild_session(keep_history=self.applied is not None,
                                 label=sync.rebuild_label(self.applied, new),
                                 keep_weights=sync.keeps_weights(self.applied, new))
            return
        if not cmds:
            if self.tracker.idle and self.applied == new:
                self.clear_refusal()  # e.g. the refused edit undone: the session runs this
            return
        label = next((kw["label"] for _, kw in cmds if kw.get("label")), "")
        tag = self.tracker.start(self.applied, new, len(cmds), label)
        for name, kw in cmds:
            self.controller.post(name, tag=tag, **kw)
        self.applied = new

    def rebuild_session(self, keep_history: bool = False, label: str = "",
                        keep_weights: bool = False) -> None:
        """Build a fresh session from the document (in the worker thread); ``keep_history``:
        the time plots go on in a new segment, marked with ``label``; ``keep_weights``: layers
        whose id and shapes survive keep their trained weights."""
        self.run.pause()
        self._tab_checked = False
        before = self.applied if keep_history else None
        self.applied = copy.deepcopy(self.doc.design)
        base = os.path.dirname(self.doc.path) if self.doc.path else None
        tag = self.tracker.start(before, copy.deepcopy(self.applied), 1, label)
        self.controller.post("build", design=copy.deepcopy(self.applied), base_dir=base,
                             device=self.device, keep_history=keep_history, label=label, tag=tag,
                             keep_weights=keep_weights)

    def _add_after_selection(self, cfg: dict) -> None:
        """A palette card's Enter: the layer goes after the selected one (at the end when none
        is selected); the focus stays on the card."""
        current = self.stack.current
        index = current + 1 if 0 <= current < len(self.doc.layers) else len(self.doc.layers)
        self.doc.insert_layer(index, cfg)

    def _set_optimizer(self, name: str) -> None:
        lr = self.doc.section("optimizer").get("learning_rate", 0.01)
        self.doc.set_section("optimizer", {"type": name, "learning_rate": lr})

    def set_presentation(self, on: bool) -> None:
        """The projector layout, large text, high contrast, full screen (and back)."""
        from playground.classroom.presentation import apply_presentation
        apply_presentation(self, on, self.presentation_zoom)
        if self.presentation_action.isChecked() != on:
            self.presentation_action.blockSignals(True)
            self.presentation_action.setChecked(on)
            self.presentation_action.blockSignals(False)

    @property
    def presenting(self) -> bool:
        return self.desk_saved is not None

    def enter_projector(self) -> None:
        """Presentation mode's layout (called by playground.classroom.presentation)."""
        projector_layout.enter(self)

    def leave_projector(self) -> None:
        projector_layout.leave(self)

    def fit_projector(self) -> None:
        projector_layout.split(self)

    def _set_device(self, device: str) -> None:
        self.device = device
        self.rebuild_session(keep_history=True, label=f"device {device}")

    # ------------------------------------------------------------------ window chrome
    def _update_undo_actions(self) -> None:
        self.undo_action.setEnabled(self.doc.can_undo)
        self.undo_action.setText(f"{translate('Menus', '&Undo')} {self.doc.undo_label}".rstrip())
        self.redo_action.setEnabled(self.doc.can_redo)
        self.redo_action.setText(f"{translate('Menus', '&Redo')} {self.doc.redo_label}".rstrip())

    def _update_title(self) -> None:
        name = os.path.basename(self.doc.path) if self.doc.path else self.doc.name
        self.setWindowTitle(f"{name}{' *' if self.doc.dirty else ''} — Network Playground")

    def add_side_dock(self, dock: QDockWidget) -> None:
        """Add a dock as a tab beside the Data panel (left); arranged with the others at the
        first show."""
        self.addDockWidget(Qt.LeftDockWidgetArea, dock)
        if self._arranged:
            self.tabifyDockWidget(self.docks["Data"], dock)
            self.docks["Data"].raise_()

    def reset_layout(self) -> None:
        """View → Reset layout: every panel shown in its place, sized for this screen."""
        if self.presenting:
            self.set_presentation(False)
        window_layout.arrange(self, window_layout.plan_for(window_layout.available(self)))
        window_layout.fit_to_screen(self)

    def desk_layout(self) -> tuple:
        """(geometry, dock state) of the desk layout, saved on quit: while presenting, the
        one presentation mode left (a projector layout is never restored at the next start)."""
        if self.desk_saved is not None:
            return self.desk_saved
        return self.saveGeometry(), self.saveState(window_layout.LAYOUT_VERSION)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        projector_layout.split(self)
        projector_layout.settle(self)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if not self._arranged:
            # arranged at the first show: tabified before it, Qt leaves stale tab bars painted
            self._arranged = True
            window_layout.start(self, self.settings)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt API
        urls = event.mimeData().urls()
        name = urls[0].toLocalFile().lower() if urls else ""
        if name.endswith(".json") or is_data_file(name):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802 - Qt API
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt API
        """A design file opens (as File → Open); a CSV or NPZ becomes the data set (as Load
        CSV / NPZ…)."""
        urls = event.mimeData().urls()
        if not urls:
            return
        event.acceptProposedAction()
        path = urls[0].toLocalFile()
        if is_data_file(path):
            self.data_files.load(path)
        else:
            self.files.open_path(path)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Quit: one question about unsaved changes, then every window of this app closes,
        every worker stops and the autosave goes (a clean quit leaves nothing to recover)."""
        if not self.files.confirm_discard():
            event.ignore()
            return
        window_layout.save(self, self.settings, *self.desk_layout())
        room = getattr(self, "classroom", None)
        if room is not None:  # lesson and comparison windows go with the main window
            room.close_windows()
        if self.autosave is not None:
            self.autosave.remove()
        self.shutdown()
        for widget in QApplication.topLevelWidgets():  # dialogs and sheets of this window
            if widget is not self and widget.isVisible() and _belongs_to(widget, self):
                widget.close()
        event.accept()
        self.closed.emit()

    def shutdown(self) -> None:
        """Stop the timers, the loaders and the worker thread (idempotent)."""
        from playground.loading import wait_for_loaders
        self.timer.stop()
        if self.autosave is not None:
            self.autosave.stop()
        for loader in (self.files.loader, self.data_files.loader):
            if loader is not None:
                loader.cancel()
        self.controller.shutdown()
        self.message_window.close()
        box = getattr(self, "diverged_box", None)
        if box is not None:
            box.close()
        wait_for_loaders()


def _belongs_to(widget: QWidget, window: QWidget) -> bool:
    """True when ``window`` is among ``widget``'s parents."""
    parent = widget.parentWidget()
    while parent is not None:
        if parent is window:
            return True
        parent = parent.parentWidget()
    return False
