"""The network graph's scene items: a unit (its map, dead / saturated marks), a link (colour by
sign, width by magnitude, a wide hit area) and a band (a layer between columns)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainterPath, QPainterPathStroker, QPen, QPixmap
from PySide6.QtWidgets import (QGraphicsItem, QGraphicsLineItem, QGraphicsPixmapItem,
                               QGraphicsRectItem, QGraphicsSimpleTextItem)

POSITIVE, NEGATIVE = "#56B4E9", "#E69F00"  # Okabe–Ito sky blue / orange (readable on black)
DEAD, SATURATED = "#6c6c6c", "#D55E00"  # grey / vermillion
SATURATED_AT = 0.5  # a unit saturated on at least half the samples is marked
LUT = pg.colormap.get("CET-D1A").getLookupTable(nPts=256, alpha=False).astype(np.uint8)


def map_image(values: np.ndarray, levels: tuple[float, float]) -> QImage:
    """An RGB image of ``values`` (ny, nx) (row 0 the lowest y: drawn at the bottom)."""
    lo, hi = levels
    scaled = np.clip((np.asarray(values, float) - lo) / max(hi - lo, 1e-12), 0.0, 1.0)
    idx = np.nan_to_num(scaled * 255.0).astype(np.uint8)[::-1]
    rgb = np.ascontiguousarray(LUT[idx])
    h, w = idx.shape
    return QImage(rgb.data, w, h, 3 * w, QImage.Format_RGB888).copy()


def map_levels(values: np.ndarray, probability: bool = False) -> tuple[float, float]:
    """Colour levels of one map: 0..1 for probabilities, else symmetric around 0."""
    if probability:
        return 0.0, 1.0
    top = float(np.nanmax(np.abs(values))) if np.size(values) else 1.0
    return -max(top, 1e-9), max(top, 1e-9)


class UnitItem(QGraphicsRectItem):
    """One unit (or input feature): a square with its map; ``column``/``unit`` say which."""

    def __init__(self, column: int, unit: int, size: float, label: str = ""):
        super().__init__(0.0, 0.0, size, size)
        self.column, self.unit, self.size = column, unit, size
        self.dead = False
        self.saturated = False
        self.values: np.ndarray | None = None
        self.levels = (-1.0, 1.0)
        self.pixmap = QGraphicsPixmapItem(self)
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.PointingHandCursor)
        self.setBrush(QBrush(QColor("#3a3f4b")))
        self.setZValue(2)
        if label:
            text = QGraphicsSimpleTextItem(label, self)
            text.setBrush(QBrush(QColor("#d7dde8")))
            r = text.boundingRect()
            text.setPos(-r.width() - 4, size / 2 - r.height() / 2)
        self.set_state(False, False)

    def set_map(self, values: np.ndarray | None, levels: tuple[float, float]) -> None:
        self.values, self.levels = values, levels
        if values is None:
            self.pixmap.setPixmap(QPixmap())
            return
        pix = QPixmap.fromImage(map_image(values, levels))
        self.pixmap.setPixmap(pix)
        self.pixmap.setScale(self.size / max(pix.width(), 1))
        self.pixmap.setOpacity(0.25 if self.dead else 1.0)

    def set_state(self, dead: bool, saturated: bool) -> None:
        """Dead: grey and faded; saturated: a thick vermillion dashed outline."""
        self.dead, self.saturated = bool(dead), bool(saturated)
        if self.dead:
            pen = QPen(QColor(DEAD), 2.0)
        elif self.saturated:
            pen = QPen(QColor(SATURATED), 3.0, Qt.DashLine)
        else:
            pen = QPen(QColor("#d7dde8"), 1.0)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setBrush(QBrush(QColor(DEAD if self.dead else "#3a3f4b")))
        self.pixmap.setOpacity(0.25 if self.dead else 1.0)


class LinkItem(QGraphicsLineItem):
    """The link from unit ``row`` of the previous column to unit ``col`` of dense layer
    ``layer_id``: colour by the weight's sign, width by its magnitude."""

    HIT = 7.0  # scene units either side that count as a click on the link

    def __init__(self, layer_id: str, row: int, col: int, x1: float, y1: float, x2: float,
                 y2: float):
        super().__init__(x1, y1, x2, y2)
        self.layer_id, self.row, self.col = layer_id, row, col
        self.weight = 0.0
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.PointingHandCursor)
        self.setZValue(1)

    def set_weight(self, w: float, scale: float) -> None:
        self.weight = float(w)
        pen = QPen(QColor(POSITIVE if w >= 0 else NEGATIVE),
                   0.5 + 5.0 * min(abs(w) / max(scale, 1e-12), 1.0))
        self.setPen(pen)
        self.setToolTip(f"{self.layer_id} weight [{self.row}, {self.col}] = {w:.4g}\n"
                        "click to edit")

    def shape(self) -> QPainterPath:  # noqa: D102 - Qt API: a wider hit area than the line
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(max(2 * self.HIT, self.pen().widthF()))
        return stroker.createStroke(path)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt API
        return self.shape().boundingRect()


class BandItem(QGraphicsRectItem):
    """A layer between two columns: a narrow upright band with its state written along it."""

    def __init__(self, x: float, top: float, height: float, width: float, text: str,
                 enabled: bool, kind: str):
        super().__init__(x, top, width, height)
        self.text, self.enabled, self.kind = text, enabled, kind
        col = QColor("#4a5468" if enabled else "#2a2d33")
        self.setBrush(QBrush(col))
        pen = QPen(QColor("#8a93a6" if enabled else "#555555"), 1.0,
                   Qt.SolidLine if enabled else Qt.DashLine)
        pen.setCosmetic(True)
        self.setPen(pen)
        self.setZValue(0.5)
        label = QGraphicsSimpleTextItem(text, self)
        label.setBrush(QBrush(QColor("#ffffff" if enabled else "#a6a6a6")))
        label.setRotation(-90)
        r = label.boundingRect()
        label.setPos(x + width / 2 - r.height() / 2, top + height / 2 + r.width() / 2)
        self.label = label
        self.setToolTip(f"{kind.replace('_', ' ')}: {text}")
        self.setFlag(QGraphicsItem.ItemIsSelectable, False)
