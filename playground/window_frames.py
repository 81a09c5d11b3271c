"""The main window's frame drawing (a mixin of :class:`playground.main_window.MainWindow`): at
~30 Hz the newest frame the worker published is drawn into the dashboards that show it, as many
as fit in a frame's budget; hidden tabs are drawn from the history when they are shown."""
from __future__ import annotations

import time
from typing import Any

from playground import catalog
from playground.dashboards.base import Dashboard

FRAME_BUDGET_S = 0.008  # dashboard refresh time per frame; the rest of the frame is painting


class FrameDrawing:
    """``on_timer`` and what it draws; the window provides the controller, the dashboards, the
    docks, the panels and the bookkeeping attributes set in its ``__init__``."""

    def on_timer(self) -> None:
        """~30 Hz: draw the newest frame (older ones were dropped by the worker); dashboards
        that did not fit in the last frame's budget catch up with it on later ticks."""
        frame = self.controller.latest()
        now = time.perf_counter()
        new = frame is not None and frame.serial != self._last_serial
        self._fps_n += 1 if new else 0
        if now - self._fps_t0 >= 1.0:
            self.fps = self._fps_n / (now - self._fps_t0)
            self._fps_t0, self._fps_n = now, 0
            self.fps_label.setText(f"{self.fps:.0f} fps")
        if frame is None:
            return
        if new:
            self._last_serial = frame.serial
            self.frames += 1
        try:
            self._draw(frame, now, new)
        finally:
            self.worker.frame_taken.set()

    def stale_dashboards(self, frame: Any) -> list[Dashboard]:
        """Dashboards to refresh with ``frame``: those on screen (all with ``draw_all``; also the
        unselected tabs with ``on_screen_only`` False) that do not show it yet, least recently
        refreshed first. Qt keeps the docks of unselected tabs 'visible' but moves them out of
        view, so visibility alone would redraw every tab on every frame."""
        todo = [d for d in self.dashboards if (self.draw_all or self._shows(d))
                and self._refreshed.get(id(d)) != frame.serial]
        return sorted(todo, key=lambda d: self._refresh_order.get(id(d), -1))

    def _shows(self, dash: Dashboard) -> bool:
        if not dash.isVisible():
            return False
        return not self.on_screen_only or not dash.visibleRegion().isEmpty()

    def _draw(self, frame: Any, now: float, new: bool = True) -> None:
        """Refresh the stale dashboards with ``frame``, as many as fit in FRAME_BUDGET_S (all with
        ``draw_all``); hidden ones are drawn when they are shown."""
        deadline = now + FRAME_BUDGET_S
        clock = getattr(self, "draw_clock", None)  # --measure-ui: time per dashboard
        if clock is not None and new:
            clock.tick()
        for dash in self.stale_dashboards(frame):
            if clock is None:
                dash.update_frame(frame)
            else:
                clock.update(dash, frame)
            self._refreshed[id(dash)] = frame.serial
            self._refresh_order[id(dash)] = self.frames
            if not self.draw_all and time.perf_counter() > deadline:
                break
        if not new:
            return
        self.data_panel.show_points(frame.boundary)
        self._show_useful_tab(frame)
        self.bar.show_progress(frame.snapshot, frame.extra.get("steps_per_s", 0.0))
        self.run.show_frame(frame)
        ended = frame.extra.get("ended")
        if ended and self.banner.info is None:  # the end of the run: its banner comes forward
            self.docks["Loss and accuracy"].raise_()
        self.banner.show_end(ended)

    def _show_useful_tab(self, frame: Any) -> None:
        """No decision boundary (not 2-D data) but a confusion matrix: bring that tab forward
        (once per built session, so the user's own choice is kept afterwards)."""
        if self._tab_checked:
            return
        self._tab_checked = True
        if frame.boundary is None and frame.confusion is not None:
            self.docks["Confusion matrix"].raise_()
        elif frame.boundary is not None and frame.boundary.kind == "curve" and catalog.has_dropout(
                self.applied):
            self.docks["Uncertainty"].raise_()  # 1-D regression with dropout: MC dropout
        elif frame.boundary is not None:
            self.docks["Decision boundary"].raise_()
