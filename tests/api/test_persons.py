"""``/api/v1/persons``: FollowTheMoney Person records submitted whole or refused with a reason
(nothing stored), read back with provenance, and a 404 like any missing id for who may not read them."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.store import audit
from intelcell.store.schema import persons
from tests.fighters.builders import BAD_ENTITIES, SECRET, person, stored_counts
from tests.helpers import bearer


def body(*entities: Any, label: str = SECRET, **flags: Any) -> dict[str, Any]:
    return {"label": label, "entities": list(entities) or [person()], **flags}


def test_posted_person_reads_back_with_provenance(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA")
    entity = person(birth_date="1971-07", nationality="IRQ", status="detained", alias=["أبو بكر البغدادي"])
    posted = client.post("/api/v1/persons", json=body(entity), headers=bearer(token))
    assert posted.status_code == 201, posted.text
    assert posted.json() == {"persons": [{"id": "FRA-ftf-1", "version": 1}]}
    got = client.get("/api/v1/persons/FRA-ftf-1", headers=bearer(token))
    assert got.status_code == 200
    assert got.json() == {
        "id": "FRA-ftf-1",
        "schema": "Person",
        "properties": {
            "name": ["Abu Bakr al-Baghdadi"],
            "alias": ["أبو بكر البغدادي"],
            "birthDate": ["1971-07"],
            "nationality": ["iq"],
            "status": ["detained"],
        },
        "intelcell": {
            "member": "FRA",
            "label": SECRET,
            "version": 1,
            "created": "2026-11-28T09:00:00.000000Z",
            "status": "detained",
        },
    }


def test_a_resubmission_is_a_new_version_listed_under_versions(client: TestClient, make_user, clock) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA")
    client.post("/api/v1/persons", json=body(person(birth_date="1971")), headers=bearer(token))
    clock.advance(days=1)
    second = client.post("/api/v1/persons", json=body(person(birth_date="1971-07-01")), headers=bearer(token))
    assert second.json() == {"persons": [{"id": "FRA-ftf-1", "version": 2}]}
    current = client.get("/api/v1/persons/FRA-ftf-1", headers=bearer(token)).json()
    assert current["intelcell"]["version"] == 2 and current["properties"]["birthDate"] == ["1971-07-01"]
    versions = client.get("/api/v1/persons/FRA-ftf-1/versions", headers=bearer(token)).json()["versions"]
    assert [(v["intelcell"]["version"], v["intelcell"]["created"]) for v in versions] == [
        (1, "2026-11-28T09:00:00.000000Z"),
        (2, "2026-11-29T09:00:00.000000Z"),
    ]


@pytest.mark.parametrize("path", ["/api/v1/persons/FRA-ftf-1", "/api/v1/persons/FRA-ftf-1/versions"])
def test_an_unreadable_record_answers_exactly_like_a_missing_one(client: TestClient, make_user, path: str) -> None:  # type: ignore[no-untyped-def]
    _u, fra = make_user("FRA")
    _u, irq = make_user("IRQ")  # Iraq is a Coalition partner, not an Ally
    missing = client.get(path, headers=bearer(irq))
    posted = client.post("/api/v1/persons", json=body(label="NATO SECRET"), headers=bearer(fra))
    assert posted.status_code == 201
    hidden = client.get(path, headers=bearer(irq))
    assert missing.status_code == hidden.status_code == 404
    assert missing.content == hidden.content
    assert missing.headers == hidden.headers
    assert hidden.json() == {"error": "not_found", "reason": "no person 'FRA-ftf-1'"}
    assert client.get(path, headers=bearer(fra)).status_code == 200


def test_reads_are_audited_and_refused_reads_are_not(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, fra = make_user("FRA")
    _u, irq = make_user("IRQ")
    client.post("/api/v1/persons", json=body(label="NATO SECRET"), headers=bearer(fra))
    with cell.db.read() as conn:
        before = audit.count(conn)
    assert client.get("/api/v1/persons/FRA-ftf-1", headers=bearer(irq)).status_code == 404
    assert client.get("/api/v1/persons/FRA-ftf-1/versions", headers=bearer(irq)).status_code == 404
    with cell.db.read() as conn:
        assert audit.count(conn) == before
    client.get("/api/v1/persons/FRA-ftf-1", headers=bearer(fra))
    client.get("/api/v1/persons/FRA-ftf-1/versions", headers=bearer(fra))
    with cell.db.read() as conn:
        entries = audit.entries_for_object(conn, "FRA-ftf-1")
    assert [(e.fields["action"], e.fields["operation"], e.fields["labels"]) for e in entries] == [
        ("write", "person.add", ["NATO SECRET"]),
        ("read", "person.read", ["NATO SECRET"]),
        ("read", "person.versions", ["NATO SECRET"]),
    ]


# Over HTTP a NUL is refused at the door, before the entity is read (tests/api/test_nul.py).
OVER_HTTP = [(n, e, w) for n, e, w in BAD_ENTITIES if "U+0000" not in w]


@pytest.mark.parametrize(("bad", "words"), [(e, w) for _n, e, w in OVER_HTTP], ids=[n for n, _e, _w in OVER_HTTP])
def test_a_bad_entity_is_a_422_with_its_reason_and_nothing_is_stored(
    client: TestClient, cell: Cell, make_user, bad: Any, words: str
) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA")
    before = stored_counts(cell)
    good = person(id="good", name="Ali Hassan")
    response = client.post("/api/v1/persons", json=body(good, bad), headers=bearer(token))
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_entity"
    assert response.json()["reason"].startswith("entities[1]") and words in response.json()["reason"]
    assert stored_counts(cell) == before
    assert client.get("/api/v1/persons/FRA-good", headers=bearer(token)).status_code == 404


def test_rtl_override_and_zero_width_characters_are_stripped(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA")
    entity = person(name="\u202eAli\u200b Hassan\u200d", alias=["\u2067أبو بكر\u2069"])
    assert client.post("/api/v1/persons", json=body(entity), headers=bearer(token)).status_code == 201
    stored = client.get("/api/v1/persons/FRA-ftf-1", headers=bearer(token)).json()["properties"]
    assert stored == {"name": ["Ali Hassan"], "alias": ["أبو بكر"]}


def test_an_unpaired_surrogate_escape_is_a_422(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA")
    entity = '{"id": "a", "schema": "Person", "properties": {"name": ["Ali \\ud800"]}}'
    raw = '{"label": "NATO SECRET", "entities": [' + entity + "]}"
    response = client.post(
        "/api/v1/persons", content=raw, headers={**bearer(token), "Content-Type": "application/json"}
    )
    assert response.status_code == 422 and "surrogate" in response.json()["reason"]
    assert stored_counts(cell)[0] == 0


@pytest.mark.parametrize(
    ("label", "error"),
    [
        ("NATO SECRET", "label_not_permitted"),  # the submitter is cleared NATO RESTRICTED only
        ("NATO SEKRET", "invalid_label"),
    ],
)
def test_a_label_the_submitter_may_not_assign_is_a_422_and_nothing_is_stored(
    client: TestClient, cell: Cell, make_user, label: str, error: str
) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA", "NATO RESTRICTED")
    response = client.post("/api/v1/persons", json=body(label=label), headers=bearer(token))
    assert response.status_code == 422 and response.json()["error"] == error
    assert stored_counts(cell) == (0, 0, 0, 0, 0)


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"label": SECRET, "entities": []}, "entities"),
        ({"label": SECRET, "entities": [person(id=f"p{n}") for n in range(1001)]}, "entities"),
        ({"label": SECRET, "entities": [person()], "discoverable": "maybe"}, "discoverable"),
        ({"label": SECRET, "entities": [person()], "extra": 1}, "extra"),
        ({"entities": [person()]}, "label"),
    ],
    ids=["no entities", "1001 entities", "non-boolean flag", "unknown field", "no label"],
)
def test_a_malformed_request_is_a_422_naming_the_field(
    client: TestClient, cell: Cell, make_user, payload, where
) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA")
    response = client.post("/api/v1/persons", json=payload, headers=bearer(token))
    assert response.status_code == 422 and response.json()["reason"].startswith(where)
    assert stored_counts(cell)[0] == 0


def test_disclosure_choices_are_accepted(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA")
    payload = body(discoverable=False, disclose_holder=True)
    assert client.post("/api/v1/persons", json=payload, headers=bearer(token)).status_code == 201
    with cell.db.read() as conn:
        row = conn.execute(select(persons.c.discoverable, persons.c.disclose_holder)).one()
    assert (bool(row.discoverable), bool(row.disclose_holder)) == (False, True)


def test_persons_need_a_token(client: TestClient) -> None:
    assert client.post("/api/v1/persons", json=body()).status_code == 401
    assert client.get("/api/v1/persons/FRA-ftf-1").status_code == 401
