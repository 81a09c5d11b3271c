"""Every file the app writes goes through engine.atomic (issue 10): designs (engine
save_design), autosaves, checkpoints, screenshots, the desktop files and the compiled cache's
manifest. A scan of the app's sources finds no other way of writing a file."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: (file, what) written in another way on purpose
ALLOWED = {("playground/paths.py", "open:a"),  # the log file is appended to (logging's own)
           ("playground/compiled_cache.py", "os.rename"),  # a whole folder moved in at once
           ("playground/compiled_cache.py", "shutil.copyfile"),  # ... after its files are copied
           ("playground/image_files.py", "image.save"),  # into a memory buffer
           ("playground/autosave.py", "os.replace")}  # a checkpoint moved (renamed), not written
WRITE_METHODS = ("write_text", "write_bytes", "savez", "savez_compressed", "save", "tofile",
                 "copyfile", "copy", "copy2", "copytree", "dump")


def _writes(path: Path):
    """(what, line) of every way of writing a file in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "open":
            mode = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "mode"), None)
            text = mode.value if isinstance(mode, ast.Constant) else "r"
            if any(c in str(text) for c in "wax+"):
                yield f"open:{text}", node.lineno
        elif isinstance(func, ast.Attribute):
            owner = ast.unparse(func.value)
            if func.attr in ("replace", "rename") and owner == "os":
                yield f"os.{func.attr}", node.lineno
            elif func.attr in WRITE_METHODS and owner not in ("self", "settings", "box") \
                    and not owner.endswith(("layout", "window_layout")):
                if func.attr == "save" and not ("grab" in owner or "image" in owner.lower()
                                                or "pixmap" in owner.lower()):
                    continue  # QSettings, window_layout.save, ...: not files written here
                if func.attr == "dump" and owner != "json":
                    continue
                if func.attr.startswith("copy") and owner not in ("shutil",):
                    continue
                yield f"{owner}.{func.attr}", node.lineno


def test_the_app_writes_files_only_through_engine_atomic():
    found = []
    for path in sorted((ROOT / "playground").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for what, line in _writes(path):
            if (rel, what) not in ALLOWED:
                found.append(f"{rel}:{line} {what}")
    assert found == []


def test_the_scan_finds_the_ways_of_writing_a_file(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import os, shutil, json\n"
                   "open(p, 'w')\nopen(p, mode='ab')\nPath(p).write_text('x')\n"
                   "os.replace(a, b)\nwin.grab().save(out)\nshutil.copyfile(a, b)\n"
                   "json.dump(d, fh)\nnp.savez(fh, **d)\nopen(p)\nsettings.save()\n")
    assert [w for w, _ in _writes(bad)] == ["open:w", "open:ab", "Path(p).write_text",
                                            "os.replace", "win.grab().save", "shutil.copyfile",
                                            "json.dump", "np.savez"]


def test_a_screenshot_is_written_atomically(qtbot, tmp_path):
    from PySide6.QtGui import QPixmap

    from playground.image_files import save_png
    target = tmp_path / "shot.png"
    target.write_bytes(b"old")
    pixmap = QPixmap(20, 10)
    assert save_png(pixmap, target)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shot.png"]
    assert not save_png(pixmap, tmp_path)  # a folder: refused, nothing written
