"""Exports of a design to other frameworks: ``engine.export.pytorch`` writes a standalone PyTorch
training script (templates in ``engine/export/templates/``, copied into the script, never
imported: they need torch)."""
from engine.export.pytorch import data_arrays, export_pytorch, render_pytorch_script, runtime_source

__all__ = ["export_pytorch", "render_pytorch_script", "runtime_source", "data_arrays"]
