"""A Keras-like model summary of the document's layer stack."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from playground import catalog
from playground.document import DesignDocument, DocEvent


def summary_text(design: dict) -> str:
    """Keras's ``model.summary()`` table: layer (type), output shape, parameter count; the
    columns as wide as their contents (the panel does not wrap lines)."""
    layers = design.get("model", {}).get("layers", [])
    counts = catalog.layer_counts(design)
    rows = []
    for cfg, (width, params, _) in zip(layers, counts):
        kind = cfg.get("function") if cfg.get("type") == "activation" else cfg.get("type")
        rows.append((f"{cfg.get('id')} ({kind})", f"(None, {width})", f"{params:,}"))
    heads = ("Layer (type)", "Output Shape", "Param #")
    w1 = max([len(heads[0])] + [len(r[0]) for r in rows]) + 2
    w2 = max([len(heads[1])] + [len(r[1]) for r in rows]) + 2
    w3 = max([len(heads[2])] + [len(r[2]) for r in rows])
    total = sum(c[1] for c in counts)
    trainable = sum(c[2] for c in counts)
    rule = "─" * (w1 + w2 + w3)
    lines = [f'Model: "{design.get("name", "design")}"', rule,
             f"{heads[0]:<{w1}}{heads[1]:<{w2}}{heads[2]:>{w3}}", "═" * len(rule)]
    lines += [f"{a:<{w1}}{b:<{w2}}{c:>{w3}}" for a, b, c in rows]
    lines += ["═" * len(rule), f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", rule]
    return "\n".join(lines)


class ModelSummary(QPlainTextEdit):
    """Read-only summary, refreshed on every document change; lines are never wrapped (the
    table scrolls sideways in a narrow panel)."""

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.NoWrap)
        font = QFont("monospace")
        font.setStyleHint(QFont.Monospace)
        font.setPointSize(9)
        self.setFont(font)
        self.doc = doc
        self._handle = doc.subscribe(self._on_doc)
        self.refresh()

    def _on_doc(self, event: DocEvent) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.setPlainText(summary_text(self.doc.design))
