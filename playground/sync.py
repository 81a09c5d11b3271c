"""Turn the difference between the design the session runs and the edited design into the fewest
worker commands (Qt-free): live layer options, learning rate, optimiser, schedule, batch size,
``apply_model`` for structural edits, and a full rebuild for data/loss/seed changes."""
from __future__ import annotations

from typing import Any

from engine.layers import LAYERS, LIVE_NESTED

REBUILD_SECTIONS = ("data", "loss", "seed")
LIVE_TRAINING_KEYS = ("epochs", "early_stopping")  # the run's length: changed between steps


def _layer_live_changes(old: dict, new: dict) -> dict[str, Any] | None:
    """Options of one layer that can change mid-training (its type's ``live_keys``, declared on
    the engine's layer class), or None when the change is structural."""
    cls = LAYERS.get(new.get("type"))
    if cls is None or old.get("type") != new.get("type"):
        return None
    out: dict[str, Any] = {}
    for key in set(old) | set(new):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if key not in cls.live_keys:
            return None
        if key in LIVE_NESTED:
            out.update(_entry_changes(key, a or {}, b or {}))
        else:
            out[key] = b
    return out


def _entry_changes(key: str, old: dict, new: dict) -> dict[str, Any]:
    """The changed entries of an object-valued live option (``set_layer_option`` takes them one
    by one; None there means "leave", so a removed entry is sent as "off")."""
    out: dict[str, Any] = {}
    for entry in LIVE_NESTED[key]:
        a, b = old.get(entry), new.get(entry)
        if key == "kernel_regularizer":  # a missing penalty is no penalty
            a, b = float(a or 0.0), float(b or 0.0)
        if a == b:
            continue
        if key == "kernel_constraint":
            out[entry] = False if b is None else b  # False: constraint off
        elif b is not None:  # renorm_clipping: a removed limit keeps the current one
            out[entry] = b
    return out


def commands_for(old: dict | None, new: dict) -> list[tuple[str, dict]]:
    """Worker commands that take a session built from ``old`` to ``new``.

    Returns ``[("build", {...})]`` when the data, loss, seed, input size or training length
    changed (or there is no session yet); otherwise live changes and/or ``apply_model``.
    """
    if old is None:
        return [("build", {})]
    for key in REBUILD_SECTIONS:
        if old.get(key) != new.get(key):
            return [("build", {})]
    om, nm = old.get("model", {}), new.get("model", {})
    if om.get("input_dim") != nm.get("input_dim"):
        return [("build", {})]
    ot, nt = dict(old.get("training", {})), dict(new.get("training", {}))
    bs_old, bs_new = ot.pop("batch_size", None), nt.pop("batch_size", None)
    pairs = {k: (ot.pop(k, None), nt.pop(k, None)) for k in LIVE_TRAINING_KEYS}
    live = {k: b for k, (a, b) in pairs.items() if a != b}
    if ot != nt:
        return [("build", {})]
    cmds: list[tuple[str, dict]] = []
    if live:
        cmds.append(("training", live))
    cmds += _layer_commands(om.get("layers", []), nm.get("layers", []))
    oo, no = old.get("optimizer", {}), new.get("optimizer", {})
    if oo != no:
        rest_old = {k: v for k, v in oo.items() if k != "learning_rate"}
        rest_new = {k: v for k, v in no.items() if k != "learning_rate"}
        if rest_old == rest_new:
            cmds.append(("lr", {"value": float(no.get("learning_rate"))}))
        else:
            cmds.append(("optimizer", {"config": dict(no)}))
    if old.get("schedule") != new.get("schedule"):
        cmds.append(("schedule", {"config": dict(new.get("schedule") or {"type": "constant"})}))
    if bs_old != bs_new:
        cmds.append(("batch_size", {"value": bs_new}))
    return cmds


