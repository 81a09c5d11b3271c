"""The dark theme and the projector-friendly presentation mode."""
from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtWidgets import QApplication

THEME = Path(__file__).resolve().parent.parent / "resources" / "themes" / "dark.qss"
PRESENTATION = """
QWidget { font-size: 15pt; }
QLabel#cardDescription { font-size: 12pt; }
QLabel#sectionHeader { font-size: 12pt; }
QFrame#layerCard { border-left-width: 8px; }
"""


def apply_theme(app: QApplication, presentation: bool = False) -> None:
    """Fusion style + resources/themes/dark.qss; larger fonts in presentation mode."""
    app.setStyle("Fusion")
    sheet = THEME.read_text(encoding="utf-8") if THEME.is_file() else ""
    app.setStyleSheet(sheet + (PRESENTATION if presentation else ""))
    pg.setConfigOptions(antialias=presentation)
