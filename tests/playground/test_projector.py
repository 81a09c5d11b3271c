"""Presentation mode is a projector layout (issue 11, point 7): at 1280×720 the loss curve and
the decision boundary fill the screen side by side under a one-line network strip, the side
panels are hidden, no text is under 18 px, no tick labels overlap, every text and line has at
least 4.5:1 contrast against its background, lines are Okabe–Ito; leaving it (or quitting while
presenting) gives the desk layout back; ``--presentation`` works with ``--screenshot``."""
import os
import struct
import subprocess
import sys

import pyqtgraph as pg
import pytest

from playground.classroom.plot_style import FALLBACK_LINE
from playground.theme import (LINE_COLORS, MARKER, PROJECTOR, PROJECTOR_PAIRS, contrast_ratio)
from tests.helpers.layout_probe import ROOT, inside, probe

OKABE_ITO_ON_BLACK = {"#56b4e9", "#e69f00", "#009e73", "#f0e442", "#cc79a7", "#d55e00"}


def test_every_projector_colour_pair_has_4_5_to_1_contrast():
    pairs = [(PROJECTOR[fg], PROJECTOR[bg]) for fg, bg in PROJECTOR_PAIRS]
    pairs += [(c, PROJECTOR["plot"]) for c in LINE_COLORS + (FALLBACK_LINE, MARKER)]
    low = [(fg, bg, round(contrast_ratio(fg, bg), 2)) for fg, bg in pairs
           if contrast_ratio(fg, bg) < 4.5]
    assert not low
    assert OKABE_ITO_ON_BLACK <= {c.lower() for c in LINE_COLORS[:6]}  # the Okabe–Ito lines
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)


def test_confusion_numbers_read_on_their_cells():
    from playground.dashboards.inspect_plots import cell_text_color
    cmap = pg.colormap.get("viridis")
    for v in (0.0, 0.3, 0.6, 0.9, 1.0):
        cell = cmap.map(v, mode="qcolor").name()
        assert contrast_ratio(cell_text_color(cell), cell) >= 4.5, cell


@pytest.fixture(scope="module")
def presented(tmp_path_factory):
    ini = tmp_path_factory.mktemp("projector") / "s.ini"
    return probe(1280, 720, ini, "--present", "--leave"), ini


def test_the_projector_layout_at_1280x720(presented):
    out, _ = presented
    shown = out["presenting"]
    assert shown["full_screen"] and inside(shown["frame"], shown["screen"])
    for title in ("Loss and accuracy", "Decision boundary"):
        x, y, w, h = shown["docks"][title]["rect"]
        assert shown["docks"][title]["on_screen"] and w >= 0.45 * 1280 and h >= 0.65 * 720
    side = ("Layers", "Data", "Summary", "Optimizer")
    assert not any(shown["docks"][t]["visible"] for t in side)
    assert shown["strip_visible"] and not shown["stack_visible"]
    assert shown["central"][3] <= 80  # the network strip is compact


def test_projector_text_ticks_and_colours(presented):
    shown = presented[0]["presenting"]
    assert shown["texts"] > 100 and not shown["small_texts"], shown["small_texts"][:5]
    assert not shown["tick_overlaps"]
    colors = shown["plot_colors"]
    assert len(colors) > 30
    low = [c for c in colors if contrast_ratio(c[0], c[1]) < 4.5]
    assert not low, low[:5]
    curves = {c[0] for c in colors if c[2] == "curve"}
    assert curves <= {x.lower() for x in LINE_COLORS} | {FALLBACK_LINE.lower()}
    assert len(curves & OKABE_ITO_ON_BLACK) >= 3


def test_leaving_presentation_gives_the_desk_layout_back(presented):
    left = presented[0]["left"]
    start = presented[0]["before"]
    assert not left["full_screen"] and left["central_visible"]
    for title in ("Layers", "Data", "Loss and accuracy", "Decision boundary"):
        assert left["docks"][title]["on_screen"], title
        assert left["docks"][title]["rect"] == start["docks"][title]["rect"], title


def test_quitting_while_presenting_saves_the_desk_layout(tmp_path):
    ini = tmp_path / "s.ini"
    probe(1280, 720, ini, "--present")  # quits while presenting
    again = probe(1280, 720, ini)["start"]
    assert not again["full_screen"] and inside(again["frame"], again["screen"])
    assert again["docks"]["Layers"]["on_screen"] and again["central_visible"]


def test_presentation_flag_with_screenshot(tmp_path):
    import json
    cfg = tmp_path / "screen.json"
    cfg.write_text(json.dumps({"screens": [{"name": "p", "x": 0, "y": 0, "width": 1280,
                                            "height": 720, "logicalDpi": 96,
                                            "logicalBaseDpi": 96, "dpr": 1}]}))
    out = tmp_path / "shot.png"
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={cfg}")
    proc = subprocess.run([sys.executable, "-m", "playground.main",
                           str(ROOT / "resources" / "designs" / "spiral_relu_batchnorm.json"),
                           "--train-steps", "30", "--presentation", "--screenshot", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = out.read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 720)
    from PySide6.QtGui import QImage
    img = QImage(str(out))
    assert img.pixelColor(width - 3, height // 2).lightness() < 40  # the projector's black
