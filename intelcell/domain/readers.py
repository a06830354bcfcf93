"""Who may read an object under a label, in words: what the label picker shows before anything is stored.

`readers_of` derives the answer from the same rule as `policy.can_read` (a user of one of the
members, cleared to the level, holding every restrictive caveat) and `policy.may_disseminate`
(ORCON), so what the picker says and what the server enforces cannot drift apart; the tests check
the one against the other for generated labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from intelcell.domain.label import Label
from intelcell.domain.policy import Clearance, releasability
from intelcell.domain.registry import Registry

# TLP 2.0 (FIRST), in a sentence each: how far a reader may pass the information on.
TLP_MEANING = {
    "CLEAR": "TLP:CLEAR: readers may pass it on without limit.",
    "GREEN": "TLP:GREEN: readers may pass it on within their community, not publicly.",
    "AMBER": "TLP:AMBER: readers may pass it on only within their organisation and its clients, on a need-to-know.",
    "AMBER+STRICT": "TLP:AMBER+STRICT: readers may pass it on only within their own organisation.",
    "RED": "TLP:RED: for the named readers only; not to be passed on.",
}


@dataclass(frozen=True)
class Readers:
    """The users who may read an object: of these members, cleared this high, holding these caveats."""

    originator: str
    released: frozenset[str]  # the members the label releases to (policy.releasability)
    clearance: str  # the NATO level a reader's clearance must reach
    caveats: frozenset[str]
    only_originator_shares: bool  # ORCON
    tlp: str | None
    named: tuple[str, ...]  # the label's REL TO as written, communities and members, sorted

    @property
    def members(self) -> frozenset[str]:
        """Every member whose users may read it: the released ones and the originator."""
        return self.released | {self.originator}

    def sentence(self, registry: Registry) -> str:
        """The readers in words, e.g. "Readable by users of COALITION (87 members) and IRQ, cleared ..."."""
        originator = self.originator
        who = _who(self, registry)
        holding = f", holding {_and(sorted(self.caveats))}" if self.caveats else ""
        parts = [f"Readable by users of {who}, cleared {self.clearance} or higher{holding}."]
        if self.only_originator_shares:
            parts.append(f"ORCON: only {originator} may share it further (federation, re-publication).")
        if self.tlp:
            parts.append(TLP_MEANING[self.tlp])
        return " ".join(parts)


def readers_of(label: Label, originator: str, registry: Registry) -> Readers:
    """Who may read an object of ``originator`` under ``label`` (`policy.can_read`, stated positively)."""
    return Readers(
        originator=originator,
        released=releasability(label, registry),
        clearance=Clearance(label.level).text(),
        caveats=label.restrictive_caveats,
        only_originator_shares="ORCON" in label.handling_caveats,
        tlp=label.tlp,
        named=tuple(sorted(label.releasable_to)),
    )


def _who(readers: Readers, registry: Registry) -> str:
    """The members in words: communities by name and size, single members by code."""
    if readers.members == {readers.originator}:
        return f"{readers.originator} only"
    named = readers.named or _community_of(readers.released, registry)
    communities = [code for code in named if code in registry.communities]
    covered = registry.expand(communities)
    phrases = [f"{code} ({len(registry.communities[code].members)} members)" for code in communities]
    # Members by code, unless a community named already holds them; NATO as a member is the organisation.
    phrases += [
        f"{c} (the organisation)" if c in registry.communities else c for c in sorted(readers.members - covered)
    ]
    return _and(phrases)


def _community_of(released: frozenset[str], registry: Registry) -> tuple[str, ...]:
    """An empty REL TO in words: the community it stands for (NATO), or the one nation."""
    for code, community in sorted(registry.communities.items()):
        if released == community.members | ({code} & released):
            return (code,)
    return tuple(sorted(released))


def _and(words: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
