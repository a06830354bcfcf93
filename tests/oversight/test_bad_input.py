"""Issue 6's bad input: a clear error and nothing stored (no row, no audit entry) for each."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.store.schema import audit_log, oversight_contributions, oversight_plan_history, oversight_plan_items
from tests.helpers import bearer

LABEL = "NATO RESTRICTED // REL TO COALITION"
CONTRIBUTIONS = "/api/v1/oversight/contributions"
PLAN = "/api/v1/oversight/plan"


def stored(cell: Cell) -> tuple[int, ...]:
    """Rows in every oversight table and the audit log."""
    with cell.db.read() as conn:
        return tuple(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (oversight_contributions, oversight_plan_items, oversight_plan_history, audit_log)
        )


def entry(**overrides: Any) -> dict[str, Any]:
    return {
        "member": "USA",
        "kind": "awacs_flight_hours",
        "period": "2026-07",
        "value": 120.5,
        "source": "NAEW&C Force return",
        "label": LABEL,
        **overrides,
    }


def item(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "More AWACS flight time",
        "owner": "NATO",
        "targets": [{"measure": "awacs_flight_hours", "value": 3000}],
        "status": "in_progress",
        "deadline": "2026-12-31",
        "label": LABEL,
        **overrides,
    }


@pytest.mark.parametrize(
    ("body", "status", "error", "reason"),
    [
        (entry(value=-3), 422, "invalid_request", "must not be negative"),
        (entry(period="2026-09-30/2026-07-01"), 422, "invalid_request", "before it starts"),
        (entry(period="2026-02-30/2026-03-01"), 422, "invalid_request", "names no calendar date"),
        (entry(member="XXX"), 422, "unknown_member", "not a member"),
        (entry(kind="objects_shared"), 422, "invalid_request", "computed from the cell's data"),
        (entry(kind="awacs_missions", value=2.5), 422, "invalid_request", "whole number"),
        (entry(kind="sorties"), 422, "invalid_request", "unknown measure"),
        (entry(source="  "), 422, "invalid_request", "source"),
        (entry(label="NATO SECRET // BOGUS"), 422, "invalid_label", ""),
        (entry(label="NATO COSMIC TOP SECRET"), 422, "label_not_permitted", "above what you may assign"),
    ],
)
def test_a_bad_contribution_is_refused_and_nothing_stored(
    client: TestClient, cell: Cell, make_user, body: dict[str, Any], status: int, error: str, reason: str
) -> None:  # type: ignore[no-untyped-def]
    _user, token = make_user("USA", "NATO SECRET")
    before = stored(cell)
    response = client.post(CONTRIBUTIONS, json=body, headers=bearer(token))
    assert response.status_code == status, response.text
    assert response.json()["error"] == error
    assert reason in response.json()["reason"]
    assert stored(cell) == before


def test_a_duplicate_entry_is_refused_and_nothing_more_stored(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _user, token = make_user("USA", "NATO SECRET")
    assert client.post(CONTRIBUTIONS, json=entry(), headers=bearer(token)).status_code == 201
    before = stored(cell)
    again = client.post(CONTRIBUTIONS, json=entry(value=99), headers=bearer(token))
    assert again.status_code == 409
    assert again.json()["error"] == "duplicate"
    assert stored(cell) == before
    # Another source, period or kind is another entry.
    assert client.post(CONTRIBUTIONS, json=entry(source="E-3A log"), headers=bearer(token)).status_code == 201
    assert client.post(CONTRIBUTIONS, json=entry(period="2026-08"), headers=bearer(token)).status_code == 201


def test_a_hidden_entry_never_blocks_nor_reveals_itself_as_a_duplicate(
    client: TestClient, cell: Cell, make_user
) -> None:  # type: ignore[no-untyped-def]
    _c, coordinator = make_user("NATO", "COSMIC TOP SECRET", role="coordinator")
    _u, analyst = make_user("USA", "NATO CONFIDENTIAL")
    secret = entry(label="NATO SECRET // REL TO COALITION")
    assert client.post(CONTRIBUTIONS, json=secret, headers=bearer(coordinator)).status_code == 201
    assert client.post(CONTRIBUTIONS, json=entry(), headers=bearer(analyst)).status_code == 201
    listed = client.get(CONTRIBUTIONS, params={"period": "2026"}, headers=bearer(analyst)).json()["contributions"]
    assert [e["label"] for e in listed] == [LABEL]


def test_an_entry_under_a_label_the_submitter_may_assign_but_not_read_in_that_entry_is_not_revealed(
    client: TestClient, cell: Cell, make_user
) -> None:  # type: ignore[no-untyped-def]
    """Review finding: the coordinator's entry about USA under a label USA may assign is still NATO's own."""
    _c, coordinator = make_user("NATO", "COSMIC TOP SECRET", role="coordinator")
    _u, analyst = make_user("USA", "NATO SECRET")
    hidden = entry(label="NATO SECRET // REL TO FRA")
    assert client.post(CONTRIBUTIONS, json=hidden, headers=bearer(coordinator)).status_code == 201
    assert client.get(CONTRIBUTIONS, params={"period": "2026"}, headers=bearer(analyst)).json()["contributions"] == []
    # USA may assign that label to its own entry (the originator always reads its own): no 409.
    assert client.post(CONTRIBUTIONS, json=hidden, headers=bearer(analyst)).status_code == 201


def test_analysts_enter_only_their_own_members_contributions(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, fra = make_user("FRA", "NATO SECRET")
    before = stored(cell)
    response = client.post(CONTRIBUTIONS, json=entry(member="USA"), headers=bearer(fra))
    assert response.status_code == 403
    assert stored(cell) == before
    assert client.post(CONTRIBUTIONS, json=entry(member="FRA"), headers=bearer(fra)).status_code == 201


@pytest.mark.parametrize(
    ("body", "error", "reason"),
    [
        (item(targets=[{"value": 3000}]), "invalid_request", "must name a measure"),
        (item(targets=[{"measure": "", "value": 3000}]), "invalid_request", "must name a measure"),
        (item(targets=[{"measure": "awacs_flight_hours", "value": -1}]), "invalid_request", "must not be negative"),
        (item(targets=[{"measure": "awacs_flight_hours", "value": 1, "member": "XXX"}]), "unknown_member", "XXX"),
        (item(owner="XXX"), "unknown_member", "owner"),
        (item(status="done"), "invalid_request", "status must be one of"),
        (item(deadline="2026-02-30"), "invalid_request", "deadline"),
        (item(evidence=["javascript:alert(1)"]), "invalid_request", "evidence"),
        (item(title=" "), "invalid_request", "title"),
    ],
)
def test_a_bad_plan_item_is_refused_and_nothing_stored(
    client: TestClient, cell: Cell, make_user, body: dict[str, Any], error: str, reason: str
) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("NATO", "COSMIC TOP SECRET", role="coordinator")
    before = stored(cell)
    response = client.post(PLAN, json=body, headers=bearer(token))
    assert response.status_code == 422, response.text
    assert response.json()["error"] == error
    assert reason in response.json()["reason"]
    assert stored(cell) == before


def test_only_the_coordinator_or_an_administrator_keeps_the_plan(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, analyst = make_user("USA", "NATO SECRET")
    _a, admin = make_user("NATO", "NATO SECRET", role="admin")
    before = stored(cell)
    assert client.post(PLAN, json=item(), headers=bearer(analyst)).status_code == 403
    assert stored(cell) == before
    created = client.post(PLAN, json=item(), headers=bearer(admin))
    assert created.status_code == 201
    change = client.patch(f"{PLAN}/{created.json()['id']}", json={"status": "achieved"}, headers=bearer(analyst))
    assert change.status_code == 403


def test_a_bad_change_leaves_the_item_and_its_history_as_they_were(client: TestClient, cell: Cell, make_user) -> None:  # type: ignore[no-untyped-def]
    _u, token = make_user("NATO", "COSMIC TOP SECRET", role="coordinator")
    item_id = client.post(PLAN, json=item(), headers=bearer(token)).json()["id"]
    before = stored(cell)
    bad = client.patch(f"{PLAN}/{item_id}", json={"targets": [{"value": 5}]}, headers=bearer(token))
    assert bad.status_code == 422
    assert stored(cell) == before
    assert client.get(f"{PLAN}/{item_id}", headers=bearer(token)).json()["version"] == 1
