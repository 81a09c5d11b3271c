"""The training worker's network-graph and uncertainty-map commands (a mixin of
:class:`playground.worker.TrainingWorker`): what is computed while those panels show, and the
live weight edit made from the graph."""
from __future__ import annotations

import time
from typing import Any

from playground.graph_data import graph_for, uncertainty_map_for

GRAPH_EVERY_S = 0.2  # per-unit maps at most five times a second


def _quietly(compute: Any, session: Any, boundary: Any) -> Any:
    """``compute(session, boundary)``, or None when the model cannot give it now (a stand-in
    session, a model being rebuilt): a picture missing for a moment is not a training problem."""
    try:
        return compute(session, boundary)
    except Exception:  # noqa: BLE001 - nothing to show; the next update tries again
        return None


class GraphCommands:
    """``_cmd_graph``, ``_cmd_uncertainty_map`` and ``_cmd_set_weight``; the worker provides
    ``session``, ``_boundary``, ``_mark``, ``_publish`` and ``_update_views``."""

    session: Any
    want_graph = False
    want_uncertainty_map = False
    _graph: Any = None
    _uncertainty_map: Any = None
    _last_graph_t = 0.0

    def _cmd_graph(self, on: bool) -> None:
        """Compute the network graph (maps, weights, unit figures) while ``on``."""
        self.want_graph = bool(on)
        if not on:
            self._graph = None
        self._refresh_graph_panels(on)

    def _cmd_uncertainty_map(self, on: bool) -> None:
        """Compute the 2-D MC-dropout std map while ``on``."""
        self.want_uncertainty_map = bool(on)
        if not on:
            self._uncertainty_map = None
        self._refresh_graph_panels(on)

    def _refresh_graph_panels(self, on: bool) -> None:
        if on and self.session is not None:
            self._update_views(force=True)
            self._publish(None)
        else:
            self._dirty = True

    def _cmd_set_weight(self, layer_id: str, row: int, col: int, value: float,
                        label: str = "") -> None:
        """Set kernel[row, col] of dense layer ``layer_id`` between steps, with a marker."""
        index = self.session.model.layer_index(layer_id)
        key = f"layers.{index}.kernel"
        kernel = self.session.get_weights()[key]
        kernel[int(row), int(col)] = float(value)
        self.session.set_weights({key: kernel})
        self._update_views(force=True)
        self._mark(label or f"{layer_id} w[{row},{col}]={value:g}")

    def _update_graph(self, force: bool) -> None:
        """Called with the boundary's update (the boundary gives the plane)."""
        now = time.perf_counter()
        if self.session is None or not (force or now - self._last_graph_t >= GRAPH_EVERY_S):
            if self.session is None:
                self._graph = self._uncertainty_map = None
            return
        self._last_graph_t = now
        self._graph = _quietly(graph_for, self.session, self._boundary) \
            if self.want_graph else None
        self._uncertainty_map = _quietly(uncertainty_map_for, self.session, self._boundary) \
            if self.want_uncertainty_map else None

    def _graph_extras(self, extra: dict) -> None:
        """Put what this mixin computed into a frame's ``extra``."""
        if self._graph is not None:
            extra["graph"] = self._graph
        if self._uncertainty_map is not None:
            extra["uncertainty_map"] = self._uncertainty_map
