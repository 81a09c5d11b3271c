"""README screenshots: ``python -m playground.classroom.shots OUTDIR``.

Opens (offscreen unless a display is set) lesson 1's comparison, the lesson 8 race and the main
window in presentation mode, trains them some steps and saves PNGs at projector size (1280×720).
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from playground.image_files import save_png

PROJECTOR = (1280, 720)


def _spin(app, seconds: float, until=None) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        if until is not None and until():
            return
        time.sleep(0.01)


def _train_comparison(app, win, steps: int) -> None:
    _spin(app, 120, until=lambda: len(win.runs()) == len(win.labels))
    win.speed.setValue(max(steps // 20, 1))
    win.play()
    _spin(app, 120, until=lambda: min(r.step for r in win.runs()) >= steps)
    win.pause()
    _spin(app, 1.0)


def _projector(win) -> None:
    """Presentation mode, at the projector's size (the offscreen screen is smaller)."""
    from PySide6.QtWidgets import QApplication

    from playground.classroom.presentation import fit_dashboards
    win.showNormal()
    win.resize(*PROJECTOR)
    QApplication.processEvents()
    fit_dashboards(win)


def comparison_shot(app, lesson_number: int, steps: int, out: Path, present: bool) -> Path:
    from engine.design.lessons import load_lesson
    from playground.classroom.compare_window import ComparisonWindow
    from playground.classroom.lessons_panel import lesson_plots
    lesson = load_lesson(lesson_number)
    win = ComparisonWindow([(d.label, d.design) for d in lesson.designs], lesson.base_dir,
                           title=f"Lesson {lesson.number}: {lesson.title}",
                           lesson_text=lesson.text, watch=lesson.watch,
                           plots=lesson_plots(lesson), details=tuple(lesson.dashboards))
    win.show()
    win.resize(*PROJECTOR)
    if present:
        win.set_presentation(True)
        _projector(win)
    _train_comparison(app, win, steps)
    save_png(win.grab(), out)
    win.close()
    win.shutdown()
    return out


def main_window_shot(app, steps: int, out: Path) -> Path:
    from playground.classroom.install import install_classroom
    from playground.main_window import MainWindow
    from PySide6.QtCore import QSettings
    settings = QSettings(str(out.with_suffix(".ini")), QSettings.IniFormat)
    win = MainWindow(settings=settings)
    win.files.ask = lambda: "discard"
    room = install_classroom(win)
    win.show()
    _spin(app, 60, until=lambda: win.controller.latest() is not None)
    room.set_presentation(True)
    _projector(win)
    win.draw_all = True
    room.toggle_play()
    _spin(app, 60, until=lambda: (f := win.controller.latest()) is not None
          and f.snapshot is not None and f.snapshot.step >= steps)
    room.toggle_play()
    _spin(app, 1.5)
    save_png(win.grab(), out)
    room.set_presentation(False)
    win.shutdown()
    win.close()
    Path(settings.fileName()).unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m playground.classroom.shots OUTDIR", file=sys.stderr)
        return 2
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from playground.theme import apply_theme
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    outdir = Path(args[0])
    outdir.mkdir(parents=True, exist_ok=True)
    made = [comparison_shot(app, 1, 600, outdir / "compare_lesson1.png", present=False),
            comparison_shot(app, 1, 600, outdir / "compare_lesson1_presentation.png",
                            present=True),
            comparison_shot(app, 8, 300, outdir / "race_lesson8.png", present=False),
            main_window_shot(app, 300, outdir / "main_presentation.png")]
    for path in made:
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
