"""The action plan over the API: create, change with history, hidden items; the ledger's list and withdrawal."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import bearer

PLAN = "/api/v1/oversight/plan"
CONTRIBUTIONS = "/api/v1/oversight/contributions"
RESTRICTED = "NATO RESTRICTED // REL TO COALITION"
SECRET = "NATO SECRET // REL TO COALITION"


def awacs_item(label: str = RESTRICTED) -> dict[str, object]:
    return {
        "title": "More AWACS flight time",
        "owner": "NATO",
        "description": "More surveillance flights for the Coalition.",
        "targets": [
            {"measure": "awacs_flight_hours", "value": 300},
            {"measure": "aar_sorties", "value": 10, "member": "USA"},
        ],
        "status": "planned",
        "deadline": "2026-06-30",
        "evidence": ["https://www.nato.int/cps/en/natohq/topics_77646.htm"],
        "label": label,
    }


def test_every_change_of_an_item_is_kept_with_who_changed_what(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _c, coordinator = make_user("NATO", "COSMIC TOP SECRET", role="coordinator", name="coordinator")
    created = client.post(PLAN, json=awacs_item(), headers=bearer(coordinator))
    assert created.status_code == 201, created.text
    item = created.json()
    assert (item["version"], item["status"], item["overdue"]) == (1, "planned", True)  # the clock is November
    changed = client.patch(
        f"{PLAN}/{item['id']}", json={"status": "achieved", "evidence": []}, headers=bearer(coordinator)
    )
    assert changed.status_code == 200
    assert (changed.json()["version"], changed.json()["overdue"]) == (2, False)
    unchanged = client.patch(f"{PLAN}/{item['id']}", json={"status": "achieved"}, headers=bearer(coordinator))
    assert unchanged.json()["version"] == 2  # nothing changed, no new version
    read = client.get(f"{PLAN}/{item['id']}", headers=bearer(coordinator)).json()
    assert [(h["version"], h["changed"]) for h in read["history"]] == [
        (1, ["deadline", "description", "evidence", "label", "owner", "status", "targets", "title"]),
        (2, ["evidence", "status"]),
    ]
    assert read["history"][0]["item"]["status"] == "planned"
    assert read["history"][1]["by"] == {"member": "NATO", "user": "coordinator"}


def test_an_item_above_the_reader_does_not_exist_for_them(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _c, coordinator = make_user("NATO", "COSMIC TOP SECRET", role="coordinator")
    _d, deu = make_user("DEU", "NATO CONFIDENTIAL")
    hidden = client.post(PLAN, json=awacs_item(SECRET), headers=bearer(coordinator)).json()["id"]
    shown = client.post(PLAN, json=awacs_item(), headers=bearer(coordinator)).json()["id"]
    assert [i["id"] for i in client.get(PLAN, headers=bearer(deu)).json()["items"]] == [shown]
    missing = client.get(f"{PLAN}/00000000-0000-0000-0000-000000000000", headers=bearer(deu))
    refused = client.get(f"{PLAN}/{hidden}", headers=bearer(deu))
    assert refused.status_code == missing.status_code == 404
    assert refused.json()["reason"].replace(hidden, "X") == missing.json()["reason"].replace(
        "00000000-0000-0000-0000-000000000000", "X"
    )
    summary = client.get("/api/v1/oversight/summary", params={"period": "2026"}, headers=bearer(deu)).json()
    assert [p["id"] for p in summary["plan"]] == [shown]
    assert summary["plan_status"]["planned"] == 1


def test_a_raised_label_hides_the_whole_item_and_a_lowered_one_hides_its_higher_past(
    client: TestClient, make_user
) -> None:  # type: ignore[no-untyped-def]
    _c, coordinator = make_user("NATO", "COSMIC TOP SECRET", role="coordinator")
    _d, deu = make_user("DEU", "NATO CONFIDENTIAL")
    item = client.post(PLAN, json=awacs_item(SECRET), headers=bearer(coordinator)).json()["id"]
    client.patch(f"{PLAN}/{item}", json={"label": RESTRICTED, "status": "in_progress"}, headers=bearer(coordinator))
    history = client.get(f"{PLAN}/{item}", headers=bearer(deu)).json()["history"]
    assert [h["version"] for h in history] == [2]


def test_gaps_compare_targets_with_the_periods_figures(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _c, coordinator = make_user("NATO", "COSMIC TOP SECRET", role="coordinator")
    client.post(PLAN, json=awacs_item(), headers=bearer(coordinator))
    for month, hours in (("2026-01", 120), ("2026-02", 100)):
        entry = {"member": "NATO", "kind": "awacs_flight_hours", "period": month, "value": hours}
        entry |= {"source": "NAEW&C Force return", "label": RESTRICTED}
        assert client.post(CONTRIBUTIONS, json=entry, headers=bearer(coordinator)).status_code == 201
    gaps = client.get("/api/v1/oversight/summary", params={"period": "2026"}, headers=bearer(coordinator)).json()[
        "gaps"
    ]
    by_measure = {(g["measure"], g["member"]): (g["actual"], g["gap"], g["met"]) for g in gaps}
    assert by_measure == {("awacs_flight_hours", None): (220, 80, False), ("aar_sorties", "USA"): (0, 10, False)}
    q1 = client.get("/api/v1/oversight/summary", params={"period": "2026-01"}, headers=bearer(coordinator)).json()
    assert q1["totals"]["awacs_flight_hours"] == 120  # an entry counts in the periods that contain it


def test_contributions_are_listed_with_provenance_and_withdrawn_by_their_member(client: TestClient, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, usa = make_user("USA", "NATO SECRET", name="usa.liaison")
    _f, fra = make_user("FRA", "NATO SECRET")
    entry = {"member": "USA", "kind": "aar_sorties", "period": "2026-Q3", "value": 42}
    entry |= {"source": "AFCENT tanker summary", "label": RESTRICTED}
    created = client.post(CONTRIBUTIONS, json=entry, headers=bearer(usa)).json()
    assert created["provenance"]["member"] == "USA" and created["provenance"]["user"] == "usa.liaison"
    listed = client.get(CONTRIBUTIONS, params={"period": "2026", "member": "USA"}, headers=bearer(fra)).json()
    assert [(e["kind"], e["period"], e["value"]) for e in listed["contributions"]] == [("aar_sorties", "2026-Q3", 42)]
    assert client.delete(f"{CONTRIBUTIONS}/{created['id']}", headers=bearer(fra)).status_code == 403
    assert client.delete(f"{CONTRIBUTIONS}/{created['id']}", headers=bearer(usa)).status_code == 204
    assert client.get(CONTRIBUTIONS, params={"period": "2026"}, headers=bearer(usa)).json()["contributions"] == []
    assert client.delete(f"{CONTRIBUTIONS}/{created['id']}", headers=bearer(usa)).status_code == 404
