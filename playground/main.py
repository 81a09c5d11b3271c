"""`playground` entry point: opens the app (a minimal window until the app lands)."""
from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="playground", description="Network Playground")
    parser.add_argument("design", nargs="?", help="design file to open")
    parser.add_argument("--design", dest="design_opt", help="design file to open")
    args = parser.parse_args(argv)
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    label = QLabel("Network Playground")
    label.resize(480, 240)
    label.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
