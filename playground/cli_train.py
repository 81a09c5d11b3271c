"""`playground-train`: headless training (filled in by the design/CLI work)."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("playground-train: not available yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
