"""The access decision of DESIGN.md section 2, by case table and by monotonicity laws."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.label import Label, parse, scale
from intelcell.domain.policy import (
    Clearance,
    Viewer,
    can_read,
    may_disseminate,
    parse_clearance,
    releasability,
)
from tests.helpers import cell_data
from tests.strategies import labels, originators, viewers

R = cell_data().registry
V = cell_data().vocabulary


def viewer(member: str, clearance: str = "NATO SECRET", *caveats: str) -> Viewer:
    return Viewer(member, parse_clearance(clearance, frozenset(caveats)))


@pytest.mark.parametrize(
    ("who", "text", "originator", "readable"),
    [
        (viewer("TUR"), "NATO SECRET", "USA", True),  # an Ally, default NATO releasability
        (viewer("IRQ"), "NATO SECRET", "USA", False),  # a partner outside NATO
        (viewer("NATO"), "NATO SECRET", "USA", True),  # the NATO organisation is in the community
        (viewer("IRQ"), "NATO SECRET // REL TO COALITION", "USA", True),
        (viewer("IRQ", "NATO CONFIDENTIAL"), "NATO SECRET // REL TO COALITION", "USA", False),
        (viewer("DEU"), "FRA CONFIDENTIAL // REL TO BEL, DEU", "FRA", True),
        (viewer("TUR"), "FRA CONFIDENTIAL // REL TO BEL, DEU", "FRA", False),
        (viewer("FRA"), "FRA CONFIDENTIAL // REL TO BEL, DEU", "DEU", True),  # the policy's nation
        (viewer("DEU"), "JOR SECRET", "DEU", True),  # the originator always reads its own
        (viewer("USA"), "JOR SECRET", "DEU", False),
        (viewer("USA"), "NATO SECRET // SIGINT", "USA", False),  # caveat not held, even originator
        (viewer("USA", "NATO SECRET", "SIGINT"), "NATO SECRET // SIGINT", "USA", True),
        (viewer("USA", "NATO SECRET", "SIGINT"), "NATO SECRET // SIGINT, ATOMAL", "USA", False),
        (viewer("DEU"), "NATO SECRET // ORCON", "USA", True),  # ORCON restricts sharing, not reading
        (viewer("USA", "NATO COSMIC TOP SECRET"), "USA TOP SECRET", "USA", True),
        (viewer("USA", "NATO SECRET"), "USA TOP SECRET", "USA", False),
        (viewer("JOR", "NATO SECRET"), "NATO SECRET // REL TO LEVANT", "USA", True),
        (viewer("ITA", "NATO SECRET"), "NATO SECRET // REL TO LEVANT", "USA", False),
    ],
)
def test_access_decision_case_table(who: Viewer, text: str, originator: str, readable: bool) -> None:
    assert can_read(who, parse(text, V), originator, R) is readable


def test_nato_community_is_the_32_allies_and_the_organisation() -> None:
    nato = releasability(parse("NATO SECRET", V), R)
    assert len(nato) == 33 and "NATO" in nato and "IRQ" not in nato


def test_orcon_is_disseminated_by_its_originator_only() -> None:
    orcon = parse("NATO SECRET // ORCON", V)
    assert may_disseminate(viewer("USA"), orcon, "USA")
    assert not may_disseminate(viewer("DEU"), orcon, "USA")
    assert may_disseminate(viewer("DEU"), parse("NATO SECRET", V), "USA")


@pytest.mark.parametrize("text", ["FRA SECRET", "NATO TOP", "COSMIC", "NATO NATO SECRET"])
def test_clearance_must_be_a_nato_level(text: str) -> None:
    with pytest.raises(ValueError, match="not a NATO level"):
        parse_clearance(text)


@given(labels(), viewers(), originators, st.integers(0, 4))
def test_raising_the_classification_never_grants_access(label: Label, who: Viewer, orig: str, level: int) -> None:
    higher = dataclasses.replace(label, classification=scale(label.policy)[max(level, label.level)])
    assert not (can_read(who, higher, orig, R) and not can_read(who, label, orig, R))


@given(labels(), viewers(), originators, st.sampled_from(sorted(V.restrictive_caveats)))
def test_adding_a_caveat_never_grants_access(label: Label, who: Viewer, orig: str, caveat: str) -> None:
    stricter = dataclasses.replace(label, restrictive_caveats=label.restrictive_caveats | {caveat})
    assert not (can_read(who, stricter, orig, R) and not can_read(who, label, orig, R))


@given(labels(), viewers(), originators)
def test_lowering_a_clearance_never_grants_access(label: Label, who: Viewer, orig: str) -> None:
    lower = Viewer(who.member, Clearance(max(0, who.clearance.level - 1), who.clearance.caveats))
    assert not (can_read(lower, label, orig, R) and not can_read(who, label, orig, R))


@given(labels(), viewers(), originators)
def test_dropping_a_held_caveat_never_grants_access(label: Label, who: Viewer, orig: str) -> None:
    for caveat in who.clearance.caveats:
        fewer = Viewer(who.member, Clearance(who.clearance.level, who.clearance.caveats - {caveat}))
        assert not (can_read(fewer, label, orig, R) and not can_read(who, label, orig, R))
