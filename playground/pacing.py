"""How fast a worker trains (Qt-free): the ``speed`` command's setting, the size of the next chunk
of steps and when it is due.

Speeds: ``steps`` > 0 is that many steps per frame, paced to FRAME_S; SPEED_AUTO is paced to about
AUTO_EPOCHS_PER_S epochs a second (in chunks of at most what fits in the chunk target time);
SPEED_MAX runs chunks of about the chunk target time, unpaced; ``per_second`` (the watch speeds)
is one step at a time, that many a second.
"""
from __future__ import annotations

CHUNK_TARGET_S = 0.025  # a chunk at max speed takes about this long (measured, adapted)
FRAME_S = 1 / 30  # the pace of "steps per frame": one chunk per UI frame
SPEED_AUTO, SPEED_MAX = 0, -1
AUTO_EPOCHS_PER_S = 20.0  # auto: the default 100-epoch run takes about five seconds to watch
AUTO_MIN_STEPS_PER_S = 30.0
MAX_CHUNK = 100_000


class Pacing:
    """The speed setting and the measured chunk size of one worker.

    Parameters
    ----------
    chunk_target_s : how long a chunk at max speed should take (the auto chunk adapts to it).
    """

    def __init__(self, chunk_target_s: float = CHUNK_TARGET_S):
        self.chunk_target_s = chunk_target_s
        self.steps_per_chunk = SPEED_AUTO
        self.per_second: float | None = None
        self.auto_chunk = 8  # the most steps that fit in about chunk_target_s (measured)
        self.next_t = 0.0  # perf_counter time the next paced chunk is due

    def __repr__(self) -> str:
        return (f"Pacing(steps={self.steps_per_chunk}, per_second={self.per_second}, "
                f"auto_chunk={self.auto_chunk})")

    def set_speed(self, steps: int, per_second: float | None = None) -> None:
        """The ``speed`` command: ``steps`` per frame (0 auto, -1 max) or ``per_second``."""
        self.per_second = float(per_second) if per_second else None
        self.steps_per_chunk = 1 if self.per_second else max(SPEED_MAX, int(steps))
        self.next_t = 0.0

    def restart(self) -> None:
        """Training starts (again): the next chunk is due at once."""
        self.next_t = 0.0

    def target_rate(self, steps_per_epoch: int | None) -> float | None:
        """Paced steps per second (None: as fast as possible)."""
        if self.per_second:
            return self.per_second
        if self.steps_per_chunk == SPEED_MAX:
            return None
        if self.steps_per_chunk > 0:
            return self.steps_per_chunk / FRAME_S
        return max(AUTO_EPOCHS_PER_S * float(steps_per_epoch or 1), AUTO_MIN_STEPS_PER_S)

    def chunk_size(self, steps_per_epoch: int | None) -> int:
        """Steps in the next chunk: the user's steps per frame, a frame's worth of the auto pace
        (at most the measured auto chunk) or, at max speed, the measured auto chunk."""
        if self.steps_per_chunk > 0:
            return self.steps_per_chunk
        if self.steps_per_chunk == SPEED_AUTO:
            want = max(1, int(round(self.target_rate(steps_per_epoch) * FRAME_S)))
            return min(want, self.auto_chunk)
        return self.auto_chunk

    def measured(self, n: int, seconds: float) -> None:
        """A chunk of ``n`` steps took ``seconds``: adapt the auto chunk towards the target time
        (grow it only from full chunks at auto or max speed; shrink it whenever one is slow)."""
        target = self.chunk_target_s
        if self.steps_per_chunk <= 0 and n >= self.auto_chunk and seconds > 0:
            want = n * target / seconds
            self.auto_chunk = int(min(max(0.5 * n + 0.5 * want, 1), 2 * n + 1, MAX_CHUNK))
        elif n < self.auto_chunk and seconds > 1.5 * target:
            self.auto_chunk = max(1, int(n * target / seconds))

    def ran(self, t0: float, n: int, steps_per_epoch: int | None) -> None:
        """A paced chunk of ``n`` steps started at ``t0``: when the next one is due (a late
        chunk does not make the next ones hurry by more than a frame)."""
        rate = self.target_rate(steps_per_epoch)
        if rate is not None:
            self.next_t = max(self.next_t, t0 - FRAME_S) + n / rate

    def wait_s(self, now: float) -> float:
        """Seconds until the next paced chunk is due (0 when due)."""
        return max(0.0, self.next_t - now)
