"""The layering of docs/ARCHITECTURE.md, enforced: the import-linter contracts in pyproject.toml
(the engine imports no Qt, pyqtgraph or playground; engine.kernels imports nothing of the engine
outside itself; the lower engine is layered session > backends, monitors > model > program >
kernels; formats and data import no session; no import cycles) hold for the code as it is."""
from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {"engine-screen-free", "kernels-are-leaves", "lower-engine-layers", "formats-no-session",
            "no-cycles"}


def _contracts() -> list[dict]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return tomllib.load(fh)["tool"]["importlinter"]["contracts"]


def test_the_layering_contracts_are_declared():
    assert EXPECTED <= {c["id"] for c in _contracts()}


def test_the_import_contracts_pass(monkeypatch):
    monkeypatch.chdir(ROOT)
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0
