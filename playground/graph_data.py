"""What the network graph and the 2-D uncertainty map show, computed in the worker thread
(Qt-free): each dense unit's map over the input plane (engine.unit_maps), weights, per-unit
figures, the layers between the columns; the MC-dropout std over the input plane.

The grids follow the decision boundary's plane (``Boundary.xs``/``ys``) at a coarser step.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.unit_maps import unit_blocks, unit_figures, unit_outputs
from playground.boundary import _to_features
from playground.history import Boundary

MAP_GRID = 24  # per-unit maps: MAP_GRID x MAP_GRID points
STD_GRID = 40  # the uncertainty map
STD_PASSES = 30


@dataclass(frozen=True)
class Band:
    """A layer drawn as a narrow band between columns: ``text`` its state ("dropout 0.3",
    "batch norm off", "relu"), ``enabled`` False when switched off."""

    layer_id: str
    kind: str
    text: str
    enabled: bool


@dataclass(frozen=True)
class GraphColumn:
    """One dense layer: ``kernel`` (inputs, units), ``bias`` (units,), per-unit ``mean``/``std``
    of its output on the monitor batch, ``dead`` (bool), ``saturated`` (fraction, NaN: no
    saturating activation), ``maps`` (units, ny, nx) or None, ``bands`` the layers after it."""

    layer_id: str
    index: int
    kernel: np.ndarray
    bias: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    dead: np.ndarray
    saturated: np.ndarray
    maps: np.ndarray | None
    bands: tuple[Band, ...]

    @property
    def units(self) -> int:
        return int(self.kernel.shape[1])


@dataclass(frozen=True)
class GraphData:
    """The network as the graph dashboard draws it; ``input_maps`` (features, ny, nx) or None,
    ``xs``/``ys`` the map grid (None without 2-D data)."""

    features: tuple[str, ...]
    columns: tuple[GraphColumn, ...]
    input_maps: np.ndarray | None
    xs: np.ndarray | None
    ys: np.ndarray | None
    step: int


@dataclass(frozen=True)
class UncertaintyMap:
    """MC-dropout standard deviation of the first output over the input plane: ``std``
    (ny, nx) on ``xs`` (nx,) x ``ys`` (ny,), ``passes`` forward passes with dropout active."""

    xs: np.ndarray
    ys: np.ndarray
    std: np.ndarray
    passes: int


def band_for(layer: Any) -> Band:
    """The band of a non-dense layer: its type and live state."""
    kind = layer.type_name
    enabled = getattr(layer, "enabled", True) is not False
    if hasattr(layer, "function"):
        text = str(layer.function)
    elif hasattr(layer, "rate"):
        text = f"{kind.replace('_', ' ')} {float(layer.rate):g}"
    elif hasattr(layer, "stddev"):
        text = f"noise {float(layer.stddev):g}"
    else:
        text = kind.replace("_", " ") + (" renorm" if getattr(layer, "renorm", False) else "")
        text += " on" if enabled else ""
    if not enabled:
        text += " off"
    return Band(layer_id=layer.id, kind=kind, text=text, enabled=enabled)


def plane_grid(boundary: Boundary | None,
               n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(xs (n,), ys (n,), points (n*n, 2) in row-major (y, x) order) over the boundary's plane;
    None unless the boundary is a 2-D map."""
    if boundary is None or boundary.kind == "curve" or len(boundary.ys) < 2:
        return None
    xs = np.linspace(boundary.xs[0], boundary.xs[-1], n)
    ys = np.linspace(boundary.ys[0], boundary.ys[-1], n)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def _features_on(session: Any, boundary: Boundary | None, n: int) -> tuple | None:
    grid = plane_grid(boundary, n)
    if grid is None:
        return None
    xs, ys, xy = grid
    feats = _to_features(session.data, xy, int(session.model.input_dim))
    return None if feats is None else (xs, ys, np.ascontiguousarray(feats, np.float64))


def graph_for(session: Any, boundary: Boundary | None, grid: int = MAP_GRID) -> GraphData | None:
    """The graph of ``session``'s network now (maps only for 2-D data); None without one."""
    model = getattr(session, "model", None)
    if model is None:
        return None
    blocks = unit_blocks(model)
    weights = session.get_weights()
    figures = unit_figures(session)
    plane = _features_on(session, boundary, grid)
    outs = unit_outputs(session, plane[2]) if plane is not None else [None] * len(blocks)
    cols = []
    for b, fig, out in zip(blocks, figures, outs):
        kernel = weights[f"layers.{b.dense}.kernel"].astype(np.float64)
        bias = weights.get(f"layers.{b.dense}.bias")
        cols.append(GraphColumn(
            layer_id=b.layer_id, index=b.dense, kernel=kernel,
            bias=np.zeros(b.units) if bias is None else bias.astype(np.float64),
            mean=fig["mean"], std=fig["std"], dead=fig["dead"], saturated=fig["saturated"],
            maps=None if out is None else out.T.reshape(b.units, grid, grid).copy(),
            bands=tuple(band_for(model.layers[i]) for i in b.between)))
    names = tuple(getattr(session.data, "feature_names", ()) or ())
    if len(names) != model.input_dim:
        names = tuple(f"x{i + 1}" for i in range(model.input_dim))
    maps = None if plane is None else plane[2].T.reshape(model.input_dim, grid, grid).copy()
    return GraphData(features=names, columns=tuple(cols), input_maps=maps,
                     xs=None if plane is None else plane[0], ys=None if plane is None else plane[1],
                     step=int(getattr(session, "step_count", 0)))


def has_dropout(session: Any) -> bool:
    """The model has a dropout-like layer (dropout, alpha dropout, Gaussian noise)."""
    layers = getattr(getattr(session, "model", None), "layers", ())
    return any(hasattr(layer, "rate") or hasattr(layer, "stddev") for layer in layers)


def uncertainty_map_for(session: Any, boundary: Boundary | None, grid: int = STD_GRID,
                        passes: int = STD_PASSES) -> UncertaintyMap | None:
    """MC-dropout std of the first output over the boundary's plane (the 1-D band's engine
    call, ``session.predict(x, mc_dropout=passes)``); None without 2-D data or dropout."""
    if session is None or not has_dropout(session):
        return None
    plane = _features_on(session, boundary, grid)
    if plane is None:
        return None
    xs, ys, feats = plane
    _, std = session.predict(feats, mc_dropout=passes)
    if std is None:
        return None
    std = np.asarray(std, np.float64).reshape(grid * grid, -1)[:, 0].reshape(grid, grid)
    return UncertaintyMap(xs=xs, ys=ys, std=std, passes=int(passes))
