"""Design files (format ``network-playground/design``, version 1) and the lessons built on them.

- ``engine.design.format``: the :class:`Design` (load, validate, save), docs/FORMAT.md;
- ``engine.design.sections``: validation of each section (registries do the rest);
- ``engine.design.migrations``: older format versions rewritten step by step;
- ``engine.design.lessons``: the lessons catalogue (``resources/lessons/``).

Nothing here builds or imports a session (``engine.build`` does that).
"""
from engine.design.advice import design_warnings
from engine.design.format import Design, load_design, parse_design_text, save_design
from engine.design.migrations import CURRENT_VERSION, FORMAT, MIGRATIONS, migrate

__all__ = ["Design", "load_design", "save_design", "parse_design_text", "design_warnings",
           "FORMAT", "CURRENT_VERSION", "MIGRATIONS", "migrate"]
