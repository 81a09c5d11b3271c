"""Colour-blind-safe colours (Okabe & Ito 2008) and the high-contrast light theme used for
comparisons and presentation mode."""
from __future__ import annotations

import re

from PySide6.QtGui import QColor, QPalette

#: Okabe–Ito palette, black last (it is the text colour on the light theme).
OKABE_ITO: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                              "#56B4E9", "#F0E442", "#000000")
#: Order used for runs (on the light theme, presentation mode shows the yellow as black).
RUN_COLORS: tuple[str, ...] = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                               "#56B4E9", "#F0E442", "#999999")
LINE_STYLES = ("solid", "dash", "dot", "dashdot")

LIGHT_COLORS = {"Window": "#ffffff", "WindowText": "#000000", "Base": "#ffffff",
                "AlternateBase": "#f0f0f0", "Text": "#000000", "Button": "#f2f2f2",
                "ButtonText": "#000000", "ToolTipBase": "#ffffe0", "ToolTipText": "#000000",
                "Highlight": "#0072B2", "HighlightedText": "#ffffff",
                "PlaceholderText": "#555555", "BrightText": "#000000", "Link": "#0072B2"}


def run_color(i: int) -> str:
    """Colour of run ``i`` (Okabe–Ito, cycling)."""
    return RUN_COLORS[i % len(RUN_COLORS)]


def light_palette() -> QPalette:
    """High-contrast light QPalette: black on white, Okabe–Ito blue highlight."""
    pal = QPalette()
    for role, value in LIGHT_COLORS.items():
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(value))
    for role in ("WindowText", "Text", "ButtonText"):
        pal.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                     QColor("#707070"))
    return pal


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIZE = re.compile(r"font-size\s*:\s*([0-9.]+)\s*pt")


def scaled_font_rules(sheet: str, zoom: float) -> str:
    """For every rule of ``sheet`` that sets ``font-size: Npt``, the same selector with the size
    times ``zoom`` (a widget's own sheet beats the app's, so these win)."""
    out = []
    sheet = re.sub(r"/\*.*?\*/", "", sheet, flags=re.S)
    for selector, body in _RULE.findall(sheet):
        m = _SIZE.search(body)
        if m:
            out.append(f"{selector.strip()} {{ font-size: {float(m.group(1)) * zoom:.1f}pt; }}")
    return "\n".join(out)


def light_stylesheet() -> str:
    """Window-level style sheet of the high-contrast theme; it wins over the app's dark sheet."""
    return """
QWidget { background: #ffffff; color: #000000; }
QMainWindow, QDialog { background: #ffffff; }
QMenuBar, QMenu, QToolBar, QStatusBar { background: #f2f2f2; color: #000000; }
QMenu::item:selected, QMenuBar::item:selected { background: #0072B2; color: #ffffff; }
QDockWidget::title { background: #e6e6e6; color: #000000; padding: 6px 10px;
                      font-weight: bold; }
QPushButton, QToolButton { background: #f2f2f2; color: #000000; border: 2px solid #000000;
                            border-radius: 4px; padding: 4px 12px; }
QPushButton:checked, QToolButton:checked { background: #0072B2; color: #ffffff; }
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QTextBrowser, QListWidget, QTreeView,
QListView { background: #ffffff; color: #000000; border: 1px solid #000000; }
QListWidget::item:selected { background: #0072B2; color: #ffffff; }
QLabel#sectionHeader, QLabel#cardDescription, QLabel#inspectorTitle,
QLabel#warningBadge { color: #000000; }
QLabel#counter { color: #000000; }
QFrame#layerCard { background: #f7f7f7; color: #000000; border: 2px solid #000000;
                    border-left-width: 8px; }
QToolTip { background: #ffffe0; color: #000000; border: 1px solid #000000; }
"""
