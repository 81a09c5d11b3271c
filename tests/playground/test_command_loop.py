"""The training worker and the comparison worker share one command loop: the same commands
behave alike in both (pacing, divergence and error reports, the run requests' sequence numbers).

The workers are driven in the test's own thread (``_drain``) where a test needs no thread; the
pacing test runs each in its own thread, as the app does."""
import time

import pytest

from engine.errors import Diverged
from playground.classroom.compare_worker import CompareController, CompareWorker
from playground.command_loop import CommandLoop
from playground.pacing import FRAME_S
from playground.worker import TrainingController, TrainingWorker
from tests.helpers.app import COMPARE_DESIGN
from tests.helpers.fakes import FakeSession


class DivergingSession(FakeSession):
    """Raises Diverged once it passes step 4 (a learning rate far too high)."""

    def run(self, n):
        if self.t + n > 4:
            self.status = "diverged"
            raise Diverged(self.t + 1, 0, "d1")
        return super().run(n)


class NanSession(FakeSession):
    """Reports a divergence in its snapshot's status (as the engine's session does)."""

    def run(self, n):
        from dataclasses import replace
        snap = super().run(n)
        if self.t < 3:
            return snap
        self.status = "diverged"
        return replace(snap, status="diverged",
                       diverged_at={"step": 3, "layer_index": 0, "layer_id": "d1", "what": "loss"})


class BrokenSession(FakeSession):
    """A bug inside training: anything but BadInput."""

    def run(self, n):
        raise ZeroDivisionError("a bug in the engine")


BUILD = {"training": ("build", {"design": COMPARE_DESIGN}),
         "compare": ("build", {"designs": [COMPARE_DESIGN] * 2, "labels": ["A", "B"],
                               "base_dirs": [None, None]})}


def _built(kind: str, factory) -> CommandLoop:
    """A worker of ``kind`` (not started: the test drives it) with its build command queued."""
    worker = TrainingWorker(factory) if kind == "training" else CompareWorker(factory)
    name, kw = BUILD[kind]
    worker.post(name, **kw)
    return worker


def _step(frame) -> int:
    """The step a frame shows (a comparison's runs are in lockstep)."""
    runs = getattr(frame, "runs", None)
    snaps = [r.snapshot for r in runs] if runs is not None else [frame.snapshot]
    assert len({s.step for s in snaps}) == 1
    return snaps[0].step


class Signals:
    """Collects a worker's reports (the worker runs in this thread here: direct calls)."""

    def __init__(self, worker: CommandLoop):
        self.errors, self.problems, self.diverged = [], [], []
        worker.error.connect(self.errors.append)
        worker.problem.connect(lambda title, text: self.problems.append((title, text)))
        worker.diverged.connect(self.diverged.append)


@pytest.mark.parametrize("kind", BUILD)
def test_run_requests_echo_their_sequence_numbers(qapp, kind):
    worker = _built(kind, FakeSession)
    worker.post("play", seq=1)
    worker.post("step", n=3, seq=2)  # a step pauses first
    worker._drain(0)
    frame = worker.latest()
    assert _step(frame) == 3 and frame.extra["play_seq"] == 2 and not frame.extra["playing"]
    worker.post("play", seq=3)
    worker.post("pause", seq=4)
    worker._drain(0)
    assert not worker.playing and worker.latest().extra["play_seq"] == 4
    worker.post("reset", seq=5)
    worker._drain(0)
    frame = worker.latest()
    assert _step(frame) == 0 and frame.extra["play_seq"] == 5 and not frame.extra["playing"]


@pytest.mark.parametrize("kind", BUILD)
def test_the_speed_command_paces_both_alike(qapp, kind):
    worker = _built(kind, FakeSession)
    worker._drain(0)
    worker.post("speed", steps=3)
    worker._drain(0)
    assert worker.chunk_size() == 3 and worker.pacing.target_rate(10) == pytest.approx(3 / FRAME_S)
    t0 = time.perf_counter()
    worker._train(worker.chunk_size(), paced=True)
    worker._train(worker.chunk_size(), paced=True)  # one frame of catching up, no more
    assert worker.pacing.next_t >= t0 + 0.99 * FRAME_S  # the next chunk waits for its frame
    worker.post("speed", steps=0)  # auto: about 20 epochs a second, 10 steps an epoch
    worker.post("speed", steps=0, per_second=5)  # watch: one step at a time
    worker._drain(0)
    assert worker.chunk_size() == 1 and worker.pacing.target_rate(10) == 5.0
    assert worker.pacing.next_t == 0.0  # a new speed: the next chunk is due at once


