"""``POST /api/v1/persons/encoded``: hit/no-hit for keyed Bloom-filter encodings, and nothing more:
no record id, no score, no holder that did not allow naming; refusals store nothing."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.domain import bloom
from intelcell.fighters import records
from intelcell.fighters.entities import validate
from intelcell.fighters.privacy import MAX_ENCODINGS, Encoding
from intelcell.settings import Settings
from intelcell.store import audit
from intelcell.store.schema import person_encodings, person_hits
from tests.fighters.builders import SECRET, person
from tests.helpers import bearer, user

KEY_TEXT = "0123456789abcdef" * 4
URL = "/api/v1/persons/encoded"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The cell holds the linkage key its members encode with."""
    return Settings.from_env(environ={}, database_url=database_url, linkage_key=KEY_TEXT)


def encoding(ref: str = "q-1", name: str = "Abou Bakr Al Baghdadi", birth_date: str | None = "1971") -> dict[str, Any]:
    """An encoding as ``intelcell persons encode`` writes it."""
    profile = validate(person(id=ref, name=name, birth_date=birth_date), "test").profile
    return Encoding.of(ref, profile, bloom.key_from_text(KEY_TEXT)).to_json()


def body(*encodings: dict[str, Any], label: str = SECRET, **flags: Any) -> dict[str, Any]:
    return {"label": label, "encodings": list(encodings) or [encoding()], **flags}


def held(cell: Cell, member: str, **flags: Any) -> None:
    """``member`` keeps a plaintext record of al-Baghdadi, born 1971."""
    records.submit(cell, user(cell, member, f"{member.lower()}.holder"), [person(birth_date="1971")], SECRET, **flags)


def counts(cell: Cell) -> tuple[int, int, int]:
    """(encodings, hits, audit entries) as stored."""
    with cell.db.read() as conn:
        return (
            conn.execute(select(func.count()).select_from(person_encodings)).scalar_one(),
            conn.execute(select(func.count()).select_from(person_hits)).scalar_one(),
            audit.count(conn),
        )


def test_a_hit_answers_hit_and_nothing_else(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    held(cell, "IRQ")
    _u, token = make_user("FRA")
    answer = client.post(URL, json=body(encoding("q-1"), encoding("q-2", "Osama bin Laden")), headers=bearer(token))
    assert answer.status_code == 201, answer.text
    assert answer.json() == {
        "algorithm": "intelcell-bloom-v1",
        "compared_with": ["records", "encodings"],
        "results": [{"ref": "q-1", "hit": True, "holders": []}, {"ref": "q-2", "hit": False, "holders": []}],
    }
    assert "IRQ" not in answer.text and "ftf-1" not in answer.text


def test_no_record_and_an_undiscoverable_record_give_byte_identical_answers(
    client: TestClient, cell: Cell, make_user
) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("FRA")
    nothing = client.post(URL, json=body(), headers=bearer(token))
    held(cell, "IRQ", discoverable=False, disclose_holder=True)
    hidden = client.post(URL, json=body(), headers=bearer(token))
    assert hidden.status_code == nothing.status_code == 201
    assert hidden.content == nothing.content
    assert dict(hidden.headers) == dict(nothing.headers)


def test_the_holder_is_named_only_when_its_record_allows(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    held(cell, "IRQ")
    _u, token = make_user("FRA")
    assert client.post(URL, json=body(), headers=bearer(token)).json()["results"][0]["holders"] == []
    held(cell, "JOR", disclose_holder=True)
    assert client.post(URL, json=body(), headers=bearer(token)).json()["results"][0]["holders"] == ["JOR"]


def test_the_holder_sees_the_hit_row(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    held(cell, "IRQ")
    fra, token = make_user("FRA")
    client.post(URL, json=body(), headers=bearer(token))
    with cell.db.read() as conn:
        [row] = conn.execute(select(person_hits)).all()
    assert (row.person_id, row.holder, row.querying_member, row.querying_user_id) == ("IRQ-ftf-1", "IRQ", "FRA", fra.id)
    assert row.algorithm == "intelcell-bloom-v1"


def _too_many() -> dict[str, Any]:
    one = encoding()
    return body(*({**one, "ref": f"r{n}"} for n in range(MAX_ENCODINGS + 1)))


REFUSED = [
    ("malformed base64", lambda: body({**encoding(), "name_filter": "@@@"}), "invalid_encoding", "base64"),
    ("wrong filter length", lambda: body({**encoding(), "name_filter": "AAAA"}), "invalid_encoding", "128 bytes"),
    (
        "empty filter",
        lambda: body({**encoding(), "name_filter": base64.b64encode(bytes(128)).decode()}),
        "invalid_encoding",
        "empty",
    ),
    ("bad year", lambda: body({**encoding(), "birth_year": 3000}), "invalid_encoding", "birth_year"),
    ("bad ref", lambda: body({**encoding(), "ref": "a b"}), "invalid_encoding", "ref"),
    ("second one bad", lambda: body(encoding("ok"), {**encoding(), "name_filter": 7}), "invalid_encoding", "[1]"),
    ("more than the limit", _too_many, "too_many", "at most 10000"),
    ("bad label", lambda: body(label="NATO SECRETISH"), "invalid_label", ""),
    ("label above clearance", lambda: body(label="NATO COSMIC TOP SECRET"), "label_not_permitted", ""),
    ("no encodings", lambda: {"label": SECRET, "encodings": []}, "invalid_request", "encodings"),
    ("unknown member", lambda: {**body(), "holders": ["IRQ"]}, "invalid_request", "holders"),
]


@pytest.mark.parametrize(("make", "error", "words"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_bad_input_is_refused_with_a_reason_and_nothing_stored(  # type: ignore[no-untyped-def]
    client: TestClient, cell: Cell, make_user, make: Any, error: str, words: str
) -> None:
    held(cell, "IRQ")
    _u, token = make_user("FRA")
    before = counts(cell)
    answer = client.post(URL, json=make(), headers=bearer(token))
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == error and words in answer.json()["reason"]
    assert counts(cell) == before


def test_a_token_is_needed(client: TestClient) -> None:
    assert client.post(URL, json=body()).status_code == 401
