"""The training worker's autosave commands: write a checkpoint of the running session (crash
recovery, playground/autosave.py) and restore one after the recovered design is built (a mixin
of :class:`playground.worker.TrainingWorker`)."""
from __future__ import annotations

import logging
from typing import Any

LOG = logging.getLogger("playground.autosave")


class AutosaveCommands:
    """``_cmd_checkpoint`` and ``_cmd_restore_checkpoint``; the worker provides ``session``,
    ``status``, ``_last_snap`` and ``_show_restored_run`` (playground.worker_run)."""

    session: Any
    _checkpoint_step: int | None = None

    def _cmd_checkpoint(self, path: str) -> None:
        """Write the session's checkpoint to ``path`` (atomically) when its step changed since
        the last one; nothing without a session or one that has no ``state_dict``. A checkpoint
        that cannot be written is logged and noted in the status line, never a dialog: the
        next autosave tries again."""
        if self.session is None or not callable(getattr(self.session, "state_dict", None)):
            return
        step = int(getattr(self.session, "step_count", -1))
        if step == self._checkpoint_step:
            return
        from engine.checkpoint import save_checkpoint
        from engine.errors import BadInput
        try:
            save_checkpoint(self.session, path)
        except (OSError, BadInput) as err:
            LOG.warning("autosave checkpoint not written: %s", err)
            self.status.emit(f"autosave: the run could not be saved ({err})")
            return
        self._checkpoint_step = step

    def _cmd_restore_checkpoint(self, path: str) -> None:
        """Restore the checkpoint at ``path`` into the session (built from the same design):
        the run goes on from its step, its epoch curve drawn again. BadInput (the session
        unchanged) when it does not fit."""
        from engine.checkpoint import load_checkpoint
        self.playing = False
        load_checkpoint(self.session, path)
        self._checkpoint_step = int(getattr(self.session, "step_count", -1))
        self._show_restored_run()
        self.status.emit(f"run restored at step {self._last_snap.step}")