@pytest.mark.parametrize("kind", BUILD)
def test_both_workers_keep_to_one_step_per_frame_in_their_thread(qtbot, kind):
    ctl = (TrainingController if kind == "training" else CompareController)(FakeSession)
    try:
        name, kw = BUILD[kind]
        ctl.post(name, **kw)
        qtbot.waitUntil(lambda: ctl.latest() is not None, timeout=15_000)
        ctl.post("speed", steps=1)  # one step per frame: 30 steps a second
        t0 = time.perf_counter()
        ctl.post("play", seq=1)
        qtbot.wait(500)
        ctl.post("pause", seq=2)
        qtbot.waitUntil(lambda: ctl.latest().extra["play_seq"] == 2, timeout=5_000)
        seconds = time.perf_counter() - t0
        steps = _step(ctl.latest())
        assert 1 <= steps <= seconds / FRAME_S + 3, (steps, seconds)  # never faster
    finally:
        ctl.shutdown()


@pytest.mark.parametrize("kind", BUILD)
@pytest.mark.parametrize("session", [DivergingSession, NanSession])
def test_both_workers_report_a_divergence_and_stop(qapp, kind, session):
    worker = _built(kind, session)
    got = Signals(worker)
    for seq in range(1, 7):  # the sixth step finds nothing left to train
        worker.post("step", n=1, seq=seq)
    worker._drain(0)
    assert not worker.playing
    assert len(got.diverged) == (1 if kind == "training" else 2)  # every run of the comparison
    info = got.diverged[0]
    assert info["step"] in (3, 5) and info["layer_id"] == "d1" and info["what"] == "loss"
    assert not got.errors and not got.problems
    if kind == "compare":
        assert [d["label"] for d in got.diverged] == ["A", "B"]
        assert worker.latest().stopped == ("diverged", "diverged")


@pytest.mark.parametrize("kind", BUILD)
def test_both_workers_report_errors_in_one_line_and_go_on(qapp, kind):
    worker = _built(kind, BrokenSession)
    got = Signals(worker)
    worker.post("step", n=1, seq=1)
    worker.post("no_such_command")
    worker._drain(0)
    assert got.errors[0] == "internal error (ZeroDivisionError): a bug in the engine"
    assert got.problems[0] == ("Training problem", got.errors[0])
    assert "unknown worker command 'no_such_command'" in got.errors[1]
    assert all("\n" not in e and "Traceback" not in e for e in got.errors)
    assert not worker.playing


@pytest.mark.parametrize("kind", BUILD)
def test_commands_that_need_a_session_are_refused_before_a_build(qapp, kind):
    worker = TrainingWorker(FakeSession) if kind == "training" else CompareWorker(FakeSession)
    got = Signals(worker)
    worker.post("play", seq=1)
    edit = ("lr", {"value": 0.1}) if kind == "training" else ("toggle", {"layer_type": "dropout"})
    worker.post(edit[0], **edit[1])
    worker._drain(0)
    assert not worker.playing and worker.latest().extra["play_seq"] == 1
    assert got.errors == [f"there is no trained model yet: fix the design problem reported "
                          f"before ({edit[0]} ignored)"]


def test_the_comparison_window_follows_a_race_that_ended_by_itself(qtbot, make_compare):
    from tests.helpers.fakes import EpochSession
    design = dict(COMPARE_DESIGN, training={"batch_size": 32, "epochs": 2})
    win = make_compare([("A", design), ("B", design)],
                       factory=lambda d, b, dev: EpochSession(d, b, dev))
    qtbot.waitUntil(lambda: len(win.runs()) == 2, timeout=30_000)
    win.speed.setValue(10)
    win.play()
    qtbot.waitUntil(lambda: not win.play_button.isChecked(), timeout=30_000)
    assert [r.stopped for r in win.runs()] == ["finished", "finished"]
    assert [r.step for r in win.runs()] == [20, 20]
