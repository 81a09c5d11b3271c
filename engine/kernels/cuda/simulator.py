"""Whether numba's CUDA simulator is on (``NUMBA_ENABLE_CUDASIM=1``): kernels then run in Python."""
from __future__ import annotations

from numba import config


def simulator_enabled() -> bool:
    """True when numba's CUDA simulator is switched on (``NUMBA_ENABLE_CUDASIM=1``)."""
    return bool(getattr(config, "ENABLE_CUDASIM", 0))
