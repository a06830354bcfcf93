"""Dominant label laws: commutative, associative, idempotent, never less restrictive."""

from __future__ import annotations

import pytest
from hypothesis import assume, given

from intelcell.domain.dominance import NoCommonReleasability, dominant
from intelcell.domain.label import Label, parse
from intelcell.domain.policy import Viewer, can_read, releasability
from tests.helpers import cell_data
from tests.strategies import labels, originators, viewers

R = cell_data().registry
V = cell_data().vocabulary


def meaning(label: Label) -> tuple[object, ...]:
    """What decides access: releasability, level, restrictive caveats; plus handling and TLP."""
    return (
        releasability(label, R),
        label.level,
        label.restrictive_caveats,
        label.handling_caveats,
        label.tlp,
    )


def dom(*inputs: Label) -> Label:
    try:
        return dominant(inputs, R)
    except NoCommonReleasability:
        assume(False)
        raise


def test_design_rule_highest_level_intersection_union_strictest_tlp() -> None:
    a = parse("NATO SECRET // REL TO COALITION // ORCON // TLP:GREEN", V)
    b = parse("NATO CONFIDENTIAL // REL TO NATO, IRQ // ATOMAL // TLP:AMBER", V)
    assert dominant([a, b], R).text() == "NATO SECRET // REL TO IRQ, NATO // ATOMAL, ORCON // TLP:AMBER"


def test_mixed_policies_keep_only_common_releasability() -> None:
    fra = parse("FRA CONFIDENTIAL // REL TO BEL, DEU", V)
    nato = parse("NATO SECRET", V)
    result = dominant([fra, nato], R)
    assert releasability(result, R) == {"FRA", "BEL", "DEU"}
    assert result.level == 3


def test_labels_with_nothing_in_common_cannot_be_combined() -> None:
    with pytest.raises(NoCommonReleasability):
        dominant([parse("FRA SECRET", V), parse("JOR SECRET", V)], R)


@given(labels(), labels())
def test_dominance_is_commutative(a: Label, b: Label) -> None:
    assert dom(a, b) == dom(b, a)


@given(labels(), labels(), labels())
def test_dominance_is_associative(a: Label, b: Label, c: Label) -> None:
    left, right = dom(dom(a, b), c), dom(a, dom(b, c))
    assert meaning(left) == meaning(right)


@given(labels())
def test_dominance_is_idempotent(a: Label) -> None:
    once = dom(a)
    assert meaning(once) == meaning(a)
    assert dom(a, a) == once == dom(once)


@given(labels(), labels(), viewers(), originators)
def test_dominant_label_is_never_less_restrictive_than_an_input(a: Label, b: Label, who: Viewer, orig: str) -> None:
    combined = dom(a, b)
    if can_read(who, combined, orig, R):
        assert can_read(who, a, orig, R) and can_read(who, b, orig, R)
    assert combined.level >= max(a.level, b.level)
    assert combined.caveats >= a.caveats | b.caveats
    assert combined.tlp_rank >= max(a.tlp_rank, b.tlp_rank)
