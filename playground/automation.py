"""The app's automation modes: --screenshot and --measure-ui (both work offscreen)."""
from __future__ import annotations

import copy
import os
import sys
import time
from typing import Any, Callable

from playground import engine_bridge

BUILD_TIMEOUT_S = 300.0


def _pump(app: Any, until: Callable[[], bool], timeout: float, errors: list[str]) -> bool:
    """Run the Qt event loop until ``until()`` holds (True), an error arrives or ``timeout``
    seconds pass (False). A real event loop, not processEvents + sleep: timers fire on time
    and the UI thread never idles while events wait."""
    from PySide6.QtCore import QEventLoop, QTimer
    t_end = time.perf_counter() + timeout
    state = {"ok": False}
    loop = QEventLoop()

    def check() -> None:
        if errors:
            loop.quit()
        elif until():
            state["ok"] = True
            loop.quit()
        elif time.perf_counter() > t_end:
            loop.quit()

    check()
    if state["ok"] or errors:
        return state["ok"]
    timer = QTimer()
    timer.timeout.connect(check)
    timer.start(5)
    loop.exec()
    timer.stop()
    return state["ok"]


def _watch_errors(win: Any) -> list[str]:
    errors: list[str] = []
    win.worker.error.connect(errors.append)
    win.notify = lambda title, text: errors.append(f"{title}: {text}")
    return errors


def _ended(frame: Any) -> bool:
    """The run has ended (finished its epochs, stopped early or diverged): no more steps come."""
    return getattr(frame.snapshot, "status", "running") != "running"


def _wait_built(app: Any, win: Any, errors: list[str]) -> bool:
    ok = _pump(app, lambda: win.controller.latest() is not None, BUILD_TIMEOUT_S, errors)
    if not ok:
        print("error: " + (errors[0] if errors else "the session was not built in time"),
              file=sys.stderr)
    return ok


def trained(app: Any, win: Any, steps: int) -> tuple[int | None, list[str]]:
    """Wait for the session, train ``steps`` steps with every dashboard drawn and let the worker
    compute the final views: (None, the errors seen) or (the exit code, ...) when it failed."""
    errors = _watch_errors(win)
    win.draw_all = True
    if not _wait_built(app, win, errors):
        win.shutdown()
        return 2, errors
    code = train_steps(app, win, steps, errors)
    if code is not None:
        return code, errors
    serial = win.controller.latest().serial
    win.controller.post("refresh")  # the final boundary and confusion matrix
    _pump(app, lambda: win.controller.latest().serial > serial, 30.0, errors)
    return None, errors


def screenshot(app: Any, win: Any, out: str, steps: int) -> int:
    """Train ``steps`` steps, let every dashboard draw, save the window as PNG; exit code."""
    code, errors = trained(app, win, steps)
    if code is not None:
        return code
    t_end = time.perf_counter() + 0.5
    _pump(app, lambda: time.perf_counter() > t_end, 1.0, [])
    win.on_timer()
    from playground.classroom.presentation import restyle_now
    restyle_now(win)
    app.processEvents()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    from playground.image_files import save_png
    ok = save_png(win.grab(), out)
    win.shutdown()
    if not ok:
        print(f"error: could not write {out}", file=sys.stderr)
        return 2
    print(f"screenshot: {out}")
    return 0


def train_steps(app: Any, win: Any, steps: int, errors: list[str]) -> int | None:
    """Train ``steps`` steps (in about 60 chunks, so the time plots get points); None when
    done (or the run ended before), else the exit code after shutting the window down."""
    if steps > 0:
        chunk = max(1, steps // 60)
        for start in range(0, steps, chunk):
            win.controller.post("step", n=min(chunk, steps - start))
        done = _pump(app, lambda: (f := win.controller.latest()) is not None
                     and f.snapshot is not None and (f.snapshot.step >= steps or _ended(f)),
                     600.0, errors)
        frame = win.controller.latest()
        if done and frame.snapshot.step < steps:
            print(f"note: training {frame.snapshot.status} at step {frame.snapshot.step}, "
                  f"before the {steps} steps asked for", file=sys.stderr)
        if not done and errors:
            print(f"error: {errors[0]}", file=sys.stderr)
            win.shutdown()
            return 3 if "diverged" in errors[0] else 2
    return None


def measure_ui(app: Any, win: Any, seconds: float) -> int:
    """Train for ``seconds`` with all dashboards drawing; then the same design headless."""
    errors = _watch_errors(win)
    if not _wait_built(app, win, errors):
        win.shutdown()
        return 2
    win.on_screen_only = False  # issue 5: every dashboard counts as visible while measuring
    win.controller.post("step", n=1)  # compile / warm up outside the measured window
    _pump(app, lambda: (f := win.controller.latest()) is not None and f.snapshot is not None,
          BUILD_TIMEOUT_S, errors)
    step0 = win.controller.latest().snapshot.step
    frames0 = win.frames
    chunks0, steps0 = win.worker.chunks_run, win.worker.steps_run
    win.bar.speed.setValue(-1)  # max: the UI must not slow training down (issue 5)
    from playground.draw_clock import DrawClock
    clock = DrawClock()
    clock.install(win)  # the draw time of each dashboard (issue 16)
    win.controller.post("play")
    t0 = time.perf_counter()
    _pump(app, lambda: time.perf_counter() - t0 >= seconds, seconds + 1.0, errors)
    elapsed = time.perf_counter() - t0
    clock.uninstall()
    win.controller.post("pause")
    frame = win.controller.latest()
    steps = (frame.snapshot.step - step0) if frame is not None and frame.snapshot else 0
    fps = (win.frames - frames0) / elapsed
    n_chunks = max(win.worker.chunks_run - chunks0, 1)
    chunk = max(1, round((win.worker.steps_run - steps0) / n_chunks))  # the same cadence
    design = copy.deepcopy(win.applied)
    base = os.path.dirname(win.doc.path) if win.doc.path else None
    win.shutdown()
    if errors:
        print(f"error: {errors[0]}", file=sys.stderr)
    headless = headless_rate(design, base, chunk, min(seconds, 10.0), win.device)
    for line in clock.lines():
        print(line)
    print(f"measure-ui: fps={fps:.1f} steps_per_s={steps / elapsed:.1f} "
          f"headless_steps_per_s={headless:.1f}")
    return 0


def headless_rate(design: dict, base_dir: str | None, chunk: int, seconds: float,
                  device: str = "cpu") -> float:
    """Steps per second of ``session.run(chunk)`` in a loop, without any UI."""
    session = engine_bridge.make_session(design, base_dir, device)
    session.run(1)
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds and not session.finished:
        session.run(chunk)
        done += chunk
    return done / max(time.perf_counter() - t0, 1e-9)
