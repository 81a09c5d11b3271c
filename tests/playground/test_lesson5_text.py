"""Lesson 5's text says what the shipped comparison shows (issue 11, point 10): the lesson is run
as its comparison window runs it (shared initial weights, lockstep, 40 epochs) and every figure
the text quotes is checked against it."""
import re

import numpy as np


def test_lesson_5_text_quotes_what_its_comparison_shows(qapp):
    from engine.design.lessons import load_lesson
    from playground import engine_bridge
    from playground.classroom.compare_worker import CompareWorker
    lesson = load_lesson(5)
    worker = CompareWorker(engine_bridge.make_session)
    worker._cmd_build([d.design.to_dict() for d in lesson.designs], list(lesson.labels),
                      [str(lesson.base_dir)] * 3)
    at_init = _dead(worker.sessions[0].run(0))
    epochs = lesson.run_epochs
    worker._train(worker.sessions[0].steps_per_epoch * epochs)
    high, low, leaky = (h.arrays() for h in worker.histories)
    text = lesson.text
    quoted = {int(m) for m in re.findall(r"about (\d+) %", text)}
    dead_high, dead_low = _last_dead(high), _last_dead(low)
    assert round(100 * dead_high) in _near(quoted) and round(100 * dead_low) in _near(quoted)
    assert round(100 * at_init) in _near(quoted)
    assert _last_dead(leaky) == 0.0  # leaky units are never dead (negative everywhere: shown)
    assert np.nanmax(leaky["negative_fraction"]) > 0
    acc = {name: float(h["val_accuracy"][np.isfinite(h["val_accuracy"])][-1])
           for name, h in (("high", high), ("low", low), ("leaky", leaky))}
    stays = re.search(r"accuracy stays near (0\.\d+)", text)
    assert stays and abs(acc["high"] - float(stays.group(1))) < 0.05, acc
    assert "(accuracy 1.0)" in text and acc["low"] == 1.0
    assert "1.0 after 20" in text and acc["leaky"] == 1.0
    assert "86 %" not in text.split("(The reference run")[0]  # only as the reference's figure


def _dead(snap) -> float:
    from playground.history import dead_fraction
    values = [dead_fraction(ls) for ls in snap.layers if dead_fraction(ls) is not None]
    return float(np.mean(values))


def _last_dead(h) -> float:
    d = h["dead_fraction"][-1]
    return float(np.nanmean(d))


def _near(quoted: set[int]) -> set[int]:
    """A quoted "about N %" covers N-2 … N+2."""
    return {q + k for q in quoted for k in range(-2, 3)}
