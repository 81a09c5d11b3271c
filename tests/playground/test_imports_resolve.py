"""Every import of the project's own modules resolves, also those inside functions (issue 12's
moves left lazy imports of engine.design_sections and engine.data.adapt that only a click on
"Continue" or File → Open would have run)."""
import ast
import importlib
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = ("engine", "playground", "tests.helpers", "benchmarks", "scripts", "packaging")
FOLDERS = ("engine", "playground", "scripts", "benchmarks", "packaging", "tests")


def own_imports(path: Path):
    """(line, module, name or None) of every import of the project's own code in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(OWN):
                    yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.startswith(OWN):
            for alias in node.names:
                yield node.lineno, node.module, alias.name


def resolves(module: str, name: str | None) -> bool:
    """True when ``import module`` (and ``module.name``, an attribute or a submodule) works."""
    if importlib.util.find_spec(module) is None:
        return False
    if name is None or name == "*":
        return True
    mod = importlib.import_module(module)
    return hasattr(mod, name) or importlib.util.find_spec(f"{module}.{name}") is not None


def test_every_import_of_our_own_modules_resolves():
    broken = []
    for folder in FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "templates" in path.parts:  # text the PyTorch export fills in, not our modules
                continue
            for line, module, name in own_imports(path):
                if not resolves(module, name):
                    where = path.relative_to(ROOT).as_posix()
                    broken.append(f"{where}:{line} {module}{'.' + name if name else ''}")
    assert broken == []


def test_the_check_finds_a_stale_import(tmp_path):
    stale = tmp_path / "stale.py"
    stale.write_text("def later():\n    from engine.design_sections import normalise_training\n"
                     "    from engine.design import no_such_name\n    import engine.no_such\n")
    found = [(m, n) for _, m, n in own_imports(stale) if not resolves(m, n)]
    assert found == [("engine.design_sections", "normalise_training"),
                     ("engine.design", "no_such_name"), ("engine.no_such", None)]
