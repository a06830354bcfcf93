"""Track identity from transponders, secure IFF and analysts (DESIGN.md section 4's seven values).

The rules, strongest first, follow the usual air-defence practice (STANAG 1241 identities):
1. an analyst's assignment stands until the analyst clears it;
2. Mode 3/A 7500 (unlawful interference) makes a track SUSPECT whatever else it squawks;
3. a valid secure IFF (Mode 5) reply makes it FRIEND;
4. an address on the administrator's hostile list makes it HOSTILE;
5. a Mode 3/A code the administrator lists as coalition makes it ASSUMED_FRIEND (Mode 3/A can be
   spoofed, hence "assumed");
6. a civil ADS-B/Mode S address (not in a military block) makes it NEUTRAL;
7. a confirmed track that has answered nothing after ``evaluation_updates`` plots is UNKNOWN;
8. anything else is PENDING: not yet evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass

from intelcell.domain.airpicture.model import Identity

HIJACK = "7500"


@dataclass(frozen=True, slots=True)
class IdentityRules:
    """Administrator-defined identity data: coalition codes, hostile and military addresses."""

    coalition_mode3a: frozenset[str] = frozenset()
    hostile_icao24: frozenset[str] = frozenset()
    military_icao24_prefixes: tuple[str, ...] = ()
    evaluation_updates: int = 5


@dataclass(frozen=True, slots=True)
class Evidence:
    """What a track has shown so far that bears on its identity."""

    updates: int
    mode3a: str | None = None
    icao24: str | None = None
    mode5: bool = False
    analyst: Identity | None = None


def identify(evidence: Evidence, rules: IdentityRules) -> Identity:
    """The identity the rules give a track with this evidence (module docstring, in order)."""
    if evidence.analyst is not None:
        return evidence.analyst
    if evidence.mode3a == HIJACK:
        return Identity.SUSPECT
    if evidence.mode5:
        return Identity.FRIEND
    if evidence.icao24 is not None and evidence.icao24 in rules.hostile_icao24:
        return Identity.HOSTILE
    if evidence.mode3a is not None and evidence.mode3a in rules.coalition_mode3a:
        return Identity.ASSUMED_FRIEND
    if evidence.icao24 is not None and not evidence.icao24.startswith(rules.military_icao24_prefixes or ("\0",)):
        return Identity.NEUTRAL
    if evidence.updates >= rules.evaluation_updates:
        return Identity.UNKNOWN
    return Identity.PENDING
