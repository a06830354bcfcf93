"""TAXII 2.1 conformance: Get Objects (section 5.4) and its filters, sorting and paging.

From docs/taxii-conformance-checklist.md part B: B.3 (added_after strictly after, limit, next,
match[id|type|version|spec_version], malformed parameters are 400), B.4 (oldest added first, more
and next), B.5 (X-TAXII-Date-Added-First/Last with microsecond precision), B.8 (the envelope, empty
without ``objects``) and B.2 (403 or 404 when can_read is false).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from intelcell.api.app import create_app
from intelcell.cell import Cell
from tests.conftest import FakeClock
from tests.taxii.conftest import ROOT, TAXII, Taxii, sdo

MICROSECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
V1, V2, V3 = "2026-11-20T09:00:00.000Z", "2026-11-21T09:00:00.000Z", "2026-11-22T09:00:00.000Z"


def added_at(second: int) -> str:
    return f"2026-11-28T09:00:{second:02d}.000000Z"


@pytest.fixture
def seven(taxii: Taxii, clock: FakeClock) -> list[dict[str, Any]]:
    """Seven objects, each added one second after the previous one (date_added 09:00:00 to 09:00:06)."""
    kinds = ["threat-actor", "indicator", "report", "threat-actor", "indicator", "malware", "threat-actor"]
    added = []
    for kind in kinds:
        obj = sdo(kind, is_family=False) if kind == "malware" else sdo(kind)
        taxii.add([obj])
        added.append(obj)
        clock.advance(seconds=1)
    return added


@pytest.fixture
def versioned(taxii: Taxii, clock: FakeClock) -> str:
    """One object with three versions, added out of order: v2, then v3, then v1."""
    base = sdo()
    for modified in (V2, V3, V1):
        taxii.add([{**base, "modified": modified}])
        clock.advance(seconds=1)
    return str(base["id"])


def objects_of(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == TAXII
    return response.json().get("objects", [])  # type: ignore[no-any-return]


def ids(response: Any) -> list[str]:
    return [o["id"] for o in objects_of(response)]


def assert_date_headers(response: Any, first: str, last: str) -> None:
    assert MICROSECONDS.match(response.headers["X-TAXII-Date-Added-First"])
    assert MICROSECONDS.match(response.headers["X-TAXII-Date-Added-Last"])
    assert (response.headers["X-TAXII-Date-Added-First"], response.headers["X-TAXII-Date-Added-Last"]) == (first, last)


def test_objects_come_oldest_added_first_in_an_envelope_with_date_headers(taxii: Taxii, seven: list[dict]) -> None:
    response = taxii.get(f"/collections/{taxii.rw}/objects/")
    assert ids(response) == [o["id"] for o in seven]
    assert response.json().get("more", False) is False and "next" not in response.json()
    assert_date_headers(response, added_at(0), added_at(6))


@pytest.mark.parametrize(
    ("added_after", "expected"),
    [
        (added_at(2), slice(3, None)),
        ("2026-11-28T09:00:02Z", slice(3, None)),
        ("2026-11-28T09:00:01.999999Z", slice(2, None)),
        ("2000-01-01T00:00:00Z", slice(0, None)),
        (added_at(6), slice(0, 0)),
    ],
    ids=["equal-is-excluded", "equal-without-fraction", "one-microsecond-earlier", "long-ago", "the-newest"],
)
def test_added_after_returns_only_objects_added_strictly_after_it(
    taxii: Taxii, seven: list[dict], added_after: str, expected: slice
) -> None:
    response = taxii.get(f"/collections/{taxii.rw}/objects/", added_after=added_after)
    assert ids(response) == [o["id"] for o in seven[expected]]


@pytest.mark.parametrize(("limit", "count", "more"), [(1, 1, True), (6, 6, True), (7, 7, False), (50, 7, False)])
def test_limit_caps_the_page_and_more_says_whether_objects_remain(
    taxii: Taxii, seven: list[dict], limit: int, count: int, more: bool
) -> None:
    response = taxii.get(f"/collections/{taxii.rw}/objects/", limit=str(limit))
    assert ids(response) == [o["id"] for o in seven[:count]]
    assert response.json()["more"] is more
    assert ("next" in response.json()) is more
    assert_date_headers(response, added_at(0), added_at(count - 1))


@pytest.mark.parametrize("limit", [1, 2, 3, 6])
def test_following_next_walks_every_object_once_with_no_gap(taxii: Taxii, seven: list[dict], limit: int) -> None:
    seen: list[str] = []
    params: dict[str, str] = {"limit": str(limit)}
    pages = 0
    while True:
        response = taxii.get(f"/collections/{taxii.rw}/objects/", **params)
        page = ids(response)
        assert 1 <= len(page) <= limit
        start = len(seen)
        assert_date_headers(response, added_at(start), added_at(start + len(page) - 1))
        seen += page
        pages += 1
        body = response.json()
        if not body["more"]:
            assert "next" not in body
            break
        params["next"] = body["next"]
    assert seen == [o["id"] for o in seven] and len(set(seen)) == len(seen)
    assert pages == -(-len(seven) // limit)


def test_next_continues_with_the_same_filters_and_a_different_limit(taxii: Taxii, seven: list[dict]) -> None:
    query = {"match[type]": "threat-actor,indicator"}
    first = taxii.get(f"/collections/{taxii.rw}/objects/", limit="2", **query).json()
    rest = taxii.get(f"/collections/{taxii.rw}/objects/", limit="10", next=first["next"], **query)
    expected = [o["id"] for o in seven if o["type"] in ("threat-actor", "indicator")]
    assert [o["id"] for o in first["objects"]] + ids(rest) == expected


def test_a_next_value_serves_the_same_page_again_when_resent(taxii: Taxii, seven: list[dict]) -> None:
    first = taxii.get(f"/collections/{taxii.rw}/objects/", limit="3").json()
    again = [ids(taxii.get(f"/collections/{taxii.rw}/objects/", limit="3", next=first["next"])) for _ in range(2)]
    assert again[0] == again[1] == [o["id"] for o in seven[3:6]]


@pytest.mark.parametrize(
    "changed",
    [{"match[type]": "report"}, {"match[version]": "first"}, {"added_after": added_at(0)}, {"token": "other-user"}],
    ids=["type", "version", "added_after", "another-user"],
)
def test_a_next_value_is_only_good_for_its_own_query_and_requester(
    taxii: Taxii, seven: list[dict], make_user: Callable[..., tuple[Any, str]], changed: dict[str, str]
) -> None:
    _user, colleague = make_user("USA", "NATO COSMIC TOP SECRET", ("SIGINT",), name="usa.colleague")
    first = taxii.get(f"/collections/{taxii.rw}/objects/", limit="2").json()
    params = {k: v for k, v in changed.items() if k != "token"}
    token = colleague if "token" in changed else None
    response = taxii.get(f"/collections/{taxii.rw}/objects/", token, limit="2", next=first["next"], **params)
    assert response.status_code == 400 and response.json()["http_status"] == "400"
    assert "objects" not in response.json()


def test_a_limit_above_the_server_maximum_is_cut_to_it_and_more_is_set(
    taxii: Taxii, seven: list[dict], cell: Cell
) -> None:
    capped = dataclasses.replace(cell, settings=cell.settings.replace(max_page_size=3))
    with TestClient(create_app(cell=capped), base_url="https://testserver") as client:
        url = f"{ROOT}/collections/{taxii.rw}/objects/"
        body = client.get(url, headers=taxii.headers(), params={"limit": "100"}).json()
        assert [o["id"] for o in body["objects"]] == [o["id"] for o in seven[:3]]
        assert body["more"] is True and body["next"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"match[id]": "{0}"}, [0]),
        ({"match[id]": "{0},{5}"}, [0, 5]),
        ({"match[type]": "indicator"}, [1, 4]),
        ({"match[type]": "indicator,report"}, [1, 2, 4]),
        ({"match[type]": "intrusion-set"}, []),
        ({"match[type]": "indicator", "match[id]": "{0}"}, []),
        ({"match[type]": "indicator", "match[id]": "{1},{3}"}, [1]),
        ({"match[spec_version]": "2.1"}, [0, 1, 2, 3, 4, 5, 6]),
        ({"match[spec_version]": "2.0"}, []),
        ({"match[spec_version]": "2.0,2.1"}, [0, 1, 2, 3, 4, 5, 6]),
        ({"match[type]": "indicator", "match[spec_version]": "2.1"}, [1, 4]),
        ({"match[x_unknown_field]": "anything"}, [0, 1, 2, 3, 4, 5, 6]),
        # medallion's interoperability filters are not implemented: like any unknown field they are ignored
        ({"match[pattern_type]": "stix"}, [0, 1, 2, 3, 4, 5, 6]),
        ({"match[malware_types]": "remote-access-trojan"}, [0, 1, 2, 3, 4, 5, 6]),
        ({"match[tlp]": "green"}, [0, 1, 2, 3, 4, 5, 6]),
        ({"match[relationships-all]": "{5}"}, [0, 1, 2, 3, 4, 5, 6]),
        ({"match[confidence-gte]": "10"}, [0, 1, 2, 3, 4, 5, 6]),
        ({"match[type]": "x-not-a-stix-type"}, []),
    ],
)
def test_match_filters_select_objects_and_combine_with_and(
    taxii: Taxii, seven: list[dict], params: dict[str, str], expected: list[int]
) -> None:
    query = {k: v.format(*(o["id"] for o in seven)) for k, v in params.items()}
    assert ids(taxii.get(f"/collections/{taxii.rw}/objects/", **query)) == [seven[i]["id"] for i in expected]


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (None, [V3]),
        ("last", [V3]),
        ("first", [V1]),
        ("all", [V2, V3, V1]),
        (V2, [V2]),
        ("2026-11-21T09:00:00Z", [V2]),
        ("first,last", [V3, V1]),
        (f"{V1},{V3}", [V3, V1]),
        ("2026-11-23T09:00:00.000Z", []),
    ],
)
def test_match_version_selects_versions_by_modified_and_keeps_added_order(
    taxii: Taxii, versioned: str, version: str | None, expected: list[str]
) -> None:
    query = {"match[id]": versioned} | ({"match[version]": version} if version else {})
    found = objects_of(taxii.get(f"/collections/{taxii.rw}/objects/", **query))
    assert [o["modified"] for o in found] == expected


def test_match_version_applies_to_each_object_separately(taxii: Taxii, versioned: str) -> None:
    other = sdo()
    taxii.add([other])
    first = objects_of(taxii.get(f"/collections/{taxii.rw}/objects/", **{"match[version]": "first"}))
    assert [(o["id"], o["modified"]) for o in first] == [(versioned, V1), (other["id"], other["modified"])]
    match_type_and_version = {"match[type]": "threat-actor", "match[version]": V3}
    assert ids(taxii.get(f"/collections/{taxii.rw}/objects/", **match_type_and_version)) == [versioned]


MALFORMED = [
    [("limit", "0")],
    [("limit", "-20")],
    [("limit", "x")],
    [("limit", "1.5")],
    [("added_after", "yesterday")],
    [("added_after", "2016-11-03")],
    [("added_after", "2016-11-03T12:30:59")],
    [("match[version]", "all,last")],
    [("match[version]", "first,first")],
    [("match[version]", "not-a-timestamp")],
    [("limit", "1"), ("limit", "2")],
    [("added_after", "2016-01-01T00:00:00Z"), ("added_after", "2017-01-01T00:00:00Z")],
    [("match[type]", "indicator"), ("match[type]", "report")],
    [("next", "a"), ("next", "b")],
    [("next", "not-a-cursor-this-server-issued")],
]
NOT_FOR_VERSIONS = ("match[version]", "match[type]")  # the versions endpoint takes neither (section 5.8)
MALFORMED_CASES = [
    pytest.param(suffix, params, id=f"{suffix}?{'&'.join(f'{k}={v}' for k, v in params)}")
    for suffix in ("objects/", "manifest/", "objects/{obj}/", "objects/{obj}/versions/")
    for params in MALFORMED
    if not (suffix.endswith("versions/") and any(k in NOT_FOR_VERSIONS for k, _ in params))
]


@pytest.mark.parametrize(("suffix", "params"), MALFORMED_CASES)
def test_malformed_or_repeated_parameters_get_400(
    taxii: Taxii, versioned: str, suffix: str, params: list[tuple[str, str]]
) -> None:
    path = f"{ROOT}/collections/{taxii.rw}/{suffix.format(obj=versioned)}"
    response = taxii.client.get(path, headers=taxii.headers(), params=tuple(params))
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == TAXII and response.json()["http_status"] == "400"


def test_an_empty_result_is_an_envelope_without_objects_and_still_has_date_headers(
    taxii: Taxii, seven: list[dict]
) -> None:
    response = taxii.get(f"/collections/{taxii.rw}/objects/", **{"match[type]": "campaign"})
    assert response.status_code == 200 and response.headers["content-type"] == TAXII
    body = response.json()
    assert "objects" not in body and body.get("more", False) is False and "next" not in body
    assert MICROSECONDS.match(response.headers["X-TAXII-Date-Added-First"])
    assert MICROSECONDS.match(response.headers["X-TAXII-Date-Added-Last"])


def test_an_empty_collection_answers_an_empty_envelope(taxii: Taxii) -> None:
    response = taxii.get(f"/collections/{taxii.rw}/objects/")
    assert response.status_code == 200 and "objects" not in response.json()


@pytest.mark.parametrize("collection", ["write_only", "closed"])
@pytest.mark.parametrize("suffix", ["objects/", "manifest/", "objects/{obj}/", "objects/{obj}/versions/"])
def test_reading_a_collection_with_can_read_false_is_forbidden(taxii: Taxii, collection: str, suffix: str) -> None:
    obj = sdo()
    taxii.add([obj], collection=taxii.write_only)
    response = taxii.get(f"/collections/{getattr(taxii, collection)}/{suffix.format(obj=obj['id'])}")
    assert response.status_code == 403  # the specification allows 403 or 404; intelcell answers 403
    assert response.headers["content-type"] == TAXII and "objects" not in response.json()
