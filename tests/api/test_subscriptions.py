"""The subscriptions API: private to their user, new matches over readable objects only, clear 422s."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from intelcell.store.schema import audit_log
from tests.conftest import FakeClock
from tests.helpers import bearer
from tests.taxii.conftest import Taxii, sdo

API = "/api/v1/subscriptions"


def subscribe(taxii: Taxii, token: str, **query: Any) -> dict[str, Any]:
    response = taxii.client.post(API, json={"name": "watch", "query": query}, headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def audited(taxii: Taxii, operation: str) -> list[dict[str, Any]]:
    with taxii.cell.db.read() as conn:
        entries = [json.loads(r.fields) for r in conn.execute(select(audit_log.c.fields))]
    return [e for e in entries if e.get("operation") == operation]


def test_new_matches_are_listed_counted_audited_and_marked_seen(taxii: Taxii, clock: FakeClock, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("JOR", "NATO SECRET", name="jor.api")
    sub = subscribe(taxii, token, q="raqqa", types=["threat-actor"])
    assert sub["query"]["types"] == ["threat-actor"] and sub["name"] == "watch"
    clock.advance(seconds=1)
    taxii.add([sdo(name="Raqqa couriers"), sdo(name="Raqqa financiers"), sdo(name="Mosul couriers")])
    listed = taxii.client.get(API, headers=bearer(token)).json()["subscriptions"]
    assert [(s["id"], s["new"]) for s in listed] == [(sub["id"], 2)]
    new = taxii.client.get(f"{API}/{sub['id']}/new", headers=bearer(token)).json()
    assert new["total"] == 2 and {r["object"]["name"] for r in new["results"]} == {"Raqqa couriers", "Raqqa financiers"}
    assert sorted(audited(taxii, "subscription.new")[0]["object_ids"]) == sorted(r["id"] for r in new["results"])
    clock.advance(seconds=1)
    seen = taxii.client.post(f"{API}/{sub['id']}/seen", headers=bearer(token))
    assert seen.status_code == 200 and seen.json()["seen_through"] > sub["seen_through"]
    assert taxii.client.get(f"{API}/{sub['id']}", headers=bearer(token)).json()["new"] == 0


def test_an_unreadable_match_gives_no_result_no_count_and_no_audit(taxii: Taxii, clock: FakeClock, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("JOR", "NATO SECRET", name="jor.api")
    sub = subscribe(taxii, token, q="zebulon")
    clock.advance(seconds=1)
    taxii.add([taxii.labelled(sdo(name="Zebulon cell"), "NATO SECRET // REL TO USA")], define=True)
    assert taxii.client.get(f"{API}/{sub['id']}", headers=bearer(token)).json()["new"] == 0
    new = taxii.client.get(f"{API}/{sub['id']}/new", headers=bearer(token)).json()
    assert (new["total"], new["results"]) == (0, [])
    assert audited(taxii, "subscription.new") == []


def test_another_users_subscription_answers_exactly_like_a_missing_one(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, owner = make_user("JOR", "NATO SECRET", name="jor.owner")
    _c, colleague = make_user("JOR", "NATO SECRET", name="jor.colleague")
    sub_id = subscribe(taxii, owner, q="zebulon")["id"]
    missing = "0" * len(sub_id)
    for method, suffix in [("GET", ""), ("GET", "/new"), ("POST", "/seen"), ("DELETE", "")]:
        theirs = taxii.client.request(method, f"{API}/{sub_id}{suffix}", headers=bearer(colleague))
        nothing = taxii.client.request(method, f"{API}/{missing}{suffix}", headers=bearer(colleague))
        assert theirs.status_code == nothing.status_code == 404, (method, suffix)
        assert theirs.json()["reason"].replace(sub_id, missing) == nothing.json()["reason"]
        assert theirs.headers.keys() == nothing.headers.keys()
    assert taxii.client.get(API, headers=bearer(colleague)).json() == {"subscriptions": []}
    assert taxii.client.get(f"{API}/{sub_id}", headers=bearer(owner)).status_code == 200  # still there
    assert taxii.client.delete(f"{API}/{sub_id}", headers=bearer(owner)).status_code == 204
    assert taxii.client.get(f"{API}/{sub_id}", headers=bearer(owner)).status_code == 404


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"name": "", "query": {"q": "x"}}, "name"),
        ({"name": "x", "query": {"labels": ["NATO SEKRET"]}}, "labels"),
        ({"name": "x", "query": {"members": ["ZZZ"]}}, "not a member"),
        ({"name": "x", "query": {"types": ["DROP TABLE"]}}, "STIX type"),
        ({"name": "x", "query": {"added_after": "2026-13-01"}}, "added_after"),
        ({"name": "x", "query": {"colour": "red"}}, "colour"),
        ({"name": "x", "query": {"q": ["a", "b"]}}, "q"),
    ],
)
def test_a_bad_subscription_is_refused_with_a_reason_and_nothing_is_stored(
    taxii: Taxii, make_user, body: dict[str, Any], reason: str
) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("JOR", "NATO SECRET", name="jor.api")
    response = taxii.client.post(API, json=body, headers=bearer(token))
    assert response.status_code == 422 and reason in response.json()["reason"], response.text
    assert taxii.client.get(API, headers=bearer(token)).json() == {"subscriptions": []}


def test_marking_seen_in_the_future_is_refused(taxii: Taxii, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("JOR", "NATO SECRET", name="jor.api")
    sub = subscribe(taxii, token)
    body = {"seen_through": "2099-01-01T00:00:00Z"}
    response = taxii.client.post(f"{API}/{sub['id']}/seen", json=body, headers=bearer(token))
    assert response.status_code == 422 and "future" in response.json()["reason"]
    assert taxii.client.get(f"{API}/{sub['id']}", headers=bearer(token)).json()["seen_through"] == sub["seen_through"]
