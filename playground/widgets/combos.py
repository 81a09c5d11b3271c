"""Combo boxes in narrow columns: their longest entry whole where the row has room."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QStyle


def roomy(combo: QComboBox, chars: int = 8) -> QComboBox:
    """``combo`` as wide as its longest entry where its row has room, shrinking to ``chars``
    characters where it has not (a long name never widens the column); its open list is always
    wide enough for every entry ("binary_crossentropy" in the side column at 1280×720).

    Returns ``combo``."""
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    least = combo.minimumSizeHint().width()
    combo.setSizeAdjustPolicy(QComboBox.AdjustToContents)  # the size hint: the longest entry
    combo.setMinimumWidth(least)  # what a layout may shrink it to
    model = combo.model()
    for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
        signal.connect(lambda *_: _widen_list(combo))
    _widen_list(combo)
    return combo


def _widen_list(combo: QComboBox) -> None:
    """The drop-down list at least as wide as its longest entry (plus a scroll bar)."""
    view = combo.view()
    bar = combo.style().pixelMetric(QStyle.PM_ScrollBarExtent, None, view)
    view.setMinimumWidth(view.sizeHintForColumn(0) + 2 * view.frameWidth() + bar)
