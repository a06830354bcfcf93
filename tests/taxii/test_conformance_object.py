"""TAXII 2.1 conformance: Get an Object (section 5.6) and Delete an Object (section 5.7).

From docs/taxii-conformance-checklist.md part B: B.7 (an object's versions in an envelope, match
[version] and [spec_version], 404 for an unknown id; DELETE answers 200 with no payload, after which
the object is 404 and gone from the manifest) and B.2 (section 5.7's permission table, and 403 for
a client that may read the object but not delete it: only the originating member may).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import FakeClock
from tests.helpers import stored_objects
from tests.taxii.conftest import ROOT, TAXII, Taxii, sdo

MakeUser = Callable[..., tuple[Any, str]]
MICROSECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
V1, V2, V3 = "2026-11-20T09:00:00.000Z", "2026-11-21T09:00:00.000Z", "2026-11-22T09:00:00.000Z"
ADDED = ["2026-11-28T09:00:00.000000Z", "2026-11-28T09:00:01.000000Z", "2026-11-28T09:00:02.000000Z"]


@pytest.fixture
def versioned(taxii: Taxii, clock: FakeClock) -> str:
    """One object in "rw" with three versions added a second apart, oldest first."""
    base = sdo()
    for modified in (V1, V2, V3):
        taxii.add([{**base, "modified": modified}])
        clock.advance(seconds=1)
    return str(base["id"])


def get(taxii: Taxii, object_id: str, token: str | None = None, **params: str) -> Any:
    return taxii.get(f"/collections/{taxii.rw}/objects/{object_id}/", token, **params)


def delete(taxii: Taxii, object_id: str, collection: str | None = None, token: str | None = None, **params: str) -> Any:
    url = f"{ROOT}/collections/{collection or taxii.rw}/objects/{object_id}/"
    return taxii.client.delete(url, headers=taxii.headers(token), params=params)


def modified_of(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == TAXII
    return [o["modified"] for o in response.json().get("objects", [])]


def versions_of(taxii: Taxii, object_id: str) -> list[str]:
    response = taxii.get(f"/collections/{taxii.rw}/objects/{object_id}/versions/")
    return response.json().get("versions", []) if response.status_code == 200 else []


def test_get_an_object_answers_its_latest_version_in_an_envelope_with_date_headers(
    taxii: Taxii, versioned: str
) -> None:
    response = get(taxii, versioned)
    assert modified_of(response) == [V3]
    assert response.json()["objects"][0]["id"] == versioned and response.json().get("more", False) is False
    assert response.headers["X-TAXII-Date-Added-First"] == response.headers["X-TAXII-Date-Added-Last"] == ADDED[2]
    assert MICROSECONDS.match(response.headers["X-TAXII-Date-Added-Last"])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"match[version]": "last"}, [V3]),
        ({"match[version]": "first"}, [V1]),
        ({"match[version]": "all"}, [V1, V2, V3]),
        ({"match[version]": V2}, [V2]),
        ({"match[version]": "first,last"}, [V1, V3]),
        ({"match[version]": f"{V1},{V2}"}, [V1, V2]),
        ({"match[spec_version]": "2.1"}, [V3]),
        ({"match[spec_version]": "2.1", "match[version]": "all"}, [V1, V2, V3]),
        ({"match[spec_version]": "2.0,2.1"}, [V3]),
        ({"added_after": ADDED[0], "match[version]": "all"}, [V2, V3]),
        ({"added_after": ADDED[1]}, [V3]),
    ],
)
def test_get_an_object_filters_its_versions(
    taxii: Taxii, versioned: str, params: dict[str, str], expected: list[str]
) -> None:
    assert modified_of(get(taxii, versioned, **params)) == expected


def test_get_an_object_pages_its_versions_with_limit_and_next(taxii: Taxii, versioned: str) -> None:
    first = get(taxii, versioned, limit="2", **{"match[version]": "all"})
    assert modified_of(first) == [V1, V2] and first.json()["more"] is True
    assert (first.headers["X-TAXII-Date-Added-First"], first.headers["X-TAXII-Date-Added-Last"]) == tuple(ADDED[:2])
    rest = get(taxii, versioned, limit="2", next=first.json()["next"], **{"match[version]": "all"})
    assert modified_of(rest) == [V3] and rest.json()["more"] is False and "next" not in rest.json()
    assert rest.headers["X-TAXII-Date-Added-First"] == ADDED[2]


@pytest.mark.parametrize("object_id", [f"threat-actor--{uuid.uuid4()}", "not-a-stix-id", f"indicator--{uuid.uuid4()}"])
def test_get_an_unknown_object_is_404(taxii: Taxii, versioned: str, object_id: str) -> None:
    response = get(taxii, object_id)
    assert response.status_code == 404 and response.headers["content-type"] == TAXII
    assert response.json()["http_status"] == "404"


@pytest.mark.parametrize(
    "params",
    [{"added_after": ADDED[2]}, {"match[spec_version]": "2.0"}, {"match[version]": "2026-11-23T09:00:00.000Z"}],
    ids=["added-after-the-newest", "spec-version-2.0", "no-such-version"],
)
def test_get_an_object_whose_versions_are_all_filtered_out_is_an_empty_envelope(
    taxii: Taxii, versioned: str, params: dict[str, str]
) -> None:
    # Section 5.6 is a match[id] search: no matching version is an empty envelope; 404 is for an unknown id
    # (and, in intelcell, for an object with no version this requester may read at all).
    response = get(taxii, versioned, **params)
    assert response.status_code == 200 and response.headers["content-type"] == TAXII
    assert "objects" not in response.json() and response.json().get("more", False) is False
    assert MICROSECONDS.match(response.headers["X-TAXII-Date-Added-First"])


def test_an_object_without_created_or_modified_is_versioned_by_its_date_added(taxii: Taxii) -> None:
    sco = {"type": "ipv4-addr", "spec_version": "2.1", "id": f"ipv4-addr--{uuid.uuid4()}", "value": "203.0.113.9"}
    status = taxii.add([sco])
    date_added = taxii.get(f"/collections/{taxii.rw}/manifest/").json()["objects"][0]["date_added"]
    assert status["successes"][0]["version"][:19] == date_added[:19]
    for version in ("all", "first", "last"):
        served = get(taxii, sco["id"], **{"match[version]": version}).json()["objects"]
        assert [o["id"] for o in served] == [sco["id"]]
    assert versions_of(taxii, sco["id"]) == [status["successes"][0]["version"]]


PERMISSIONS = [("closed", 404), ("read_only", 403), ("write_only", 403), ("rw", 200)]


@pytest.mark.parametrize(("collection", "expected"), PERMISSIONS)
def test_delete_follows_the_section_5_7_permission_table(
    taxii: Taxii, make_user: MakeUser, collection: str, expected: int
) -> None:
    _user, fra = make_user("FRA", "NATO SECRET", name="fra.writer")  # FRA reads and writes every collection
    owner = taxii.token if collection in ("rw", "write_only") else fra
    obj = sdo()
    taxii.add([obj], collection=getattr(taxii, collection), token=owner)
    response = delete(taxii, obj["id"], collection=getattr(taxii, collection))
    assert response.status_code == expected and response.headers["content-type"] == TAXII
    remaining = taxii.get(f"/collections/{getattr(taxii, collection)}/objects/{obj['id']}/", fra)
    assert remaining.status_code == (404 if expected == 200 else 200)


def test_only_the_originating_member_may_delete_an_object(taxii: Taxii, make_user: MakeUser) -> None:
    _gbr_user, gbr = make_user("GBR", "NATO SECRET", name="gbr.deleter")
    _usa_user, usa_colleague = make_user("USA", "NATO SECRET", name="usa.colleague")
    obj = sdo()
    taxii.add([obj])
    assert get(taxii, obj["id"], gbr).status_code == 200  # GBR reads it, so the refusal is not a 404
    refused = delete(taxii, obj["id"], token=gbr)
    assert refused.status_code == 403 and refused.json()["http_status"] == "403"
    assert get(taxii, obj["id"]).status_code == 200
    assert delete(taxii, obj["id"], token=usa_colleague).status_code == 200  # the member, not the user


def test_delete_answers_200_with_no_payload_and_the_object_is_gone_everywhere(taxii: Taxii, versioned: str) -> None:
    other = sdo()
    taxii.add([other])
    response = delete(taxii, versioned)
    assert response.status_code == 200 and response.headers["content-type"] == TAXII and response.content == b""
    assert get(taxii, versioned).status_code == 404
    assert get(taxii, versioned, **{"match[version]": "all"}).status_code == 404
    assert taxii.get(f"/collections/{taxii.rw}/objects/{versioned}/versions/").status_code == 404
    manifest = taxii.get(f"/collections/{taxii.rw}/manifest/", **{"match[version]": "all"}).json()["objects"]
    assert [m["id"] for m in manifest] == [other["id"]]
    listed = taxii.get(f"/collections/{taxii.rw}/objects/", **{"match[id]": versioned}).json()
    assert "objects" not in listed
    assert [row[0] for row in stored_objects(taxii.cell)] == [other["id"]]


@pytest.mark.parametrize(
    ("params", "remaining"),
    [
        ({}, []),
        ({"match[version]": "all"}, []),
        ({"match[version]": "first"}, [V2, V3]),
        ({"match[version]": "last"}, [V1, V2]),
        ({"match[version]": V2}, [V1, V3]),
        ({"match[version]": "first,last"}, [V2]),
        ({"match[spec_version]": "2.1"}, []),
    ],
)
def test_delete_removes_only_the_versions_its_filters_select(
    taxii: Taxii, versioned: str, params: dict[str, str], remaining: list[str]
) -> None:
    assert delete(taxii, versioned, **params).status_code == 200
    assert versions_of(taxii, versioned) == remaining


@pytest.mark.parametrize(
    "params", [{"match[version]": "all,first"}, {"match[version]": "yesterday"}, {"match[spec_version]": "9.9"}]
)
def test_delete_with_a_malformed_filter_is_400_and_deletes_nothing(
    taxii: Taxii, versioned: str, params: dict[str, str]
) -> None:
    response = delete(taxii, versioned, **params)
    assert response.status_code == 400 and response.json()["http_status"] == "400"
    assert versions_of(taxii, versioned) == [V1, V2, V3]


def test_delete_of_an_unknown_object_or_version_is_404(taxii: Taxii, versioned: str) -> None:
    assert delete(taxii, f"threat-actor--{uuid.uuid4()}").status_code == 404
    assert delete(taxii, versioned, **{"match[version]": "2026-11-23T09:00:00.000Z"}).status_code == 404
    assert versions_of(taxii, versioned) == [V1, V2, V3]


def test_an_object_under_a_label_the_requester_may_not_read_answers_as_unknown(
    taxii: Taxii, make_user: MakeUser
) -> None:
    _user, low = make_user("GBR", "NATO RESTRICTED", name="gbr.low")
    secret = taxii.labelled(sdo(), "NATO SECRET")
    taxii.add([secret])
    missing = f"threat-actor--{uuid.uuid4()}"
    for path in ("{}/", "{}/versions/"):
        hidden = taxii.get(f"/collections/{taxii.rw}/objects/{path.format(secret['id'])}", low)
        unknown = taxii.get(f"/collections/{taxii.rw}/objects/{path.format(missing)}", low)
        assert hidden.status_code == unknown.status_code == 404
    assert delete(taxii, secret["id"], token=low).status_code == 404
    assert "objects" not in taxii.get(f"/collections/{taxii.rw}/objects/", low).json()
    assert get(taxii, secret["id"]).status_code == 200


def test_a_cleared_reader_gets_one_latest_version_per_object_when_two_members_used_the_same_version(
    taxii: Taxii, make_user: MakeUser
) -> None:
    _user, low = make_user("GBR", "NATO RESTRICTED", name="gbr.low")
    secret = taxii.labelled(sdo(name="usa original"), "NATO SECRET")
    taxii.add([secret])
    probe = {k: v for k, v in secret.items() if k != "object_marking_refs"} | {"name": "gbr guess"}
    taxii.add([probe], token=low)
    # Section 3.4.1: only the latest version for each object, however many members stored that version.
    served = get(taxii, secret["id"]).json()["objects"]
    every = get(taxii, secret["id"], **{"match[version]": "all"}).json()["objects"]
    listed = versions_of(taxii, secret["id"])
    assert len(served) == len(every) == 1 and listed == [secret["modified"]]
