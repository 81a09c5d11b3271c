"""Validation of a checkpoint's ``meta.json`` against the session it is restored into.

Every field is checked for type, range and consistency (``pos`` inside the training rows, the
running epoch's sums over exactly ``pos`` samples, ``epoch`` and ``step`` consistent, history rows
of known figures in order, schedule and early-stopping state of the schedule's own kind, the RNG
counters equal to the step and epoch they are derived from, the optimiser of the session's type).
Errors are BadInput at ``meta.json.<field>``; nothing is changed here.
"""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.limits import MAX_META_BYTES, MAX_STEP, quote
from engine.optimizers import OPTIMIZERS
from engine.session.history import bound_history
from engine.validation import check_batch_size, check_int, check_number, optional, positive

P = "meta.json."
STATUSES = ("running", "diverged", "early_stopped", "finished")
MAX_SEED = 2**63 - 1
MAX_EPOCHS = 1_000_000
MAX_BATCH = 1_000_000
MAX_EDGE = 1e30
HISTORY_KEYS = {"epoch", "step", "loss", "val_loss", "accuracy", "val_accuracy", "lr", "event"}
# schedule state keys (engine.schedules ... state_dict) -> (kind, low, high)
SCHEDULE_STATE = {"scale": ("float", 0.0, 1.0), "best": ("float?", 0.0, math.inf),
                  "wait": ("int", 0, MAX_EPOCHS), "cooldown_counter": ("int", 0, MAX_EPOCHS),
                  "lr0": ("positive?", 0.0, math.inf), "bound_total_steps": ("int?", 1, MAX_STEP)}


def parse_meta(d: dict[str, Any]) -> dict[str, Any]:
    """The JSON object in ``d["meta.json"]`` (a 0-d text array)."""
    if "meta.json" not in d:
        raise BadInput("missing in checkpoint", "meta.json")
    raw = np.asarray(d["meta.json"])
    if raw.shape != () or raw.dtype.kind != "U":
        raise BadInput(f"must be a 0-d text array, got {raw.dtype} {raw.shape}", "meta.json")
    text = str(raw)
    if len(text) > MAX_META_BYTES:
        raise BadInput(f"is {len(text):,} characters; at most {MAX_META_BYTES:,}", "meta.json")
    try:
        meta = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as err:
        raise BadInput(f"is not valid JSON ({quote(str(err))})", "meta.json") from None
    if not isinstance(meta, dict):
        raise BadInput(f"must be a JSON object, got {quote(meta)}", "meta.json")
    return meta


def _diverged_at(s: Any, at: Any) -> dict[str, Any] | None:
    if at is None:
        return None
    if not isinstance(at, dict):
        raise BadInput(f"must be an object or null, got {quote(at)}", P + "diverged_at")
    check_int(at.get("step"), P + "diverged_at.step", 0, MAX_STEP)
    check_int(at.get("layer_index"), P + "diverged_at.layer_index", 0, len(s.model.layers) - 1)
    if not isinstance(at.get("layer_id"), str) or at.get("what", "loss") not in (
            "loss", "gradient", "weights"):
        raise BadInput("needs layer_id (text) and what (loss, gradient or weights)",
                       P + "diverged_at")
    return {k: at[k] for k in ("step", "layer_index", "layer_id", "what") if k in at}


def _last(meta: dict[str, Any], diverged: bool) -> list[float | None]:
    """[last loss, last accuracy, epoch loss, epoch accuracy, val loss, val accuracy, lr, mom]."""
    last = meta.get("last")
    if not isinstance(last, list) or len(last) != 8:
        raise BadInput(f"must be a list of 8 figures, got {quote(last)}", P + "last")
    out: list[float | None] = []
    for i, v in enumerate(last):
        path = f"{P}last[{i}]"
        if i < 6 and i % 2 == 1:  # accuracies
            out.append(optional(check_number, v, path, 0.0, 1.0))
        elif i < 6:  # losses: not negative; non-finite only where the run diverged
            out.append(optional(check_number, v, path, 0.0, finite=not diverged))
        else:  # the learning rate (> 0) and the momentum / beta_1 (in [0, 1])
            out.append(positive(v, path) if i == 6 else check_number(v, path, 0.0, 1.0))
    return out


def _history(meta: dict[str, Any], epoch: int, step: int) -> list[dict[str, Any]]:
    history = meta.get("history")
    if not isinstance(history, list):
        raise BadInput(f"must be a list, got {quote(history)}", P + "history")
    if len(history) > epoch:
        raise BadInput(f"has {len(history):,} rows for {epoch:,} epochs", P + "history")
    last_epoch = 0
    for i, row in enumerate(history):
        path = f"{P}history[{i}]"
        if not isinstance(row, dict) or not set(row) <= HISTORY_KEYS or not {"epoch", "step"} <= set(row):
            raise BadInput(f"must be an object of {', '.join(sorted(HISTORY_KEYS))} with epoch "
                           f"and step, got {quote(row)}", path)
        e = check_int(row["epoch"], path + ".epoch", last_epoch + 1, epoch)
        check_int(row["step"], path + ".step", 0, step)
        last_epoch = e
        for key in ("loss", "val_loss"):
            optional(check_number, row.get(key), f"{path}.{key}", 0.0)
        for key in ("accuracy", "val_accuracy"):
            optional(check_number, row.get(key), f"{path}.{key}", 0.0, 1.0)
        optional(positive, row.get("lr"), path + ".lr")
        if "event" in row and not isinstance(row["event"], str):
            raise BadInput(f"must be text, got {quote(row['event'])}", path + ".event")
    return bound_history([dict(r) for r in history])


