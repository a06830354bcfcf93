"""Cross-member leak hunt: every TAXII read path shows a caller only what the policy lets them read.

The writer (USA, COSMIC TOP SECRET, SIGINT) stores objects under labels Türkiye may and may not
read, interleaved in time, with the unreadable ones added last. Türkiye's view must be exactly the
readable set on every path, and what is hidden must leave no trace: no ids, no counts, no dates,
no cursor, no different error.
"""

from __future__ import annotations

import uuid

import pytest

from intelcell.domain.label import parse
from intelcell.domain.policy import can_read
from tests.conftest import FakeClock
from tests.taxii.conftest import Taxii, sdo

LABELS = [
    ("NATO SECRET", True),
    ("NATO SECRET // REL TO COALITION", True),
    ("FRA CONFIDENTIAL // REL TO BEL, DEU", False),
    ("NATO CONFIDENTIAL // SIGINT", False),
    ("NATO COSMIC TOP SECRET", False),
    ("NATO RESTRICTED // REL TO LEVANT", True),
    ("NATO SECRET // REL TO IRQ", False),
]


@pytest.fixture
def world(taxii: Taxii, clock: FakeClock, make_user):  # type: ignore[no-untyped-def]
    """Objects under every label, the readable ones first; returns (TUR token, readable ids, hidden ids)."""
    user, tur = make_user("TUR", "NATO SECRET", name="tur.reader")
    readable, hidden = [], []
    for text, expected in sorted(LABELS, key=lambda item: not item[1]):
        obj = taxii.labelled(sdo(name=f"about {text}"), text)
        taxii.add([obj], define=True)
        clock.advance(seconds=1)
        label = parse(text, taxii.cell.vocabulary)
        assert can_read(user.viewer, label, "USA", taxii.cell.registry) is expected
        (readable if expected else hidden).append(obj["id"])
    return tur, readable, hidden


def walk(taxii: Taxii, path: str, token: str, key: str = "objects", **params: str) -> tuple[list[object], list[object]]:
    """Every item of a paged resource and every response, following ``next``."""
    items, responses, nxt = [], [], None
    while True:
        response = taxii.get(path, token, **params, **({"next": nxt} if nxt else {}))
        assert response.status_code == 200, response.text
        responses.append(response)
        body = response.json()
        items += body.get(key, [])
        if not body.get("more"):
            return items, responses
        nxt = body["next"]


