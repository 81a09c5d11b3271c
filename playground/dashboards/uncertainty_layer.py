"""The decision boundary's second layer: the MC-dropout standard deviation over the input plane
(2-D designs with dropout), a translucent white fog that is thicker where the network is less
sure, switched by a check box. Computed in the worker (``frame.extra["uncertainty_map"]``,
:func:`playground.graph_data.uncertainty_map_for`) only while the box is on."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtWidgets import QCheckBox, QWidget

from playground.graph_data import UncertaintyMap

FOG_ALPHA = 210  # the most opaque the fog gets (at the largest std shown)


def fog_lut() -> np.ndarray:
    """(256, 4) RGBA lookup table: white, transparent at 0 up to FOG_ALPHA."""
    lut = np.full((256, 4), 255, np.uint8)
    lut[:, 3] = np.linspace(0, FOG_ALPHA, 256).astype(np.uint8)
    return lut


class UncertaintyLayer(QObject):
    """The std image on ``plot`` over the boundary image ``under``, and its check box
    (``toggled(bool)``: the worker should compute the map, or stop)."""

    toggled = Signal(bool)

    def __init__(self, plot: pg.PlotWidget, under: pg.ImageItem, parent: QWidget):
        super().__init__(parent)
        self.box = QCheckBox(self.tr("MC-dropout uncertainty (2-D, dropout)"))
        self.box.setObjectName("uncertaintyMapToggle")
        self.box.setToolTip(self.tr("Show the standard deviation of 30 predictions with dropout on "
                            "as a white fog over the input plane"))
        self.box.toggled.connect(self._toggled)
        self.box.hide()  # shown where a worker computes the map (playground.graph_wiring)
        self.image = pg.ImageItem()
        self.image.setLookupTable(fog_lut())
        under.setZValue(-2)  # the boundary image, under the fog, under the points (z 0)
        self.image.setZValue(-1)
        self.image.hide()
        plot.addItem(self.image)
        self.shown: UncertaintyMap | None = None

    def _toggled(self, on: bool) -> None:
        self.image.setVisible(bool(on) and self.shown is not None)
        self.toggled.emit(bool(on))

    def draw(self, unc: UncertaintyMap | None) -> None:
        """Show ``unc`` (None: nothing, e.g. 1-D data or no dropout)."""
        self.shown = unc
        if unc is None:
            self.image.clear()
            self.image.hide()
            return
        top = float(np.nanmax(unc.std)) if unc.std.size else 0.0
        self.image.setImage(unc.std.T, levels=(0.0, max(top, 1e-9)))
        dx = (unc.xs[-1] - unc.xs[0]) / max(len(unc.xs) - 1, 1)
        dy = (unc.ys[-1] - unc.ys[0]) / max(len(unc.ys) - 1, 1)
        self.image.setRect(QRectF(unc.xs[0] - dx / 2, unc.ys[0] - dy / 2, dx * len(unc.xs),
                                  dy * len(unc.ys)))
        self.image.setVisible(self.box.isChecked())

    def std_at(self, x: float, y: float) -> float:
        """The std shown nearest to plane point (x, y) (tests, readouts); NaN: none shown."""
        if self.shown is None or not self.image.isVisible():
            return float("nan")
        u = self.shown
        return float(u.std[int(np.argmin(np.abs(u.ys - y))), int(np.argmin(np.abs(u.xs - x)))])
