"""Object read paths decide access per object for the caller, and unreadable objects do not exist."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.demo import scenario
from intelcell.domain.policy import can_read
from intelcell.exchange import objects
from intelcell.store import audit
from tests.helpers import bearer

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
]


@pytest.fixture
def demo(cell: Cell) -> list[objects.StoredObject]:
    scenario.load(cell)
    with cell.db.read() as conn:
        return objects.all_latest(conn, cell.vocabulary)


@pytest.mark.parametrize(("member", "clearance", "caveats"), VIEWERS)
def test_listing_shows_exactly_what_the_policy_allows(
    client: TestClient, cell: Cell, make_user, demo, member, clearance, caveats
) -> None:  # type: ignore[no-untyped-def]
    user, token = make_user(member, clearance, caveats)
    expected = {o.stix_id for o in demo if can_read(user.viewer, o.label, o.originator, cell.registry)}
    listed = client.get("/api/v1/objects", headers=bearer(token)).json()["objects"]
    assert {o["id"] for o in listed} == expected
    for obj in demo:
        response = client.get(f"/api/v1/objects/{obj.stix_id}", headers=bearer(token))
        assert response.status_code == (200 if obj.stix_id in expected else 404)


def test_an_unreadable_object_answers_exactly_like_a_missing_one(client: TestClient, make_user, demo) -> None:  # type: ignore[no-untyped-def]
    _user, token = make_user("TUR")
    hidden = next(o for o in demo if o.label.policy == "FRA")
    missing = f"threat-actor--{uuid.uuid4()}"
    a = client.get(f"/api/v1/objects/{hidden.stix_id}", headers=bearer(token))
    b = client.get(f"/api/v1/objects/{missing}", headers=bearer(token))
    assert a.status_code == b.status_code == 404
    assert a.json()["error"] == b.json()["error"] and set(a.headers) == set(b.headers)
    assert a.json()["reason"].replace(hidden.stix_id, "X") == b.json()["reason"].replace(missing, "X")


def test_portion_is_withheld_from_a_reader_below_its_level(client: TestClient, make_user, demo) -> None:  # type: ignore[no-untyped-def]
    flows = next(o for o in demo if "description" in o.portions)
    _u, low = make_user("IRQ", "NATO CONFIDENTIAL")
    _u, high = make_user("IRQ", "NATO SECRET", name="irq.high")
    seen_low = client.get(f"/api/v1/objects/{flows.stix_id}", headers=bearer(low)).json()
    seen_high = client.get(f"/api/v1/objects/{flows.stix_id}", headers=bearer(high)).json()
    assert "description" not in seen_low and "HUMINT" not in str(seen_low)
    assert "HUMINT" in seen_high["description"]


def test_released_reads_are_audited_and_refused_ones_are_not(
    client: TestClient, cell: Cell, make_user, demo
) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("TUR")
    with cell.db.read() as conn:
        before = audit.count(conn)
    hidden = next(o for o in demo if o.label.policy == "FRA")
    client.get(f"/api/v1/objects/{hidden.stix_id}", headers=bearer(token))
    with cell.db.read() as conn:
        assert audit.count(conn) == before
    shown = next(o for o in demo if o.label.text() == "NATO SECRET // REL TO COALITION")
    client.get(f"/api/v1/objects/{shown.stix_id}", headers=bearer(token))
    with cell.db.read() as conn:
        entries = audit.entries_for_object(conn, shown.stix_id)
    assert entries[-1].fields["member"] == "TUR" and entries[-1].fields["action"] == "read"
    assert entries[-1].fields["labels"] == ["NATO SECRET // REL TO COALITION"]


def test_limit_is_validated(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("TUR")
    for bad in ("0", "1001", "x"):
        response = client.get(f"/api/v1/objects?limit={bad}", headers=bearer(token))
        assert response.status_code == 422 and response.json()["error"] == "invalid_request"