def test_objects_pages_hold_exactly_the_readable_objects(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    tur, readable, _hidden = world
    items, responses = walk(taxii, f"/collections/{taxii.rw}/objects/", tur, limit="2")
    assert [o["id"] for o in items] == readable
    assert not responses[-1].json().get("more")


def test_more_is_false_when_only_unreadable_objects_follow(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    tur, readable, _hidden = world
    body = taxii.get(f"/collections/{taxii.rw}/objects/", tur, limit=str(len(readable))).json()
    assert body["more"] is False and "next" not in body


def test_date_headers_come_from_readable_objects_only(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    tur, readable, _hidden = world
    mine = taxii.get(f"/collections/{taxii.rw}/objects/", tur)
    everything = taxii.get(f"/collections/{taxii.rw}/objects/")
    manifest = {
        m["id"]: m["date_added"] for m in taxii.get(f"/collections/{taxii.rw}/manifest/", tur).json()["objects"]
    }
    assert mine.headers["X-TAXII-Date-Added-Last"] == manifest[readable[-1]]
    assert mine.headers["X-TAXII-Date-Added-Last"] < everything.headers["X-TAXII-Date-Added-Last"]


def test_manifest_lists_only_readable_objects(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    tur, readable, _hidden = world
    items, _ = walk(taxii, f"/collections/{taxii.rw}/manifest/", tur, limit="3")
    assert [m["id"] for m in items] == readable


def test_filters_cannot_reach_hidden_objects(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    tur, _readable, hidden = world
    for params in ({"match[id]": ",".join(hidden)}, {"match[version]": "all"}, {"match[type]": "threat-actor"}):
        body = taxii.get(f"/collections/{taxii.rw}/objects/", tur, **params).json()
        assert not {o["id"] for o in body.get("objects", [])} & set(hidden)


@pytest.mark.parametrize("suffix", ["", "versions/"])
def test_a_hidden_object_answers_like_a_missing_one(taxii: Taxii, world, suffix: str) -> None:  # type: ignore[no-untyped-def]
    tur, _readable, hidden = world
    missing = f"threat-actor--{uuid.uuid4()}"
    a = taxii.get(f"/collections/{taxii.rw}/objects/{hidden[0]}/{suffix}", tur)
    b = taxii.get(f"/collections/{taxii.rw}/objects/{missing}/{suffix}", tur)
    assert a.status_code == b.status_code == 404
    assert a.json()["description"].replace(hidden[0], "X") == b.json()["description"].replace(missing, "X")
    assert set(a.headers) == set(b.headers)


def test_only_readable_versions_are_listed(taxii: Taxii, clock: FakeClock, world) -> None:  # type: ignore[no-untyped-def]
    tur, _readable, _hidden = world
    first = taxii.labelled(sdo(name="v1"), "NATO SECRET")
    second = taxii.labelled({**first, "modified": "2026-11-21T09:00:00.000Z", "name": "v2"}, "NATO COSMIC TOP SECRET")
    taxii.add([first], define=True)
    clock.advance(seconds=1)
    taxii.add([second], define=True)
    versions = taxii.get(f"/collections/{taxii.rw}/objects/{first['id']}/versions/", tur).json()["versions"]
    assert versions == ["2026-11-20T09:00:00.000Z"]
    latest = taxii.get(f"/collections/{taxii.rw}/objects/{first['id']}/", tur).json()["objects"]
    assert [o["name"] for o in latest] == ["v1"]  # "last" is the last version the caller may read


def test_a_cursor_replayed_by_another_member_reveals_nothing(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    tur, _readable, _hidden = world
    mine = taxii.get(f"/collections/{taxii.rw}/objects/", limit="1").json()
    replayed = taxii.get(f"/collections/{taxii.rw}/objects/", tur, limit="1", next=mine["next"])
    bogus = taxii.get(f"/collections/{taxii.rw}/objects/", tur, limit="1", next="not-a-cursor")
    assert replayed.status_code == bogus.status_code == 400
    assert replayed.json() == bogus.json()


def test_a_cursor_cannot_be_reused_with_other_filters(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    _tur, _readable, _hidden = world
    first = taxii.get(f"/collections/{taxii.rw}/objects/", limit="1").json()
    other = taxii.get(f"/collections/{taxii.rw}/objects/", limit="1", next=first["next"], **{"match[type]": "report"})
    assert other.status_code == 400


def test_a_status_resource_is_not_shown_to_another_member(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, tur = make_user("TUR", name="tur.status")
    status = taxii.add([sdo()])
    theirs = taxii.get(f"/status/{status['id']}/", tur)
    unknown = taxii.get(f"/status/{uuid.uuid4()}/", tur)
    assert theirs.status_code == unknown.status_code == 404
    assert (
        theirs.json()["description"].replace(status["id"], "X") == unknown.json()["description"].split("'")[0] + "'X'"
    )


def test_deleting_a_hidden_object_answers_like_a_missing_one(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    tur, _readable, hidden = world
    a = taxii.client.delete(f"/taxii2/cell/collections/{taxii.rw}/objects/{hidden[0]}/", headers=taxii.headers(tur))
    b = taxii.client.delete(f"/taxii2/cell/collections/{taxii.rw}/objects/{uuid.uuid4()}/", headers=taxii.headers(tur))
    assert a.status_code == b.status_code == 404
    assert taxii.get(f"/collections/{taxii.rw}/objects/{hidden[0]}/").status_code == 200


def test_posting_a_hidden_objects_id_and_version_reveals_nothing(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    tur, _readable, hidden = world
    hidden_obj = taxii.get(f"/collections/{taxii.rw}/objects/{hidden[0]}/").json()["objects"][0]
    probe = {k: v for k, v in hidden_obj.items() if k != "object_marking_refs"} | {"name": "probe"}
    status = taxii.post(f"/collections/{taxii.rw}/objects/", [probe], tur).json()
    fresh = taxii.post(f"/collections/{taxii.rw}/objects/", [sdo()], tur).json()
    assert status["success_count"] == fresh["success_count"] == 1
    assert "message" not in status["successes"][0] and "message" not in fresh["successes"][0]


def test_taxii_reads_are_audited_with_each_released_objects_label_and_hidden_ones_are_not(taxii: Taxii, world) -> None:  # type: ignore[no-untyped-def]
    from intelcell.store import audit

    tur, readable, hidden = world
    taxii.get(f"/collections/{taxii.rw}/objects/", tur)
    taxii.get(f"/collections/{taxii.rw}/objects/{readable[0]}/", tur)
    with taxii.cell.db.read() as conn:
        seen = audit.entries_for_object(conn, readable[0])
        hidden_reads = [
            e for oid in hidden for e in audit.entries_for_object(conn, oid) if e.fields["action"] == "read"
        ]
    reads = [e.fields for e in seen if e.fields["action"] == "read"]
    assert [(r["operation"], r["member"]) for r in reads] == [("taxii.objects", "TUR"), ("taxii.object", "TUR")]
    page = reads[0]
    assert page["object_ids"] == readable and page["labels"][0] == "NATO SECRET"
    assert hidden_reads == []
