"""In a real browser: the coordinator's dashboard draws its SVG charts under the strict policy, an analyst
sees less, and an administrator issues and revokes a token with the keyboard-reachable forms."""

from __future__ import annotations

from intelcell.cell import Cell
from intelcell.oversight import plan
from tests.browser.test_pages import HOSTILE, Browser, browser
from tests.oversight.conftest import RESTRICTED, SECRET, World, world
from tests.web.test_pages import MakeUser

__all__ = ["browser", "world"]

ARABIC = "تدريب القوات العراقية"


def _item(cell: Cell, world: World, title: str, label: str) -> None:
    data = {
        "title": title,
        "owner": "NATO",
        "targets": [{"measure": "objects_shared", "value": 10, "member": "USA"}],
        "status": "in_progress",
        "label": label,
    }
    plan.create(cell, world.coordinator[0], data, "test")


def test_coordinator_dashboard_draws_svg_charts_without_csp_violations(
    browser: Browser, cell: Cell, world: World
) -> None:
    _item(cell, world, f"{HOSTILE} {ARABIC}", RESTRICTED)
    _item(cell, world, "Secret plan item", SECRET)
    browser.sign_in(world.coordinator[1])
    response = browser.goto("/oversight?period=2026")
    assert response.status == 200
    page = browser.page
    assert page.locator("figure.chart svg rect.bar").count() >= 3
    assert page.locator("svg.progress").count() == 2
    # The bars are drawn with a size (SVG attributes), not collapsed by a blocked style.
    box = page.locator("figure.chart[data-chart=objects_shared] rect.bar").first.bounding_box()
    assert box is not None and box["width"] > 10
    assert page.get_by_text("Secret plan item").count() == 1
    title = page.locator("[data-plan-item] strong.title").first
    assert title.text_content() == f"{HOSTILE} {ARABIC}"
    assert page.locator("[data-banner]").first.text_content() == "NATO SECRET // REL TO COALITION"
    page.fill("#period", "2026-13")
    page.click("form.period-form button[type=submit]")
    assert page.locator("#period-error").is_visible()
    browser.goto("/oversight/trend?period=2026")
    assert page.locator("svg.spark polyline").count() >= 1
    assert browser.violations == [] and browser.dialogs == []


def test_a_lower_clearance_analyst_sees_neither_the_secret_item_nor_its_label(
    browser: Browser, cell: Cell, world: World
) -> None:
    _item(cell, world, "Secret plan item", SECRET)
    browser.sign_in(world.deu[1])
    assert browser.goto("/oversight?period=2026").status == 200
    text = browser.page.locator("body").inner_text()
    assert "Secret plan item" not in text and "SECRET" not in text
    assert browser.violations == [] and browser.dialogs == []


def test_an_admin_issues_and_revokes_a_token(browser: Browser, make_user: MakeUser) -> None:
    target, _ = make_user("FRA", "NATO SECRET", name=HOSTILE)
    _admin, token = make_user("NATO", "NATO SECRET", role="admin", name="cell.admin")
    browser.sign_in(token)
    assert browser.goto("/admin/tokens").status == 200
    page = browser.page
    page.select_option("#t-user", str(target.id))
    page.click("text=Issue token")
    secret = page.locator("[data-issued-token]").input_value()
    assert secret.startswith("ic_") and secret not in page.url
    issued_id = page.locator("#h-issued").text_content()
    assert issued_id and HOSTILE in issued_id  # shown as text, not run
    page.goto(f"{browser.base_url}/admin/tokens")
    assert secret not in page.content()
    live = page.locator("tr:has-text('live') button", has_text="Revoke")
    before = live.count()
    page.locator(f"tr:has(bdi:text-is('FRA/{HOSTILE}')) button").first.click()
    assert page.locator("p.notice").is_visible()
    assert page.locator("tr:has-text('live') button", has_text="Revoke").count() == before - 1
    assert browser.violations == [] and browser.dialogs == []
