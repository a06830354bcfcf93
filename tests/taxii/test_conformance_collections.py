"""TAXII 2.1 conformance: the Collections (section 5.1) and Collection (section 5.2) endpoints.

From docs/taxii-conformance-checklist.md part B: B.4 (a consistent sort order across requests),
B.7 (collection resource properties, can_read/can_write for this requester, alias in place of the
id, an empty list is omitted) and B.6 (404 for what does not exist).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.domain.label import parse
from intelcell.exchange import collections
from tests.taxii.conftest import ROOT, TAXII, Taxii, sdo

MakeUser = Callable[..., tuple[Any, str]]
STIX_21 = "application/stix+json;version=2.1"


def listing(taxii: Taxii, token: str | None = None) -> list[dict[str, Any]]:
    response = taxii.get("/collections/", token)
    assert response.status_code == 200 and response.headers["content-type"] == TAXII
    return response.json()["collections"]  # type: ignore[no-any-return]


def make_collection(taxii: Taxii, alias: str | None, title: str = "aliased") -> str:
    return collections.create(
        taxii.cell,
        title=title,
        description="",
        alias=alias,
        default_label=parse("NATO RESTRICTED // REL TO COALITION", taxii.cell.vocabulary),
        readers=["COALITION"],
        writers=["COALITION"],
        release_limit=["COALITION"],
        audit_path="test",
    ).id


def test_every_collection_has_the_required_properties_with_their_types(taxii: Taxii) -> None:
    found = listing(taxii)
    assert {c["id"] for c in found} == {taxii.rw, taxii.read_only, taxii.write_only, taxii.closed}
    for resource in found:
        assert uuid.UUID(resource["id"]).version == 4
        assert isinstance(resource["title"], str) and resource["title"]
        assert isinstance(resource["can_read"], bool) and isinstance(resource["can_write"], bool)
        assert resource.get("description") is None or isinstance(resource["description"], str)
        media = resource.get("media_types", ["application/stix+json"])
        assert media and STIX_21 in media


@pytest.mark.parametrize(
    ("member", "collection", "can_read", "can_write"),
    [
        ("USA", "rw", True, True),
        ("USA", "read_only", True, False),
        ("USA", "write_only", False, True),
        ("USA", "closed", False, False),
        ("FRA", "rw", True, True),
        ("FRA", "read_only", True, True),
        ("FRA", "write_only", True, True),
        ("FRA", "closed", True, True),
    ],
)
def test_can_read_and_can_write_describe_what_this_requester_may_do(
    taxii: Taxii, make_user: MakeUser, member: str, collection: str, can_read: bool, can_write: bool
) -> None:
    _user, token = make_user(member, name=f"{member.lower()}.collections")
    collection_id = getattr(taxii, collection)
    listed = next(c for c in listing(taxii, token) if c["id"] == collection_id)
    single = taxii.get(f"/collections/{collection_id}/", token)
    assert single.status_code == 200 and single.headers["content-type"] == TAXII
    assert (listed["can_read"], listed["can_write"]) == (can_read, can_write)
    assert single.json() == listed


def test_the_flags_match_what_the_requester_is_then_allowed_to_do(taxii: Taxii) -> None:
    for resource in listing(taxii):
        read = taxii.get(f"/collections/{resource['id']}/objects/")
        write = taxii.post(f"/collections/{resource['id']}/objects/", [sdo()])
        assert (read.status_code == 200) is resource["can_read"], resource["title"]
        assert (write.status_code == 202) is resource["can_write"], resource["title"]


def test_collections_come_in_the_same_order_on_every_request_and_for_every_requester(
    taxii: Taxii, make_user: MakeUser
) -> None:
    _user, fra = make_user("FRA", name="fra.order")
    first = [c["id"] for c in listing(taxii)]
    assert [c["id"] for c in listing(taxii)] == first
    assert [c["id"] for c in listing(taxii, fra)] == first
    added = make_collection(taxii, None, title="a late one")
    after = [c["id"] for c in listing(taxii)]
    assert [i for i in after if i != added] == first


def test_an_api_root_without_collections_answers_an_empty_object(
    cell: Cell, client: TestClient, make_user: MakeUser
) -> None:
    _user, token = make_user("USA", name="usa.empty")
    response = client.get(f"{ROOT}/collections/", headers={"Authorization": f"Bearer {token}", "Accept": TAXII})
    assert response.status_code == 200 and response.headers["content-type"] == TAXII
    assert response.json() == {}


@pytest.mark.parametrize("unknown", [str(uuid.uuid4()), "not-a-uuid", "12345678-1234-1234-1234-123456789012"])
@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("GET", "manifest/"),
        ("GET", "objects/"),
        ("POST", "objects/"),
        ("GET", "objects/{obj}/"),
        ("DELETE", "objects/{obj}/"),
        ("GET", "objects/{obj}/versions/"),
    ],
)
def test_an_unknown_collection_is_404_on_every_collection_endpoint(
    taxii: Taxii, unknown: str, method: str, suffix: str
) -> None:
    obj = sdo()
    taxii.add([obj])
    path = f"{ROOT}/collections/{unknown}/{suffix.format(obj=obj['id'])}"
    headers = taxii.headers(**({"Content-Type": TAXII} if method == "POST" else {}))
    response = taxii.client.request(
        method, path, headers=headers, json={"objects": [sdo()]} if method == "POST" else None
    )
    assert response.status_code == 404 and response.headers["content-type"] == TAXII
    assert response.json()["http_status"] == "404"


def test_an_alias_names_the_collection_in_its_resource_and_in_urls(taxii: Taxii) -> None:
    collection_id = make_collection(taxii, "ftf-feed")
    by_alias = taxii.get("/collections/ftf-feed/")
    assert by_alias.status_code == 200
    assert by_alias.json()["id"] == collection_id and by_alias.json()["alias"] == "ftf-feed"
    assert by_alias.json() == taxii.get(f"/collections/{collection_id}/").json()
    aliases = [c.get("alias") for c in listing(taxii) if c.get("alias")]
    assert aliases == ["ftf-feed"] and len(set(aliases)) == len(aliases)


@pytest.mark.parametrize("suffix", ["objects/", "manifest/", "objects/{obj}/", "objects/{obj}/versions/"])
def test_an_alias_reads_the_same_as_the_id(taxii: Taxii, suffix: str) -> None:
    collection_id = make_collection(taxii, "ftf-feed")
    obj = sdo()
    taxii.add([obj], collection="ftf-feed")
    by_alias = taxii.get(f"/collections/ftf-feed/{suffix.format(obj=obj['id'])}")
    by_id = taxii.get(f"/collections/{collection_id}/{suffix.format(obj=obj['id'])}")
    assert by_alias.status_code == by_id.status_code == 200
    assert by_alias.json() == by_id.json()
    assert by_alias.headers["X-TAXII-Date-Added-Last"] == by_id.headers["X-TAXII-Date-Added-Last"]


def test_an_object_deleted_through_the_alias_is_gone_under_the_id(taxii: Taxii) -> None:
    collection_id = make_collection(taxii, "ftf-feed")
    obj = sdo()
    taxii.add([obj], collection=collection_id)
    deleted = taxii.client.delete(f"{ROOT}/collections/ftf-feed/objects/{obj['id']}/", headers=taxii.headers())
    assert deleted.status_code == 200
    assert taxii.get(f"/collections/{collection_id}/objects/{obj['id']}/").status_code == 404


def test_collections_are_listed_whether_or_not_they_can_be_read(taxii: Taxii) -> None:
    flags = {c["id"]: (c["can_read"], c["can_write"]) for c in listing(taxii)}
    assert flags[taxii.closed] == (False, False)
    closed = taxii.get(f"/collections/{taxii.closed}/")
    assert closed.status_code == 200 and closed.json()["can_read"] is False
