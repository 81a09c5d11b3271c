"""Wiring of the network graph and the decision boundary's uncertainty layer to the training
worker (called once by the main window): each is computed only while it shows."""
from __future__ import annotations

from typing import Any

from playground.dashboards.inspect_plots import BoundaryDashboard
from playground.dashboards.network_graph import NetworkGraphDashboard


def connect_graph(win: Any) -> None:
    """``win``: the main window (``dashboards``, ``docks``, ``controller``, ``worker``)."""
    post = win.controller.post
    for dash in win.dashboards:
        if isinstance(dash, NetworkGraphDashboard):
            win.docks[dash.title].visibilityChanged.connect(
                lambda shown: post("graph", on=bool(shown)))
            dash.weight_edit.connect(
                lambda layer_id, row, col, value, label: post(
                    "set_weight", layer_id=layer_id, row=row, col=col, value=value, label=label))
            win.worker.built.connect(dash.forget_edits)
        elif isinstance(dash, BoundaryDashboard):
            dash.std_layer.box.show()
            dash.std_layer.toggled.connect(lambda on: post("uncertainty_map", on=bool(on)))
