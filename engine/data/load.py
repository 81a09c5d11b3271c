"""load_dataset: DataConfig -> DataSet (generate or read, subsample, split, flip, standardise)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.errors import BadInput
from engine.limits import quote
from engine.data.config import DataConfig
from engine.data.dataset import DataSet, make_dataset
from engine.data.digits import DIGITS_CLASSES, DIGITS_FEATURES, load_digits
from engine.data.files import CROSS_NAMES, RawData, csv_feature_count, read_csv, resolve
from engine.data.generators import GENERATORS
from engine.data.inline import parse_inline
from engine.data.labels import (Targets, class_target_values, encode_targets, from_numbers,
                                 from_text)
from engine.data.npz import npz_feature_count, read_npz
from engine.data.split import apply_class_fractions, flip_labels, split_indices
from engine.data.streams import data_streams


def n_features(cfg: DataConfig, base_dir: Path | None = None) -> int | None:
    """Number of model inputs the config gives, without generating data.

    Reads only a file's header (CSV) or ``x_train`` (NPZ); returns None for a file with a
    relative path when ``base_dir`` is None (only loading can tell).
    """
    if cfg.features is not None:
        return len(cfg.features)
    if cfg.kind == "generator":
        return len(GENERATORS[cfg.dataset].raw_names)
    if cfg.kind == "digits":
        return len(DIGITS_FEATURES)
    if cfg.kind == "inline":
        return int(parse_inline(cfg.dataset)[0].shape[1])
    path = cfg.dataset["path"]
    if base_dir is None and not Path(path).expanduser().is_absolute():
        return None
    p = resolve(path, base_dir)
    if p.suffix.lower() == ".npz":
        return npz_feature_count(p, path)
    return csv_feature_count(p, path, cfg.dataset["label_column"])


def _targets(y_train: np.ndarray, y_val: np.ndarray | None, where: str) -> tuple[Targets, int]:
    """Interpret train and validation targets together; returns targets and n_train."""
    n = y_train.shape[0]
    if y_val is None:
        both = y_train
    elif (y_train.ndim == 1) != (y_val.ndim == 1):
        raise BadInput("y_train and y_val must both hold numbers or both text labels", where)
    else:
        both = np.concatenate([y_train, y_val])
    t = from_text(both, where) if both.ndim == 1 else from_numbers(both)
    return t, n


def _select(raw: RawData, features: list[str] | None) -> tuple[RawData, list[int]]:
    """Pick feature columns by name (file/inline data); crosses are not allowed here."""
    names = list(raw.feature_names)
    if features is None:
        return raw, list(range(len(names)))
    idx = []
    for i, name in enumerate(features):
        if name not in names:
            hint = " (feature crosses apply only to generator data)" if name in CROSS_NAMES \
                else ""
            raise BadInput(f"unknown feature {quote(name)}{hint} (columns: {', '.join(names)})",
                           f"features[{i}]")
        idx.append(names.index(name))
    return raw, idx


def _check_hint(n: int, names: tuple[str, ...], hint: int | None) -> None:
    if hint is not None and int(hint) != n:
        raise BadInput(f"the data give {n} features ({', '.join(names[:8])}"
                       f"{', ...' if n > 8 else ''}) but model.input_dim is {hint}", "features")


def load_dataset(cfg: DataConfig, base_dir: Path | None = None, seed: int = 0,
                 input_dim_hint: int | None = None, loss: str | None = None) -> DataSet:
    """Build the DataSet a design describes.

    Parameters
    ----------
    cfg : the design's data section.
    base_dir : the design file's folder (file paths are relative to it).
    seed : the design's seed; all randomness comes from its data stream.
    input_dim_hint : the model's ``input_dim``; a different feature count is ``BadInput``.
    loss : the design's loss type; it decides the form of ``y_train``/``y_val`` of class data
        (``engine.data.labels.encode_targets``): class indices for sparse categorical
        cross-entropy and for None, one-hot rows for categorical cross-entropy, the numbers as
        given for mse, mae and binary cross-entropy. Task, classes and class balance do not
        depend on it.
    """
    rngs = data_streams(seed)
    if cfg.kind in ("generator", "digits"):
        return _builtin(cfg, rngs, input_dim_hint, loss)
    if cfg.kind == "inline":
        try:
            x_tr, y_tr, x_va, y_va = parse_inline(cfg.dataset)
        except BadInput as err:
            raise err.at("dataset") from err
        d = x_tr.shape[1]
        raw = RawData(x_tr, y_tr, x_va, y_va, tuple(f"x{j + 1}" for j in range(d)),
                      ("y",) if y_tr.ndim == 1 or y_tr.shape[1] == 1
                      else tuple(f"y{j + 1}" for j in range(y_tr.shape[1])))
        source = "inline data"
    else:
        path = cfg.dataset["path"]
        p = resolve(path, base_dir)
        raw = read_npz(p, path) if p.suffix.lower() == ".npz" else read_csv(
            p, path, cfg.dataset["label_column"], cfg.features)
        source = Path(path).name
    return _prepared(cfg, raw, rngs, input_dim_hint, source, loss)


def _encoded(t: Targets, y_tr: np.ndarray, y_va: np.ndarray, loss: str | None,
             names: tuple[str, ...]) -> dict:
    """make_dataset's target arguments: the loss's targets, their column names (``names``
    when they fit, else the class names of one-hot rows) and, for class data, the indices."""
    y_train, y_val = encode_targets(y_tr, t, loss), encode_targets(y_va, t, loss)
    k = y_train.shape[1]
    target_names = names[:k] if len(names) >= k else t.class_names
    out = {"y_train": y_train, "y_val": y_val, "target_names": target_names}
    if t.task != "regression":
        out.update(labels_train=y_tr, labels_val=y_va,
                   class_target_values=class_target_values(t, loss))
    return out


def _builtin(cfg: DataConfig, rngs: dict, hint: int | None, loss: str | None) -> DataSet:
    if cfg.kind == "digits":
        x, y = load_digits()
        t = Targets(y, "multiclass", DIGITS_CLASSES)
        raw = RawData(x, y, None, None, DIGITS_FEATURES, ("digit",))
        return _prepared(cfg, raw, rngs, hint, "digits", loss, targets=t)
    info = GENERATORS[cfg.dataset]
    features = list(cfg.features or info.raw_names)
    _check_hint(len(features), tuple(features), hint)
    x, y = info.function(cfg.samples, cfg.noise, rngs["generate"])
    y = y.reshape(-1, 1)
    classes = ("0", "1") if info.task == "binary" else ()
    t = Targets(y, info.task, classes)
    keep = apply_class_fractions(t, cfg.class_fractions, rngs["subsample"])
    x, t = x[keep], t.take(keep)
    tr, va = split_indices(t, cfg.train_fraction, rngs["split"])
    y_tr, y_va = flip_labels(t, tr, va, cfg.label_flip, rngs["flip"])
    source = f"{cfg.dataset} ({cfg.samples} samples, noise {cfg.noise:g})"
    return make_dataset(x[tr], x[va], **_encoded(t, y_tr, y_va, loss, ("y",)),
                        feature_names=features, crosses=features,
                        standardize=cfg.standardize, task=info.task, class_names=classes,
                        raw_names=info.raw_names, raw_domain=info.domain, source=source)


def _prepared(cfg: DataConfig, raw: RawData, rngs: dict, hint: int | None, source: str,
              loss: str | None, targets: Targets | None = None) -> DataSet:
    """Files, inline data and digits: select columns, interpret targets, subsample, split."""
    raw, cols = _select(raw, cfg.features)
    names = tuple(raw.feature_names[j] for j in cols)
    _check_hint(len(cols), names, hint)
    where = "dataset"
    t, n_tr = (targets, raw.x_train.shape[0]) if targets is not None else _targets(
        raw.y_train, raw.y_val, where)
    if t.task == "regression" and (cfg.label_flip > 0 or cfg.class_fractions):
        key = "label_flip" if cfg.label_flip > 0 else "class_fractions"
        raise BadInput("needs class labels; these data have regression targets", key)
    x_tr = raw.x_train[:, cols]
    if raw.x_val is None:
        keep = apply_class_fractions(t, cfg.class_fractions, rngs["subsample"])
        x_all, t = x_tr[keep], t.take(keep)
        tr, va = split_indices(t, cfg.train_fraction, rngs["split"])
        x_train, x_val = x_all[tr], x_all[va]
    else:
        x_va = raw.x_val[:, cols]
        t_tr, t_va = t.take(np.arange(n_tr)), t.take(np.arange(n_tr, t.y.shape[0]))
        k_tr = apply_class_fractions(t_tr, cfg.class_fractions, rngs["subsample"])
        k_va = apply_class_fractions(t_va, cfg.class_fractions, rngs["subsample"])
        x_train, x_val = x_tr[k_tr], x_va[k_va]
        t = t.with_y(np.concatenate([t_tr.y[k_tr], t_va.y[k_va]]))
        tr, va = np.arange(k_tr.size), np.arange(k_tr.size, k_tr.size + k_va.size)
    y_tr, y_va = flip_labels(t, tr, va, cfg.label_flip, rngs["flip"])
    return make_dataset(x_train, x_val, **_encoded(t, y_tr, y_va, loss, raw.target_names),
                        feature_names=names, crosses=None,
                        standardize=cfg.standardize, task=t.task, class_names=t.class_names,
                        raw_names=names, raw_domain=None, source=source)
