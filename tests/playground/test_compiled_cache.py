"""The bundle's compiled engine (playground/compiled_cache.py): numba's cache built in one place
is used unchanged from another folder, by another account's cache folder, without compiling;
a changed source or another processor compiles (issue 13)."""
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

from playground import compiled_cache

ROOT = Path(__file__).resolve().parents[2]
MODULE = '''from numba import njit


@njit(cache=True, nogil=True)
def add_one(x):
    return x + {step}
'''
# Runs in a fresh process: the cache as the bundle uses it, then one call of pkg.kernels.add_one.
SCRIPT = '''
import sys
sys.path.insert(0, {src!r})
from playground import compiled_cache
if {bundle!r}:
    state = compiled_cache.prepare_bundle({src!r})
else:
    compiled_cache.register_locator({src!r}, {cache!r})
    compiled_cache.install_counter()
    state = "build"
from pkg.kernels import add_one
print(state, add_one(1), compiled_cache.compiled_count())
'''


def _source(folder: Path, step: int = 1) -> Path:
    (folder / "pkg").mkdir(parents=True)
    (folder / "pkg" / "__init__.py").write_text("")
    (folder / "pkg" / "kernels.py").write_text(MODULE.format(step=step))
    return folder


def _run(src: Path, cache: Path | None, home: Path, bundle: bool = False) -> list[str]:
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, NETWORK_PLAYGROUND_HOME=str(home), PYTHONPATH=str(ROOT))
    env.pop(compiled_cache.BUILD_ENV, None)
    env.pop("NUMBA_CACHE_DIR", None)
    code = SCRIPT.format(src=str(src), cache=str(cache), bundle=bundle)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=300, cwd=str(home))
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _ship(build_src: Path, build_cache: Path, dest: Path, host: list) -> Path:
    """A read-only 'bundle' at ``dest``: the sources and the cache built from them, with a
    manifest."""
    shutil.copytree(build_src, dest)  # new mtimes: only the content may matter
    shipped = dest / compiled_cache.SHIPPED_DIR
    shutil.copytree(build_cache, shipped)
    (shipped / compiled_cache.MANIFEST).write_text(json.dumps({"build": "b1", "host": host}))
    for path in shipped.rglob("*"):
        path.chmod(0o555 if path.is_dir() else 0o444)
    return dest


def test_cache_moves_with_the_sources_and_is_used_without_compiling(tmp_path):
    src = _source(tmp_path / "build" / "src")
    cache = tmp_path / "build" / "cache"
    assert _run(src, cache, tmp_path / "h0") == ["build", "2", "1"]  # compiled once
    assert list((cache / "pkg").glob("kernels.add_one-*.nbi"))  # relative to the source root
    assert not (src / "pkg" / "__pycache__").exists() or not list(
        (src / "pkg" / "__pycache__").glob("*.nbi"))
    host = compiled_cache.host_signature()
    app = _ship(src, cache, tmp_path / "elsewhere" / "app", host)
    for account in ("alice", "bob"):  # each account's first start copies, then loads
        home = tmp_path / account
        assert _run(app, None, home, bundle=True) == ["copied", "2", "0"]
        assert _run(app, None, home, bundle=True) == ["ready", "2", "0"]
        log = (home / "log" / "playground.log").read_text()
        assert "numba compilations this run: 0" in log
        copied = home / "cache" / "engine" / "b1" / "pkg"
        assert list(copied.glob("*.nbc"))
        for path in (copied, *copied.iterdir()):  # writable by the user (numba tests that)
            assert path.stat().st_mode & stat.S_IWUSR, path


def test_changed_source_or_other_processor_compiles_into_the_user_cache(tmp_path):
    src = _source(tmp_path / "build" / "src")
    cache = tmp_path / "build" / "cache"
    _run(src, cache, tmp_path / "h0")
    changed = _ship(src, cache, tmp_path / "changed", compiled_cache.host_signature())
    # another size too: Python's own .pyc (copied with the sources, mtime kept) checks the source's
    # size and its mtime in whole seconds, and a quick machine writes both versions in one second
    (changed / "pkg" / "kernels.py").write_text(MODULE.format(step=10))
    home = tmp_path / "h1"
    home.mkdir()
    assert _run(changed, None, home, bundle=True) == ["copied", "11", "1"]  # stale: recompiled
    other = _ship(src, cache, tmp_path / "other", ["x86_64-unknown-linux-gnu", "elsewhere", ""])
    home = tmp_path / "h2"
    home.mkdir()
    assert _run(other, None, home, bundle=True) == ["compile", "2", "1"]
    assert _run(other, None, home, bundle=True) == ["ready", "2", "0"]  # kept for next time
    manifest = json.loads((home / "cache" / "engine" / "b1" / "manifest.json").read_text())
    assert manifest["compiled_here"] and manifest["host"] == compiled_cache.host_signature()


def test_a_new_bundle_version_replaces_the_old_cache(tmp_path):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    user = tmp_path / "user"
    (user / "old-build").mkdir(parents=True)
    (shipped / compiled_cache.MANIFEST).write_text(json.dumps(
        {"build": "new-build", "host": compiled_cache.host_signature()}))
    folder, state = compiled_cache.install_cache(shipped, user)
    assert state == "copied" and folder == user / "new-build"
    assert sorted(p.name for p in user.iterdir()) == ["new-build"]
