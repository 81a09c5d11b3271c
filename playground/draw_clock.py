"""Draw time per dashboard for ``--measure-ui``: the time each dashboard spends taking a frame
(``update_frame``) plus the time Qt spends painting its plots, summed per UI frame."""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import pyqtgraph as pg

from playground.dashboards.base import Dashboard


class DrawClock:
    """Collects per-dashboard milliseconds per frame while installed on a window.

    ``install(win)`` makes the window report each dashboard's ``update_frame`` time
    (``win.draw_clock``) and wraps ``pyqtgraph.GraphicsView.paintEvent`` to time the painting of
    every plot, charged to the dashboard the plot sits in; ``tick()`` (at each new frame) closes
    one frame's sums. ``uninstall()`` restores the paint method.
    """

    def __init__(self) -> None:
        self.frames: dict[str, list[float]] = {}  # wall seconds per frame
        self.cpu: dict[str, list[float]] = {}  # the GUI thread's CPU seconds per frame
        self._now: dict[str, list[float]] = {}
        self._owner: dict[int, str | None] = {}
        self._win: Any = None
        self._paint: Any = None

    def install(self, win: Any) -> None:
        self._win = win
        win.draw_clock = self
        for dash in win.dashboards:
            self.frames.setdefault(dash.title, [])
            self.cpu.setdefault(dash.title, [])
        self._paint = pg.GraphicsView.paintEvent
        clock, original = self, self._paint

        def timed_paint(view: Any, event: Any) -> Any:
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return original(view, event)
            finally:
                clock.add_widget(view, time.perf_counter() - t0, time.thread_time() - c0)

        pg.GraphicsView.paintEvent = timed_paint

    def uninstall(self) -> None:
        if self._paint is not None:
            pg.GraphicsView.paintEvent = self._paint
            self._paint = None
        if self._win is not None:
            self._win.draw_clock = None

    def update(self, dash: Any, frame: Any) -> None:
        """``dash.update_frame(frame)``, timed."""
        t0, c0 = time.perf_counter(), time.thread_time()
        dash.update_frame(frame)
        self.add(dash.title, time.perf_counter() - t0, time.thread_time() - c0)

    def add(self, title: str, seconds: float, cpu: float = 0.0) -> None:
        """``seconds`` of work (``cpu`` of them on the CPU) for the dashboard called ``title``
        in the current frame."""
        now = self._now.setdefault(title, [0.0, 0.0])
        now[0] += seconds
        now[1] += cpu

    def add_widget(self, widget: Any, seconds: float, cpu: float = 0.0) -> None:
        title = self._owner.get(id(widget), "")
        if title == "":
            title = self._owner[id(widget)] = _dashboard_title(widget)
        if title is not None:
            self.add(title, seconds, cpu)

    def tick(self) -> None:
        """One frame ended: every dashboard's sums become one sample (0 when it did nothing)."""
        for title, samples in self.frames.items():
            wall, cpu = self._now.get(title, (0.0, 0.0))
            samples.append(wall)
            self.cpu[title].append(cpu)
        self._now = {}

    def lines(self) -> list[str]:
        """``measure-ui dashboard "TITLE": mean_ms=… p95_ms=… cpu_ms=… frames=…`` per
        dashboard (wall mean and 95th percentile, mean CPU time of the GUI thread)."""
        out = []
        for title, samples in self.frames.items():
            ms = np.asarray(samples, dtype=np.float64) * 1e3
            cpu = np.asarray(self.cpu[title], dtype=np.float64) * 1e3
            mean = float(ms.mean()) if len(ms) else 0.0
            p95 = float(np.percentile(ms, 95)) if len(ms) else 0.0
            cpu_mean = float(cpu.mean()) if len(cpu) else 0.0
            out.append(f'measure-ui dashboard "{title}": mean_ms={mean:.2f} p95_ms={p95:.2f} '
                       f"cpu_ms={cpu_mean:.2f} frames={len(ms)}")
        return out


def _dashboard_title(widget: Any) -> str | None:
    """The title of the dashboard ``widget`` sits in (None: not in a dashboard)."""
    w = widget
    while w is not None:
        if isinstance(w, Dashboard):
            return w.title
        w = w.parentWidget()
    return None
