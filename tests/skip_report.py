"""Skip reasons across the pytest runs of ``make test``, summed up in one line at the end.

As a pytest plugin (``-p tests.skip_report``) it appends each skipped test's reason to the file
named by ``$SKIP_REPORT`` (one JSON object a line); ``python -m tests.skip_report FILE`` prints
``skipped N tests: <count> <reason>; ...`` (or that nothing was skipped) and removes the file.
"""
from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

HINTS = [(re.compile(r"torch", re.I), "need PyTorch (make test-all installs torch==2.13.0)"),
         (re.compile(r"cuda|gpu", re.I), "need a CUDA GPU"),
         (re.compile(r"display|xvfb|x11", re.I), "need a display")]


def _reason(text: str) -> str:
    for pattern, hint in HINTS:
        if pattern.search(text):
            return hint
    text = " ".join(text.split())
    return text if len(text) <= 70 else text[:67] + "..."


def pytest_runtest_logreport(report) -> None:  # noqa: ANN001 - pytest hook
    path = os.environ.get("SKIP_REPORT")
    if not path or not report.skipped:
        return
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    reason = reason.removeprefix("Skipped: ")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"test": report.nodeid, "reason": reason}) + "\n")


def summary(path: str | os.PathLike[str]) -> str:
    """One line: how many tests were skipped and why (grouped)."""
    p = Path(path)
    rows = [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines()] \
        if p.exists() else []
    if not rows:
        return "skipped: nothing (every test ran)"
    counts = Counter(_reason(r["reason"]) for r in rows)
    parts = "; ".join(f"{n} {why}" for why, n in counts.most_common())
    return f"skipped {len(rows)} tests: {parts}"


if __name__ == "__main__":
    target = sys.argv[1]
    print(summary(target))
    Path(target).unlink(missing_ok=True)
