"""The GPU program's device buffers and their residency (see engine/backends/cuda.py).

``DeviceBuffers`` holds the device copies of the model's flat buffers (params, grads, state, work:
same offsets as the host's plan tables), the optimiser's slots, ``wprev`` and the hyperparameter
arrays, and knows which host array each came from. Drop-in mode uploads every input buffer on
every call and copies the results back; resident mode uploads only what is stale or arrives as a
different array object, and copies back on ``sync_to_host``.
"""
from __future__ import annotations

import numpy as np
from numba import cuda

NAMES = ("params", "grads", "state", "work", "slots", "wprev", "hp", "ostate")
# buffers the device only writes before it reads them: allocated, never uploaded
OUTPUT_ONLY = ("grads", "work", "wprev")
SYNC_ALL = ("params", "grads", "state", "work", "slots", "wprev", "ostate")


class DeviceBuffers:
    """Device copies of the program's buffers (1-D; hp and ostate float64) and their host arrays."""

    def __init__(self, resident: bool = False) -> None:
        self.resident = bool(resident)
        self.params = self.grads = self.state = self.work = None
        self.slots = self.wprev = self.diff = self.hp = self.ostate = None
        self.host: dict[str, np.ndarray] = {}
        self.stale: set[str] = set(NAMES)
        self.data_key: tuple | None = None
        self.data = None

    @staticmethod
    def pview(buf, off: int, n: int):
        """1-D device view buf[off:off+n] (empty when off < 0)."""
        off = int(off)
        return buf[0:0] if off < 0 else buf[off:off + int(n)]

    @staticmethod
    def mview(buf, off: int, rows: int, cols: int):
        """2-D (rows, cols) device view of buf from ``off``."""
        off, rows, cols = int(off), int(rows), int(cols)
        return buf[off:off + rows * cols].reshape((rows, cols))

    def mark_host_changed(self) -> None:
        """The host arrays were written (weights, slots, state): upload them on their next use."""
        self.stale = set(NAMES)

    def sync_to_host(self, names: tuple[str, ...] = SYNC_ALL) -> None:
        """Copy the device buffers ``names`` to the host arrays last passed in (skipping those
        the host owns after ``mark_host_changed``, and those never passed)."""
        for name in names:
            if name not in self.host or name in self.stale:
                continue
            host = self.host[name]
            if name in ("params", "grads", "state", "work"):
                getattr(self, name).copy_to_host(host.reshape(-1))
            else:
                host[...] = getattr(self, name).copy_to_host().reshape(host.shape)

    def finish(self, names: tuple[str, ...]) -> None:
        """Drop-in mode: bring ``names`` back to the host arrays at the end of a call."""
        if not self.resident:
            self.sync_to_host(names)

    def bind(self, **arrays: np.ndarray) -> None:
        """Bring the host buffers of a call to the device.

        Output-only buffers (gradients, the work buffer, wprev) are allocated to the host's size
        but never uploaded: every call writes them before reading them.
        """
        for name, arr in arrays.items():
            if self.resident and name not in self.stale and self.host.get(name) is arr:
                continue
            flat = np.ascontiguousarray(arr).reshape(-1)
            if name in OUTPUT_ONLY:
                dev = getattr(self, name)
                if dev is None or dev.shape != flat.shape or dev.dtype != flat.dtype:
                    dev = cuda.device_array(flat.shape, flat.dtype)
                    if name == "wprev":  # params - wprev for the update monitors
                        self.diff = cuda.device_array_like(dev)
                setattr(self, name, dev)
            elif name in ("hp", "ostate"):
                setattr(self, name, cuda.to_device(np.ascontiguousarray(arr, np.float64)))
            else:  # params, state, slots
                setattr(self, name, cuda.to_device(flat))
            self.host[name] = arr
            self.stale.discard(name)

    def data_on_device(self, x: np.ndarray, y: np.ndarray, sw: np.ndarray):
        """x, y, sw on the device, uploaded once per distinct set of host arrays."""
        key = tuple((id(a), a.__array_interface__["data"][0], a.shape, a.dtype.str)
                    for a in (x, y, sw))
        if key != self.data_key:
            self.data = tuple(cuda.to_device(np.ascontiguousarray(a)) for a in (x, y, sw))
            self.data_key = key
        return self.data
