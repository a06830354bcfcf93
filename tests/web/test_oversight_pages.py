"""The oversight dashboard: the same figures and plan items as the API per viewer, charts as inline SVG,
a bad period explained inline, session downloads, and the coordinator's plan form (CSRF, roles, 404s)."""

from __future__ import annotations

import json
import re
import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.oversight import ledger, plan
from intelcell.store.schema import audit_log, oversight_plan_items
from intelcell.web.oversight_pages import number
from tests.helpers import bearer
from tests.oversight.conftest import RESTRICTED, SECRET, World, world
from tests.web.test_pages import hidden_csrf, sign_in

__all__ = ["world"]

HOSTILE = "<script>alert(1)</script>"
ARABIC = "تدريب القوات العراقية"
SECRET_TITLE = "Secret item only the coordinator reads"


def _item(cell: Cell, world: World, title: str, label: str, **extra: object) -> plan.PlanItem:
    data = {
        "title": title,
        "owner": "NATO",
        "description": extra.pop("description", ""),
        "targets": extra.pop("targets", [{"measure": "objects_shared", "value": 10, "member": "USA"}]),
        "status": "in_progress",
        "deadline": "2026-12-31",
        "label": label,
    }
    return plan.create(cell, world.coordinator[0], data, "test")


def dashboard(client: TestClient, token: str, period: str = "2026") -> str:
    client.cookies.clear()
    assert sign_in(client, token).status_code == 303
    response = client.get("/oversight", params={"period": period})
    assert response.status_code == 200, response.text
    return response.text


def figure(html: str, member: str, kind: str) -> str:
    row = re.search(rf'<tr data-member="{member}">(.*?)</tr>', html, re.S)
    assert row, f"no row for {member}"
    cell = re.search(rf'<td class="num" data-kind="{kind}">(.*?)</td>', row.group(1), re.S)
    assert cell
    return re.sub(r"<[^>]+>", "", cell.group(1)).strip()


def api_summary(client: TestClient, token: str, period: str = "2026") -> dict:  # type: ignore[type-arg]
    return client.get("/api/v1/oversight/summary", params={"period": period}, headers=bearer(token)).json()


def test_coordinator_sees_the_api_figures_plan_and_svg_charts(client: TestClient, cell: Cell, world: World) -> None:
    _item(cell, world, f"{HOSTILE} {ARABIC}", RESTRICTED, description=HOSTILE)
    _item(cell, world, SECRET_TITLE, SECRET)
    coordinator = world.coordinator[1]
    html = dashboard(client, coordinator)
    body = api_summary(client, coordinator)
    # The same numbers the API gives this user, cell by cell.
    for member in body["members"]:
        for code, value in member["computed"].items():
            assert figure(html, member["member"], code) == number(value)
    assert figure(html, "USA", "objects_shared") == "3"
    assert SECRET_TITLE in html and "NATO SECRET // REL TO COALITION" in html
    # Charts: a bar chart per measure, a progress bar per target; a sparkline per measure on the trend page.
    assert '<figure class="chart" data-chart="objects_shared">' in html
    assert html.count('<svg class="progress"') == 2
    trend = client.get("/oversight/trend", params={"period": "2026"})
    assert (
        trend.status_code == 200 and '<svg class="spark"' in trend.text and 'data-trend="objects_shared"' in trend.text
    )
    assert re.findall(r"data-banner>([^<]*)<", trend.text) == [body["label"]] * 2
    assert client.get("/oversight/trend", params={"period": "2026-13"}).status_code == 422
    # Hostile and Arabic text escaped and marked for bidirectional rendering.
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'dir="auto" class="title">&lt;script&gt;alert(1)&lt;/script&gt; {ARABIC}</strong>' in html
    # Both banners carry the summary's dominant label; the coordinator may edit the plan.
    banners = re.findall(r"data-banner>([^<]*)<", html)
    assert banners == [body["label"]] * 2 == ["NATO SECRET // REL TO COALITION"] * 2
    assert 'action="/oversight/plan/' in html
    assert " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html) and " onclick" not in html


