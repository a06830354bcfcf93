"""The member registry over the API: the 32 Allies and NATO form the NATO community, the Global
Coalition's 87 partners form COALITION, and communities come with their members expanded."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelcell.store.users import User
from tests.helpers import bearer

MakeUser = Callable[..., tuple[User, str]]
ALLIES = {
    "ALB",
    "BEL",
    "BGR",
    "CAN",
    "HRV",
    "CZE",
    "DNK",
    "EST",
    "FIN",
    "FRA",
    "DEU",
    "GRC",
    "HUN",
    "ISL",
    "ITA",
    "LVA",
    "LTU",
    "LUX",
    "MNE",
    "NLD",
    "MKD",
    "NOR",
    "POL",
    "PRT",
    "ROU",
    "SVK",
    "SVN",
    "ESP",
    "SWE",
    "TUR",
    "GBR",
    "USA",
}


@pytest.fixture
def token(make_user: MakeUser) -> str:
    return make_user("FRA")[1]


def get(client: TestClient, token: str, path: str) -> Any:
    response = client.get(path, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.json()


def members_in(entries: list[dict[str, Any]], community: str) -> set[str]:
    return {entry["code"] for entry in entries if community in entry["communities"]}


def test_every_member_is_listed_once_by_code_with_its_name_kind_and_communities(client: TestClient, token: str) -> None:
    entries = get(client, token, "/api/v1/members")
    codes = [entry["code"] for entry in entries]
    assert codes == sorted(set(codes))
    for entry in entries:
        assert set(entry) == {"code", "name", "kind", "communities"}
        assert entry["name"] and entry["kind"] in ("nation", "organisation")
        assert entry["communities"] == sorted(entry["communities"])


def test_the_coalition_has_87_partners(client: TestClient, token: str) -> None:
    entries = get(client, token, "/api/v1/members")
    assert len(members_in(entries, "COALITION")) == 87


def test_the_nato_community_is_the_32_allies_and_nato_itself(client: TestClient, token: str) -> None:
    entries = get(client, token, "/api/v1/members")
    assert members_in(entries, "NATO") == ALLIES | {"NATO"}
    assert {e["code"]: e["kind"] for e in entries if e["code"] in ALLIES} == dict.fromkeys(ALLIES, "nation")


def test_every_ally_is_a_coalition_partner(client: TestClient, token: str) -> None:
    entries = get(client, token, "/api/v1/members")
    assert members_in(entries, "NATO") <= members_in(entries, "COALITION")


@pytest.mark.parametrize("code", ["IRQ", "JOR", "SAU", "NGA", "MAR"])
def test_coalition_partners_outside_nato_are_in_coalition_only(client: TestClient, token: str, code: str) -> None:
    member = get(client, token, f"/api/v1/members/{code}")
    assert "COALITION" in member["communities"]
    assert "NATO" not in member["communities"]


@pytest.mark.parametrize("spelling", ["FRA", "fra", "Fra"])
def test_a_member_is_found_whatever_the_case_of_its_code(client: TestClient, token: str, spelling: str) -> None:
    member = get(client, token, f"/api/v1/members/{spelling}")
    assert member["code"] == "FRA"
    assert (member["name"], member["kind"]) == ("France", "nation")
    assert {"NATO", "COALITION"} <= set(member["communities"])


def test_nato_is_also_a_member_organisation(client: TestClient, token: str) -> None:
    member = get(client, token, "/api/v1/members/NATO")
    assert member["kind"] == "organisation"
    assert {"NATO", "COALITION"} <= set(member["communities"])


@pytest.mark.parametrize("code", ["XXX", "xxx", "COALITION", "FRANCE"])
def test_an_unknown_member_is_404_with_the_error_shape(client: TestClient, token: str, code: str) -> None:
    response = client.get(f"/api/v1/members/{code}", headers=bearer(token))
    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "reason": f"no member '{code}'"}


def test_a_member_answers_as_it_is_listed(client: TestClient, token: str) -> None:
    listed = {entry["code"]: entry for entry in get(client, token, "/api/v1/members")}
    for code in ("FRA", "IRQ", "EU", "XKX", "NATO"):
        assert get(client, token, f"/api/v1/members/{code}") == listed[code]


def test_communities_are_listed_by_code_with_name_and_members(client: TestClient, token: str) -> None:
    communities = get(client, token, "/api/v1/communities")
    codes = [community["code"] for community in communities]
    assert {"NATO", "COALITION"} <= set(codes)
    assert codes == sorted(codes)
    for community in communities:
        assert set(community) == {"code", "name", "members"}
        assert community["name"]
        assert community["members"] == sorted(community["members"])


def test_communities_come_with_their_members_expanded(client: TestClient, token: str) -> None:
    communities = {c["code"]: set(c["members"]) for c in get(client, token, "/api/v1/communities")}
    assert communities["NATO"] == ALLIES | {"NATO"}
    # COALITION includes NATO: its list names the Allies themselves, not the NATO community.
    assert communities["NATO"] <= communities["COALITION"]
    assert len(communities["COALITION"]) == 87
    assert {"IRQ", "JOR", "SAU", "NGA", "MAR"} <= communities["COALITION"] - communities["NATO"]


def test_communities_and_member_listings_agree(client: TestClient, token: str) -> None:
    entries = get(client, token, "/api/v1/members")
    for community in get(client, token, "/api/v1/communities"):
        assert set(community["members"]) == members_in(entries, community["code"]), community["code"]
