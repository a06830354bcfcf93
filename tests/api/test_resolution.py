"""``/api/v1/resolved``, ``/api/v1/review`` and ``/api/v1/resolution/run``: persons and links only as far
as the caller may read, one 404 for unknown and unreadable alike, decisions by analysts, runs by admins."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.fighters import records, resolution
from intelcell.store import audit
from intelcell.store.users import User
from tests.fighters.builders import SECRET
from tests.fighters.test_resolution import B1, B2, B3, X1
from tests.helpers import bearer


@pytest.fixture
def api(client: TestClient) -> TestClient:
    """The application's test client."""
    return client


@pytest.fixture
def people(cell: Cell, make_user) -> dict[str, tuple[User, str]]:  # type: ignore[no-untyped-def]
    """FRA holds b1 under a French-only label and x1; IRQ holds b2 and b3; resolved once."""
    users = {
        "fra": make_user("FRA"),
        "irq": make_user("IRQ"),
        "low": make_user("FRA", "NATO RESTRICTED", name="low"),
        "coordinator": make_user("FRA", role="coordinator"),
        "admin": make_user("FRA", role="admin"),
    }
    records.submit(cell, users["fra"][0], [B1], "FRA SECRET", path="test")
    records.submit(cell, users["fra"][0], [X1], SECRET, path="test")
    records.submit(cell, users["irq"][0], [B2, B3], SECRET, path="test")
    resolution.resolve(cell)
    return users


def test_person_reads_by_person_id_and_by_any_record_id(api: TestClient, people: dict) -> None:  # type: ignore[type-arg]
    token = people["fra"][1]
    by_person = api.get("/api/v1/resolved/person-FRA-b1", headers=bearer(token))
    by_record = api.get("/api/v1/resolved/IRQ-b3", headers=bearer(token))
    assert by_person.status_code == 200, by_person.text
    assert by_person.json() == by_record.json()
    person = by_person.json()
    assert [r["id"] for r in person["records"]] == ["FRA-b1", "IRQ-b2", "IRQ-b3"]
    assert person["label"] == "FRA SECRET"
    assert {f["name"] for lk in person["links"] for f in lk["features"]} >= {"name_similar"}


def test_partial_reader_gets_a_person_of_readable_records_only(api: TestClient, people: dict) -> None:  # type: ignore[type-arg]
    got = api.get("/api/v1/resolved/IRQ-b2", headers=bearer(people["irq"][1]))
    assert got.status_code == 200
    person = got.json()
    assert [r["id"] for r in person["records"]] == ["IRQ-b2"]
    assert "FRA" not in got.text and "Abu Bakr" not in got.text


def test_unreadable_person_is_a_404_identical_to_an_unknown_one(api: TestClient, people: dict) -> None:  # type: ignore[type-arg]
    token = people["irq"][1]
    hidden = api.get("/api/v1/resolved/person-FRA-b1", headers=bearer(token))
    unknown = api.get("/api/v1/resolved/person-FRA-b9", headers=bearer(token))
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == {"error": "not_found", "reason": "no person 'person-FRA-b1'"}
    assert unknown.json() == {"error": "not_found", "reason": "no person 'person-FRA-b9'"}
    assert hidden.headers.keys() == unknown.headers.keys()
    low = api.get(f"/api/v1/resolved/{resolution.cluster_id('FRA-b1')}", headers=bearer(people["low"][1]))
    assert low.status_code == 404


def test_list_counts_readable_records_only(api: TestClient, people: dict) -> None:  # type: ignore[type-arg]
    fra = api.get("/api/v1/resolved", headers=bearer(people["fra"][1])).json()
    irq = api.get("/api/v1/resolved", headers=bearer(people["irq"][1])).json()
    assert [(p["id"], p["size"]) for p in fra["persons"]] == [("person-FRA-b1", 3)] and fra["total"] == 1
    assert irq == {"persons": [], "total": 0}
    every = api.get("/api/v1/resolved?min_records=1", headers=bearer(people["irq"][1])).json()
    assert [p["id"] for p in every["persons"]] == ["person-FRA-x1", "person-IRQ-b2", "person-IRQ-b3"]


def test_person_reads_are_audited_and_refusals_are_not(api: TestClient, cell: Cell, people: dict) -> None:  # type: ignore[type-arg]
    with cell.db.read() as conn:
        before = audit.count(conn)
    api.get("/api/v1/resolved/person-FRA-b1", headers=bearer(people["irq"][1]))
    api.get("/api/v1/resolved/IRQ-b2", headers=bearer(people["irq"][1]))
    with cell.db.read() as conn:
        assert audit.count(conn) == before + 1
        (entry,) = audit.entries_for_object(conn, "IRQ-b2")[-1:]
    assert entry.fields["operation"] == "person.resolved.read"
    assert entry.fields["object_ids"] == ["IRQ-b2"]