def counters(s: Any, meta: dict[str, Any]) -> dict[str, Any]:
    """The counters and figures of meta.json, each checked against session ``s``."""
    step = check_int(meta.get("step"), P + "step", 0, MAX_STEP)
    epoch = check_int(meta.get("epoch"), P + "epoch", 0, min(step, MAX_EPOCHS))
    if step > (epoch + 1) * s.n:  # every epoch has at most n steps (batches of >= 1 row)
        raise BadInput(f"is {step:,}, more than {epoch + 1:,} epochs of at most {s.n:,} steps "
                       f"can hold", P + "step")
    pos = check_int(meta.get("pos"), P + "pos", 0, s.n - 1)
    seed = check_int(meta.get("seed"), P + "seed", 0, MAX_SEED)
    status = meta.get("status")
    if status not in STATUSES:
        raise BadInput(f"must be one of {', '.join(STATUSES)}, got {quote(status)}", P + "status")
    ep = meta.get("ep")
    if not isinstance(ep, list) or len(ep) != 3:
        raise BadInput(f"must be [loss sum, accuracy sum, samples], got {quote(ep)}", P + "ep")
    samples = check_int(ep[2], P + "ep[2]", pos, pos)  # the running epoch's samples are pos
    ep = [check_number(ep[0], P + "ep[0]", 0.0, finite=status != "diverged"),
          check_number(ep[1], P + "ep[1]", 0.0, float(samples)), samples]
    rng = meta.get("rng", {"shuffle_epoch": epoch, "kernel_step": step})
    if rng != {"shuffle_epoch": epoch, "kernel_step": step}:
        raise BadInput(f"must be {{shuffle_epoch: {epoch}, kernel_step: {step}}} (derived from "
                       f"epoch and step), got {quote(rng)}", P + "rng")
    es = meta.get("early_stopping")
    if not isinstance(es, dict) or set(es) != {"best", "wait", "best_epoch"}:
        raise BadInput(f"must be {{best, wait, best_epoch}}, got {quote(es)}", P + "early_stopping")
    es = {"best": optional(check_number, es["best"], P + "early_stopping.best"),
          "wait": check_int(es["wait"], P + "early_stopping.wait", 0, epoch),
          "best_epoch": check_int(es["best_epoch"], P + "early_stopping.best_epoch", 0, epoch)}
    lr = positive(meta.get("learning_rate", s.optimizer.learning_rate), P + "learning_rate")
    return {"step_count": step, "epoch": epoch, "pos": pos, "seed": seed, "status": status,
            "diverged_at": _diverged_at(s, meta.get("diverged_at")), "_ep": ep,
            "last": _last(meta, status == "diverged"), "learning_rate": lr, "_es": es,
            "history": _history(meta, epoch, step)}


def check_optimizer(s: Any, meta: dict[str, Any]) -> None:
    """meta.json "optimizer": a valid config of the session's optimiser type (or absent)."""
    cfg = meta.get("optimizer")
    if cfg is None and "optimizer" not in meta:
        return
    opt = OPTIMIZERS.build(cfg, P + "optimizer")
    if opt.type_name != s.optimizer.type_name:
        raise BadInput(f"the checkpoint was written with {opt.type_name}, the session trains "
                       f"with {s.optimizer.type_name}", P + "optimizer.type")


def batch(s: Any, meta: dict[str, Any]) -> tuple[Any, int] | None:
    """(option, rows) of a batch size other than the session's, or None."""
    value = meta.get("batch_size", s.batch_size_option)
    if value == s.batch_size_option and type(value) is type(s.batch_size_option):
        return None
    check_batch_size(value, P + "batch_size", MAX_BATCH)
    return s._batch_rows(value, s.n)


def schedule_state(s: Any, meta: dict[str, Any]) -> dict[str, Any]:
    state = meta.get("schedule", {})
    path = P + "schedule"
    mine = s.schedule.state_dict()
    if not isinstance(state, dict) or set(state) != set(mine):
        raise BadInput(f"must hold {', '.join(mine) or 'nothing'} for a {s.schedule.type_name} "
                       f"schedule, got {quote(state)}", path)
    for key, value in state.items():
        kind, lo, hi = SCHEDULE_STATE.get(key, ("float?", -math.inf, math.inf))
        if value is None and kind.endswith("?"):
            continue
        if kind.startswith("int"):
            check_int(value, f"{path}.{key}", lo, hi)
        else:
            check_number(value, f"{path}.{key}", lo, hi, lo_open=kind.startswith("positive")
                         or key == "scale")
    return state


def edges(s: Any, meta: dict[str, Any]) -> np.ndarray | None:
    """Histogram edges per layer ([low, high], both NaN while unset), or None to keep."""
    raw = meta.get("edges")
    if raw is None:
        return None
    try:
        out = np.array(raw, np.float64)
    except (TypeError, ValueError, OverflowError):
        raise BadInput(f"must be a list of [low, high] pairs, got {quote(raw)}",
                       P + "edges") from None
    if out.shape != s.monitors.edges.shape:
        raise BadInput(f"must hold {s.monitors.edges.shape[0]} [low, high] pairs, got shape "
                       f"{out.shape}", P + "edges")
    for i, (lo, hi) in enumerate(out):
        unset = math.isnan(lo) and math.isnan(hi)
        if not unset and not (abs(lo) <= MAX_EDGE and abs(hi) <= MAX_EDGE and lo < hi):
            raise BadInput(f"must be finite with low < high, got [{lo}, {hi}]",
                           f"{P}edges[{i}]")
    return out
