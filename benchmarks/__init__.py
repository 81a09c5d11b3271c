"""Benchmarks for the Network Playground engine (GitHub issue 5): ``python -m benchmarks.run``."""
