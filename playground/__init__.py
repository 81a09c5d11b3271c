"""Network Playground: the PySide6 + pyqtgraph desktop app and the command-line entry points."""
