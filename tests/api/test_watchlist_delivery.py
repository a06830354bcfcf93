"""The watchlist's national-system paths: webhooks, alerts as a STIX bundle, kept screenings run again."""

from __future__ import annotations

import json

import stix2
from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.fighters import records
from tests.fighters.builders import person
from tests.helpers import bearer
from tests.web.test_pages import MakeUser

SHARED = "NATO SECRET // REL TO FRA, TUR"
OMAR = {"name": ["Omar Haddad"], "birthDate": "1987"}


def test_a_webhook_s_secret_is_shown_once_and_bad_or_foreign_requests_are_refused_alike(
    client: TestClient, make_user: MakeUser
) -> None:
    _fra, fra = make_user("FRA", name="fra.watcher")
    _tur, tur = make_user("TUR", name="tur.other")
    added = client.post("/api/v1/watchlist/webhooks", json={"url": "https://fra.example/hook"}, headers=bearer(fra))
    assert added.status_code == 201 and added.json()["secret"].startswith("whsec_")
    listed = client.get("/api/v1/watchlist/webhooks", headers=bearer(fra)).json()["webhooks"]
    assert [w["url"] for w in listed] == ["https://fra.example/hook"] and "secret" not in str(listed)
    assert client.get("/api/v1/watchlist/webhooks", headers=bearer(tur)).json() == {"webhooks": []}
    refused = client.post("/api/v1/watchlist/webhooks", json={"url": "file:///etc/passwd"}, headers=bearer(fra))
    assert refused.status_code == 422 and "only http and https" in refused.json()["reason"]
    hook = added.json()["id"]
    theirs = client.delete(f"/api/v1/watchlist/webhooks/{hook}", headers=bearer(tur))
    missing = client.delete(f"/api/v1/watchlist/webhooks/{'0' * 32}", headers=bearer(tur))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["reason"].replace(hook, "X") == missing.json()["reason"].replace("0" * 32, "X")
    assert client.delete(f"/api/v1/watchlist/webhooks/{hook}", headers=bearer(fra)).status_code == 204
    assert client.get("/api/v1/watchlist/webhooks", headers=bearer(fra)).json() == {"webhooks": []}


def test_alerts_as_a_stix_bundle_are_valid_and_disclosed_per_viewer(
    client: TestClient, cell: Cell, make_user: MakeUser
) -> None:
    _fra, fra = make_user("FRA", "NATO SECRET", name="fra.watcher")
    _junior, junior = make_user("FRA", "NATO RESTRICTED", name="fra.junior")
    tur_user, _tur = make_user("TUR", "NATO SECRET", name="tur.holder")
    _irq, irq = make_user("IRQ", "NATO COSMIC TOP SECRET", name="irq.other")
    assert client.post("/api/v1/watchlist", json={"properties": OMAR}, headers=bearer(fra)).status_code == 201
    records.submit(cell, tur_user, [person(id="t1", name="Omer Hadad", birth_date="1987")], SHARED, path="test")
    pulled = {}
    for name, token in (("fra", fra), ("junior", junior), ("irq", irq)):
        response = client.get("/api/v1/watchlist/alerts.stix", headers=bearer(token))
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/stix+json")
        pulled[name] = response.json()
        # The OASIS library accepts the bundle (custom only for our label extension).
        stix2.parse(pulled[name], allow_custom=True, version="2.1")
        for obj in pulled[name].get("objects", []):
            if obj["type"] in ("note", "identity"):
                stix2.parse(obj)  # notes and identities are plain STIX 2.1, no custom content
    [note] = [o for o in pulled["fra"]["objects"] if o["type"] == "note"]
    assert json.loads(note["content"])["record"]["id"] == "TUR-t1"
    [marking] = [o for o in pulled["fra"]["objects"] if o["type"] == "marking-definition"]
    assert note["object_marking_refs"] == [marking["id"]] and marking["name"] == SHARED
    [hit] = [o for o in pulled["junior"]["objects"] if o["type"] == "note"]
    assert json.loads(hit["content"])["kind"] == "hit" and hit["id"] == note["id"]  # the same alert, disclosed less
    assert "TUR-t1" not in json.dumps(pulled["junior"]) and "Omer" not in json.dumps(pulled["junior"])
    assert not [o for o in pulled["junior"]["objects"] if o["type"] == "marking-definition"]
    assert "objects" not in pulled["irq"]  # another member's alerts: an empty bundle
    first = client.get("/api/v1/watchlist/alerts.stix", params={"limit": 1}, headers=bearer(fra))
    assert first.headers["X-Intelcell-Next"] == json.loads(note["content"])["id"]


def test_a_kept_screening_reruns_with_new_results_for_its_member_and_is_404_to_others(
    client: TestClient, cell: Cell, make_user: MakeUser
) -> None:
    _fra, fra = make_user("FRA", "NATO SECRET", name="fra.analyst")
    tur_user, tur = make_user("TUR", "NATO SECRET", name="tur.holder")
    records.submit(cell, tur_user, [person(id="t1", name="Omar Haddad", birth_date="1987")], SHARED, path="test")
    kept = client.post("/api/v1/screenings", json={"properties": OMAR}, headers=bearer(fra))
    assert kept.status_code == 201 and [r["id"] for r in kept.json()["results"]] == ["TUR-t1"]
    screening_id = kept.json()["screening"]["id"]
    records.submit(cell, tur_user, [person(id="t2", name="Omer Hadad", birth_date="1987")], SHARED, path="test")
    again = client.post(f"/api/v1/screenings/{screening_id}/rerun", headers=bearer(fra)).json()
    assert {r["id"]: r["new"] for r in again["results"]} == {"TUR-t1": False, "TUR-t2": True} and again["new"] == 1
    theirs = client.post(f"/api/v1/screenings/{screening_id}/rerun", headers=bearer(tur))
    missing = client.post(f"/api/v1/screenings/{'0' * 32}/rerun", headers=bearer(tur))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["reason"].replace(screening_id, "X") == missing.json()["reason"].replace("0" * 32, "X")
    assert client.get("/api/v1/screenings", headers=bearer(tur)).json() == {"screenings": []}
    assert [s["id"] for s in client.get("/api/v1/screenings", headers=bearer(fra)).json()["screenings"]] == [
        screening_id
    ]
    bad = client.post("/api/v1/screenings", json={"properties": {"birthDate": "1987"}}, headers=bearer(fra))
    assert bad.status_code == 422 and "name" in bad.json()["reason"]
    assert client.delete(f"/api/v1/screenings/{screening_id}", headers=bearer(tur)).status_code == 404
    assert client.delete(f"/api/v1/screenings/{screening_id}", headers=bearer(fra)).status_code == 204
    assert client.get("/api/v1/screenings", headers=bearer(fra)).json() == {"screenings": []}
