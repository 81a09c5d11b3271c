"""Reading data files: CSV (header row, one label column) and NPZ (x_train, y_train, x_val, y_val).

Errors name the place: ``data.csv: row 17, column "age": not a number: "n/a"``. Row numbers are
line numbers in the file (the header is row 1), as a spreadsheet or editor shows them.
CSV: comma-separated; a file whose header has no comma but semicolons (or tabs) is read with that
separator, and with ``;`` a decimal comma is accepted ("3,5"). Blank lines are skipped.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.errors import BadInput
from engine.input_files import check_input_file, read_input_file, shown

from engine.limits import MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_VALUES, quote  # noqa: E402
CROSS_NAMES = ("x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)")


class DataFileError(BadInput):
    """Bad content in a data file. Its path names the file, so ``at()`` adds no design prefix."""

    def at(self, prefix: str) -> "DataFileError":
        return self


@dataclass
class RawData:
    """A file's contents before targets are interpreted.

    x_train (n, d) float64; y_train (n, k) float64 or (n,) str; x_val/y_val likewise or None;
    feature_names (d,); target_names (k,).
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None
    y_val: np.ndarray | None
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]


def resolve(path: str, base_dir: Path | None) -> Path:
    """The file named by ``dataset.path``, relative to the design file's folder: a readable
    regular file of at most MAX_FILE_BYTES (BadInput naming ``dataset.path`` otherwise)."""
    try:
        p = Path(path).expanduser()
    except RuntimeError:  # "~user" of an unknown user
        p = Path(path)
    if not p.is_absolute():
        p = Path(base_dir or ".") / p
    try:
        check_input_file(p, MAX_FILE_BYTES, "dataset.path")
    except BadInput as err:
        if "not found" in err.message:
            raise BadInput(f"file not found: {shown(path)} (looked for {shown(p)})",
                           "dataset.path") from None
        raise
    return p


def _text(p: Path, name: str) -> str:
    data = read_input_file(p, MAX_FILE_BYTES, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise DataFileError(f"not UTF-8 text (byte {err.start})", name) from None
    if not text.strip():
        raise DataFileError("file is empty", name)
    if "\x00" in text:
        raise DataFileError("not a text file (contains NUL bytes)", name)
    return text


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    if "," in first:
        return ","
    return ";" if ";" in first else "\t" if "\t" in first else ","


def _csv_rows(text: str, name: str) -> tuple[list[str], list[list[str]], list[int], str]:
    """Header, data rows (stripped strings), their line numbers, and the separator."""
    delim = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delim)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells):
                continue
            if header is None:
                if len(cells) > MAX_COLUMNS:
                    raise DataFileError(f"the header has {len(cells):,} columns; at most "
                                        f"{MAX_COLUMNS:,}", f"{name}: row 1")
                header = [c or f"column {j + 1}" for j, c in enumerate(cells)]
                continue
            if len(cells) != len(header):
                raise DataFileError(f"has {len(cells)} values, the header has {len(header)} "
                                    f"columns", f"{name}: row {reader.line_num}")
            rows.append(cells)
            lines.append(reader.line_num)
            if len(rows) > MAX_ROWS or len(rows) * len(header) > MAX_VALUES:
                raise DataFileError(f"more than {MAX_ROWS:,} rows or {MAX_VALUES:,} values",
                                    name)
    except csv.Error as err:
        raise DataFileError(f"malformed CSV: {quote(str(err))}", f"{name}: row {reader.line_num}") \
            from None
    if header is None:
        raise DataFileError("file is empty (no header row)", name)
    seen: set[str] = set()
    dupes = {h for h in header if h in seen or seen.add(h)}  # linear in the columns
    if dupes:
        raise DataFileError(f"duplicate column name {quote(min(dupes))} in the header",
                            f"{name}: row 1")
    if not rows:
        raise DataFileError("no data rows after the header", name)
    return header, rows, lines, delim


def _parse(value: str, decimal_comma: bool) -> float:
    if decimal_comma:
        value = value.replace(",", ".")
    return float(value)


def _column(rows: list[list[str]], j: int, decimal_comma: bool) -> tuple[np.ndarray, int | None]:
    """Column j as float64 and the index of its first unparsable row (None if all parse)."""
    values = [row[j] for row in rows]
    if decimal_comma:
        values = [v.replace(",", ".") for v in values]
    try:                                   # fast path; the loop below finds the first bad cell
        return np.array(values, dtype=str).astype(np.float64), None
    except (ValueError, OverflowError):
        pass
    out = np.empty(len(rows), dtype=np.float64)
    for i, row in enumerate(rows):
        try:
            out[i] = _parse(row[j], decimal_comma)
        except (ValueError, OverflowError):
            return out, i
    return out, None


