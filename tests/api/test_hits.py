"""After a hit: the holder sees it; the querier asks the holder through an RFI that never names it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.store import audit
from tests.fighters.builders import person
from tests.helpers import bearer

QUESTION = {
    "question": "What do you hold on this man?",
    "label": "NATO SECRET // REL TO COALITION",
    "deadline": "2027-01-01T00:00:00Z",
    "priority": "priority",
}


@pytest.fixture
def tokens(make_user) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Tokens: a French holder (SECRET), a French reader cleared lower, an Iraqi and a Jordanian querier."""
    return {
        "FRA": make_user("FRA", "NATO SECRET", name="claire")[1],
        "FRA_LOW": make_user("FRA", "NATO RESTRICTED", name="remi")[1],
        "IRQ": make_user("IRQ", "NATO SECRET", name="karim")[1],
        "JOR": make_user("JOR", "NATO SECRET", name="omar")[1],
    }


def hit_ref(client: TestClient, tokens: dict[str, str], **flags: Any) -> str:
    """A French national record of al-Baghdadi, screened by Iraq: the reference of Iraq's hit."""
    entities = [person("b1", "Abu Bakr al-Baghdadi", birth_date="1971-07-28")]
    body = {"label": "FRA SECRET", "entities": entities, **flags}
    assert client.post("/api/v1/persons", json=body, headers=bearer(tokens["FRA"])).status_code == 201
    query = {
        "queries": {"q": {"schema": "Person", "properties": {"name": "Abou Bakr al-Baghdadi", "birthDate": "1971"}}}
    }
    reply = client.post("/api/v1/match", json=query, headers=bearer(tokens["IRQ"])).json()
    [hit] = reply["responses"]["q"]["hits"]
    return str(hit["ref"])


def test_the_holder_sees_the_hit_on_its_record(client: TestClient, tokens: dict[str, str]) -> None:
    ref = hit_ref(client, tokens)
    held = client.get("/api/v1/hits", headers=bearer(tokens["FRA"])).json()["hits"]
    assert [(h["ref"], h["record_id"], h["querying_member"]) for h in held] == [(ref, "FRA-b1", "IRQ")]


def test_a_holder_user_who_may_not_read_the_record_does_not_see_its_hits(
    client: TestClient, tokens: dict[str, str]
) -> None:
    hit_ref(client, tokens)
    assert client.get("/api/v1/hits", headers=bearer(tokens["FRA_LOW"])).json() == {"hits": []}
    assert client.get("/api/v1/hits", headers=bearer(tokens["IRQ"])).json() == {"hits": []}


def test_the_querier_asks_the_holder_without_learning_who_it_is(
    client: TestClient, tokens: dict[str, str], cell: Cell
) -> None:
    ref = hit_ref(client, tokens)
    asked = client.post(f"/api/v1/hits/{ref}/rfi", json=QUESTION, headers=bearer(tokens["IRQ"]))
    assert asked.status_code == 201, asked.text
    rfi_id = asked.json()["id"]
    for shown in (asked.json(), client.get(f"/api/v1/rfis/{rfi_id}", headers=bearer(tokens["IRQ"])).json()):
        assert shown["addressees"] == [f"holder of hit {ref}"] and shown["via_hit"] == ref
    listed = client.get("/api/v1/rfis", headers=bearer(tokens["IRQ"])).text
    assert "FRA" not in listed.replace(ref, "")
    with cell.db.read() as conn:
        entries = audit.entries_for_object(conn, rfi_id)
    assert entries and all("FRA" not in str(entry).replace(ref, "") for entry in entries)
    held = client.get(f"/api/v1/rfis/{rfi_id}", headers=bearer(tokens["FRA"])).json()
    assert held["addressees"] == ["FRA"] and held["question"] == QUESTION["question"]


def test_a_reference_is_usable_only_by_the_member_that_received_it(client: TestClient, tokens: dict[str, str]) -> None:
    ref = hit_ref(client, tokens)
    stolen = client.post(f"/api/v1/hits/{ref}/rfi", json=QUESTION, headers=bearer(tokens["JOR"]))
    unknown = client.post(
        "/api/v1/hits/0123456789abcdef0123456789abcdef/rfi", json=QUESTION, headers=bearer(tokens["JOR"])
    )
    assert stolen.status_code == unknown.status_code == 404
    assert stolen.json()["error"] == unknown.json()["error"] == "not_found"


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"question": ""}, 422),
        ({"label": "NOT A LABEL"}, 422),
        ({"deadline": "yesterday"}, 422),
        ({"priority": "x"}, 422),
    ],
)
def test_a_bad_question_is_refused_and_nothing_is_stored(
    client: TestClient, tokens: dict[str, str], change: dict[str, str], status: int
) -> None:
    ref = hit_ref(client, tokens)
    reply = client.post(f"/api/v1/hits/{ref}/rfi", json={**QUESTION, **change}, headers=bearer(tokens["IRQ"]))
    assert reply.status_code == status
    assert client.get("/api/v1/rfis", headers=bearer(tokens["FRA"])).json()["rfis"] == []
