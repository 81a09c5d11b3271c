"""Start the main window the way the app does on a screen of a given size, quit it, and report
its layout as JSON (run by test_layout.py in a subprocess: a test process has one fixed offscreen
screen). ``python -m tests.helpers.layout_probe WIDTH HEIGHT SETTINGS.ini [--resize W H]
[--finish] [--present [--leave]] [--squeeze] [--reset]``: ``--finish`` trains until the run
ends (its end-of-run banner shows), ``--squeeze`` drags the dock splitters somewhere else,
``--reset`` then picks View → Reset layout."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def _screen(width: int, height: int) -> None:
    cfg = {"screens": [{"name": "probe", "x": 0, "y": 0, "width": width, "height": height,
                        "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}
    fd, path = tempfile.mkstemp(suffix=".json")
    with os.fdopen(fd, "w") as fh:
        json.dump(cfg, fh)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={path}"


def _rect(r) -> list[int]:
    return [r.x(), r.y(), r.width(), r.height()]


def report(win, app) -> dict:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel, QTabBar, QToolButton
    docks = {}
    for title, dock in win.docks.items():
        docks[title] = {"rect": _rect(dock.geometry()), "visible": dock.isVisible(),
                        "on_screen": dock.isVisible() and not dock.visibleRegion().isEmpty(),
                        "floating": dock.isFloating(), "area": int(win.dockWidgetArea(dock).value)}
    cards = [c for c in win.palette.cards
             if not c.visibleRegion().isEmpty() and c.visibleRegion().boundingRect().height()
             >= c.height() - 1]
    texts = [lab for lab in win.findChildren(QLabel) if lab.isVisible() and lab.text()]
    tabs = []  # every tab of the window's dock tab groups: is its whole title drawn?
    for bar in win.findChildren(QTabBar):
        if bar.isVisible():
            arrows = [b.geometry() for b in bar.findChildren(QToolButton) if b.isVisible()]
            for i in range(bar.count()):
                need = bar.fontMetrics().horizontalAdvance(bar.tabText(i))
                rect = bar.tabRect(i)
                shown = bar.rect().contains(rect) and not any(a.intersects(rect) for a in arrows)
                tabs.append({"text": bar.tabText(i), "width": rect.width(), "need": need,
                             "elides": bar.elideMode() != Qt.ElideNone, "shown": shown})
    return {"min": list(win.minimumSizeHint().toTuple()), "banner": win.banner.isVisible(), "frame": _rect(win.frameGeometry()),
            "geometry": _rect(win.geometry()),
            "screen": _rect(app.primaryScreen().availableGeometry()),
            "full_screen": win.isFullScreen(), "docks": docks,
            "whole_palette_cards": len(cards), "bar": win.bar.shown_groups(),
            "central": _rect(win.centralWidget().geometry()),
            "central_visible": win.centralWidget().isVisible(),
            "labels": len(texts), "tabs": tabs}


def _spin(app, seconds: float) -> None:
    import time
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def _train(win, app) -> None:
    """A few chunks of training, a marker, and time for every plot (and its styling) to draw."""
    win.draw_all = True
    for n in range(8):
        win.controller.post("step", n=25)
        if n == 3:
            win.controller.post("lr", value=0.2)
    _spin(app, 1.5)


def _finish(win, app) -> None:
    """Train until the run ends: the end-of-run banner shows over the loss plot."""
    win.controller.post("step", n=1_000_000)
    for _ in range(500):
        if win.banner.isVisible():
            break
        _spin(app, 0.02)
    _spin(app, 0.5)


def _squeeze(win, app) -> None:
    """Drag the splitters: the left column and the loss column wide, the boundary narrow."""
    from PySide6.QtCore import Qt
    win.resizeDocks([win.docks["Layers"], win.docks["Loss and accuracy"],
                     win.docks["Decision boundary"]], [400, 500, 150], Qt.Horizontal)
    win.resizeDocks([win.docks["Layers"]], [150], Qt.Vertical)
    _spin(app, 0.3)


def _reset(win, app) -> None:
    """View → Reset layout, as the menu does it."""
    menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    next(a for a in menu.actions() if a.text() == "Reset &layout").trigger()
    _spin(app, 0.5)


TABS = ("Gradients", "Dead and saturated units", "Activations", "Batch norm", "Weights",
        "Confusion matrix")


def projector(win, app) -> dict:
    """Text sizes, tick overlaps and plot colours with each dashboard tab in front in turn."""
    from tests.helpers.projector import (plot_colors, plot_texts, tick_overlaps,
                                                   widget_texts)
    texts, overlaps, colors = [], [], []
    for front in (None,) + TABS:
        if front is not None:
            win.docks[front].raise_()
            _spin(app, 0.7)
        texts += [t + [front] for t in map(list, widget_texts(win) + plot_texts(win))]
        overlaps += [f"{front}: {o}" for o in tick_overlaps(win)]
        colors += [list(c) + [front] for c in plot_colors(win)]
    win.docks["Loss and accuracy"].raise_()
    win.docks["Decision boundary"].raise_()
    _spin(app, 0.3)
    return {"small_texts": [t for t in texts if t[0] < 18], "texts": len(texts),
            "tick_overlaps": overlaps, "plot_colors": colors,
            "strip_visible": win.strip.isVisible(), "stack_visible": win.stack.isVisible()}


def main(argv: list[str]) -> int:
    width, height, ini = int(argv[0]), int(argv[1]), argv[2]
    _screen(width, height)
    from PySide6.QtCore import QSettings

    from playground.main import install_extras, make_app
    from playground.main_window import MainWindow
    from tests.helpers.fakes import EpochSession, FakeSession
    app = make_app()
    session = EpochSession if "--finish" in argv else FakeSession
    win = MainWindow(None, None, factory=lambda d, b, dev: session(d, b, dev),
                     settings=QSettings(ini, QSettings.IniFormat))
    install_extras(win)
    win.files.ask = lambda: "discard"
    win.show()
    for _ in range(40):
        app.processEvents()
    out = {"start": report(win, app)}
    if "--resize" in argv:
        i = argv.index("--resize")
        win.showNormal()
        win.resize(int(argv[i + 1]), int(argv[i + 2]))
        app.processEvents()
    if "--present" in argv or "--finish" in argv:
        _train(win, app)
        if "--finish" in argv:
            _finish(win, app)
        out["before"] = report(win, app)
    if "--present" in argv:
        win.presentation_action.setChecked(True)
        _spin(app, 1.0)
        out["presenting"] = {**report(win, app), **projector(win, app)}
        if "--leave" in argv:
            win.presentation_action.setChecked(False)
            _spin(app, 0.5)
            out["left"] = report(win, app)
    if "--squeeze" in argv:
        _squeeze(win, app)
        out["squeezed"] = report(win, app)
    if "--reset" in argv:
        _reset(win, app)
        out["reset"] = report(win, app)
    win.close()
    app.processEvents()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


ROOT = Path(__file__).resolve().parents[2]


def probe(width, height, ini, *extra):
    """Run this module in a subprocess on a WIDTHxHEIGHT screen; its JSON report."""
    proc = subprocess.run([sys.executable, "-m", "tests.helpers.layout_probe", str(width),
                           str(height), str(ini), *map(str, extra)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def inside(rect, area):
    """True when the (x, y, w, h) ``rect`` lies within ``area``."""
    x, y, w, h = rect
    ax, ay, aw, ah = area
    return x >= ax and y >= ay and x + w <= ax + aw and y + h <= ay + ah
