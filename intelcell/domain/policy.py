"""The access decision: who may read what, per DESIGN.md section 2.

A user of member M reads an object when their clearance reaches the label's level, M is the
originator or within the label's expanded releasability, and they hold every restrictive caveat.
Anything else means the object does not exist for them; callers must not reveal it in any way.
"""

from __future__ import annotations

from dataclasses import dataclass

from intelcell.domain.label import NATO_LEVELS, NATO_POLICY, Label, LabelError, Vocabulary, parse
from intelcell.domain.registry import Registry

ROLES = ("analyst", "coordinator", "admin")


@dataclass(frozen=True)
class Clearance:
    """A personal security clearance, held in NATO levels, with the caveats its holder has."""

    level: int
    caveats: frozenset[str] = frozenset()

    def text(self) -> str:
        """The clearance as ``NATO <LEVEL>``."""
        return f"{NATO_POLICY} {NATO_LEVELS[self.level]}"


def parse_clearance(text: str, caveats: frozenset[str] = frozenset()) -> Clearance:
    """Parse ``NATO SECRET`` (or just ``SECRET``) into a Clearance; raise LabelError."""
    words = " ".join(text.upper().split())
    if words.startswith(NATO_POLICY + " "):
        words = words[len(NATO_POLICY) + 1 :]
    if words not in NATO_LEVELS:
        raise LabelError(
            f"clearance '{text}' is not a NATO level: expected one of "
            + ", ".join(f"NATO {level}" for level in NATO_LEVELS)
        )
    return Clearance(level=NATO_LEVELS.index(words), caveats=caveats)


@dataclass(frozen=True)
class Viewer:
    """Whoever is asking: a user of a member with a clearance."""

    member: str
    clearance: Clearance


def releasability(label: Label, registry: Registry) -> frozenset[str]:
    """The member codes a label releases to.

    An empty REL TO means the policy's own community (NATO for the NATO policy, the member alone
    for a national label). The policy's owner (the NATO organisation, or the nation of a national
    label) always belongs: a nation's national information is never withheld from that nation.
    """
    if label.releasable_to:
        return registry.expand(label.releasable_to) | {label.policy}
    if label.policy == NATO_POLICY:
        return registry.expand((NATO_POLICY,)) | {NATO_POLICY}
    return frozenset({label.policy})


def can_read(viewer: Viewer, label: Label, originator: str, registry: Registry) -> bool:
    """Decide whether ``viewer`` may read an object under ``label`` contributed by ``originator``."""
    if viewer.clearance.level < label.level:
        return False
    if not label.restrictive_caveats <= viewer.clearance.caveats:
        return False
    return viewer.member == originator or viewer.member in releasability(label, registry)


def may_disseminate(viewer: Viewer, label: Label, originator: str) -> bool:
    """Decide whether ``viewer`` may share an object onward (federation, re-publication).

    ORCON (originator controlled) restricts onward dissemination to the originator.
    """
    return "ORCON" not in label.handling_caveats or viewer.member == originator


class NotAssignable(ValueError):
    """A label above what its submitter may assign (clearance or caveats)."""


def assignable(text: str, vocabulary: Vocabulary, viewer: Viewer, registry: Registry) -> Label:
    """Parse ``text`` and check ``viewer`` may assign it: read its own member's object under it.

    The one rule of exchange ingest, RFIs, person records and the oversight ledger. Raises
    LabelError for text that is not a label, NotAssignable for one above the viewer.
    """
    label = parse(text, vocabulary)
    if not can_read(viewer, label, viewer.member, registry):
        raise NotAssignable(f"label {label.text()} is above what you may assign (clearance or caveats)")
    return label
