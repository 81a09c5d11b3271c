"""A Keras-like model summary of the document's layer stack."""
from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from playground import catalog
from playground.document import DesignDocument, DocEvent

NON_TRAINABLE = {"batch_norm": 0.5}  # moving mean and variance: half of BN's parameters


def summary_text(design: dict) -> str:
    """Keras's ``model.summary()`` table: layer (type), output shape, parameter count."""
    layers = design.get("model", {}).get("layers", [])
    dims = catalog.output_dims(design)
    rule = "─" * 58
    lines = [f'Model: "{design.get("name", "design")}"', rule,
             f"{'Layer (type)':<28}{'Output Shape':<16}{'Param #':>14}", "═" * 58]
    total = trainable = 0
    for cfg, (width, params) in zip(layers, dims):
        kind = cfg.get("function") if cfg.get("type") == "activation" else cfg.get("type")
        name = f"{cfg.get('id')} ({kind})"
        lines.append(f"{name:<28}{f'(None, {width})':<16}{params:>14,}")
        total += params
        frozen = cfg.get("trainable") is False
        if not frozen:
            trainable += int(params * (1 - NON_TRAINABLE.get(str(cfg.get("type")), 0.0)))
    lines += ["═" * 58, f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", rule]
    return "\n".join(lines)


class ModelSummary(QPlainTextEdit):
    """Read-only summary, refreshed on every document change."""

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        font = QFont("monospace")
        font.setStyleHint(QFont.Monospace)
        font.setPointSize(9)
        self.setFont(font)
        self.doc = doc
        self._handle = doc.subscribe(self._on_doc)
        self.refresh()

    def set_document(self, doc: DesignDocument) -> None:
        self._handle.remove()
        self.doc = doc
        self._handle = doc.subscribe(self._on_doc)
        self.refresh()

    def _on_doc(self, event: DocEvent) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.setPlainText(summary_text(self.doc.design))
