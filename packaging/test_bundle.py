"""`make test-bundle`: the built archive, unpacked far from the checkout, run with an empty
environment on a fresh account, must train a shipped design and compile nothing.

1. unpack dist/network-playground-<version>-linux-x86_64.tar.gz into a new temporary folder and
   make it read-only; run as another account (``nobody``) when started as root
2. first start (fresh HOME): ``network-playground DESIGN --train-steps 200 --screenshot`` under
   ``env -i HOME=<fresh> PATH=/bin QT_QPA_PLATFORM=offscreen``: a PNG, within FIRST_S seconds
3. second start: the same within SECOND_S seconds
4. ``playground-train DESIGN --steps 200``: exit 0 and its summary
5. every run's log says numba compiled nothing (the shipped cache was used)
6. with --other-cpu: a copy whose cache claims another processor compiles once into the user's
   cache (the fallback), and its second start compiles nothing again (minutes on 2 cores)

Exit 0 when all holds; prints the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESIGN = "spiral_relu_batchnorm.json"
COUNT_RE = re.compile(r"numba compilations this run: (\d+)")
STATE_RE = re.compile(r"compiled engine (\w+) in")


class Failed(Exception):
    pass


def tarball() -> Path:
    found = sorted((ROOT / "dist").glob("network-playground-*-linux-x86_64.tar.gz"),
                   key=lambda p: p.stat().st_mtime)
    if not found:
        raise Failed("no dist/network-playground-*-linux-x86_64.tar.gz: run make bundle first")
    return found[-1]


def read_only(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            mode = path.stat().st_mode
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


class Account:
    """Runs the bundle with an empty environment and its own fresh HOME, as ``nobody`` when
    this script runs as root (a second account, and one that cannot write the bundle)."""

    def __init__(self, work: Path, name: str):
        self.home = work / name
        self.home.mkdir()
        self.as_nobody = hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("setpriv")
        if self.as_nobody:
            shutil.chown(self.home, "nobody", "nogroup")

    def run(self, argv: list[str], timeout: float = 900) -> tuple[float, subprocess.CompletedProcess]:
        env = ["env", "-i", f"HOME={self.home}", "PATH=/bin", "QT_QPA_PLATFORM=offscreen"]
        prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] \
            if self.as_nobody else []
        t0 = time.perf_counter()
        done = subprocess.run(prefix + env + argv, capture_output=True, text=True,
                              timeout=timeout, cwd=self.home)
        return time.perf_counter() - t0, done

    def log(self) -> str:
        path = self.home / ".local" / "state" / "network-playground" / "log" / "playground.log"
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def compiled(self) -> list[int]:
        return [int(n) for n in COUNT_RE.findall(self.log())]


def check(ok: bool, what: str) -> None:
    print(("  ok    " if ok else "  FAIL  ") + what, flush=True)
    if not ok:
        raise Failed(what)


def start(account: Account, app: Path, out: Path, limit: float, label: str) -> float:
    design = app / "_internal" / "resources" / "designs" / DESIGN
    seconds, done = account.run([str(app / "network-playground"), str(design),
                                 "--train-steps", "200", "--screenshot", str(out)])
    tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
    check(done.returncode == 0 and out.is_file() and out.read_bytes()[:4] == b"\x89PNG",
          f"{label}: trained 200 steps and wrote {out.name} (exit {done.returncode}) {tail}")
    check(seconds <= limit, f"{label}: {seconds:.1f} s (limit {limit:.0f} s)")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Test the built bundle (make test-bundle).")
    parser.add_argument("--first-s", type=float, default=float(os.environ.get("FIRST_S", 15)))
    parser.add_argument("--second-s", type=float, default=float(os.environ.get("SECOND_S", 8)))
    parser.add_argument("--other-cpu", action="store_true",
                        help="also test the fallback for a processor the cache was not built for")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="np-bundle-test-"))
    os.chmod(work, 0o755)
    try:
        return run_all(args, work)
    except Failed as err:
        print(f"test-bundle: FAILED: {err}", file=sys.stderr)
        return 1
    finally:
        for path in work.rglob("*"):  # read-only folders: make them removable again
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(work, ignore_errors=True)


def run_all(args: argparse.Namespace, work: Path) -> int:
    archive = tarball()
    print(f"test-bundle: {archive.name} ({archive.stat().st_size / 1e6:.0f} MB) in {work}")
    with tarfile.open(archive) as tar:
        tar.extractall(work / "opt", filter="tar")
    app = work / "opt" / "network-playground"
    check(sorted(p.name for p in (work / "opt").iterdir()) == ["network-playground"],
          "unpacks to one folder network-playground/")
    read_only(work / "opt")
    user = Account(work, "home")
    first = start(user, app, user.home / "first.png", args.first_s, "first start")
    second = start(user, app, user.home / "second.png", args.second_s, "second start")
    design = app / "_internal" / "resources" / "designs" / "digits_mlp_dropout.json"
    seconds, done = user.run([str(app / "playground-train"), str(design), "--steps", "200"])
    check(done.returncode == 0 and "steps/s" in done.stdout,
          f"playground-train trained {design.name} for 200 steps in {seconds:.1f} s "
          f"(exit {done.returncode})")
    for flag in ("network-playground", "playground-train"):
        _, done = user.run([str(app / flag), "--version"])
        check(done.returncode == 0 and re.search(r"\d+\.\d+", done.stdout) is not None,
              f"{flag} --version: {done.stdout.strip()}")
    states = STATE_RE.findall(user.log())
    check(states[:2] == ["copied", "ready"], f"shipped cache copied once, then reused: {states}")
    counts = user.compiled()
    check(len(counts) >= 3 and not any(counts), f"numba compiled nothing in any run: {counts}")
    result = {"first_start_s": round(first, 1), "second_start_s": round(second, 1),
              "archive_mb": round(archive.stat().st_size / 1e6), "as_other_account":
              bool(user.as_nobody)}
    if args.other_cpu:
        result.update(other_cpu(work, app))
    print("test-bundle: passed " + json.dumps(result))
    return 0


def other_cpu(work: Path, app: Path) -> dict:
    """A bundle whose cache was built for another processor: the first start compiles into the
    user's cache folder, the second compiles nothing."""
    copy = work / "other" / "network-playground"
    shutil.copytree(app, copy, symlinks=True)
    for path in [copy, *copy.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    manifest = copy / "_internal" / "numba_cache" / "manifest.json"
    data = json.loads(manifest.read_text())
    data["host"] = [data["host"][0], "another-cpu", data["host"][2]]
    manifest.write_text(json.dumps(data))
    read_only(work / "other")
    user = Account(work, "home-other")
    t0 = time.perf_counter()
    start(user, copy, user.home / "compiled.png", 1800, "other processor, first start")
    compile_s = time.perf_counter() - t0
    start(user, copy, user.home / "again.png", 60, "other processor, second start")
    counts = user.compiled()
    check(len(counts) == 2 and counts[0] > 0 and counts[1] == 0,
          f"compiled once ({counts[0] if counts else '?'} functions), then nothing: {counts}")
    return {"other_cpu_first_start_s": round(compile_s, 1), "other_cpu_compiled": counts[0]}


if __name__ == "__main__":
    sys.exit(main())
