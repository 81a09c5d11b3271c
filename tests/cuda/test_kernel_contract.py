"""The one kernel contract (engine/kernels/contract.py): each shared kernel is defined by the CPU
module and by its CUDA namesake with the same parameter names in the same order, and every public
function the two modules both define is in the contract, so that the two cannot drift apart."""
from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

import engine.kernels.cpu as cpu_pkg
import engine.kernels.cuda as cuda_pkg
from engine.kernels.contract import SHARED_KERNELS

pytestmark = [pytest.mark.cudasim]


def _parameters(func) -> list[str]:
    """Parameter names of a launcher, a numba dispatcher or a (simulated) device function."""
    for attr in ("py_func", "fn"):
        func = getattr(func, attr, func)
    return list(inspect.signature(func).parameters)


def _defined(package, module: str) -> set[str]:
    """Public functions the module itself defines: ``def name`` and ``name = wrapper(...)`` at
    the top level (not the names it imports)."""
    tree = ast.parse(Path(package.__path__[0], f"{module}.py").read_text())
    names = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    names |= {t.id for node in tree.body if isinstance(node, ast.Assign)
              and isinstance(node.value, ast.Call) for t in node.targets
              if isinstance(t, ast.Name) and not t.id.isupper()}
    return {n for n in names if not n.startswith("_")}


def _modules(package) -> set[str]:
    return {p.stem for p in Path(package.__path__[0]).glob("*.py") if p.stem != "__init__"}


def test_the_contract_covers_every_module_of_both_targets():
    assert set(SHARED_KERNELS) == _modules(cpu_pkg) & _modules(cuda_pkg)


@pytest.mark.parametrize("module", sorted(SHARED_KERNELS))
def test_shared_kernels_have_the_same_parameters(module):
    cpu = importlib.import_module(f"engine.kernels.cpu.{module}")
    gpu = importlib.import_module(f"engine.kernels.cuda.{module}")
    for name in SHARED_KERNELS[module]:
        assert _parameters(getattr(cpu, name)) == _parameters(getattr(gpu, name)), \
            f"{module}.{name}: CPU and CUDA parameters differ"


@pytest.mark.parametrize("module", sorted(SHARED_KERNELS))
def test_names_defined_on_both_targets_are_in_the_contract(module):
    both = _defined(cpu_pkg, module) & _defined(cuda_pkg, module)
    contract = set(SHARED_KERNELS[module])
    assert both == contract, (f"{module}: defined on both but not in the contract: "
                              f"{sorted(both - contract)}; in the contract but not defined on "
                              f"both: {sorted(contract - both)}")
