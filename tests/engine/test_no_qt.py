"""The engine never imports Qt, pyqtgraph or the app (STYLE.md convention 1)."""
import subprocess
import sys

BLOCKER = r"""
import sys, importlib, pkgutil
class Block:
    def find_spec(self, name, path=None, target=None):
        root = name.split('.')[0]
        if root in ('PySide6', 'PyQt5', 'PyQt6', 'shiboken6', 'pyqtgraph', 'playground'):
            raise ImportError('engine must not import ' + name)
        return None
sys.meta_path.insert(0, Block())
import engine
for mod in pkgutil.walk_packages(engine.__path__, 'engine.'):
    if '.cuda' in mod.name:
        continue
    importlib.import_module(mod.name)
print('ok')
"""


def test_engine_imports_without_qt():
    out = subprocess.run([sys.executable, "-c", BLOCKER], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("ok")
