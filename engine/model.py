"""Model: a layer list packed into flat buffers and plan tables for the compiled program.

Every layer's weights (``layer.weights[name]``) and gradients are views into ``params``/``grads``
(trainable weights) and ``state`` (moving statistics), so the per-layer Python path and the compiled
program share memory. ``work`` holds the gathered batch, every layer's output, caches (masks, rrelu
slopes, layer-norm row statistics), batch-norm batch statistics and two gradient buffers, sized for
``capacity`` rows.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.layers import Activation, Dense, Layer, output_dims_and_params
from engine.program import plan as P
from engine.rng import layer_key, stream

from engine.limits import MAX_LAYERS, MAX_PARAMETERS, MAX_WORK_BYTES  # noqa: E402
MONITOR_ROWS = 256


def check_work_bytes(nbytes: int, rows: int) -> None:
    """BadInput when a work buffer of ``nbytes`` for batches of ``rows`` passes the limit."""
    if nbytes > MAX_WORK_BYTES:
        raise BadInput(f"a batch of {rows:,} rows needs {nbytes / 2**20:,.0f} MiB of activation "
                       f"memory with these layers (limit {MAX_WORK_BYTES // 2**20:,} MiB): use a "
                       f"smaller batch size or narrower layers", "training.batch_size")


def assign_ids(layers: list[Layer]) -> None:
    """Give generated ids (``dense_1``...) to layers whose id was not chosen; ids must be unique."""
    taken = {layer.id for layer in layers if not layer.auto_id}
    seen: set[str] = set()
    next_n: dict[str, int] = {}  # per type: generating ids stays linear in the layers
    for i, layer in enumerate(layers):
        if layer.auto_id:
            n = next_n.get(layer.type_name, 1)
            while f"{layer.type_name}_{n}" in taken:
                n += 1
            next_n[layer.type_name] = n + 1
            layer.id = f"{layer.type_name}_{n}"
            layer.auto_id = False
            taken.add(layer.id)
        if layer.id in seen:
            raise BadInput(f"duplicate layer id {layer.id!r}", f"layers[{i}].id")
        seen.add(layer.id)


class Model:
    """Layers plus the flat buffers and plan tables of the compiled program.

    Parameters
    ----------
    layers : built or unbuilt layers (built here for ``input_dim`` with ``stream(seed, "layer", id)``).
    input_dim : number of input features.
    dtype : float32 (default) or float64.
    capacity : rows of the work buffer (max batch size; at least the monitor batch).
    """

    def __init__(self, layers: list[Layer], input_dim: int, dtype: Any = np.float32, seed: int = 0,
                 capacity: int = 32, weights: dict[str, dict[str, np.ndarray]] | None = None) -> None:
        self.layers = list(layers)
        self.input_dim = int(input_dim)
        self.dtype = np.dtype(dtype)
        self.seed = int(seed)
        if self.dtype not in (np.float32, np.float64):
            raise BadInput(f"dtype must be float32 or float64, got {self.dtype}", "dtype")
        if not self.layers:
            raise BadInput("the model needs at least one layer", "layers")
        if len(self.layers) > MAX_LAYERS:
            raise BadInput(f"{len(self.layers):,} layers exceed the limit of {MAX_LAYERS}",
                           "layers")
        assign_ids(self.layers)
        self._check()
        dims = self._build(weights or {})
        self.dims = dims
        self._pack_params()
        self.capacity = 0
        self.ensure_capacity(max(int(capacity), MONITOR_ROWS))
        self.refresh_plan()

    # ------------------------------------------------------------------ structure
    def _check(self) -> None:
        for i, layer in enumerate(self.layers):
            if isinstance(layer, Activation) and layer.function == "softmax" and i != len(self.layers) - 1:
                raise BadInput("softmax is allowed on the last layer only", f"layers[{i}].function")
        total = sum(n for _, n in output_dims_and_params(self.layers, self.input_dim))
        if total > MAX_PARAMETERS:
            raise BadInput(f"the model has {total} parameters, more than {MAX_PARAMETERS}", "layers")

    def _build(self, weights: dict[str, dict[str, np.ndarray]]) -> list[int]:
        dims = [self.input_dim]
        for layer in self.layers:
            keep = weights.get(layer.id)
            layer.build(dims[-1], rng=stream(self.seed, "layer", layer.id), dtype=self.dtype)
            if keep:
                for name, arr in keep.items():
                    if name in layer.weights and layer.weights[name].shape == np.shape(arr):
                        layer.weights[name][...] = arr
            dims.append(layer.output_dim)
        return dims

    def _pack_params(self) -> None:
        rows, keys, skeys = [], [], []
        n_p = n_s = 0
        for i, layer in enumerate(self.layers):
            for name in layer.param_names:
                size = layer.weights[name].size
                rows.append([n_p, size, i, 0])
                keys.append(f"layers.{i}.{name}")
                n_p += size
            for name in layer.state_names:
                skeys.append((i, name, n_s))
                n_s += layer.weights[name].size
        self.params = np.zeros(n_p, self.dtype)
        self.grads = np.zeros(n_p, self.dtype)
        self.state = np.zeros(max(n_s, 1), self.dtype)
        self.ptab = np.array(rows, np.int64).reshape(-1, 4)
        self.pkeys = keys
        self.skeys = [f"layers.{i}.{name}" for i, name, _ in skeys]
        self.param_rows: dict[tuple[int, str], int] = {}
        r = 0
        for i, layer in enumerate(self.layers):
            for name in layer.param_names:
                off, size = self.ptab[r, 0], self.ptab[r, 1]
                shape = layer.weights[name].shape
                self.params[off:off + size] = layer.weights[name].ravel()
                layer.weights[name] = self.params[off:off + size].reshape(shape)
                layer.grads[name] = self.grads[off:off + size].reshape(shape)
                self.param_rows[(i, name)] = r
                r += 1
        for i, name, off in skeys:
            layer = self.layers[i]
            arr = layer.weights[name]
            self.state[off:off + arr.size] = arr.ravel()
            layer.weights[name] = self.state[off:off + arr.size].reshape(arr.shape)
        self.state_offsets = {(i, name): off for i, name, off in skeys}

    @property
    def output_dim(self) -> int:
        return self.dims[-1]

    @property
    def output_activation(self) -> str | None:
        """Function of the last layer when it is an activation (for loss fusion)."""
        last = self.layers[-1]
        return last.function if isinstance(last, Activation) else None

    @property
    def n_params(self) -> int:
        return int(self.params.size)

    def ensure_capacity(self, rows: int, targets: int | None = None) -> None:
        """(Re)allocate the work buffer for ``rows`` rows (and ``targets`` target columns).

        BadInput (path ``training.batch_size``) before anything is allocated when the buffer
        would pass ``engine.limits.MAX_WORK_BYTES``; the model is unchanged then."""
        targets = targets if targets is not None else getattr(self, "n_targets", self.output_dim)
        if rows <= self.capacity and targets <= getattr(self, "n_targets", 0):
            self.lay[P.L_T] = targets  # the loss reads this many target columns
            return
        cap = max(rows, self.capacity)
        n_targets = max(targets, getattr(self, "n_targets", 0), 1)
        lay, offsets, size = self._layout(cap, n_targets)
        check_work_bytes(size * self.dtype.itemsize, cap)
        self.capacity, self.n_targets = cap, n_targets
        lay[P.L_T] = targets
        self.lay, self._work_offsets = lay, offsets
        self.work = np.zeros(size, self.dtype)
        if hasattr(self, "ip"):
            self.refresh_plan()

    def work_bytes(self, rows: int, targets: int | None = None) -> int:
        """Bytes of the work buffer for ``rows`` rows (nothing allocated)."""
        targets = max(targets or 1, getattr(self, "n_targets", 0), 1)
        return self._layout(max(int(rows), 1), targets)[2] * self.dtype.itemsize

    def _layout(self, cap: int, n_targets: int) -> tuple[np.ndarray, list, int]:
        """(lay, per-layer (out, cache, stats) offsets, total elements) for ``cap`` rows."""
        off = 0
        lay = np.zeros(P.LAY_COLS, np.int64)
        lay[P.L_CAP], lay[P.L_IN] = cap, self.input_dim
        lay[P.L_X] = off
        off += cap * self.input_dim
        lay[P.L_Y] = off
        off += cap * n_targets
        lay[P.L_SW] = off
        off += cap
        offsets = []
        for i, layer in enumerate(self.layers):
            d = self.dims[i + 1]
            out_off = off
            off += cap * d
            cache = stats = off
            if layer.code in (P.DROPOUT, P.ALPHA_DROPOUT) or (
                    isinstance(layer, Activation) and layer.function == "rrelu"):
                off += cap * d
            elif layer.code == P.LAYER_NORM:
                off += cap * 2
            elif layer.code == P.BATCH_NORM:
                off += 4 * d
            offsets.append((out_off, cache, stats))
        gmax = max(self.dims)
        lay[P.L_GA] = off
        off += cap * gmax
        lay[P.L_GB] = off
        off += cap * gmax
        return lay, offsets, off

    def refresh_plan(self) -> None:
        """Rebuild the plan tables from the layers' current options (cheap; between calls)."""
        n = len(self.layers)
        ip = np.full((n, P.IP_COLS), -1, np.int64)
        fp = np.zeros((n, P.FP_COLS), np.float64)
        for i, layer in enumerate(self.layers):
            ip[i, :] = self._ip_row(i, layer)
            fp[i, :] = self._fp_row(layer)
        self.ip, self.fp = ip, fp
        for r in range(self.ptab.shape[0]):
            i = int(self.ptab[r, 2])
            layer = self.layers[i]
            name = self.pkeys[r].rsplit(".", 1)[1]
            flags = P.PT_TRAINABLE if layer.trainable_flag else 0
            if name == "kernel":
                flags |= P.PT_KERNEL
            self.ptab[r, 3] = flags

    def _ip_row(self, i: int, layer: Layer) -> np.ndarray:
        row = np.full(P.IP_COLS, -1, np.int64)
        row[P.C_CODE] = layer.code
        row[P.C_ACT] = getattr(layer, "act_code", 0)
        row[P.C_IN], row[P.C_OUT] = self.dims[i], self.dims[i + 1]
        names = layer.param_names
        first = [n for n in names if n in ("kernel", "gamma", "alpha")]
        second = [n for n in names if n in ("bias", "beta")]
        if first:
            r = self.param_rows[(i, first[0])]
            row[P.C_P0], row[P.C_PROW0] = self.ptab[r, 0], r
        if second:
            r = self.param_rows[(i, second[0])]
            row[P.C_P1], row[P.C_PROW1] = self.ptab[r, 0], r
        if (i, "moving_mean") in self.state_offsets:
            row[P.C_S0] = self.state_offsets[(i, "moving_mean")]
        out_off, cache, stats = self._work_offsets[i]
        row[P.C_OUT_OFF], row[P.C_CACHE], row[P.C_STATS] = out_off, cache, stats
        row[P.C_IN_OFF] = self.lay[P.L_X] if i == 0 else self._work_offsets[i - 1][0]
        flags = 0
        flags |= P.F_ENABLED if getattr(layer, "enabled", True) else 0
        flags |= P.F_RENORM if getattr(layer, "renorm", False) else 0
        flags |= P.F_TRAINABLE if layer.trainable_flag else 0
        flags |= P.F_USE_BIAS if getattr(layer, "use_bias", False) else 0
        flags |= P.F_CENTER if getattr(layer, "center", False) else 0
        flags |= P.F_SCALE if getattr(layer, "scale", False) else 0
        row[P.C_FLAGS] = flags
        row[P.C_KEY] = layer_key(layer.id)
        return row

    @staticmethod
    def _fp_row(layer: Layer) -> np.ndarray:
        row = np.zeros(P.FP_COLS, np.float64)
        row[P.P_RATE] = getattr(layer, "rate", 0.0)
        if isinstance(layer, Activation):
            row[P.P_P1], row[P.P_P2] = layer.p1, layer.p2
        row[P.P_EPS] = getattr(layer, "epsilon", 0.0)
        row[P.P_MOM] = getattr(layer, "momentum", 0.0)
        row[P.P_RMOM] = getattr(layer, "renorm_momentum", 0.0)
        row[P.P_RMAX] = getattr(layer, "rmax", 1.0)
        row[P.P_DMAX] = getattr(layer, "dmax", 0.0)
        if isinstance(layer, Dense):
            row[P.P_L1], row[P.P_L2] = layer.l1, layer.l2
            row[P.P_MAXNORM] = math.nan if layer.max_norm is None else layer.max_norm
        else:
            row[P.P_MAXNORM] = math.nan
        row[P.P_STDDEV] = getattr(layer, "stddev", 0.0)
        return row

    # ------------------------------------------------------------------ weights
    def get_weights(self) -> dict[str, np.ndarray]:
        """Copies of every weight as float32, keyed ``layers.{i}.{name}``."""
        return {f"layers.{i}.{n}": np.array(w, np.float32)
                for i, layer in enumerate(self.layers) for n, w in layer.weights.items()}

    def check_weights(self, d: Any) -> dict[str, np.ndarray]:
        """Validate weights for ``set_weights`` (nothing changes): a dict of known keys with the
        layer's shape and finite numbers. Returns them converted to the model's dtype."""
        from engine.limits import quote
        if not isinstance(d, dict):
            raise BadInput(f"must be a dict of arrays, got {quote(d)}", "weights")
        mine = {f"layers.{i}.{n}": w for i, layer in enumerate(self.layers)
                for n, w in layer.weights.items()}
        out: dict[str, np.ndarray] = {}
        for key, value in d.items():
            if key not in mine:
                shown = ", ".join(list(mine)[:6]) + (", ..." if len(mine) > 6 else "")
                raise BadInput(f"unknown weights key (expected: {shown})", quote(key, 60))
            src = np.asarray(value)
            if src.dtype.kind not in "biuf":
                raise BadInput(f"must hold numbers, got dtype {src.dtype}", key)
            if src.shape != mine[key].shape:
                raise BadInput(f"shape {src.shape} does not match the layer's {mine[key].shape}",
                               key)
            src = np.asarray(src, self.dtype)
            if not np.all(np.isfinite(src)):
                raise BadInput("weights must be finite", key)
            out[key] = src
        return out

    def set_weights(self, d: dict[str, np.ndarray]) -> None:
        """Copy weights in. Unknown keys and shape mismatches are BadInput naming the key (and both
        shapes); keys left out keep their current values (e.g. moving statistics). All keys are
        checked before any is written."""
        checked = self.check_weights(d)
        mine = {f"layers.{i}.{n}": w for i, layer in enumerate(self.layers)
                for n, w in layer.weights.items()}
        for key, src in checked.items():
            mine[key][...] = src

    def weights_by_id(self) -> dict[str, dict[str, np.ndarray]]:
        """Copies of each layer's weights keyed by layer id (to keep them across rebuilds)."""
        return {layer.id: {n: w.copy() for n, w in layer.weights.items()} for layer in self.layers}

    def layer_index(self, layer_id: str) -> int:
        """Index of the layer with id ``layer_id`` (BadInput if none)."""
        for i, layer in enumerate(self.layers):
            if layer.id == layer_id:
                return i
        raise BadInput(f"no layer with id {layer_id!r}", "layer_id")

    def __repr__(self) -> str:
        return (f"Model(input_dim={self.input_dim}, layers={[l.id for l in self.layers]}, "
                f"params={self.n_params}, dtype={self.dtype.name})")
