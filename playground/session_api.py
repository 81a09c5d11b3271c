"""The session seam: what the app's workers call on a training session (Qt-free).

``engine.session.TrainingSession`` is the one implementation the app builds (through
:func:`playground.engine_bridge.make_session`); the tests' stand-ins (tests/helpers/fakes.py)
implement the same protocol, and a test checks that both do.
"""
from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable

import numpy as np

from engine.snapshot import StepSnapshot


@runtime_checkable
class Session(Protocol):
    """A training session as the workers, the dashboards' helpers and the comparison use it."""

    data: Any  # x_train, y_train, x_val, y_val (and transform, raw_x_train, task when present)
    history: list  # one record (a dict with "step") per finished epoch
    epoch: int  # epochs finished
    epochs: int  # the run's length
    early_stopping: dict | None
    status: str  # running, finished, early_stopped, diverged

    @property
    def finished(self) -> bool: ...

    def run(self, n: int) -> StepSnapshot: ...

    def run_epoch(self) -> StepSnapshot: ...

    def snapshot(self) -> StepSnapshot: ...

    def reset(self, seed: int | None = None) -> None: ...

    def predict(self, x: np.ndarray, mc_dropout: int = 0) -> tuple[np.ndarray, Any]: ...

    def set_layer_option(self, layer_id: str, **options: Any) -> None: ...

    def set_learning_rate(self, lr: float) -> None: ...

    def set_optimizer(self, cfg: Any) -> None: ...

    def set_schedule(self, cfg: Any) -> None: ...

    def set_batch_size(self, batch_size: int | str) -> None: ...

    def apply_model(self, layer_configs: list[Any]) -> None: ...

    def get_weights(self) -> dict[str, np.ndarray]: ...

    def set_weights(self, d: dict[str, np.ndarray]) -> None: ...

    def weights_by_id(self) -> dict[str, dict[str, np.ndarray]]: ...

    def keep_weights(self, by_id: dict[str, dict[str, np.ndarray]]) -> list[str]: ...


#: builds a session from (design dict, folder of its relative paths, device)
SessionFactory = Callable[[dict, "str | None", str], Session]
