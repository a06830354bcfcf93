"""The member registry: the real NATO and Coalition membership, and set arithmetic over it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intelcell.domain.registry import Registry, RegistryError
from tests.helpers import cell_data

R = cell_data().registry


def test_nato_community_has_the_32_allies_and_nato_itself() -> None:
    nato = R.communities["NATO"].members
    assert len(nato - {"NATO"}) == 32 and "NATO" in nato
    assert {"FIN", "SWE", "TUR", "USA", "MKD", "MNE"} <= nato


def test_coalition_has_87_partners_nato_included() -> None:
    coalition = R.communities["COALITION"].members
    assert len(coalition) == 87
    assert R.communities["NATO"].members <= coalition
    assert {"IRQ", "JOR", "SAU", "NGA", "MAR", "EU", "INTERPOL"} <= coalition


def test_members_are_nations_by_iso_code_or_organisations() -> None:
    assert R.members["IRQ"].kind == "nation" and R.members["INTERPOL"].kind == "organisation"
    assert all(len(code) == 3 for code, m in R.members.items() if m.kind == "nation")


def test_expand_reads_nato_as_the_community() -> None:
    assert R.expand(["NATO", "IRQ"]) == R.communities["NATO"].members | {"IRQ"}


@given(st.frozensets(st.sampled_from(sorted(R.members)), max_size=40))
def test_compress_then_expand_gives_back_the_same_members(members: frozenset[str]) -> None:
    codes = R.compress(members)
    if "NATO" in members and not R.communities["NATO"].members <= members:
        return  # the NATO organisation alone cannot be named in REL TO: NATO means the community
    assert R.expand(codes) == members
    assert len(codes) <= len(members)


def test_compress_prefers_whole_communities() -> None:
    assert R.compress(R.communities["COALITION"].members) == {"COALITION"}


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"members": {"AAA": {"name": "A", "kind": "planet"}}}, "kind must be"),
        ({"members": {}, "communities": {"X": {"members": ["ZZZ"]}}}, "unknown member ZZZ"),
        ({"members": {}, "communities": {"X": {"includes": ["Y"]}}}, "unknown included community Y"),
        ({"members": {}, "communities": {"X": {"includes": ["X"]}}}, "includes itself"),
    ],
)
def test_inconsistent_registry_data_is_refused(data: dict[str, object], reason: str) -> None:
    with pytest.raises(RegistryError, match=reason):
        Registry.from_mapping(data)
