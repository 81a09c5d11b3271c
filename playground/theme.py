"""The app's colours: the dark desk theme, the projector theme of presentation mode, and the
line colours both share (Okabe & Ito's colour-blind-safe palette)."""
from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

THEME = Path(__file__).resolve().parent.parent / "resources" / "themes" / "dark.qss"
ICON = Path(__file__).resolve().parent.parent / "resources" / "icons" / "playground.svg"

#: Plot lines, runs and layers, in order: the six Okabe–Ito colours that stay readable on a dark
#: background (their blue and black do not: 4.1:1 and 1:1 on black), then white and grey.
LINE_COLORS: tuple[str, ...] = ("#56B4E9", "#E69F00", "#009E73", "#F0E442", "#CC79A7",
                                "#D55E00", "#FFFFFF", "#BBBBBB")
#: Class colours of data points (ten for the digits): the lines' colours, then two more.
CLASS_COLORS: tuple[str, ...] = LINE_COLORS + ("#0072B2", "#8C6D31")
MARKER = "#FFFFFF"  # change markers: white dashed lines, labels white on a dark box

COLORS = {"Window": "#14171d", "WindowText": "#d7dde8", "Base": "#1d222b",
          "AlternateBase": "#232936", "Text": "#d7dde8", "Button": "#262c37",
          "ButtonText": "#d7dde8", "ToolTipBase": "#2b3240", "ToolTipText": "#ffffff",
          "Highlight": "#2f6f9f", "HighlightedText": "#ffffff", "PlaceholderText": "#6c7484",
          "BrightText": "#ffffff", "Link": "#4cc9f0"}

#: The projector theme: every text and line colour against the background it is drawn on has a
#: contrast of at least 4.5:1 (tests/playground/test_projector.py computes each pair).
PROJECTOR = {"plot": "#000000", "window": "#0d0d0d", "base": "#000000", "button": "#262626",
             "text": "#ffffff", "disabled_text": "#a6a6a6", "highlight": "#56B4E9",
             "highlighted_text": "#000000", "tooltip": "#ffffff", "tooltip_text": "#000000",
             "axis": "#ffffff", "marker": MARKER, "banner": "#262626", "banner_edge": "#F0E442"}
#: (foreground, background) pairs of PROJECTOR keys that are drawn on each other
PROJECTOR_PAIRS = (("text", "window"), ("text", "base"), ("text", "button"), ("text", "plot"),
                   ("text", "banner"), ("disabled_text", "window"),
                   ("disabled_text", "button"), ("highlighted_text", "highlight"),
                   ("tooltip_text", "tooltip"), ("axis", "plot"), ("marker", "plot"),
                   ("banner_edge", "banner"))
PROJECTOR_MIN_PX = 18  # no text smaller in presentation mode


def relative_luminance(color: str) -> float:
    """WCAG 2 relative luminance of a colour."""
    c = QColor(color)

    def channel(v: int) -> float:
        s = v / 255.0
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def contrast_ratio(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio (1 to 21) of two colours."""
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def dark_palette() -> QPalette:
    pal = QPalette()
    for role, value in COLORS.items():
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(value))
    for role in ("WindowText", "Text", "ButtonText"):
        pal.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                     QColor("#5c6575"))
    return pal


def projector_palette() -> QPalette:
    """The projector theme as a QPalette (white on black)."""
    p = PROJECTOR
    roles = {"Window": p["window"], "WindowText": p["text"], "Base": p["base"],
             "AlternateBase": p["window"], "Text": p["text"], "Button": p["button"],
             "ButtonText": p["text"], "ToolTipBase": p["tooltip"],
             "ToolTipText": p["tooltip_text"], "Highlight": p["highlight"],
             "HighlightedText": p["highlighted_text"], "PlaceholderText": p["disabled_text"],
             "BrightText": p["text"], "Link": p["highlight"]}
    pal = QPalette()
    for role, value in roles.items():
        pal.setColor(getattr(QPalette.ColorRole, role), QColor(value))
    for role in ("WindowText", "Text", "ButtonText"):
        pal.setColor(QPalette.ColorGroup.Disabled, getattr(QPalette.ColorRole, role),
                     QColor(p["disabled_text"]))
    return pal


def projector_stylesheet(px: int) -> str:
    """Window-level style sheet of the projector theme, text ``px`` pixels high (it wins over
    the app's dark sheet; no universal ``QWidget`` rule, which would slow every plot down)."""
    p = PROJECTOR
    box = f"background: {p['button']}; color: {p['text']}; border: 2px solid {p['text']};"
    return f"""
QMainWindow, QDialog, QScrollArea {{ background: {p['window']}; color: {p['text']}; }}
QStatusBar {{ background: {p['window']}; color: {p['text']}; font-size: {px}px; }}
QMenuBar, QMenu, QToolBar {{ background: {p['window']}; color: {p['text']}; font-size: {px}px; }}
QMenu::item:selected, QMenuBar::item:selected {{ background: {p['highlight']};
    color: {p['highlighted_text']}; }}
QDockWidget {{ font-size: {px}px; color: {p['text']}; }}
QDockWidget::title {{ background: {p['window']}; color: {p['text']}; padding: 4px 10px; }}
QTabBar {{ font-size: {px}px; }}
QTabBar::tab {{ {box} padding: 3px 6px; font-size: {px}px; }}
QTabBar::tab:selected {{ background: {p['highlight']}; color: {p['highlighted_text']}; }}
QPushButton, QToolButton, QComboBox, QSpinBox, QDoubleSpinBox, QLineEdit {{ {box}
    border-radius: 4px; padding: 2px 8px; font-size: {px}px; }}
QPushButton:checked {{ background: {p['highlight']}; color: {p['highlighted_text']}; }}
QToolButton#qt_toolbar_ext_button {{ border: none; padding: 0px; min-width: {px}px;
    background: {p['highlight']}; border-radius: 4px; }}
QComboBox QAbstractItemView {{ background: {p['base']}; color: {p['text']};
    selection-background-color: {p['highlight']}; selection-color: {p['highlighted_text']}; }}
QLabel, QCheckBox, QStatusBar QLabel {{ color: {p['text']}; font-size: {px}px; }}
QCheckBox::indicator {{ width: {px - 4}px; height: {px - 4}px; border: 2px solid {p['text']};
    background: {p['base']}; }}
QCheckBox::indicator:checked {{ background: {p['highlight']}; }}
QLabel#counter, QLabel#runBannerText, QLabel#stripTitle {{ color: {p['text']};
    font-size: {px + 2}px; font-weight: bold; }}
QFrame#runBanner {{ background: {p['banner']}; border: 3px solid {p['banner_edge']}; }}
QFrame#stripChip {{ background: {p['button']}; border: 2px solid {p['text']};
    border-radius: 6px; }}
QToolTip {{ background: {p['tooltip']}; color: {p['tooltip_text']}; font-size: {px}px; }}
"""


def apply_theme(app: QApplication, presentation: bool = False) -> None:
    """Fusion style, the dark palette and resources/themes/dark.qss (presentation mode styles
    its window on top: playground.classroom.presentation)."""
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    font = QFont(app.font())
    font.setPointSize(10)
    app.setFont(font)
    sheet = THEME.read_text(encoding="utf-8") if THEME.is_file() else ""
    app.setStyleSheet(sheet)
    pg.setConfigOptions(antialias=presentation)