def test_a_lower_clearance_analyst_sees_only_their_counts_and_no_hidden_item(
    client: TestClient, cell: Cell, world: World
) -> None:
    _item(cell, world, "Coalition item", RESTRICTED)
    hidden = _item(cell, world, SECRET_TITLE, SECRET)
    deu = world.deu[1]
    html = dashboard(client, deu)
    body = api_summary(client, deu)
    assert figure(html, "USA", "objects_shared") == "2"  # the coordinator sees 3
    # The SECRET sensor's hours and IRQ's hits are not counted for DEU: shown as no figure, not as zero.
    assert figure(html, "USA", "air_picture_hours") == "—"
    assert figure(html, "IRQ", "screening_hits") == "—"
    assert "air_picture_hours" not in next(m for m in body["members"] if m["member"] == "USA")["computed"]
    assert "Coalition item" in html
    assert SECRET_TITLE not in html and hidden.id not in html
    assert "SECRET" not in html  # neither the label nor the item of the higher level appears anywhere
    assert re.findall(r"data-banner>([^<]*)<", html) == ["NATO CONFIDENTIAL // REL TO COALITION"] * 2
    assert 'action="/oversight/plan/' not in html  # analysts do not keep the plan


def test_reported_figures_show_for_readers_of_their_label_only(client: TestClient, cell: Cell, world: World) -> None:
    coordinator = world.coordinator[0]
    common = {"member": "USA", "kind": "aar_sorties", "period": "2026-03", "path": "test"}
    ledger.enter(cell, coordinator, value=7, source="tanker log", label=RESTRICTED, **common)
    ledger.enter(cell, coordinator, value=5, source="secret log", label=SECRET, **common)
    assert figure(dashboard(client, world.coordinator[1]), "USA", "aar_sorties") == "12"
    assert figure(dashboard(client, world.deu[1]), "USA", "aar_sorties") == "7"
    assert figure(dashboard(client, world.deu[1]), "FRA", "aar_sorties") == "—"


def test_a_bad_period_is_explained_inline_with_422(client: TestClient, world: World) -> None:
    assert sign_in(client, world.coordinator[1]).status_code == 303
    for bad in ("2026-13", "2026-Q5", "", "<b>x</b>"):
        response = client.get("/oversight", params={"period": bad})
        assert response.status_code == 422
        assert 'class="error" role="alert"' in response.text and "<b>x</b>" not in response.text
        assert "data-chart" not in response.text and 'name="period"' in response.text


def test_each_period_form_shows_that_period(client: TestClient, world: World) -> None:
    assert sign_in(client, world.coordinator[1]).status_code == 303
    # USA added report a in February, b in May and c in June; FRA added e on 1 July.
    for period, usa in (("2026-Q1", "1"), ("2026-Q2", "2"), ("2026-02", "1")):
        html = client.get("/oversight", params={"period": period}).text
        assert figure(html, "USA", "objects_shared") == usa
    html = client.get("/oversight", params={"period": "2026-07-01/2026-09-30"}).text
    assert "Oversight · 2026-Q3" in html and figure(html, "FRA", "objects_shared") == "1"
    assert '<tr data-member="USA">' not in html  # nothing of USA's counted in Q3


def test_the_dashboard_is_audited_as_the_api_audits_the_summary(client: TestClient, cell: Cell, world: World) -> None:
    item = _item(cell, world, "Coalition item", RESTRICTED)
    dashboard(client, world.deu[1], "2026-Q2")
    with cell.db.read() as conn:
        entries = [json.loads(f) for f in conn.execute(select(audit_log.c.fields)).scalars()]
    ops = {e["operation"]: e for e in entries}
    assert "oversight-summary:2026-Q2" in str(ops["oversight.summary"])
    assert item.id in str(ops["plan.list"])


