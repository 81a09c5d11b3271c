"""The classroom: lessons panel, side-by-side comparisons (A/B and races), presentation mode.

The main window gets all of it with :func:`install_classroom` (``install_classroom(window)``).
"""
from playground.classroom.compare_window import ComparisonWindow, RunView
from playground.classroom.install import Classroom, install_classroom
from playground.classroom.lessons_panel import LessonsPanel
from playground.classroom.presentation import apply_presentation, is_presenting

__all__ = ["Classroom", "ComparisonWindow", "LessonsPanel", "RunView", "apply_presentation",
           "install_classroom", "is_presenting"]
