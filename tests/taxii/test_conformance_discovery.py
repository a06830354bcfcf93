"""TAXII 2.1 conformance: discovery, API root, content negotiation, error messages, authentication.

Written from the specification's normative statements (docs/taxii-conformance-checklist.md part B:
B.1 media types and negotiation, B.2 authentication, B.6 error message resource, B.7 discovery and
API root), not from any server's tests.
"""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.helpers import stored_objects
from tests.taxii.conftest import ROOT, TAXII, Taxii, sdo

ERROR_PROPERTIES = {
    "title": str,
    "description": str,
    "error_id": str,
    "error_code": str,
    "http_status": str,
    "external_details": str,
    "details": dict,
}


def assert_taxii_error(response: Any, status: int) -> dict[str, Any]:
    """A TAXII error message (section 3.6.1) with the TAXII Content-Type and http_status as a string."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == TAXII
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("title"), str) and body["title"]
    assert set(body) <= set(ERROR_PROPERTIES), body
    for name, value in body.items():
        assert isinstance(value, ERROR_PROPERTIES[name]), (name, value)
    assert body.get("http_status", str(status)) == str(status)
    return body  # type: ignore[no-any-return]


def snapshot(taxii: Taxii) -> list[str]:
    """Every stored version, in a stable order (the store gives no order without ORDER BY)."""
    return sorted(json.dumps(row, sort_keys=True) for row in stored_objects(taxii.cell))


@pytest.fixture
def bed(taxii: Taxii) -> dict[str, str]:
    """One stored object and its status: enough for every endpoint to have something to answer about."""
    obj = sdo()
    status = taxii.add([obj])
    return {"rw": taxii.rw, "obj": obj["id"], "status": status["id"]}


ENDPOINTS = [
    ("GET", "/taxii2/"),
    ("GET", f"{ROOT}/"),
    ("GET", f"{ROOT}/collections/"),
    ("GET", f"{ROOT}/collections/{{rw}}/"),
    ("GET", f"{ROOT}/collections/{{rw}}/manifest/"),
    ("GET", f"{ROOT}/collections/{{rw}}/objects/"),
    ("POST", f"{ROOT}/collections/{{rw}}/objects/"),
    ("GET", f"{ROOT}/collections/{{rw}}/objects/{{obj}}/"),
    ("DELETE", f"{ROOT}/collections/{{rw}}/objects/{{obj}}/"),
    ("GET", f"{ROOT}/collections/{{rw}}/objects/{{obj}}/versions/"),
    ("GET", f"{ROOT}/status/{{status}}/"),
]
ENDPOINT_IDS = [f"{method} {path.replace(ROOT, '{root}')}" for method, path in ENDPOINTS]


def call(taxii: Taxii, method: str, path: str, headers: dict[str, str]) -> Any:
    """One request; a POST carries a valid one-object envelope."""
    body = {"objects": [sdo()]} if method == "POST" else None
    if method == "POST":
        headers = {"Content-Type": TAXII, **headers}
    return taxii.client.request(method, path, headers=headers, json=body)


def test_discovery_names_a_title_and_api_roots_that_follow_the_url_rules(taxii: Taxii) -> None:
    response = taxii.client.get("/taxii2/", headers=taxii.headers())
    assert response.status_code == 200 and response.headers["content-type"] == TAXII
    body = response.json()
    assert isinstance(body["title"], str) and body["title"]
    roots = body["api_roots"]
    assert roots and len(set(roots)) == len(roots)
    assert body["default"] in roots
    for url in roots:
        parts = urlsplit(url)
        assert not parts.query
        if parts.scheme:
            assert parts.scheme == "https"
        else:
            assert url.startswith("/") and not url.startswith(("//", "../"))


def test_every_advertised_api_root_answers_with_its_resource(taxii: Taxii) -> None:
    for url in taxii.client.get("/taxii2/", headers=taxii.headers()).json()["api_roots"]:
        response = taxii.client.get(urlsplit(url).path, headers=taxii.headers())
        assert response.status_code == 200 and response.headers["content-type"] == TAXII
        root = response.json()
        assert isinstance(root["title"], str) and root["title"]
        assert TAXII in root["versions"]
        assert isinstance(root["max_content_length"], int) and root["max_content_length"] > 0


@pytest.mark.parametrize(
    "path",
    [
        "/taxii2/elsewhere/",
        "/taxii2/elsewhere/collections/",
        "/taxii2/elsewhere/collections/{rw}/",
        "/taxii2/elsewhere/collections/{rw}/objects/",
        "/taxii2/elsewhere/collections/{rw}/manifest/",
        "/taxii2/elsewhere/status/{status}/",
    ],
)
def test_an_unknown_api_root_is_404_on_every_endpoint(taxii: Taxii, bed: dict[str, str], path: str) -> None:
    assert_taxii_error(taxii.client.get(path.format(**bed), headers=taxii.headers()), 404)


@pytest.mark.parametrize(
    "path",
    [
        f"{ROOT}/collections/{{rw}}/manifest/{{obj}}/",
        f"{ROOT}/nothing/here/",
        f"{ROOT}/collections/{{rw}}/objects/{{obj}}/x/",
    ],
)
def test_a_path_that_names_no_endpoint_is_a_taxii_404(taxii: Taxii, bed: dict[str, str], path: str) -> None:
    assert_taxii_error(taxii.client.get(path.format(**bed), headers=taxii.headers()), 404)


@pytest.mark.parametrize(
    "accept",
    [
        TAXII,
        "application/taxii+json",
        "application/taxii+json; version=2.1",
        'application/taxii+json;version="2.1"',
        "application/json, application/taxii+json;version=2.1",
        "*/*",
    ],
)
def test_an_accept_header_with_a_taxii_2_1_media_range_is_served(taxii: Taxii, accept: str) -> None:
    response = taxii.client.get(f"{ROOT}/collections/", headers=taxii.headers(Accept=accept))
    assert response.status_code == 200
    assert response.headers["content-type"] == TAXII


@pytest.mark.parametrize(
    "accept",
    ["application/json", "application/taxii+json;version=2.0", "application/stix+json;version=2.1", "text/html"],
)
def test_an_accept_header_without_taxii_2_1_gets_406(taxii: Taxii, accept: str) -> None:
    body = assert_taxii_error(taxii.client.get(f"{ROOT}/collections/", headers=taxii.headers(Accept=accept)), 406)
    assert body["title"]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_every_endpoint_answers_406_to_an_unacceptable_accept_and_changes_nothing(
    taxii: Taxii, bed: dict[str, str], method: str, path: str
) -> None:
    before = snapshot(taxii)
    assert_taxii_error(call(taxii, method, path.format(**bed), taxii.headers(Accept="application/json")), 406)
    assert snapshot(taxii) == before


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/stix+json;version=2.1", "application/taxii+json;version=2.0", "text/plain", ""],
)
def test_a_post_whose_content_type_is_not_taxii_2_1_gets_415(taxii: Taxii, content_type: str) -> None:
    response = taxii.client.post(
        f"{ROOT}/collections/{taxii.rw}/objects/",
        content=json.dumps({"objects": [sdo()]}).encode(),
        headers=taxii.headers(**{"Content-Type": content_type}),
    )
    assert_taxii_error(response, 415)
    assert stored_objects(taxii.cell) == []


@pytest.mark.parametrize(
    "content_type", [TAXII, "application/taxii+json", "application/taxii+json; version=2.1; charset=utf-8"]
)
def test_a_post_with_a_taxii_2_1_content_type_is_accepted(taxii: Taxii, content_type: str) -> None:
    response = taxii.client.post(
        f"{ROOT}/collections/{taxii.rw}/objects/",
        json={"objects": [sdo()]},
        headers=taxii.headers(**{"Content-Type": content_type}),
    )
    assert response.status_code == 202 and response.json()["success_count"] == 1


ERRORS = {
    400: ("GET", f"{ROOT}/collections/{{rw}}/objects/?limit=0", {}),
    403: ("GET", f"{ROOT}/collections/{{write_only}}/objects/", {}),
    404: ("GET", f"{ROOT}/collections/{uuid.uuid4()}/", {}),
    405: ("PUT", f"{ROOT}/collections/", {}),
    406: ("GET", f"{ROOT}/collections/", {"Accept": "application/xml"}),
    415: ("POST", f"{ROOT}/collections/{{rw}}/objects/", {"Content-Type": "application/json"}),
    422: ("POST", f"{ROOT}/collections/{{rw}}/objects/", {"Content-Type": TAXII}),
}


@pytest.mark.parametrize("status", sorted(ERRORS))
def test_error_responses_are_taxii_error_messages_with_http_status_as_a_string(taxii: Taxii, status: int) -> None:
    method, path, extra = ERRORS[status]
    url = path.format(rw=taxii.rw, write_only=taxii.write_only)
    body = sdo() if method == "POST" else None  # a bare object, not an envelope: 422 once the type is right
    response = taxii.client.request(method, url, headers=taxii.headers(**extra), json=body)
    error = assert_taxii_error(response, status)
    assert error["http_status"] == str(status)


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "],
    ids=["none", "unknown-token", "http-basic", "empty-bearer"],
)
@pytest.mark.parametrize(("method", "path"), ENDPOINTS, ids=ENDPOINT_IDS)
def test_a_request_without_valid_credentials_gets_401_with_www_authenticate(
    taxii: Taxii, bed: dict[str, str], method: str, path: str, authorization: str | None
) -> None:
    headers = {"Accept": TAXII} | ({"Authorization": authorization} if authorization else {})
    before = snapshot(taxii)
    response = call(taxii, method, path.format(**bed), headers)
    assert_taxii_error(response, 401)
    assert response.headers["www-authenticate"].lower().startswith("bearer")
    assert snapshot(taxii) == before


def test_authentication_is_decided_before_content_negotiation(taxii: Taxii) -> None:
    response = taxii.client.get(f"{ROOT}/collections/{taxii.rw}/manifest/", headers={})
    assert_taxii_error(response, 401)


@pytest.mark.parametrize(
    "path", [ROOT, f"{ROOT}/collections", f"{ROOT}/collections/{{rw}}/objects", f"{ROOT}/status/{{status}}"]
)
def test_a_path_without_its_trailing_slash_leads_to_the_slashed_endpoint(
    taxii: Taxii, bed: dict[str, str], path: str
) -> None:
    url = path.format(**bed)
    redirect = taxii.client.get(url, headers=taxii.headers(), follow_redirects=False)
    assert redirect.status_code in (301, 302, 307, 308)
    assert urlsplit(redirect.headers["location"]).path == f"{url}/"
    followed = taxii.client.get(url, headers=taxii.headers())
    assert followed.status_code == 200 and followed.headers["content-type"] == TAXII


def test_a_request_without_a_user_agent_is_not_rejected(taxii: Taxii) -> None:
    request = taxii.client.build_request("GET", "/taxii2/", headers=taxii.headers())
    del request.headers["user-agent"]
    response = taxii.client.send(request)
    assert response.status_code == 200 and response.json()["api_roots"]
