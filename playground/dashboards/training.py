"""Loss/accuracy curves and per-layer gradient norms and update ratios over time."""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget
from PySide6.QtCore import QT_TRANSLATE_NOOP

from playground.dashboards.base import (Dashboard, TimePlot, add_time_plot, color, layer_columns,
                                        pen)
from playground.dashboards.timeline import RewindTimeline
from playground.history import MAX_OLD_BRANCHES, Frame
from playground.theme import LINE_COLORS

TRAIN, EPOCH, VALIDATION = LINE_COLORS[0], LINE_COLORS[1], LINE_COLORS[4]
OLD_BRANCH = "#6e7681"  # curves of the branch a rewind left: grey


class LossDashboard(Dashboard):
    """Training/validation loss (optional log scale) and accuracy over steps."""

    title = QT_TRANSLATE_NOOP("Docks", "Loss and accuracy")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        bar = QHBoxLayout()
        self.log_box = QCheckBox(self.tr("log scale"))
        self.log_box.setToolTip(self.tr("Show the loss on a logarithmic axis."))
        self.log_box.toggled.connect(self._set_log)
        bar.addWidget(self.log_box)
        bar.addStretch(1)
        self._layout.addLayout(bar)
        self.loss_plot = TimePlot(QT_TRANSLATE_NOOP("Plots", "loss"))
        self.acc_plot = TimePlot(QT_TRANSLATE_NOOP("Plots", "accuracy"), y_limits=(0.0, 1.0))
        # not setXLink: pyqtgraph links views by screen position, and plots whose y axes differ in
        # width then show different step ranges (a narrow column cut the top plot's newest
        # steps); each plot's RangeKeeper fits the same steps instead
        add_time_plot(self._layout, self.loss_plot, 3)
        self.timeline = RewindTimeline(self.loss_plot)  # kept points: rewind, A/B from here
        self._layout.addWidget(self.timeline)
        add_time_plot(self._layout, self.acc_plot, 2)
        self.plots = (self.loss_plot, self.acc_plot)
        self._run: int | None = None

    def clear(self) -> None:
        for p in self.plots:
            p.drop_curves()
            p.markers.update(())

    def _set_log(self, on: bool) -> None:
        self.loss_plot.set_log(on)
        self._last = None

    def draw(self, frame: Frame) -> bool:
        h = frame.history
        if h.get("run") != self._run:  # Reset, New, Open, another data set: nothing of the
            self.clear()  # old run stays (a rebuild that keeps history goes on in the same run)
            self._run = h.get("run")
        steps = h.get("steps")
        for p in self.plots:
            p.markers.update(frame.markers)
        if steps is None or len(steps) == 0:
            for p in self.plots:
                for c in p.curves.values():
                    c.setData([], [])
            return False
        lp, ap = self.loss_plot, self.acc_plot
        lp.set_series(QT_TRANSLATE_NOOP("Plots", "train (batch)"), steps, h["loss"], pen(TRAIN))
        lp.set_series(QT_TRANSLATE_NOOP("Plots", "train (epoch)"), steps, h["epoch_loss"], pen(EPOCH))
        lp.set_series(QT_TRANSLATE_NOOP("Plots", "validation"), steps, h["val_loss"], pen(VALIDATION))
        self._draw_old_branches(h.get("old_branches", ()))
        self.timeline.set_points(frame.extra.get("rewind"))
        if np.isfinite(h["accuracy"]).any() or np.isfinite(h["val_accuracy"]).any():
            ap.set_series(QT_TRANSLATE_NOOP("Plots", "train"), steps, h["accuracy"], pen(TRAIN))
            ap.set_series(QT_TRANSLATE_NOOP("Plots", "validation"), steps, h["val_accuracy"], pen(VALIDATION))
        lp.fit()
        ap.fit()
        return True

    def _draw_old_branches(self, branches: tuple) -> None:
        """The batch losses of the branches a rewind left behind, greyed (empty when none)."""
        label = self.tr("old branch")
        for i in range(MAX_OLD_BRANCHES):
            name = f"old branch {i}"
            if i < len(branches):
                b = branches[i]
                self.loss_plot.set_series(name, b["steps"], b["loss"], pen(OLD_BRANCH), label)
            elif name in self.loss_plot.curves:
                self.loss_plot.set_series(name, [], [], pen(OLD_BRANCH), label)


class GradientDashboard(Dashboard):
    """Per-layer kernel gradient norm (log) and update/weight ratio (log) over steps."""

    title = QT_TRANSLATE_NOOP("Docks", "Gradients")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grad_plot = TimePlot(QT_TRANSLATE_NOOP("Plots", "gradient norm ‖∇W‖ per layer"), log_y=True)
        self.ratio_plot = TimePlot(QT_TRANSLATE_NOOP("Plots", "update / weight ‖ΔW‖/‖W‖ (colours as above)"), log_y=True)
        self.ratio_plot.legend.hidden_for_good = True  # the same layers: one legend is enough
        # not setXLink, as for the loss and accuracy plots above
        add_time_plot(self._layout, self.grad_plot, 1)
        add_time_plot(self._layout, self.ratio_plot, 1)
        self._ids: tuple = ()

    def clear(self) -> None:
        for p in (self.grad_plot, self.ratio_plot):
            p.drop_curves()
            p.markers.update(())
        self._ids = ()

    def draw(self, frame: Frame) -> bool:
        h = frame.history
        plots = (self.grad_plot, self.ratio_plot)
        for p in plots:
            p.markers.update(frame.markers)
        ids = tuple(h.get("layer_ids", ()))
        if ids[: len(self._ids)] != self._ids or not len(h.get("layer_steps", ())):
            for p in plots:  # a new run: the old layers' curves go
                p.drop_curves()
        self._ids = ids
        if not len(h.get("layer_steps", ())):
            return False
        x = h["layer_steps"]
        ratios = {lid: series for _, lid, _, series in layer_columns(h, "update_ratio")}
        drew = False
        for k, lid, name, series in layer_columns(h, "grad_norm"):
            line = pen(color(k))
            self.grad_plot.set_series(lid, x, series, line, label=name)
            if lid in ratios:
                self.ratio_plot.set_series(lid, x, ratios[lid], line, label=name)
            drew = True
        self.grad_plot.fit()
        self.ratio_plot.fit()
        return drew
