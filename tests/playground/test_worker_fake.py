"""The worker thread with a stand-in session: commands, frames, markers, errors."""
import threading

import pytest
from PySide6.QtCore import QObject

from playground.worker import TrainingController
from tests.helpers.fakes import FakeSession


@pytest.fixture
def controller(qtbot):
    ctl = TrainingController(lambda d, b, dev: FakeSession(d, b, dev, delay=0.002))
    yield ctl
    ctl.shutdown()


def _wait(qtbot, cond, timeout=15_000):
    qtbot.waitUntil(cond, timeout=timeout)


def test_play_publishes_frames_and_markers(qtbot, controller):
    controller.post("build", design={"optimizer": {"learning_rate": 0.5}})
    _wait(qtbot, lambda: controller.latest() is not None)
    assert controller.latest().boundary is not None
    controller.post("speed", steps=5)
    controller.post("play")
    _wait(qtbot, lambda: controller.latest().snapshot is not None
          and controller.latest().snapshot.step >= 50)
    controller.post("layer_options", changes=[("do1", {"enabled": False})],
                    label="do1: enabled=off")
    controller.post("lr", value=0.05)
    _wait(qtbot, lambda: len(controller.latest().markers) == 2)
    controller.post("pause")
    frame = controller.latest()
    assert [m[1] for m in frame.markers] == ["do1: enabled=off", "lr=0.05"]
    assert frame.history["loss"].shape[0] >= 10
    assert frame.history["grad_norm"].shape[1] == 3
    assert frame.confusion.sum() == 40
    session = controller.worker.session
    assert ("layer_option", "do1", {"enabled": False}) in session.calls
    assert session.lr == 0.05


class _Receiver(QObject):
    """Receives worker signals the way the app does: a bound method of a QObject that lives in the
    GUI thread, so the call is queued to that thread. (PySide6 runs a plain function or lambda,
    and pytest-qt's waitSignal blocker, in the emitting thread: a blocker on a worker signal can
    quit its event loop before the loop starts and then wait forever.)"""

    def __init__(self):
        super().__init__()
        self.got: list[tuple[str, str]] = []

    def on_error(self, text: str) -> None:
        self.got.append((text, threading.current_thread().name))


def test_error_in_worker_is_reported_and_thread_survives(qtbot, controller):
    receiver = _Receiver()
    controller.worker.error.connect(receiver.on_error)
    controller.post("lr", value=0.1)  # no session yet: reported, not fatal
    _wait(qtbot, lambda: len(receiver.got) > 0)
    text, thread = receiver.got[0]
    assert "no trained model yet" in text
    assert thread == threading.main_thread().name  # delivered in the GUI thread
    controller.post("build", design={})
    controller.post("step", n=3)
    _wait(qtbot, lambda: controller.latest() is not None and controller.latest().snapshot
          is not None and controller.latest().snapshot.step == 3)
    assert controller.thread.isRunning()
