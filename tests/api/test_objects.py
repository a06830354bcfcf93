"""REST object read paths decide access per object for the caller; unreadable objects do not exist."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.demo import scenario
from intelcell.domain.label import parse
from intelcell.domain.policy import can_read
from intelcell.store import audit
from tests.helpers import bearer, stored_objects

VIEWERS = [  # member, clearance, caveats
    ("USA", "NATO SECRET", ("SIGINT",)),
    ("USA", "NATO SECRET", ()),
    ("FRA", "NATO SECRET", ()),
    ("DEU", "NATO CONFIDENTIAL", ()),
    ("TUR", "NATO SECRET", ()),
    ("IRQ", "NATO SECRET", ()),
    ("JOR", "NATO CONFIDENTIAL", ()),
    ("JOR", "NATO SECRET", ()),
    ("NATO", "NATO COSMIC TOP SECRET", ("SIGINT",)),
    ("SAU", "NATO UNCLASSIFIED", ()),
    ("AUS", "NATO SECRET", ()),
]


@pytest.fixture
def demo(cell: Cell) -> list[tuple[str, str, str, dict]]:  # type: ignore[type-arg]
    scenario.load(cell, persons_count=50)
    return stored_objects(cell)


@pytest.mark.parametrize(("member", "clearance", "caveats"), VIEWERS)
def test_listing_and_reading_show_exactly_what_the_policy_allows(
    client: TestClient, cell: Cell, make_user, demo, member, clearance, caveats
) -> None:  # type: ignore[no-untyped-def]
    user, token = make_user(member, clearance, caveats)
    expected = {
        stix_id
        for stix_id, text, originator, _body in demo
        if can_read(user.viewer, parse(text, cell.vocabulary), originator, cell.registry)
    }
    listed = client.get("/api/v1/objects?limit=1000", headers=bearer(token)).json()["objects"]
    assert {o["id"] for o in listed} == expected
    for stix_id, *_ in demo:
        response = client.get(f"/api/v1/objects/{stix_id}", headers=bearer(token))
        assert response.status_code == (200 if stix_id in expected else 404)


def test_an_unreadable_object_answers_exactly_like_a_missing_one(client: TestClient, make_user, demo) -> None:  # type: ignore[no-untyped-def]
    _user, token = make_user("TUR")
    hidden = next(stix_id for stix_id, text, *_ in demo if text.startswith("FRA"))
    missing = f"threat-actor--{uuid.uuid4()}"
    a = client.get(f"/api/v1/objects/{hidden}", headers=bearer(token))
    b = client.get(f"/api/v1/objects/{missing}", headers=bearer(token))
    assert a.status_code == b.status_code == 404
    assert a.json()["error"] == b.json()["error"] and set(a.headers) == set(b.headers)
    assert a.json()["reason"].replace(hidden, "X") == b.json()["reason"].replace(missing, "X")


def test_portion_is_withheld_from_a_reader_below_its_level(client: TestClient, make_user, demo) -> None:  # type: ignore[no-untyped-def]
    flows = next(stix_id for stix_id, _t, _o, body in demo if body.get("granular_markings"))
    _u, low = make_user("IRQ", "NATO CONFIDENTIAL")
    _u, high = make_user("IRQ", "NATO SECRET", name="irq.high")
    seen_low = client.get(f"/api/v1/objects/{flows}", headers=bearer(low)).json()
    seen_high = client.get(f"/api/v1/objects/{flows}", headers=bearer(high)).json()
    assert "description" not in seen_low and "HUMINT" not in str(seen_low) and "granular_markings" not in seen_low
    assert "HUMINT" in seen_high["description"]


def test_released_reads_are_audited_and_refused_ones_are_not(client: TestClient, cell: Cell, make_user, demo) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("TUR")
    with cell.db.read() as conn:
        before = audit.count(conn)
    hidden = next(stix_id for stix_id, text, *_ in demo if text.startswith("FRA"))
    client.get(f"/api/v1/objects/{hidden}", headers=bearer(token))
    with cell.db.read() as conn:
        assert audit.count(conn) == before
    shown = next(stix_id for stix_id, text, *_ in demo if text == "NATO SECRET // REL TO COALITION")
    client.get(f"/api/v1/objects/{shown}", headers=bearer(token))
    with cell.db.read() as conn:
        entries = audit.entries_for_object(conn, shown)
    assert entries[-1].fields["member"] == "TUR" and entries[-1].fields["action"] == "read"
    assert entries[-1].fields["labels"] == ["NATO SECRET // REL TO COALITION"]


def test_limit_is_validated(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("TUR")
    for bad in ("0", "1001", "x"):
        response = client.get(f"/api/v1/objects?limit={bad}", headers=bearer(token))
        assert response.status_code == 422 and response.json()["error"] == "invalid_request"
