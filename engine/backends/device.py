"""Which device trains: ``cuda_status()`` says whether numba.cuda is usable and why not.

``resolve_device("cpu" | "cuda" | "auto", ...)`` turns the ``--device`` option into ``"cpu"`` or
``"cuda"``. Asking for ``cuda`` where no GPU is usable is bad input (``BadInput``, exit code 2 in
the CLI), never a silent fallback; ``auto`` picks the GPU only for networks large enough to profit.
"""
from __future__ import annotations

from engine.errors import BadInput
from engine.kernels.cuda.simulator import simulator_enabled

DEVICES = ("cpu", "cuda", "auto")
# ``auto`` uses the GPU only when one step moves at least this many multiply-adds: below it the
# launch overhead of ~20 kernels per layer and step dominates and the CPU is faster.
AUTO_MIN_MACS = 4_000_000


def _short(err: BaseException) -> str:
    """The gist of a numba CUDA error in one line: no "Error at driver init:" prefix, no advice
    lines, no trailing ':'."""
    lines = [ln.strip() for ln in str(err).splitlines() if ln.strip()]
    lines = [ln for ln in lines[:2] if not ln.lower().startswith("if you are sure")]
    text = " ".join(lines).strip()
    for prefix in ("Error at driver init:", "Error at driver init"):
        if text.startswith(prefix):
            text = text[len(prefix):].strip()
    return text.rstrip(":").rstrip(".").strip() or type(err).__name__


def cuda_status() -> tuple[bool, str]:
    """Say whether CUDA kernels can run here.

    Returns
    -------
    (usable, reason)
        ``usable`` True when numba.cuda finds a supported GPU (or the simulator is on); ``reason``
        is one line: the device name, or why no GPU is usable (e.g. "no CUDA driver found ...").
    """
    if simulator_enabled():
        return True, "numba CUDA simulator (NUMBA_ENABLE_CUDASIM=1): kernels run in Python"
    try:
        from numba import cuda
        from numba.cuda.cudadrv.error import CudaSupportError
    except Exception as err:  # numba without its CUDA target, or a broken numba-cuda install
        return False, f"numba.cuda cannot be imported: {_short(err)}"
    try:
        devices = list(cuda.list_devices())
    except CudaSupportError as err:
        msg = _short(err)
        if "driver" in msg.lower() and ("cannot be found" in msg or "not found" in msg):
            return False, f"no CUDA driver found: {msg}"
        return False, f"CUDA driver unusable: {msg}"
    except Exception as err:
        return False, f"CUDA initialisation failed ({_short(err)})"
    if not devices:
        return False, "no CUDA GPU found (the driver reports no devices)"
    try:
        dev = devices[0]
        cc = tuple(dev.compute_capability)
        name = dev.name.decode() if isinstance(dev.name, bytes) else str(dev.name)
    except Exception as err:
        return False, f"CUDA device query failed ({_short(err)})"
    if cc < (5, 0):
        return False, f"GPU {name} has compute capability {cc[0]}.{cc[1]}; numba needs >= 5.0"
    return True, f"{name} (compute capability {cc[0]}.{cc[1]})"


def step_macs(layer_widths: list[int], batch_size: int) -> int:
    """Multiply-adds of one training step (forward + two backward matmuls) of a dense stack.

    ``layer_widths``: input dim followed by each dense layer's units.
    """
    macs = 0
    for n_in, n_out in zip(layer_widths[:-1], layer_widths[1:]):
        macs += 3 * int(batch_size) * int(n_in) * int(n_out)
    return macs


def resolve_device(device: str, layer_widths: list[int] | None = None, batch_size: int = 32,
                   status: tuple[bool, str] | None = None) -> str:
    """Turn ``--device cpu|cuda|auto`` into ``"cpu"`` or ``"cuda"``.

    Raises ``BadInput(..., "device")`` for an unknown name, and for ``cuda`` when
    ``cuda_status()`` says no GPU is usable (with its reason). ``auto`` picks ``cuda`` only when a GPU
    is usable (not the simulator) and ``step_macs(layer_widths, batch_size) >= AUTO_MIN_MACS``.
    """
    if device not in DEVICES:
        raise BadInput(f"unknown device {device!r} (allowed: cpu, cuda, auto)", "device")
    if device == "cpu":
        return "cpu"
    usable, reason = status if status is not None else cuda_status()
    if device == "cuda":
        if not usable:
            raise BadInput(f"CUDA was asked for but no GPU is usable: {reason}", "device")
        return "cuda"
    if not usable or simulator_enabled():
        return "cpu"
    macs = step_macs(layer_widths or [], batch_size)
    return "cuda" if macs >= AUTO_MIN_MACS else "cpu"
