"""Each demo user does its job end to end in the browser, on the demo as `make demo` loads it (issue 7).

- the French analyst screens a person written in Arabic script, finds the record, opens the person;
- the Turkish analyst asks France a question; the French analyst answers it; the Turkish analyst
  reads the answer, and the Iraqi liaison, not addressed, never sees the RFI;
- the coordinator moves an action-plan item to another status;
- the administrator issues a token, which is shown once and signs a new browser in.

Every page on the way runs without a Content-Security-Policy report or a dialog.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import select

from intelcell.cell import Cell
from intelcell.store.schema import persons
from tests.browser.test_walk import Walker, demo, walker

__all__ = ["demo", "walker"]

ARABIC = re.compile("[\u0600-\u06ff]")


def arabic_record(cell: Cell, member: str) -> tuple[str, str, str]:
    """A current record of ``member`` with a name in Arabic script: its id, that name and its birth year."""
    with cell.db.read() as conn:
        rows = conn.execute(
            select(persons.c.id, persons.c.entity).where(persons.c.is_current, persons.c.member == member)
        ).all()
    for row in rows:
        properties = json.loads(row.entity)["properties"]
        names = [n for n in properties.get("name", []) + properties.get("alias", []) if ARABIC.search(n)]
        if names and properties.get("birthDate"):
            return row.id, names[0], properties["birthDate"][0][:4]
    pytest.fail(f"the demo has no {member} record with an Arabic-script name and a birth date")


def clean(walking: Walker) -> None:
    """No CSP report and no dialog on any page the walker opened."""
    assert walking.violations == []
    assert walking.dialogs == []


@pytest.mark.slow
def test_an_analyst_screens_an_arabic_name_and_opens_the_person(cell: Cell, demo: dict[str, str], walker: Any) -> None:
    record_id, name, year = arabic_record(cell, "FRA")
    fra = walker(demo["fra.analyst"])
    page = fra.page
    fra.open("/fighters/screen")
    page.fill("input[name=name]", name)
    page.fill("input[name=birth_date]", year)
    page.click("main form.ftf-screen button[type=submit]")
    row = page.locator(f"tr[data-record='{record_id}']")
    assert row.locator(".badge.match").count() == 1
    arabic = row.locator("bdi.ftf-name", has_text=name)
    assert arabic.count() >= 1 and arabic.first.evaluate("e => e.matches(':dir(rtl)')")  # right to left
    row.locator("a", has_text="Person view").click()
    assert page.locator("h1").text_content()
    assert page.locator(f"text={record_id}").count() >= 1
    clean(fra)


@pytest.mark.slow
def test_an_rfi_is_asked_answered_and_read_by_its_two_members_only(demo: dict[str, str], walker: Any) -> None:
    tur, fra, irq = walker(demo["tur.analyst"]), walker(demo["fra.analyst"]), walker(demo["irq.liaison"])
    tur.open("/rfis/new")
    tur.page.select_option("#addressee", "FRA")
    tur.page.fill("#subject", "Courier seen at Rabia crossing")
    tur.page.fill("#question", "Do you hold a record of the courier أبو حمزة seen on 20 November?")
    tur.page.fill("#label", "NATO SECRET")
    tur.page.fill("#deadline", "2026-12-20T12:00")
    tur.page.click("main form button[type=submit]")
    tur.page.wait_for_url(re.compile(r"/rfis/[^/]+$"))
    thread = tur.page.url.removeprefix(tur.base_url)

    fra.open("/rfis")
    fra.page.click("main a:has-text('Courier seen at Rabia crossing')")
    assert fra.page.url.endswith(thread)
    fra.page.fill("#text", "Yes: he is in our records under another spelling. Ask for the file.")
    fra.page.fill("#answer-label", "NATO SECRET")
    fra.page.click("main form[action$='/answers'] button[type=submit]")

    tur.open(thread)
    assert tur.page.locator("main", has_text="he is in our records under another spelling").count() == 1
    assert irq.open(thread).status == 404
    irq.open("/rfis")
    assert irq.page.locator("main", has_text="Courier seen at Rabia crossing").count() == 0
    for walking in (tur, fra, irq):
        clean(walking)


@pytest.mark.slow
def test_the_coordinator_changes_the_status_of_an_action_plan_item(demo: dict[str, str], walker: Any) -> None:
    coordinator = walker(demo["nato.coordinator"])
    page = coordinator.page
    coordinator.open("/oversight")
    form = page.locator("main form[action^='/oversight/plan/']").first
    item = form.get_attribute("action")
    page.locator("main details summary", has_text="Change status or deadline").first.click()
    form.locator("select[name=status]").select_option("at_risk")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")
    changed = page.locator(f"main form[action='{item}'] select[name=status]")
    assert changed.input_value() == "at_risk"
    clean(coordinator)


@pytest.mark.slow
def test_the_administrator_issues_a_token_that_signs_a_new_browser_in(demo: dict[str, str], walker: Any) -> None:
    admin = walker(demo["nato.admin"])
    page = admin.page
    admin.open("/admin/tokens")
    jordan_user = page.locator("#t-user option", has_text="JOR/jor.liaison").get_attribute("value")
    page.locator("#t-user").select_option(jordan_user)
    page.click("main form[action='/admin/tokens'] button[type=submit]")
    token = page.locator("[data-issued-token]").input_value()
    assert token.startswith("ic_"), "the new token is shown once on the answer page"
    admin.open("/admin/tokens")
    assert token not in page.content()  # never again
    jordan = walker(token)
    assert jordan.page.locator("[data-member]").text_content() == "JOR"
    clean(admin)
    clean(jordan)
