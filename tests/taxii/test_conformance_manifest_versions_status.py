"""TAXII 2.1 conformance: Get Object Manifests (5.3), Get Object Versions (5.8) and Get Status (4.3).

From docs/taxii-conformance-checklist.md part B: B.7 (manifest records describe one version each with
id, date_added, version and a media_type of the collection; filters apply to the source objects;
versions oldest first with more/next; status resources for at least the retention period, then 404),
B.4 and B.5 (date_added order, X-TAXII-Date-Added headers).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import FakeClock
from tests.taxii.conftest import TAXII, Taxii, sdo

MakeUser = Callable[..., tuple[Any, str]]
MICROSECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
V1, V2, V3 = "2026-11-20T09:00:00.000Z", "2026-11-21T09:00:00.000Z", "2026-11-22T09:00:00.000Z"


def added_at(second: int) -> str:
    return f"2026-11-28T09:00:{second:02d}.000000Z"


@pytest.fixture
def stored(taxii: Taxii, clock: FakeClock) -> dict[str, str]:
    """An indicator (added at :00), a threat-actor in three versions (:01, :02, :03) and a report (:04)."""
    indicator, actor, report = sdo("indicator"), sdo(), sdo("report")
    for obj in (indicator, {**actor, "modified": V1}, {**actor, "modified": V2}, {**actor, "modified": V3}, report):
        taxii.add([obj])
        clock.advance(seconds=1)
    return {"indicator": indicator["id"], "actor": actor["id"], "report": report["id"]}


def manifest(taxii: Taxii, **params: str) -> Any:
    response = taxii.get(f"/collections/{taxii.rw}/manifest/", **params)
    assert response.status_code == 200 and response.headers["content-type"] == TAXII
    return response


def records(taxii: Taxii, **params: str) -> list[tuple[str, str, str]]:
    found = manifest(taxii, **params).json().get("objects", [])
    return [(r["id"], r["version"], r["date_added"]) for r in found]


def test_manifest_records_carry_id_date_added_version_and_a_media_type_of_the_collection(
    taxii: Taxii, stored: dict[str, str]
) -> None:
    response = manifest(taxii)
    media_types = taxii.get(f"/collections/{taxii.rw}/").json()["media_types"]
    found = response.json()["objects"]
    assert [r["id"] for r in found] == [stored["indicator"], stored["actor"], stored["report"]]
    for record in found:
        assert set(record) <= {"id", "date_added", "version", "media_type"}
        assert MICROSECONDS.match(record["date_added"]) and isinstance(record["version"], str)
        assert record["media_type"] in media_types
    assert [r["date_added"] for r in found] == [added_at(0), added_at(3), added_at(4)]
    assert found[1]["version"] == V3
    assert response.headers["X-TAXII-Date-Added-First"] == added_at(0)
    assert response.headers["X-TAXII-Date-Added-Last"] == added_at(4)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"match[version]": "all"}, [("indicator", 0), ("actor", 1), ("actor", 2), ("actor", 3), ("report", 4)]),
        ({"match[version]": "first"}, [("indicator", 0), ("actor", 1), ("report", 4)]),
        ({"match[version]": "last"}, [("indicator", 0), ("actor", 3), ("report", 4)]),
        ({"match[version]": V2}, [("actor", 2)]),
        ({"match[type]": "threat-actor", "match[version]": "all"}, [("actor", 1), ("actor", 2), ("actor", 3)]),
        ({"match[id]": "{indicator},{report}"}, [("indicator", 0), ("report", 4)]),
        ({"added_after": added_at(1), "match[version]": "all"}, [("actor", 2), ("actor", 3), ("report", 4)]),
        ({"match[spec_version]": "2.0"}, []),
        ({"match[spec_version]": "2.1"}, [("indicator", 0), ("actor", 3), ("report", 4)]),
        ({"match[spec_version]": "2.0,2.1"}, [("indicator", 0), ("actor", 3), ("report", 4)]),
    ],
)
def test_manifest_filters_apply_to_the_source_objects(
    taxii: Taxii, stored: dict[str, str], params: dict[str, str], expected: list[tuple[str, int]]
) -> None:
    query = {k: v.format(**stored) for k, v in params.items()}
    assert [(r[0], r[2]) for r in records(taxii, **query)] == [(stored[name], added_at(s)) for name, s in expected]


def test_manifest_pages_with_limit_more_and_next(taxii: Taxii, stored: dict[str, str]) -> None:
    pages: list[list[str]] = []
    params = {"limit": "2", "match[version]": "all"}
    while True:
        response = manifest(taxii, **params)
        body = response.json()
        page = [r["date_added"] for r in body["objects"]]
        assert (response.headers["X-TAXII-Date-Added-First"], response.headers["X-TAXII-Date-Added-Last"]) == (
            page[0],
            page[-1],
        )
        pages.append(page)
        if not body["more"]:
            break
        params["next"] = body["next"]
    assert pages == [[added_at(0), added_at(1)], [added_at(2), added_at(3)], [added_at(4)]]


def test_an_empty_manifest_omits_objects(taxii: Taxii) -> None:
    response = manifest(taxii)
    assert "objects" not in response.json() and response.json().get("more", False) is False
    assert MICROSECONDS.match(response.headers["X-TAXII-Date-Added-Last"])


def versions(taxii: Taxii, object_id: str, **params: str) -> Any:
    return taxii.get(f"/collections/{taxii.rw}/objects/{object_id}/versions/", **params)


def test_versions_lists_every_version_oldest_first_with_date_headers(taxii: Taxii, stored: dict[str, str]) -> None:
    response = versions(taxii, stored["actor"])
    assert response.status_code == 200 and response.headers["content-type"] == TAXII
    assert response.json()["versions"] == [V1, V2, V3] and response.json().get("more", False) is False
    assert response.headers["X-TAXII-Date-Added-First"] == added_at(1)
    assert response.headers["X-TAXII-Date-Added-Last"] == added_at(3)


def test_versions_pages_with_more_and_next(taxii: Taxii, stored: dict[str, str]) -> None:
    seen: list[str] = []
    flags: list[bool] = []
    params = {"limit": "1"}
    while True:
        response = versions(taxii, stored["actor"], **params)
        body = response.json()
        assert len(body["versions"]) == 1
        assert response.headers["X-TAXII-Date-Added-First"] == added_at(1 + len(seen))
        seen += body["versions"]
        flags.append(body["more"])
        if not body["more"]:
            assert "next" not in body
            break
        params["next"] = body["next"]
    assert (seen, flags) == ([V1, V2, V3], [True, True, False])


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"added_after": added_at(1)}, [V2, V3]),
        ({"added_after": "2026-11-28T09:00:01.999999Z"}, [V2, V3]),
        ({"added_after": "2026-11-28T09:00:00.999999Z"}, [V1, V2, V3]),
        ({"match[spec_version]": "2.1"}, [V1, V2, V3]),
        ({"match[spec_version]": "2.0,2.1"}, [V1, V2, V3]),
    ],
)
def test_versions_filters_by_added_after_strictly_and_by_spec_version(
    taxii: Taxii, stored: dict[str, str], params: dict[str, str], expected: list[str]
) -> None:
    assert versions(taxii, stored["actor"], **params).json()["versions"] == expected


@pytest.mark.parametrize("params", [{"added_after": added_at(3)}, {"match[spec_version]": "2.0"}])
def test_versions_filtered_down_to_none_is_an_empty_resource(
    taxii: Taxii, stored: dict[str, str], params: dict[str, str]
) -> None:
    # The versions resource omits "versions" when there are none (section 5.8): 200 with no list, not 404.
    response = versions(taxii, stored["actor"], **params)
    assert response.status_code == 200 and response.headers["content-type"] == TAXII
    assert "versions" not in response.json() and response.json().get("more", False) is False


def test_versions_of_an_unknown_object_is_404(taxii: Taxii, stored: dict[str, str]) -> None:
    response = versions(taxii, f"threat-actor--{uuid.uuid4()}")
    assert response.status_code == 404 and response.json()["http_status"] == "404"


def status_of(taxii: Taxii, status_id: str, token: str | None = None) -> Any:
    response = taxii.get(f"/status/{status_id}/", token)
    assert response.headers["content-type"] == TAXII
    return response


def test_a_status_resource_has_the_required_properties_and_counts_that_add_up(taxii: Taxii) -> None:
    good, bad = sdo(), {**sdo(), "id": "threat-actor--not-a-uuid"}
    posted = taxii.post(f"/collections/{taxii.rw}/objects/", [good, bad]).json()
    status = status_of(taxii, posted["id"]).json()
    for name, kind in [("id", str), ("status", str), ("total_count", int), ("success_count", int)]:
        assert isinstance(status[name], kind)
    assert status["status"] in ("complete", "pending")
    assert status["total_count"] == status["success_count"] + status["failure_count"] + status["pending_count"] == 2
    assert [s["id"] for s in status["successes"]] == [good["id"]]
    assert [f["id"] for f in status["failures"]] == [bad["id"]]
    for detail in status["successes"] + status["failures"]:
        assert isinstance(detail["id"], str) and isinstance(detail["version"], str)
    assert "pendings" not in status


def test_a_status_is_readable_by_its_submitter_only_not_by_a_less_cleared_colleague(
    taxii: Taxii, make_user: MakeUser
) -> None:
    _user, colleague = make_user("USA", "NATO RESTRICTED", name="usa.colleague")
    secret = taxii.labelled(sdo(), "NATO SECRET // REL TO USA")
    status = taxii.add([secret], define=True)
    assert status_of(taxii, status["id"]).json() == status
    theirs, unknown = status_of(taxii, status["id"], colleague), status_of(taxii, str(uuid.uuid4()), colleague)
    assert theirs.status_code == unknown.status_code == 404
    assert secret["id"] not in theirs.text


@pytest.mark.parametrize("member", ["GBR", "FRA", "IRQ"])
def test_a_status_is_404_for_another_member(taxii: Taxii, make_user: MakeUser, member: str) -> None:
    _user, other = make_user(member, name=f"{member.lower()}.status")
    status = taxii.add([sdo()])
    unknown_id = str(uuid.uuid4())
    theirs, unknown = status_of(taxii, status["id"], other), status_of(taxii, unknown_id, other)
    assert theirs.status_code == unknown.status_code == 404 and theirs.json()["http_status"] == "404"
    assert theirs.json()["description"].replace(status["id"], "X") == unknown.json()["description"].replace(
        unknown_id, "X"
    )


@pytest.mark.parametrize(
    ("hours", "past_retention", "expected"),
    [(0, False, 200), (24, False, 200), (-1, True, 200), (1, True, 404), (48, True, 404)],
    ids=["at-once", "after-24-hours", "just-before-retention-ends", "just-after-retention", "long-after-retention"],
)
def test_a_status_is_kept_at_least_24_hours_and_is_404_after_the_retention_period(
    taxii: Taxii, clock: FakeClock, hours: int, past_retention: bool, expected: int
) -> None:
    retention = taxii.cell.settings.status_retention_hours
    assert retention >= 24
    status = taxii.add([sdo()])
    clock.advance(hours=hours + (retention if past_retention else 0))
    assert status_of(taxii, status["id"]).status_code == expected


@pytest.mark.parametrize("status_id", [str(uuid.uuid4()), "22101993", "not-a-status"])
def test_an_unknown_status_is_404(taxii: Taxii, status_id: str) -> None:
    response = status_of(taxii, status_id)
    assert response.status_code == 404 and response.json()["http_status"] == "404"