def test_review_queue_shows_only_links_between_readable_records(api: TestClient, people: dict) -> None:  # type: ignore[type-arg]
    fra = api.get("/api/v1/review", headers=bearer(people["fra"][1])).json()
    irq = api.get("/api/v1/review", headers=bearer(people["irq"][1])).json()
    assert [(lk["a"]["id"], lk["b"]["id"]) for lk in fra["links"]] == [("IRQ-b2", "IRQ-b3")]
    assert fra["total"] == 1
    assert [(lk["a"]["id"], lk["b"]["id"]) for lk in irq["links"]] == [("IRQ-b2", "IRQ-b3")]


def test_decision_confirms_and_later_runs_keep_it(api: TestClient, cell: Cell, people: dict) -> None:  # type: ignore[type-arg]
    posted = api.post(
        "/api/v1/review/decisions",
        json={"a": "IRQ-b3", "b": "IRQ-b2", "decision": "confirm"},
        headers=bearer(people["irq"][1]),
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["state"] == "confirmed"
    resolution.resolve(cell)
    person = api.get("/api/v1/resolved/IRQ-b2", headers=bearer(people["irq"][1])).json()
    assert [r["id"] for r in person["records"]] == ["IRQ-b2", "IRQ-b3"]
    assert api.get("/api/v1/review", headers=bearer(people["irq"][1])).json() == {"links": [], "total": 0}


@pytest.mark.parametrize(
    ("who", "body", "status", "error"),
    [
        ("irq", {"a": "FRA-b1", "b": "IRQ-b2", "decision": "reject"}, 404, "not_found"),
        ("irq", {"a": "FRA-zz", "b": "IRQ-b2", "decision": "reject"}, 404, "not_found"),
        ("irq", {"a": "IRQ-b2", "b": "IRQ-b2", "decision": "reject"}, 422, "invalid_request"),
        ("irq", {"a": "IRQ-b2", "b": "IRQ-b3", "decision": "merge"}, 422, "invalid_request"),
        ("irq", {"a": "IRQ-b2", "b": "IRQ-b3"}, 422, "invalid_request"),
        ("coordinator", {"a": "IRQ-b2", "b": "IRQ-b3", "decision": "confirm"}, 403, "forbidden"),
    ],
)
def test_refused_decisions(api: TestClient, people: dict, who: str, body: dict, status: int, error: str) -> None:  # type: ignore[type-arg]
    got = api.post("/api/v1/review/decisions", json=body, headers=bearer(people[who][1]))
    assert (got.status_code, got.json()["error"]) == (status, error)


def test_unreadable_and_unknown_records_are_refused_alike(api: TestClient, people: dict) -> None:  # type: ignore[type-arg]
    token = people["irq"][1]
    hidden = api.post(
        "/api/v1/review/decisions", json={"a": "FRA-b1", "b": "IRQ-b2", "decision": "reject"}, headers=bearer(token)
    )
    unknown = api.post(
        "/api/v1/review/decisions", json={"a": "FRA-b9", "b": "IRQ-b2", "decision": "reject"}, headers=bearer(token)
    )
    assert hidden.json()["reason"].replace("b1", "b9") == unknown.json()["reason"]
    assert hidden.headers.keys() == unknown.headers.keys()


def test_resolution_runs_for_administrators_only(api: TestClient, cell: Cell, people: dict, make_user) -> None:  # type: ignore[no-untyped-def, type-arg]
    refused = api.post("/api/v1/resolution/run", json={"mode": "full"}, headers=bearer(people["fra"][1]))
    assert (refused.status_code, refused.json()["error"]) == (403, "forbidden")
    irq = people["irq"][0]
    records.submit(cell, irq, [{**B1, "id": "b1"}], SECRET, path="test")
    done = api.post("/api/v1/resolution/run", json={"mode": "incremental"}, headers=bearer(people["admin"][1]))
    assert done.json() == {"mode": "incremental", "status": "done"}, "no counts: they would cover hidden records"
    person = api.get("/api/v1/resolved/IRQ-b1", headers=bearer(people["irq"][1])).json()
    assert "IRQ-b2" in [r["id"] for r in person["records"]], "the new record was linked"
    full = api.post("/api/v1/resolution/run", json={"mode": "full"}, headers=bearer(people["admin"][1]))
    assert full.json() == {"mode": "full", "status": "done"}


@pytest.mark.parametrize("path", ["/api/v1/review", "/api/v1/resolved"])
def test_an_offset_beyond_any_page_is_a_422_naming_the_bound(api: TestClient, people: dict, path: str) -> None:  # type: ignore[type-arg]
    # Found by the OpenAPI fuzz: 2**63 overflowed SQLite's OFFSET and answered 500 (tests/fuzz/test_openapi.py).
    token = people["fra"][1]
    refused = api.get(path, params={"offset": 2**63}, headers=bearer(token))
    assert refused.status_code == 422
    assert refused.json() == {
        "error": "invalid_request",
        "reason": "query.offset: Input should be less than or equal to 10000000",
    }
    assert api.get(path, params={"offset": 10_000_000}, headers=bearer(token)).status_code == 200
