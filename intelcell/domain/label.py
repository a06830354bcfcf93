"""Confidentiality labels: the value type, its canonical text form and its structured form.

A label follows DESIGN.md section 2 (STANAG 4774-style): a policy, a classification in that
policy's scale, a permissive releasability list, restrictive and handling caveats, and an
optional TLP 2.0 marking. The canonical text is

    POLICY CLASSIFICATION [// REL TO A, B] [// CAVEAT, CAVEAT] [// TLP:LEVEL]

and ``render(parse(text))`` returns the canonical text for every valid input.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

NATO_POLICY = "NATO"

#: NATO classification scale, lowest first (DESIGN.md section 2).
NATO_LEVELS: tuple[str, ...] = (
    "UNCLASSIFIED",
    "RESTRICTED",
    "CONFIDENTIAL",
    "SECRET",
    "COSMIC TOP SECRET",
)
#: National policies use the same five levels with TOP SECRET at the top.
NATIONAL_LEVELS: tuple[str, ...] = (*NATO_LEVELS[:4], "TOP SECRET")

#: TLP 2.0 levels, least restrictive first.
TLP_LEVELS: tuple[str, ...] = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")


class LabelError(ValueError):
    """A label text or structure that is not valid; the message is the reason for the user."""


def scale(policy: str) -> tuple[str, ...]:
    """Return the classification words of a policy, lowest first."""
    return NATO_LEVELS if policy == NATO_POLICY else NATIONAL_LEVELS


@dataclass(frozen=True)
class Vocabulary:
    """What a label may name: member and community codes and the known caveats.

    Built from the member registry and the label policy data file, so partners extend it by
    editing data, not code.
    """

    members: frozenset[str]
    communities: frozenset[str]
    restrictive_caveats: frozenset[str]
    handling_caveats: frozenset[str] = field(default_factory=frozenset)

    def is_policy(self, code: str) -> bool:
        """Tell whether ``code`` may stand as a label's policy."""
        return code == NATO_POLICY or code in self.members


@dataclass(frozen=True, order=True)
class Label:
    """A confidentiality label; compare and hash by value."""

    policy: str
    classification: str
    releasable_to: frozenset[str] = frozenset()
    restrictive_caveats: frozenset[str] = frozenset()
    handling_caveats: frozenset[str] = frozenset()
    tlp: str | None = None

    @property
    def level(self) -> int:
        """Classification as an index 0..4, comparable across NATO and national policies."""
        return scale(self.policy).index(self.classification)

    @property
    def caveats(self) -> frozenset[str]:
        """All caveats, restrictive and handling."""
        return self.restrictive_caveats | self.handling_caveats

    @property
    def tlp_rank(self) -> int:
        """TLP as a rank: -1 when absent, then CLEAR=0 .. RED=4."""
        return -1 if self.tlp is None else TLP_LEVELS.index(self.tlp)

    def text(self) -> str:
        """The canonical text form."""
        return render(self)

    def to_json(self) -> dict[str, Any]:
        """The structured JSON form (the ``label`` object of the HTTP API)."""
        return {
            "policy": self.policy,
            "classification": self.classification,
            "releasable_to": sorted(self.releasable_to),
            "caveats": sorted(self.restrictive_caveats) + sorted(self.handling_caveats),
            "tlp": self.tlp,
        }


@functools.lru_cache(maxsize=4096)
def render(label: Label) -> str:
    """Render a label in canonical text form (cached: labels are immutable and few)."""
    parts = [f"{label.policy} {label.classification}"]
    if label.releasable_to:
        parts.append("REL TO " + ", ".join(sorted(label.releasable_to)))
    caveats = sorted(label.restrictive_caveats) + sorted(label.handling_caveats)
    if caveats:
        parts.append(", ".join(caveats))
    if label.tlp is not None:
        parts.append(f"TLP:{label.tlp}")
    return " // ".join(parts)


_SPACES = re.compile(r"\s+")


def parse(text: str, vocabulary: Vocabulary) -> Label:
    """Parse a label from its text form, case-insensitively; raise LabelError with the reason."""
    if not isinstance(text, str) or not text.strip():
        raise LabelError("label text is empty")
    segments = [_SPACES.sub(" ", s).strip() for s in text.upper().split("//")]
    if any(not s for s in segments):
        raise LabelError("empty segment between '//' separators")
    policy, classification = _parse_head(segments[0], vocabulary)
    releasable: list[str] | None = None
    caveats: list[str] = []
    tlp: str | None = None
    for segment in segments[1:]:
        if segment.startswith("REL TO"):
            if releasable is not None:
                raise LabelError("REL TO appears more than once")
            releasable = _split_list(segment[len("REL TO") :], "REL TO")
        elif segment.startswith("TLP:") or segment.startswith("TLP "):
            if tlp is not None:
                raise LabelError("TLP appears more than once")
            tlp = segment[4:].strip()
        else:
            caveats.extend(_split_list(segment, "caveat"))
    return build(policy, classification, releasable or [], caveats, tlp, vocabulary)