def test_session_downloads_give_the_api_csv_and_a_pdf(client: TestClient, world: World) -> None:
    token = world.deu[1]
    api_csv = client.get("/api/v1/oversight/summary.csv", params={"period": "2026"}, headers=bearer(token)).text
    assert client.get("/oversight/summary.csv", params={"period": "2026"}, follow_redirects=False).status_code == 303
    assert sign_in(client, token).status_code == 303
    csv = client.get("/oversight/summary.csv", params={"period": "2026"})
    assert csv.status_code == 200 and csv.text == api_csv
    assert csv.headers["x-intelcell-label"] == "NATO CONFIDENTIAL // REL TO COALITION"
    pdf = client.get("/oversight/report.pdf", params={"period": "2026-Q1"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/oversight/summary.csv", params={"period": "2026-13"}).status_code == 422


def _status(cell: Cell, item_id: str) -> str:
    with cell.db.read() as conn:
        return str(
            conn.execute(select(oversight_plan_items.c.status).where(oversight_plan_items.c.id == item_id)).scalar_one()
        )


def test_the_coordinator_changes_an_items_status_with_the_form(client: TestClient, cell: Cell, world: World) -> None:
    item = _item(cell, world, "Coalition item", RESTRICTED)
    html = dashboard(client, world.coordinator[1])
    form = {"csrf": hidden_csrf(html), "status": "achieved", "deadline": "2026-12-01", "version": "1", "period": "2026"}
    response = client.post(f"/oversight/plan/{item.id}", data=form, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/oversight?period=2026")
    assert _status(cell, item.id) == "achieved"
    # The same form again is stale now (version 2): refused, nothing changed.
    again = client.post(f"/oversight/plan/{item.id}", data={**form, "status": "at_risk"}, follow_redirects=False)
    assert again.status_code == 409 and _status(cell, item.id) == "achieved"
    bad = client.post(f"/oversight/plan/{item.id}", data={**form, "version": "2", "status": "done"})
    assert bad.status_code == 422 and "status must be one of" in bad.text and _status(cell, item.id) == "achieved"


def test_plan_form_refuses_forged_csrf_analysts_and_hidden_items_alike(
    client: TestClient, cell: Cell, world: World
) -> None:
    visible = _item(cell, world, "Coalition item", RESTRICTED)
    hidden = _item(cell, world, SECRET_TITLE, SECRET)
    html = dashboard(client, world.coordinator[1])
    forged = {"csrf": "forged", "status": "achieved", "version": "1"}
    assert client.post(f"/oversight/plan/{visible.id}", data=forged).status_code == 403
    assert _status(cell, visible.id) == "in_progress"
    assert hidden_csrf(html)
    html = dashboard(client, world.deu[1])
    form = {"csrf": hidden_csrf(html), "status": "achieved", "version": "1"}
    assert client.post(f"/oversight/plan/{visible.id}", data=form).status_code == 403
    missing = client.post("/oversight/plan/no-such-item", data=form)
    unreadable = client.post(f"/oversight/plan/{hidden.id}", data=form)
    assert missing.status_code == unreadable.status_code == 404
    assert missing.text.replace("no-such-item", "X") == unreadable.text.replace(hidden.id, "X")
    assert _status(cell, visible.id) == _status(cell, hidden.id) == "in_progress"


def test_the_dashboard_needs_a_session(client: TestClient) -> None:
    response = client.get("/oversight?period=2026", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_the_dashboard_renders_quickly_on_the_demo_data(cell: Cell, client: TestClient) -> None:
    from intelcell.demo import scenario

    issued = {i.user.name: i.token for i in scenario.load(cell, persons_count=200)}
    assert sign_in(client, issued["nato.coordinator"]).status_code == 303
    client.get("/oversight", params={"period": "2026"})  # warm: templates compiled, label ids cached
    took = []
    for _ in range(3):
        started = time.perf_counter()
        response = client.get("/oversight", params={"period": "2026"})
        took.append(time.perf_counter() - started)
        assert response.status_code == 200
    assert "More AWACS flight time" in response.text and response.text.count('<figure class="chart"') >= 5
    # Issue 7: under 300 ms of server time; the best of three leaves out noise from other work on the machine.
    assert min(took) < 0.3, took


def test_a_change_landing_after_the_form_was_checked_is_not_overwritten(
    client: TestClient, cell: Cell, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lost update: the form's version matched when read, then another change landed before the write."""
    item = _item(cell, world, "Coalition item", RESTRICTED)
    html = dashboard(client, world.coordinator[1])
    original = plan.visible
    landed: list[bool] = []

    def read_then_someone_writes(*args: object, **kwargs: object) -> plan.PlanItem | None:
        found = original(*args, **kwargs)  # type: ignore[arg-type]
        if not landed:
            landed.append(True)
            plan.update(cell, world.coordinator[0], item.id, {"status": "at_risk"}, "meanwhile")
        return found

    monkeypatch.setattr(plan, "visible", read_then_someone_writes)
    form = {"csrf": hidden_csrf(html), "status": "achieved", "deadline": "2026-12-01", "version": "1", "period": "2026"}
    response = client.post(f"/oversight/plan/{item.id}", data=form, follow_redirects=False)
    assert response.status_code == 409 and "Item changed meanwhile" in response.text
    assert _status(cell, item.id) == "at_risk"  # the change made meanwhile stands


def test_a_missing_or_garbled_version_is_stale(client: TestClient, cell: Cell, world: World) -> None:
    item = _item(cell, world, "Coalition item", RESTRICTED)
    csrf = hidden_csrf(dashboard(client, world.coordinator[1]))
    for version in ("", "abc", "²", "0"):
        form = {"csrf": csrf, "status": "achieved", "version": version}
        assert client.post(f"/oversight/plan/{item.id}", data=form).status_code == 409, version
    assert _status(cell, item.id) == "in_progress"
