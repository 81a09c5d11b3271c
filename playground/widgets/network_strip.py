"""The projector's compact network strip: the layer stack as one line that wraps."""
from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from playground.i18n import translate
from playground import catalog
from playground.document import DesignDocument, DocEvent


def strip_text(design: dict) -> str:
    """Rich text: "2 inputs → dense 16 → batch_norm (off) → relu → … · loss … · N params"."""
    layers = design.get("model", {}).get("layers", [])
    dims = catalog.output_dims(design)
    parts = [translate("NetworkStrip", "{0} inputs").format(
        design.get('model', {}).get('input_dim', '?'))]
    for cfg, (width, _) in zip(layers, dims):
        name = cfg.get("function") if cfg.get("type") == "activation" else cfg.get("type")
        text = f"<b>{html.escape(str(name))}</b>"
        if cfg.get("type") == "dense":
            text += f" {width}"
        elif cfg.get("type") in ("dropout", "alpha_dropout") and cfg.get("rate") is not None:
            text += f" {cfg.get('rate'):g}"
        if cfg.get("enabled") is False:
            text += translate("NetworkStrip", " (off)")
        parts.append(text)
    total = sum(p for _, p in dims)
    loss = design.get("loss", {}).get("type", "?")
    return " → ".join(parts) + translate(
        "NetworkStrip", " &nbsp;·&nbsp; loss {0} &nbsp;·&nbsp; {1:,} parameters").format(
        html.escape(str(loss)), total)


class NetworkStrip(QLabel):
    """Follows the document; shown instead of the layer stack in presentation mode."""

    def __init__(self, doc: DesignDocument, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("networkStrip")
        self.setTextFormat(Qt.RichText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.NoTextInteraction)
        self.setContentsMargins(10, 4, 10, 4)
        self.doc = doc
        self._handle = doc.subscribe(self._on_doc)
        self.refresh()

    def __repr__(self) -> str:
        return f"NetworkStrip({self.text()[:40]!r})"

    def _on_doc(self, event: DocEvent) -> None:
        if event.kind != "saved":
            self.refresh()

    def refresh(self) -> None:
        self.setText(strip_text(self.doc.design))
