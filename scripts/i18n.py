"""Refresh the German translation source and list what is not translated yet.

    python scripts/i18n.py                 # lupdate: .ts from every tr()/translate() in playground/
    python scripts/i18n.py --apply de.tsv  # fill translations: lines "context<TAB>source<TAB>German"
    python scripts/i18n.py --check         # list untranslated entries only (exit 1 if any)

Without ``--check`` it runs ``pyside6-lupdate`` (new strings come in as unfinished, strings no
longer in the code go), then lists every unfinished entry as ``context<TAB>source``: paste those
lines into a file, add the German after a second tab, and ``--apply`` it (or edit the .ts in
``pyside6-linguist``). ``make install`` compiles the .ts to the .qm the app loads.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "i18n" / "playground_de.ts"
HEADER = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'


def tool(name: str) -> str:
    """``pyside6-<name>`` beside this Python (the venv's), else on PATH."""
    here = Path(sys.executable).with_name(f"pyside6-{name}")
    return str(here) if here.exists() else f"pyside6-{name}"


def sources() -> list[str]:
    """Every Python file of the app, relative to the repository (stable .ts order)."""
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "playground").rglob("*.py"))


def update() -> None:
    """Run lupdate: no line numbers (the .ts does not change when code only moves)."""
    subprocess.run([tool("lupdate"), "-silent", "-locations", "none", "-no-obsolete",
                    "-target-language", "de_DE", *sources(), "-ts", str(TS)],
                   cwd=ROOT, check=True)


def unfinished(ts: Path = TS) -> list[tuple[str, str]]:
    """(context, source) of every entry without a finished translation."""
    out = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            tr = message.find("translation")
            if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") \
                    or not (tr.text or "").strip():
                if tr is None or tr.get("type") not in ("vanished", "obsolete"):
                    out.append((name, message.findtext("source", "")))
    return out


def apply(tsv: Path, ts: Path = TS) -> int:
    """Fill translations from ``context<TAB>source<TAB>German`` lines (``\\n`` for a newline);
    returns how many entries were filled."""
    wanted = {}
    for line in tsv.read_text(encoding="utf-8").splitlines():
        if line.count("\t") >= 2:
            context, source, german = line.split("\t", 2)
            wanted[(context, source.replace("\\n", "\n"))] = german.replace("\\n", "\n")
    tree = ET.parse(ts)
    filled = 0
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            key = (name, message.findtext("source", ""))
            if key in wanted:
                tr = message.find("translation")
                tr.text = wanted[key]
                tr.attrib.pop("type", None)
                filled += 1
    ET.indent(tree, space="    ")
    ts.write_text(HEADER + ET.tostring(tree.getroot(), encoding="unicode") + "\n",
                  encoding="utf-8")
    return filled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apply", type=Path, metavar="TSV", help="fill translations from TSV")
    parser.add_argument("--check", action="store_true", help="only list untranslated entries")
    args = parser.parse_args(argv)
    if args.apply:
        print(f"filled {apply(args.apply)} entries")
    if not args.check:
        update()  # after --apply too: lupdate's own layout, so that diffs stay small
    missing = unfinished()
    for context, source in missing:
        print(f"{context}\t{source}".replace("\n", "\\n"))
    print(f"{len(missing)} untranslated entries in {TS.relative_to(ROOT)}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
