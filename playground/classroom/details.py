"""Inside the runs: the main window's per-layer dashboards (activations, dead units, batch norm,
weights, confusion matrix) once per run, side by side, in tabs — fed with each run's frame."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QTabWidget, QVBoxLayout, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.i18n import translate
from playground.classroom.compare_worker import CompareFrame
from playground.classroom.palette import run_color
from playground.dashboards.activations import (ActivationDashboard, DeadUnitsDashboard,
                                               WeightDashboard)
from playground.dashboards.base import Dashboard
from playground.dashboards.inspect_plots import BatchNormDashboard, ConfusionDashboard
from playground.dashboards.uncertainty import UncertaintyDashboard

#: lesson dashboard name -> (tab title, dashboard class)
DETAILS: dict[str, tuple[str, type[Dashboard]]] = {
    "activations": (QT_TRANSLATE_NOOP("Docks", "Activations"), ActivationDashboard),
    "dead": (QT_TRANSLATE_NOOP("Docks", "Dead units"), DeadUnitsDashboard),
    "bn": (QT_TRANSLATE_NOOP("Docks", "Batch norm"), BatchNormDashboard),
    "weights": (QT_TRANSLATE_NOOP("Docks", "Weights"), WeightDashboard),
    "confusion": (QT_TRANSLATE_NOOP("Docks", "Confusion"), ConfusionDashboard),
    "uncertainty": (QT_TRANSLATE_NOOP("Docks", "Uncertainty"), UncertaintyDashboard),
}


def detail_names(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The names among ``names`` that have a per-run dashboard, in order."""
    return tuple(n for n in names if n in DETAILS)


class RunDetails(QTabWidget):
    """One tab per dashboard name; in each, that dashboard once per run (a near-square grid).
    The comparison window puts its curves in front as the first tab.

    Only the visible tab is drawn (``draw_all`` draws every tab: tests, screenshots).
    """

    def __init__(self, names: tuple[str, ...], parent: QWidget | None = None):
        super().__init__(parent)
        self.names = detail_names(names)
        self.dashboards: dict[str, list[Dashboard]] = {n: [] for n in self.names}
        self._pages: dict[str, QWidget] = {}
        self._labels: tuple[str, ...] = ()
        self._last: CompareFrame | None = None
        self.draw_all = False
        for name in self.names:
            page = QWidget()
            QGridLayout(page).setContentsMargins(0, 0, 0, 0)
            self._pages[name] = page
            self.addTab(page, translate("Docks", DETAILS[name][0]))
        self.currentChanged.connect(self._tab_changed)

    def __repr__(self) -> str:
        return f"RunDetails(names={self.names}, runs={len(self._labels)})"

    def _ensure(self, labels: tuple[str, ...]) -> None:
        if labels == self._labels:
            return
        self._labels = labels
        cols = 1 if len(labels) <= 1 else (2 if len(labels) <= 4 else 4)
        for name, page in self._pages.items():
            grid: QGridLayout = page.layout()
            while grid.count():
                item = grid.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            self.dashboards[name] = []
            for r, label in enumerate(labels):
                box = QWidget()
                col = QVBoxLayout(box)
                col.setContentsMargins(0, 0, 0, 0)
                col.setSpacing(0)
                title = QLabel(label)
                title.setAlignment(Qt.AlignCenter)
                title.setStyleSheet(f"color: {run_color(r)}; font-weight: bold;")
                dash = DETAILS[name][1]()
                col.addWidget(title)
                col.addWidget(dash, 1)
                grid.addWidget(box, r // cols, r % cols)
                self.dashboards[name].append(dash)

    def _tab_changed(self, _index: int) -> None:
        """A tab brought forward draws the newest frame at once (its history holds the whole
        run), even when the runs have stopped and no new frame will come."""
        if self._last is not None:
            self.draw(self._last)

    def page(self, name: str) -> QWidget:
        """The tab page of dashboard ``name``."""
        return self._pages[name]

    def draw(self, frame: CompareFrame) -> None:
        """Feed each run's frame to its dashboards (the visible tab, or all with draw_all)."""
        self._last = frame
        self._ensure(frame.labels)
        current = self.currentWidget()
        for name, dashes in self.dashboards.items():
            if not (self.draw_all or (self.isVisible() and self._pages[name] is current)):
                continue
            for dash, run in zip(dashes, frame.runs):
                dash.update_frame(run)
