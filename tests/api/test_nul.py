"""NUL characters: refused with 400 before any route, since PostgreSQL text cannot hold them.

Without the guard, ``GET /api/v1/objects/x%00y`` answered 500 on PostgreSQL (the OpenAPI fuzz
found it). STIX objects under /taxii2 may still carry NUL in their strings.
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from tests.helpers import bearer
from tests.taxii.conftest import ROOT, TAXII, Taxii, sdo

REASON = "text may not contain NUL characters (U+0000)"


@pytest.mark.parametrize(
    "url",
    ["/api/v1/objects/x%00y", "/api/v1/search?member=%00", "/api/v1/persons/FRA-%00", f"{ROOT}/collections/?x=%00"],
)
def test_a_nul_in_a_path_or_query_is_refused_with_400(taxii: Taxii, url: str) -> None:
    response = taxii.client.get(url, headers={**bearer(taxii.token), "Accept": TAXII})
    assert response.status_code == 400
    body = response.json()
    assert REASON in (body.get("reason") or body.get("description")), body


def test_a_nul_in_a_json_body_is_refused_and_nothing_is_stored(taxii: Taxii) -> None:
    entity = {"id": "n1", "schema": "Person", "properties": {"name": ["Abu\u0000Bakr"]}}
    body = {"entities": [entity], "label": "NATO RESTRICTED // REL TO COALITION"}
    response = taxii.client.post(
        "/api/v1/persons", content=json.dumps(body), headers={**bearer(taxii.token), "Content-Type": "application/json"}
    )
    assert (response.status_code, response.json()["reason"]) == (400, REASON)
    assert taxii.client.get("/api/v1/persons/USA-n1", headers=bearer(taxii.token)).status_code == 404


def test_a_nul_in_a_multipart_form_is_refused(client: TestClient) -> None:
    files = {"question": (None, "who\x00is"), "csrf": (None, "x")}
    assert client.post("/rfis", files=files).status_code == 400


def test_a_nul_in_a_form_is_refused(client: TestClient) -> None:
    response = client.post(
        "/login", content=b"token=a%00b&csrf=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400


def test_a_stix_string_may_carry_a_nul_and_is_stored_and_found(taxii: Taxii) -> None:
    obj = sdo(name="before\u0000after")
    status = taxii.add([obj])
    assert status["success_count"] == 1
    found = taxii.get(f"/collections/{taxii.rw}/objects/{obj['id']}/").json()["objects"][0]
    assert found["name"] == "before\u0000after"
