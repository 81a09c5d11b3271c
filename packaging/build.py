"""`make bundle`: build the standalone app and its archive (Linux, Windows, macOS).

1. PyInstaller (packaging/network-playground.spec) -> dist/network-playground/
2. precompile the engine's sources; trim (dangling links, symbols of libllvmlite on Linux)
3. build numba's cache inside the bundle by running the bundle itself: the app's warm-up and a
   trained design with every dashboard drawn, then ``playground-train`` on every shipped design;
   any function compiled after the warm-up is reported (the warm-up should cover it)
4. write the cache manifest (the processor it was built for) and the archive:
   dist/network-playground-<version>-<os>-<arch>.tar.gz (.zip on Windows and macOS)

Usage: python packaging/build.py [--skip-pyinstaller] [--quick]
"""
from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from playground.compiled_cache import BUILD_ENV, MANIFEST, SHIPPED_DIR, host_signature  # noqa: E402
from playground.paths import HOME_ENV, LOG_NAME, app_version  # noqa: E402

DIST = ROOT / "dist"
APP_DIR = DIST / "network-playground"
EXE = ".exe" if sys.platform == "win32" else ""
COUNT_RE = re.compile(r"numba compilations this run: (\d+)(?: \((.*)\))?")


def say(text: str) -> None:
    print(f"[bundle] {text}", flush=True)


def run_pyinstaller() -> None:
    work = ROOT / "build" / "pyinstaller"
    shutil.rmtree(APP_DIR, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(DIST), "--workpath", str(work),
                    str(ROOT / "packaging" / "network-playground.spec")], check=True)


def internal() -> Path:
    return APP_DIR / "_internal"


def tidy() -> None:
    """Precompile the engine (unchecked-hash .pyc: valid whatever the unpacked files' times),
    drop links to pruned libraries, strip libllvmlite's symbols (Linux)."""
    compileall.compile_dir(str(internal() / "engine"), quiet=1, workers=0,
                           invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH)
    for path in internal().rglob("*"):
        if path.is_symlink() and not path.exists():
            path.unlink()
    lib = internal() / "llvmlite" / "binding" / "libllvmlite.so"
    if lib.is_file() and shutil.which("strip"):
        subprocess.run(["strip", "--strip-unneeded", str(lib)], check=True)


def _env(home: Path, extra: dict | None = None) -> dict:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "QT_QPA_PLATFORM": "offscreen", HOME_ENV: str(home / "app")}
    for key in ("SYSTEMROOT", "TEMP", "TMP", "USERPROFILE", "LOCALAPPDATA", "APPDATA"):
        if key in os.environ:  # Windows needs these to start a process at all
            env[key] = os.environ[key]
    env.update(extra or {})
    return env


def _compiled(home: Path) -> list[tuple[int, str]]:
    """(count, names) of every finished run, from the app's log."""
    log = home / "app" / "log" / LOG_NAME
    text = log.read_text(encoding="utf-8") if log.is_file() else ""
    return [(int(m.group(1)), m.group(2) or "") for m in COUNT_RE.finditer(text)]


def warm_cache(quick: bool) -> dict:
    """Fill _internal/numba_cache by running the bundle; returns figures for the report."""
    cache = internal() / SHIPPED_DIR
    shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir()
    designs = sorted((internal() / "resources" / "designs").glob("*.json"))
    lessons = sorted((internal() / "resources" / "lessons").glob("*/*.json"))
    lessons = [p for p in lessons if p.name != "lesson.json"]
    with tempfile.TemporaryDirectory(prefix="np-bundle-") as tmp:
        home = Path(tmp)
        env = _env(home, {BUILD_ENV: str(cache)})
        t0 = time.perf_counter()
        app = [str(APP_DIR / f"network-playground{EXE}")]
        first = next((d for d in designs if d.name.startswith("spiral")), designs[0])
        subprocess.run(app + [str(first), "--train-steps", "200", "--screenshot",
                              str(home / "warm.png")], env=env, check=True, timeout=1800)
        warm_s = time.perf_counter() - t0
        for design in [] if quick else [d for d in designs if "sine" in d.name]:
            subprocess.run(app + [str(design), "--train-steps", "50", "--screenshot",
                                  str(home / "more.png")], env=env, check=True, timeout=600)
        train = [str(APP_DIR / f"playground-train{EXE}")]
        for design in designs[:2] if quick else designs + lessons:
            done = subprocess.run(train + [str(design), "--steps", "20", "--quiet"], env=env,
                                  timeout=600, stdout=subprocess.DEVNULL)
            if done.returncode not in (0, 3):  # 3: diverged, as some lessons are meant to
                raise SystemExit(f"playground-train failed on {design} ({done.returncode})")
        counts = _compiled(home)
    later = [(n, names) for n, names in counts[1:] if n]
    for n, names in later:
        say(f"warning: compiled after the warm-up ({n}): {names}")
    return {"warm_up_s": round(warm_s, 1), "compiled_by_warm_up": counts[0][0] if counts else 0,
            "compiled_later": sum(n for n, _ in later), "runs": len(counts)}


def write_manifest(figures: dict) -> dict:
    """The cache's identity: a user's start copies it only where ``host`` matches."""
    digest = hashlib.sha256()
    for path in sorted((internal() / "engine").rglob("*.py")):
        digest.update(path.relative_to(internal()).as_posix().encode())
        digest.update(path.read_bytes())
    import numba
    host = host_signature()
    digest.update(json.dumps([numba.__version__, sys.version, host]).encode())
    manifest = {"build": f"{app_version()}-{digest.hexdigest()[:16]}", "version": app_version(),
                "numba": numba.__version__, "python": platform.python_version(), "host": host,
                **figures}
    (internal() / SHIPPED_DIR / MANIFEST).write_text(json.dumps(manifest, indent=1),
                                                     encoding="utf-8")
    return manifest


def archive() -> Path:
    system = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(sys.platform,
                                                                           sys.platform)
    machine = platform.machine().lower().replace("amd64", "x86_64")
    stem = DIST / f"network-playground-{app_version()}-{system}-{machine}"
    if system == "linux":
        out = stem.with_name(stem.name + ".tar.gz")
        with tarfile.open(out, "w:gz", compresslevel=6) as tar:
            tar.add(APP_DIR, arcname=APP_DIR.name)
        return out
    out = stem.with_name(stem.name + ".zip")
    out.unlink(missing_ok=True)
    if system == "macos":  # zip -y keeps the symbolic links of Qt's frameworks
        subprocess.run(["zip", "-qry", str(out), APP_DIR.name], cwd=DIST, check=True)
    else:
        shutil.make_archive(str(stem), "zip", DIST, APP_DIR.name)
    return out


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-pyinstaller", action="store_true",
                        help="reuse dist/network-playground (re-warm and re-archive only)")
    parser.add_argument("--quick", action="store_true",
                        help="warm with fewer designs (CI smoke builds)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    if not args.skip_pyinstaller:
        say("PyInstaller …")
        run_pyinstaller()
    tidy()
    say("building numba's cache inside the bundle (the first run compiles the engine) …")
    figures = warm_cache(args.quick)
    manifest = write_manifest(figures)
    out = archive()
    say(f"{out.relative_to(ROOT)}: {size_mb(out):.0f} MB (unpacked {size_mb(APP_DIR):.0f} MB); "
        f"warm-up compiled {figures['compiled_by_warm_up']} functions in "
        f"{figures['warm_up_s']} s, {figures['compiled_later']} more after it; build "
        f"{time.perf_counter() - t0:.0f} s; cache for {manifest['host'][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