def _cut(text: str, limit: int = 80) -> str:
    """At most ``limit`` characters of a cell (the middle elided)."""
    return text if len(text) <= limit else f"{text[:limit // 2]}...{text[-(limit // 2 - 3):]}"


def _where(name: str, line: int, column: str) -> str:
    return f'{name}: row {line}, column "{_cut(column, 40)}"'


def _feature_columns(header: list[str], j_label: int, features: list[str] | None) -> list[int]:
    """Header indices of the feature columns: all but the label, or those named in order."""
    if features is None:
        return [j for j in range(len(header)) if j != j_label]
    cols = ", ".join(f'"{h}"' for h in header)
    idx = []
    for i, feat in enumerate(features):
        if feat not in header or header.index(feat) == j_label:
            what = "is the label column" if feat in header else "unknown feature"
            hint = (" (feature crosses apply only to generator data)"
                    if feat in CROSS_NAMES else "")
            raise BadInput(f'{what} "{feat}"{hint} (columns: {cols})', f"features[{i}]")
        idx.append(header.index(feat))
    return idx


def read_csv(p: Path, name: str, label_column: str | None,
             features: list[str] | None = None) -> RawData:
    """Read a CSV file: numeric feature columns (all others, or those named in ``features``)
    and one label column (default: the last)."""
    header, rows, lines, delim = _csv_rows(_text(p, name), name)
    label = header[-1] if label_column is None else label_column
    if label not in header:
        cols = ", ".join(f'"{h}"' for h in header)
        raise BadInput(f'no column "{label}" in {name} (columns: {cols})', "dataset.label_column")
    j_label = header.index(label)
    feat_idx = _feature_columns(header, j_label, features)
    if not feat_idx:
        raise DataFileError(f'no feature columns (only the label column "{label}")', name)
    dec = delim == ";"
    x = np.empty((len(rows), len(feat_idx)), dtype=np.float64)
    first_bad: tuple[int, int] | None = None
    for c, j in enumerate(feat_idx):
        col, bad = _column(rows, j, dec)
        x[:, c] = col
        if bad is not None and (first_bad is None or (bad, j) < first_bad):
            first_bad = (bad, j)
        nonfinite = np.flatnonzero(~np.isfinite(col[:bad]))
        if nonfinite.size and (first_bad is None or (nonfinite[0], j) < first_bad):
            first_bad = (int(nonfinite[0]), j)
    if first_bad is not None:
        i, j = first_bad
        value = rows[i][j]
        what = "missing value" if value == "" else (
            f'not a number: "{_cut(value)}"' if _column([rows[i]], j, dec)[1] is not None
            else f'not finite: "{_cut(value)}"')
        raise DataFileError(what, _where(name, lines[i], header[j]))
    y = _labels(rows, lines, j_label, header[j_label], name, dec)
    return RawData(x, y, None, None, tuple(header[j] for j in feat_idx), (label,))


def _labels(rows: list[list[str]], lines: list[int], j: int, label: str, name: str,
            dec: bool) -> np.ndarray:
    """(n, 1) float64 when every label is a number, else (n,) str class labels."""
    for i, row in enumerate(rows):
        if row[j] == "":
            raise DataFileError("missing label", _where(name, lines[i], label))
    col, bad = _column(rows, j, dec)
    if bad is not None:
        return np.array([row[j] for row in rows])
    nonfinite = np.flatnonzero(~np.isfinite(col))
    if nonfinite.size:
        i = int(nonfinite[0])
        raise DataFileError(f'not finite: "{_cut(rows[i][j])}"', _where(name, lines[i], label))
    return col.reshape(-1, 1)


def csv_preview(p: Path, name: str, n_rows: int = 5) -> tuple[list[str], list[list[str]]]:
    """The header and the first ``n_rows`` data rows of a CSV file, as text (for a preview
    and a label-column picker); BadInput naming the file when it cannot be read."""
    header, rows, _, _ = _csv_rows(_text(p, name), name)
    return header, rows[: max(0, int(n_rows))]


def csv_feature_count(p: Path, name: str, label_column: str | None) -> int:
    """Number of feature columns from the header alone (the label column excluded)."""
    header, _, _, _ = _csv_rows(_text(p, name), name)
    if label_column is not None and label_column not in header:
        cols = ", ".join(f'"{h}"' for h in header)
        raise BadInput(f'no column "{label_column}" in {name} (columns: {cols})',
                       "dataset.label_column")
    return len(header) - 1
