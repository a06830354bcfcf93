"""In a real browser: FRA watches for a person (Arabic typed right to left), TUR stores a matching
record, FRA's watchlist shows the alert; a third member's watchlist shows nothing of it."""

from __future__ import annotations

import time

from intelcell.cell import Cell
from intelcell.fighters import records
from tests.browser.test_pages import Browser, browser
from tests.browser.test_rfi_browser import second
from tests.fighters.builders import person
from tests.web.test_pages import MakeUser

__all__ = ["browser", "second"]


def test_a_watchlist_alert_fires_when_another_member_stores_a_matching_record(
    browser: Browser, second: Browser, cell: Cell, make_user: MakeUser
) -> None:
    _fra, fra_token = make_user("FRA", "NATO SECRET", name="fra.watcher")
    tur, _ = make_user("TUR", "NATO SECRET", name="tur.holder")
    _deu, deu_token = make_user("DEU", "NATO COSMIC TOP SECRET", name="deu.analyst")
    browser.sign_in(fra_token)
    browser.goto("/fighters/watchlist")
    page = browser.page
    assert page.get_attribute("#w-name-arabic", "dir") == "rtl"
    page.fill("#w-name", "Omar Haddad")
    page.fill("#w-name-arabic", "عمر حداد")
    page.fill("#w-birth", "1987")
    page.click("button:has-text('Add to the watchlist')")
    page.wait_for_url("**/fighters/watchlist?added=1")
    assert page.locator("[data-entry]").count() == 1
    assert page.locator("[data-alert]").count() == 0

    start = time.perf_counter()
    records.submit(
        cell, tur, [person(id="t1", name="عمر حداد", birth_date="1987-04")], "NATO SECRET // REL TO FRA, TUR"
    )
    browser.goto("/fighters/watchlist")
    elapsed = time.perf_counter() - start
    alert = page.locator("[data-alert]")
    assert alert.count() == 1 and alert.get_attribute("data-kind") == "record"
    assert "TUR-t1" in (alert.text_content() or "")
    assert elapsed < 2.0  # stored, matched in the same transaction and shown on the next page load

    second.sign_in(deu_token)  # a third member, in its own browser
    second.goto("/fighters/watchlist")
    assert second.page.locator("[data-alert]").count() == 0 and second.page.locator("[data-entry]").count() == 0
