"""The classification banner of a page: the dominant label of what the page displays.

Every page shows it at the top and the bottom (issue 7). When the page displays nothing
labelled, the banner shows the lowest NATO marking, NATO UNCLASSIFIED.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from intelcell.cell import Cell
from intelcell.domain.dominance import NoCommonReleasability, dominant
from intelcell.domain.label import NATO_POLICY, Label, parse, scale


@dataclass(frozen=True)
class Banner:
    """A banner's text and its classification level (0 lowest .. 4), which picks its colour."""

    text: str
    level: int

    def to_json(self) -> dict[str, object]:
        """The banner as the map page's script receives it."""
        return {"text": self.text, "level": self.level}


def banner_for(cell: Cell, label_texts: Iterable[str]) -> Banner:
    """The banner of a page displaying information under ``label_texts`` (canonical label texts)."""
    labels = [parse(text, cell.vocabulary) for text in sorted(set(label_texts)) if text]
    if not labels:
        return Banner(Label(NATO_POLICY, scale(NATO_POLICY)[0]).text(), 0)
    try:
        combined = dominant(labels, cell.registry)
    except NoCommonReleasability:
        # No one label expresses the mix: mark the highest classification and point at the
        # per-item labels, which the page shows beside each item.
        top = max(labels, key=lambda label: label.level)
        return Banner(f"{top.policy} {top.classification} // MIXED RELEASABILITY: SEE EACH LABEL", top.level)
    return Banner(combined.text(), combined.level)