def _parse_head(head: str, vocabulary: Vocabulary) -> tuple[str, str]:
    policy, _, classification = head.partition(" ")
    if not vocabulary.is_policy(policy):
        raise LabelError(f"unknown policy '{policy}': expected NATO or a member code")
    if not classification:
        raise LabelError(f"missing classification after policy '{policy}'")
    return policy, classification


def _split_list(body: str, what: str) -> list[str]:
    items = [item.strip() for item in body.split(",")]
    if not any(items) or any(not item for item in items):
        raise LabelError(f"empty entry in {what} list")
    return items


def build(
    policy: str,
    classification: str,
    releasable_to: list[str],
    caveats: list[str],
    tlp: str | None,
    vocabulary: Vocabulary,
) -> Label:
    """Validate label parts against the vocabulary and return the Label; raise LabelError."""
    if not vocabulary.is_policy(policy):
        raise LabelError(f"unknown policy '{policy}': expected NATO or a member code")
    if classification not in scale(policy):
        raise LabelError(_wrong_scale(policy, classification))
    _check_unique(releasable_to, "REL TO")
    for code in releasable_to:
        if code not in vocabulary.members and code not in vocabulary.communities:
            raise LabelError(f"unknown member or community '{code}' in REL TO")
    _check_unique(caveats, "caveat")
    restrictive, handling = set(), set()
    for caveat in caveats:
        if caveat in vocabulary.restrictive_caveats:
            restrictive.add(caveat)
        elif caveat in vocabulary.handling_caveats:
            handling.add(caveat)
        else:
            raise LabelError(f"unknown caveat or label segment '{caveat}'")
    if tlp is not None and tlp not in TLP_LEVELS:
        raise LabelError(f"unknown TLP level '{tlp}': expected one of {', '.join(TLP_LEVELS)}")
    level = scale(policy).index(classification)
    if tlp == "CLEAR" and level > 0:
        raise LabelError(f"TLP:CLEAR (public disclosure) contradicts {policy} {classification}")
    return Label(
        policy,
        classification,
        frozenset(releasable_to),
        frozenset(restrictive),
        frozenset(handling),
        tlp,
    )


def _wrong_scale(policy: str, classification: str) -> str:
    if policy == NATO_POLICY and classification == "TOP SECRET":
        return "'TOP SECRET' is not a NATO classification: NATO's top level is COSMIC TOP SECRET"
    if policy != NATO_POLICY and classification == "COSMIC TOP SECRET":
        return f"'COSMIC TOP SECRET' is NATO's; the national top level of {policy} is TOP SECRET"
    return f"unknown classification '{classification}' for policy {policy}: expected one of " + (
        ", ".join(scale(policy))
    )


def _check_unique(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise LabelError(f"{what} entry '{item}' appears more than once")
        seen.add(item)


def from_json(data: Mapping[str, Any], vocabulary: Vocabulary) -> Label:
    """Build a label from its structured JSON form; raise LabelError on any defect."""
    if not isinstance(data, Mapping):
        raise LabelError("label must be an object or a text")
    unknown = set(data) - {"policy", "classification", "releasable_to", "caveats", "tlp"}
    if unknown:
        raise LabelError(f"unknown label field(s): {', '.join(sorted(unknown))}")
    policy, classification = data.get("policy"), data.get("classification")
    if not isinstance(policy, str) or not isinstance(classification, str):
        raise LabelError("label needs 'policy' and 'classification' strings")
    releasable, caveats = data.get("releasable_to") or [], data.get("caveats") or []
    tlp = data.get("tlp")
    for name, value in (("releasable_to", releasable), ("caveats", caveats)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise LabelError(f"label '{name}' must be a list of strings")
    if tlp is not None and not isinstance(tlp, str):
        raise LabelError("label 'tlp' must be a string or null")
    return build(
        policy.upper(),
        classification.upper(),
        [r.upper() for r in releasable],
        [c.upper() for c in caveats],
        tlp.upper() if tlp else None,
        vocabulary,
    )
