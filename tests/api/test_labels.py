"""POST /api/v1/labels/parse and the published label extension: structured label, canonical text,
deterministic STIX marking-definitions, and a clear refusal for anything else."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stix2
from fastapi.testclient import TestClient

from intelcell.api.app import create_app
from intelcell.cell import Cell
from intelcell.store import audit
from intelcell.store.users import User
from tests.helpers import bearer

MakeUser = Callable[..., tuple[User, str]]
PARSE = "/api/v1/labels/parse"
EXAMPLE = "NATO SECRET // REL TO COALITION, IRQ // ORCON"
JSON = {"Content-Type": "application/json"}
# DESIGN.md: the id is derived from the canonical text the same way on every server; never changes.
NAMESPACE = uuid.UUID("bdaadd90-4031-432e-80c9-d81bf2dd3970")
LABEL_EXTENSION = "extension-definition--9cdd9762-f992-42f0-98f8-d0dc1b39cd29"
# TLP 2.0 marking-definition ids published by OASIS (cti-stix-common-objects).
OASIS_TLP = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def expected_id(canonical: str) -> str:
    return f"marking-definition--{uuid.uuid5(NAMESPACE, canonical)}"


@pytest.fixture
def token(make_user: MakeUser) -> str:
    return make_user("FRA")[1]


@pytest.fixture
def small_client(cell: Cell) -> Iterator[TestClient]:
    """The same cell served by an app that accepts bodies of at most 1000 bytes."""
    small = dataclasses.replace(cell, settings=cell.settings.replace(max_body_bytes=1000))
    with TestClient(create_app(cell=small), base_url="https://testserver") as test_client:
        yield test_client


def audit_count(cell: Cell) -> int:
    with cell.db.read() as conn:
        return audit.count(conn)


def parse(client: TestClient, token: str, text: str) -> Any:
    return client.post(PARSE, json={"text": text}, headers=bearer(token))


def test_parse_answers_the_structured_label_its_canonical_text_and_its_marking(client: TestClient, token: str) -> None:
    response = parse(client, token, EXAMPLE)
    assert response.status_code == 200
    answer = response.json()
    assert answer["label"] == {
        "policy": "NATO",
        "classification": "SECRET",
        "releasable_to": ["COALITION", "IRQ"],
        "caveats": ["ORCON"],
        "tlp": None,
    }
    assert answer["canonical"] == EXAMPLE
    marking = answer["marking_definition"]
    assert (marking["type"], marking["id"], marking["name"]) == (
        "marking-definition",
        expected_id(EXAMPLE),
        EXAMPLE,
    )
    extension = marking["extensions"][LABEL_EXTENSION]
    assert extension == {"extension_type": "property-extension", **answer["label"]}
    assert "tlp_marking_definition" not in answer


@pytest.mark.parametrize(
    "spelling",
    [
        EXAMPLE,
        "nato secret // rel to coalition, irq // orcon",
        "NATO SECRET//REL TO IRQ,COALITION//ORCON",
        "  Nato   Secret  //  Rel To  irq ,  Coalition  //  Orcon  ",
    ],
)
def test_the_same_label_in_any_spelling_or_case_has_the_same_marking_id(
    client: TestClient, token: str, spelling: str
) -> None:
    answer = parse(client, token, spelling).json()
    assert answer["canonical"] == EXAMPLE
    assert answer["marking_definition"]["id"] == expected_id(answer["canonical"])


def test_different_labels_have_different_marking_ids(client: TestClient, token: str) -> None:
    texts = ["NATO SECRET", "NATO SECRET // ORCON", "NATO SECRET // REL TO IRQ", "FRA SECRET"]
    ids = {parse(client, token, text).json()["marking_definition"]["id"] for text in texts}
    assert len(ids) == len(texts)


@pytest.mark.parametrize(
    "text",
    [EXAMPLE, "FRA CONFIDENTIAL // REL TO BEL, DEU", "NATO COSMIC TOP SECRET // ATOMAL // TLP:RED"],
)
def test_every_marking_definition_is_valid_stix(client: TestClient, token: str, text: str) -> None:
    answer = parse(client, token, text).json()
    markings = [answer["marking_definition"], answer.get("tlp_marking_definition")]
    for marking in filter(None, markings):
        parsed = stix2.parse(marking, allow_custom=True)
        assert (parsed.type, parsed.id) == ("marking-definition", marking["id"])


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("NATO UNCLASSIFIED // TLP:CLEAR", "CLEAR"),
        ("NATO RESTRICTED // TLP:GREEN", "GREEN"),
        ("NATO SECRET // TLP:AMBER", "AMBER"),
        ("FRA CONFIDENTIAL // REL TO DEU // TLP:AMBER+STRICT", "AMBER+STRICT"),
        ("nato secret // orcon // tlp:red", "RED"),
    ],
)
def test_a_tlp_adds_the_oasis_marking_definition_of_its_level(
    client: TestClient, token: str, text: str, level: str
) -> None:
    answer = parse(client, token, text).json()
    assert answer["label"]["tlp"] == level
    assert answer["tlp_marking_definition"]["id"] == OASIS_TLP[level]
    assert answer["tlp_marking_definition"]["name"] == f"TLP:{level}"
    assert answer["marking_definition"]["id"] not in OASIS_TLP.values()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("XYZ SECRET", "unknown policy 'XYZ'"),
        ("NATO TOP SECRET", "not a NATO classification"),
        ("FRA COSMIC TOP SECRET", "national top level of FRA is TOP SECRET"),
        ("NATO SECRET // REL TO XXX", "unknown member or community 'XXX'"),
        ("NATO SECRET // NOFORN", "unknown caveat or label segment 'NOFORN'"),
        ("NATO SECRET // TLP:PURPLE", "unknown TLP level 'PURPLE'"),
        ("NATO SECRET // TLP:CLEAR", "contradicts"),
        ("NATO SECRET //  // ORCON", "empty segment"),
        ("A" * 1000, "unknown policy"),
    ],
    ids=lambda value: value[:30] or "empty",
)
def test_an_invalid_label_is_422_with_the_reason(
    client: TestClient, cell: Cell, token: str, text: str, reason: str
) -> None:
    before = audit_count(cell)
    response = parse(client, token, text)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_label"
    assert reason in response.json()["reason"]
    assert audit_count(cell) == before


@pytest.mark.parametrize(
    ("content", "status", "error", "reason"),
    [
        (b"{not json", 400, "malformed_json", "not valid JSON"),
        (b'{"text": "NATO SECRET"', 400, "malformed_json", "not valid JSON"),
        (b"{}", 422, "invalid_request", "text: Field required"),
        (b'{"text": "NATO SECRET", "colour": "red"}', 422, "invalid_request", "colour: Extra inputs"),
        (json.dumps({"text": "A" * 1001}).encode(), 422, "invalid_request", "at most 1000 characters"),
        (b'{"text": 5}', 422, "invalid_request", "text: Input should be a valid string"),
        (b'["NATO SECRET"]', 422, "invalid_request", "valid dictionary"),
    ],
    ids=["garbage", "truncated", "missing text", "extra field", "text too long", "text not a string", "list"],
)
def test_a_body_the_schema_refuses_is_answered_with_the_error_shape(
    client: TestClient, cell: Cell, token: str, content: bytes, status: int, error: str, reason: str
) -> None:
    before = audit_count(cell)
    response = client.post(PARSE, content=content, headers={**bearer(token), **JSON})
    assert response.status_code == status
    assert response.json()["error"] == error
    assert reason in response.json()["reason"]
    assert audit_count(cell) == before


def padded(size: int) -> bytes:
    """A valid request body of exactly ``size`` bytes."""
    body = b'{"text": "NATO SECRET"}'
    return body[:-1] + b" " * (size - len(body)) + b"}"


def declared(body: bytes) -> bytes:
    return body  # sent in one piece with its Content-Length


def streamed(body: bytes) -> Iterator[bytes]:
    return (body[i : i + 100] for i in range(0, len(body), 100))  # no Content-Length: chunked


@pytest.mark.parametrize("send", [declared, streamed])
def test_a_body_at_the_limit_is_accepted(small_client: TestClient, token: str, send: Callable) -> None:
    response = small_client.post(PARSE, content=send(padded(1000)), headers={**bearer(token), **JSON})
    assert response.status_code == 200
    assert response.json()["canonical"] == "NATO SECRET"


@pytest.mark.parametrize("send", [declared, streamed])
def test_a_body_over_the_limit_is_413(small_client: TestClient, cell: Cell, token: str, send: Callable) -> None:
    before = audit_count(cell)
    response = small_client.post(PARSE, content=send(padded(1001)), headers={**bearer(token), **JSON})
    assert audit_count(cell) == before
    assert response.status_code == 413
    limit = "request body exceeds the limit of 1000 bytes"
    assert response.json() == {"error": "body_too_large", "reason": limit}


def test_the_extension_definition_is_published_with_its_identity(client: TestClient, token: str) -> None:
    response = client.get("/api/v1/labels/extension-definition", headers=bearer(token))
    assert response.status_code == 200
    identity, extension = (stix2.parse(obj, allow_custom=True) for obj in response.json())
    assert (identity.type, extension.type) == ("identity", "extension-definition")
    assert extension.id == LABEL_EXTENSION
    assert extension.created_by_ref == identity.id
    assert list(extension.extension_types) == ["property-extension"]
    marking = parse(client, token, "NATO SECRET").json()["marking_definition"]
    assert marking["created_by_ref"] == identity.id
    assert list(marking["extensions"]) == [extension.id]
