"""The dark theme and the projector-friendly presentation mode."""
from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

THEME = Path(__file__).resolve().parent.parent / "resources" / "themes" / "dark.qss"
ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "playground.svg"
PRESENTATION = """
QLabel#cardDescription { font-size: 12pt; }
QLabel#sectionHeader { font-size: 12pt; }
QFrame#layerCard { border-left-width: 8px; }
"""


COLORS = {"Window": "#14171d", "WindowText": "#d7dde8", "Base": "#1d222b",
          "AlternateBase": "#232936", "Text": "#d7dde8", "Button": "#262c37",
          "ButtonText": "#d7dde8", "ToolTipBase": "#2b3240", "ToolTipText": "#ffffff",
          "Highlight": "#2f6f9f", "HighlightedText": "#ffffff", "PlaceholderText": "#6c7484",
          "BrightText": "#ffffff", "Link": "#4cc9f0"}


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, value in COLORS.items():
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(value))
    for role in ("WindowText", "Text", "ButtonText"):
        pal.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                     QColor("#5c6575"))
    return pal


def apply_theme(app: QApplication, presentation: bool = False) -> None:
    """Fusion style, a dark palette and resources/themes/dark.qss; larger fonts in
    presentation mode."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    font = QFont(app.font())
    font.setPointSize(15 if presentation else 10)
    app.setFont(font)
    sheet = THEME.read_text(encoding="utf-8") if THEME.is_file() else ""
    app.setStyleSheet(sheet + (PRESENTATION if presentation else ""))
    pg.setConfigOptions(antialias=presentation)