def keeps_weights(old: dict | None, new: dict) -> bool:
    """Whether a rebuild from ``old`` to ``new`` keeps the trained weights of the layers that
    survive it: yes, unless the seed changed (a new seed asks for new initial weights)."""
    return old is not None and old.get("seed") == new.get("seed")


def rebuild_label(old: dict | None, new: dict) -> str:
    """What a rebuild changes, for its marker: "data set spiral", "loss mse", "seed 3"."""
    if old is None:
        return "new run"
    parts = []
    od, nd = old.get("data") or {}, new.get("data") or {}
    if od.get("dataset") != nd.get("dataset"):
        ds = nd.get("dataset")
        parts.append(f"data set {ds if isinstance(ds, str) else 'from a file'}")
    elif od != nd:
        keys = sorted(k for k in set(od) | set(nd) if od.get(k) != nd.get(k))
        parts.append("data " + ", ".join(keys))
    ol, nl = old.get("loss") or {}, new.get("loss") or {}
    if ol.get("type") != nl.get("type"):
        parts.append(f"loss {nl.get('type')}")
    if ol.get("class_weight") != nl.get("class_weight"):
        weights = nl.get("class_weight")
        parts.append("class weights " + (weights if isinstance(weights, str) else
                                         "none" if weights is None else _pairs(weights)))
    if old.get("seed") != new.get("seed"):
        parts.append(f"seed {new.get('seed')}")
    ot, nt = old.get("training") or {}, new.get("training") or {}
    changed = sorted(k for k in set(ot) | set(nt) if ot.get(k) != nt.get(k)
                     and k not in LIVE_TRAINING_KEYS + ("batch_size",))
    if changed:
        parts.append("training " + ", ".join(changed))
    return "; ".join(parts) or "rebuilt"


def _pairs(weights: dict) -> str:
    return ", ".join(f"{k}: {v:g}" for k, v in weights.items())


def _layer_commands(old: list[dict], new: list[dict]) -> list[tuple[str, dict]]:
    if [l.get("id") for l in old] != [l.get("id") for l in new]:
        ids_old = {l.get("id") for l in old}
        added = [l for l in new if l.get("id") not in ids_old]
        removed = [l for l in old if l.get("id") not in {x.get("id") for x in new}]
        parts = [f"+{_name(l)}" for l in added] + [f"−{_name(l)}" for l in removed]
        label = " ".join(parts) if parts else "layers reordered"
        return [("apply_model", {"layers": [dict(l) for l in new], "label": label})]
    changes: list[tuple[str, dict]] = []
    for a, b in zip(old, new):
        if a == b:
            continue
        live = _layer_live_changes(a, b)
        if live is None:
            return [("apply_model", {"layers": [dict(l) for l in new],
                                     "label": _edit_label(a, b)})]
        if live:
            changes.append((str(b.get("id")), live))
    if not changes:
        return []
    # one edit, one command: applied at one step, one marker (switching every BN layer off)
    texts = {", ".join(f"{k}={_short(v)}" for k, v in live.items()) for _, live in changes}
    if len(texts) == 1:
        label = f"{', '.join(lid for lid, _ in changes)}: {texts.pop()}"
    else:
        label = "; ".join(f"{lid}: " + ", ".join(f"{k}={_short(v)}" for k, v in live.items())
                          for lid, live in changes)
    return [("layer_options", {"changes": changes, "label": label})]


def _edit_label(old: dict, new: dict) -> str:
    """"d1: units=64" for a structural edit of one layer (key names only for long values)."""
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    parts = [f"{k}={_short(new.get(k))}" if isinstance(new.get(k), (int, float, str, bool))
             else k for k in keys]
    return f"{new.get('id')}: {', '.join(parts)}" if parts else f"{new.get('id')} edited"


def _name(layer: dict) -> str:
    return str(layer.get("function") or layer.get("type"))


def _short(v: Any) -> str:
    if v is True:
        return "on"
    if v is False:
        return "off"
    return f"{v:g}" if isinstance(v, float) else str(v)
