"""The watchlist API: entries of one's own member only, alerts within hit/no-hit, clear refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient

from intelcell.cell import Cell
from intelcell.store import audit
from tests.fighters.builders import person
from tests.helpers import bearer
from tests.web.test_pages import MakeUser

SHARED = "NATO SECRET // REL TO FRA, TUR"


def test_a_watcher_adds_an_entry_and_hears_of_another_member_s_record(
    client: TestClient, cell: Cell, make_user: MakeUser
) -> None:
    _fra, fra = make_user("FRA", "NATO SECRET", name="fra.watcher")
    _tur, tur = make_user("TUR", "NATO SECRET", name="tur.holder")
    added = client.post(
        "/api/v1/watchlist",
        json={"properties": {"name": ["Omar Haddad", "عمر حداد"], "birthDate": "1987"}},
        headers=bearer(fra),
    )
    assert added.status_code == 201 and added.json()["threshold"] == 0.7
    listed = client.get("/api/v1/watchlist", headers=bearer(fra)).json()["entries"]
    assert [e["id"] for e in listed] == [added.json()["id"]]
    assert client.get("/api/v1/watchlist", headers=bearer(tur)).json() == {"entries": []}
    for n, label in enumerate([SHARED, "TUR SECRET"]):
        body = {"entities": [person(id=f"t{n}", name="Omer Hadad", birth_date="1987")], "label": label}
        assert client.post("/api/v1/persons", json=body, headers=bearer(tur)).status_code == 201
    alerts = client.get("/api/v1/watchlist/alerts", headers=bearer(fra)).json()
    assert sorted(a["kind"] for a in alerts["alerts"]) == ["hit", "record"]
    hit, record = sorted(alerts["alerts"], key=lambda a: a["kind"])
    assert record["record"]["id"] == "TUR-t0" and record["score"] >= 0.7
    assert set(hit) == {"id", "entry", "created_on", "kind", "hit"} and "TUR-t1" not in str(hit)
    assert client.get("/api/v1/watchlist/alerts", headers=bearer(tur)).json()["alerts"] == []
    with cell.db.read() as conn:
        reads = [e for e in audit.entries_for_object(conn, "TUR-t0") if e.fields["operation"] == "watchlist.alerts"]
    assert [e.fields["member"] for e in reads] == ["FRA"]
    page = client.get("/api/v1/watchlist/alerts", params={"limit": 1}, headers=bearer(fra)).json()
    assert len(page["alerts"]) == 1 and page["next"] == page["alerts"][0]["id"]
    rest = client.get("/api/v1/watchlist/alerts", params={"after": page["next"]}, headers=bearer(fra)).json()
    assert [a["id"] for a in page["alerts"] + rest["alerts"]] == [a["id"] for a in alerts["alerts"]]
    unknown = client.get("/api/v1/watchlist/alerts", params={"after": "0" * 32}, headers=bearer(fra))
    assert unknown.status_code == 404


def test_an_entry_is_removed_only_by_its_member_and_404_alike_otherwise(
    client: TestClient, make_user: MakeUser
) -> None:
    _fra, fra = make_user("FRA", name="fra.watcher")
    _tur, tur = make_user("TUR", name="tur.other")
    entry = client.post("/api/v1/watchlist", json={"properties": {"name": "Karim Mansour"}}, headers=bearer(fra)).json()
    theirs = client.delete(f"/api/v1/watchlist/{entry['id']}", headers=bearer(tur))
    missing = client.delete(f"/api/v1/watchlist/{'0' * 32}", headers=bearer(tur))
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json()["reason"].replace(entry["id"], "X") == missing.json()["reason"].replace("0" * 32, "X")
    assert client.delete(f"/api/v1/watchlist/{entry['id']}", headers=bearer(fra)).status_code == 204
    assert client.get("/api/v1/watchlist", headers=bearer(fra)).json() == {"entries": []}


def test_bad_entries_are_422_with_the_reason(client: TestClient, make_user: MakeUser) -> None:
    _fra, fra = make_user("FRA", name="fra.watcher")
    for body, words in [
        ({"properties": {"birthDate": "1987"}}, "needs a name"),
        ({"properties": {"name": "Omar"}, "threshold": 1.5}, "threshold"),
        ({"properties": {"name": "Omar", "colour": "red"}}, "colour"),
    ]:
        response = client.post("/api/v1/watchlist", json=body, headers=bearer(fra))
        assert response.status_code == 422 and words in response.json()["reason"], response.text
    assert client.get("/api/v1/watchlist", headers=bearer(fra)).json() == {"entries": []}
