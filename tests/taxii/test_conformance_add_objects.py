"""TAXII 2.1 conformance: Add Objects (section 5.5) and the status resource it answers with (4.3.1).

From docs/taxii-conformance-checklist.md part B: B.7 (202 with a status resource; counts; status
details with id and version; an exact duplicate is not an error; 413, 415, 422; max_content_length)
and B.2 (403 or 404 when can_write is false). Kept apart from Get Objects only to keep modules short.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import stix2
import stix2.exceptions
from fastapi.testclient import TestClient

from intelcell.api.app import create_app
from intelcell.cell import Cell
from tests.helpers import stored_objects
from tests.taxii.conftest import ROOT, TAXII, Taxii, sdo

MICROSECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
Build = Callable[..., TestClient]


@pytest.fixture
def app_with(cell: Cell) -> Iterator[Build]:
    """Builder of a second app over the same store with some settings changed."""
    opened: list[TestClient] = []

    def build(**changes: Any) -> TestClient:
        changed = dataclasses.replace(cell, settings=cell.settings.replace(**changes))
        client = TestClient(create_app(cell=changed), base_url="https://testserver")
        opened.append(client.__enter__())
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


def post(taxii: Taxii, body: Any, client: TestClient | None = None, collection: str | None = None) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return (client or taxii.client).post(
        f"{ROOT}/collections/{collection or taxii.rw}/objects/",
        content=raw,
        headers=taxii.headers(**{"Content-Type": TAXII}),
    )


def assert_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == TAXII
    assert response.json()["http_status"] == str(status) and response.json()["title"]


def stored_ids(taxii: Taxii) -> list[str]:
    return [row[0] for row in stored_objects(taxii.cell)]


def test_adding_objects_answers_202_with_a_complete_status_resource(taxii: Taxii) -> None:
    objects = [sdo(), sdo("indicator"), sdo(modified="2026-11-21T10:30:00.123Z")]
    response = post(taxii, {"objects": objects})
    assert response.status_code == 202 and response.headers["content-type"] == TAXII
    status = response.json()
    assert uuid.UUID(status["id"]).version == 4
    assert status["status"] in ("complete", "pending")
    assert MICROSECONDS.match(status["request_timestamp"])
    assert (status["total_count"], status["success_count"], status["failure_count"]) == (3, 3, 0)
    assert status["pending_count"] == 0 and status["total_count"] == 3
    assert [(s["id"], s["version"]) for s in status["successes"]] == [(o["id"], o["modified"]) for o in objects]
    assert "failures" not in status and "pendings" not in status  # empty lists are omitted
    assert sorted(stored_ids(taxii)) == sorted(o["id"] for o in objects)


def test_the_status_resource_can_be_fetched_again_unchanged(taxii: Taxii) -> None:
    status = taxii.add([sdo()])
    again = taxii.get(f"/status/{status['id']}/")
    assert again.status_code == 200 and again.headers["content-type"] == TAXII
    assert again.json() == status


def test_an_exact_duplicate_is_a_success_not_an_error(taxii: Taxii) -> None:
    obj = sdo()
    taxii.add([obj])
    status = post(taxii, {"objects": [obj, obj]}).json()
    assert (status["success_count"], status["failure_count"]) == (2, 0) and "failures" not in status
    assert [(s["id"], s["version"]) for s in status["successes"]] == [(obj["id"], obj["modified"])] * 2
    assert stored_ids(taxii) == [obj["id"]]


def test_an_exact_duplicate_with_its_properties_in_another_order_is_still_a_success(taxii: Taxii) -> None:
    # JSON objects are unordered (RFC 8259): the same members in another order are an exact duplicate,
    # for which section 5.5 says the server MUST NOT return an error.
    obj = sdo()
    taxii.add([obj])
    status = post(taxii, {"objects": [dict(reversed(list(obj.items())))]}).json()
    assert (status["success_count"], status["failure_count"]) == (1, 0) and "failures" not in status
    assert stored_ids(taxii) == [obj["id"]]


@pytest.mark.parametrize(
    "change",
    [{"name": "rewritten"}, {"modified": None}],
    ids=["other-content", "modified-removed-so-the-version-is-created"],
)
def test_a_conflicting_version_fails_and_the_stored_version_is_kept(taxii: Taxii, change: dict[str, Any]) -> None:
    obj = sdo(name="original")
    taxii.add([obj])
    copy = {k: v for k, v in {**obj, **change}.items() if v is not None}
    status = post(taxii, {"objects": [copy]}).json()
    assert (status["success_count"], status["failure_count"]) == (0, 1)
    failure = status["failures"][0]
    assert (failure["id"], failure["version"]) == (obj["id"], obj["modified"]) and failure["message"]
    served = taxii.get(f"/collections/{taxii.rw}/objects/{obj['id']}/", **{"match[version]": "all"}).json()
    assert [o["name"] for o in served["objects"]] == ["original"]


def test_a_stix_2_0_object_fails_because_this_server_stores_stix_2_1_only(taxii: Taxii) -> None:
    old, current = {**sdo(), "spec_version": "2.0"}, sdo()
    status = post(taxii, {"objects": [old, current]}).json()
    assert (status["success_count"], status["failure_count"]) == (1, 1)
    assert status["failures"][0]["id"] == old["id"] and "2.0" in status["failures"][0]["message"]
    assert stored_ids(taxii) == [current["id"]]


def test_a_marking_definition_is_stored_and_found_by_id_and_by_type(taxii: Taxii) -> None:
    statement = {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": f"marking-definition--{uuid.uuid4()}",
        "created": "2017-01-20T00:00:00.000Z",
        "definition_type": "statement",
        "definition": {"statement": "Copyright intelcell test"},
    }
    malware = sdo("malware", is_family=False)
    taxii.add([statement, malware, sdo()])
    by_id = taxii.get(f"/collections/{taxii.rw}/manifest/", **{"match[id]": statement["id"]}).json()["objects"]
    assert [(r["id"], r["version"]) for r in by_id] == [(statement["id"], statement["created"])]
    either = taxii.get(f"/collections/{taxii.rw}/objects/", **{"match[type]": "marking-definition,malware"})
    assert [o["id"] for o in either.json()["objects"]] == [statement["id"], malware["id"]]


def invalid(kind: str) -> dict[str, Any]:
    base = sdo("indicator")
    return {
        "bad-id": {**base, "id": "indicator--x"},
        "missing-required": {k: v for k, v in sdo().items() if k != "name"},
        "bad-pattern": {**base, "pattern": "[not a pattern"},
        "bad-timestamp": {**sdo(), "created": "yesterday"},
    }[kind]


@pytest.mark.parametrize("kind", ["bad-id", "missing-required", "bad-pattern", "bad-timestamp"])
def test_invalid_stix_fails_with_the_stix2_validation_message(taxii: Taxii, kind: str) -> None:
    bad, good = invalid(kind), sdo()
    with pytest.raises(stix2.exceptions.STIXError) as raised:
        stix2.parse(bad, allow_custom=True, version="2.1")
    status = post(taxii, {"objects": [bad, good]}).json()
    assert (status["total_count"], status["success_count"], status["failure_count"]) == (2, 1, 1)
    failure = status["failures"][0]
    assert failure["id"] == bad["id"] and isinstance(failure["version"], str)
    assert str(raised.value) in failure["message"]
    assert stored_ids(taxii) == [good["id"]]


def test_modified_earlier_than_created_fails(taxii: Taxii) -> None:
    bad = sdo(created="2026-11-21T09:00:00.000Z", modified="2026-11-20T09:00:00.000Z")
    status = post(taxii, {"objects": [bad]}).json()
    assert status["failure_count"] == 1 and "modified" in status["failures"][0]["message"]
    assert stored_ids(taxii) == []


def test_an_unknown_object_type_fails_and_is_not_stored(taxii: Taxii) -> None:
    unknown = {**sdo(), "type": "x-no-such-thing", "id": f"x-no-such-thing--{uuid.uuid4()}"}
    status = post(taxii, {"objects": [unknown]}).json()
    assert (status["success_count"], status["failure_count"]) == (0, 1)
    assert status["failures"][0]["id"] == unknown["id"] and "x-no-such-thing" in status["failures"][0]["message"]
    assert stored_ids(taxii) == []


@pytest.mark.parametrize("bad_id", [["marking-definition--x"], {"id": "x"}, 7, None])
def test_an_object_whose_id_is_not_text_fails_in_the_status_and_others_are_stored(taxii: Taxii, bad_id: Any) -> None:
    # Found by the OpenAPI fuzz: a list id was looked up among the envelope's label definitions and
    # answered 500 (tests/fuzz/test_openapi.py).
    good = sdo()
    status = post(taxii, {"objects": [{**sdo(), "id": bad_id}, good]}).json()
    assert (status["total_count"], status["success_count"], status["failure_count"]) == (2, 1, 1)
    assert status["failures"][0]["id"] == "(no id)"
    assert "string 'id'" in status["failures"][0]["message"]
    assert stored_ids(taxii) == [good["id"]]


@pytest.mark.parametrize(
    "body",
    [sdo(), [sdo()], {"objects": {}}, {"objects": "none"}, {"more": False}, None, 42],
    ids=["bare-object", "bare-list", "objects-dict", "objects-string", "no-objects", "null", "number"],
)
def test_a_body_that_is_not_an_envelope_gets_422(taxii: Taxii, body: Any) -> None:
    assert_error(post(taxii, body), 422)
    assert stored_ids(taxii) == []


def test_an_envelope_with_an_empty_objects_list_gets_422(taxii: Taxii) -> None:
    assert_error(post(taxii, {"objects": []}), 422)


@pytest.mark.parametrize("raw", [b"{not json", b"", b'{"objects": [', b"\xff\xfe{}"])
def test_a_body_that_is_not_json_gets_400(taxii: Taxii, raw: bytes) -> None:
    assert_error(post(taxii, raw), 400)


def test_a_wrong_content_type_gets_415_and_stores_nothing(taxii: Taxii) -> None:
    response = taxii.client.post(
        f"{ROOT}/collections/{taxii.rw}/objects/",
        json={"objects": [sdo()]},
        headers=taxii.headers(**{"Content-Type": "application/json"}),
    )
    assert_error(response, 415)
    assert stored_ids(taxii) == []


def test_an_envelope_over_the_object_limit_is_refused_whole_with_422(taxii: Taxii, app_with: Build) -> None:
    small = app_with(max_envelope_objects=3)
    assert_error(post(taxii, {"objects": [sdo() for _ in range(4)]}, client=small), 422)
    assert stored_ids(taxii) == []
    assert post(taxii, {"objects": [sdo() for _ in range(3)]}, client=small).status_code == 202


def test_a_body_below_max_content_length_never_gets_413(taxii: Taxii, app_with: Build) -> None:
    # Section 4.2.1: requests with a total body length smaller than max_content_length MUST NOT get 413,
    # so an envelope refused for its object count is not answered 413.
    small = app_with(max_envelope_objects=3)
    advertised = small.get(f"{ROOT}/", headers=taxii.headers()).json()["max_content_length"]
    body = json.dumps({"objects": [sdo() for _ in range(4)]}).encode()
    assert len(body) < advertised
    assert post(taxii, body, client=small).status_code != 413


def test_a_body_over_max_content_length_gets_413_and_stores_nothing(taxii: Taxii, app_with: Build) -> None:
    tight = app_with(max_body_bytes=2000)
    assert tight.get(f"{ROOT}/", headers=taxii.headers()).json()["max_content_length"] == 2000
    body = json.dumps({"objects": [sdo(description="x" * 2500)]}).encode()
    assert_error(post(taxii, body, client=tight), 413)
    assert stored_ids(taxii) == []


def test_an_object_over_max_object_bytes_fails_in_the_status_and_nothing_of_it_is_stored(
    taxii: Taxii, app_with: Build
) -> None:
    narrow = app_with(max_object_bytes=600)
    big, small = sdo(description="x" * 700), sdo()
    response = post(taxii, {"objects": [big, small]}, client=narrow)
    assert response.status_code == 202
    status = response.json()
    assert (status["success_count"], status["failure_count"]) == (1, 1)
    assert (status["failures"][0]["id"], status["failures"][0]["version"]) == (big["id"], big["modified"])
    assert stored_ids(taxii) == [small["id"]]
    assert taxii.get(f"/collections/{taxii.rw}/objects/{big['id']}/").status_code == 404
    assert big["id"] not in json.dumps(taxii.get(f"/collections/{taxii.rw}/manifest/").json())


@pytest.mark.parametrize("collection", ["read_only", "closed"])
def test_adding_to_a_collection_with_can_write_false_is_forbidden(taxii: Taxii, collection: str) -> None:
    response = post(taxii, {"objects": [sdo()]}, collection=getattr(taxii, collection))
    assert_error(response, 403)  # the specification allows 403 or 404; intelcell answers 403
    assert stored_ids(taxii) == []


def test_objects_round_trip_with_their_properties_apart_from_the_bound_label(taxii: Taxii) -> None:
    obj = sdo(
        "indicator",
        valid_until="2027-01-01T00:00:00Z",
        external_references=[{"source_name": "capec", "external_id": "CAPEC-163"}],
        labels=["ftf"],
    )
    taxii.add([obj])
    served = taxii.get(f"/collections/{taxii.rw}/objects/{obj['id']}/").json()["objects"][0]
    assert {k: v for k, v in served.items() if k != "object_marking_refs"} == obj
    assert served["object_marking_refs"]  # the collection's default label is bound to the object


def test_the_same_object_in_two_collections_is_served_once_by_each(taxii: Taxii) -> None:
    obj = sdo()
    taxii.add([obj])
    taxii.add([obj], collection=taxii.write_only)
    served = taxii.get(f"/collections/{taxii.rw}/objects/", **{"match[id]": obj["id"]}).json()["objects"]
    assert [o["id"] for o in served] == [obj["id"]]
    assert sorted(stored_ids(taxii)) == [obj["id"], obj["id"]]
