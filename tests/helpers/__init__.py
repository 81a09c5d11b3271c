"""Helpers shared by the test packages (imported by test modules, never the other way round)."""
