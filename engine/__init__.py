"""Network Playground's numerical engine: numpy + numba (CPU) and numba.cuda (GPU). Never imports Qt."""
from engine.errors import BadInput, Diverged

__all__ = ["BadInput", "Diverged"]
