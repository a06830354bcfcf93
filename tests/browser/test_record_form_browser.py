"""In a real browser: an analyst types a record with an Arabic name right to left, adds an alias row with
the form's script, saves, and sees the readable record of another member it may link, without a CSP report."""

from __future__ import annotations

from intelcell.cell import Cell
from intelcell.fighters import records
from tests.browser.test_pages import Browser, browser
from tests.fighters.builders import person
from tests.web.test_pages import MakeUser

__all__ = ["browser"]


def test_an_analyst_enters_a_record_adds_an_alias_row_and_sees_who_may_be_the_same_person(
    browser: Browser, cell: Cell, make_user: MakeUser
) -> None:
    fra, token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    tur, _ = make_user("TUR", "NATO SECRET", name="tur.holder")
    records.submit(cell, tur, [person(id="t1", name="Omer Hadad", birth_date="1987")], "NATO SECRET // REL TO FRA, TUR")
    browser.sign_in(token)
    browser.goto("/fighters/records/new")
    page = browser.page
    assert page.get_attribute("#f-name_arabic-0", "dir") == "rtl"
    page.fill("#f-name_latin-0", "Omar Haddad")
    page.fill("#f-name_arabic-0", "عمر حداد")
    aliases = page.locator("fieldset[data-repeat=alias] input[name=alias]")
    page.fill("#f-alias-0", "Omar al-Haddad")
    page.click("fieldset[data-repeat=alias] [data-add]")
    assert aliases.count() == 2
    aliases.nth(1).fill("Omer Hadad")
    page.fill("#f-birth_date-0", "1987")
    page.fill("#f-label", "NATO SECRET // REL TO FRA, TUR")
    page.click("button[value=save]")
    page.wait_for_selector("[data-saved]")
    saved = page.get_attribute("[data-saved]", "data-saved") or ""
    with cell.db.read() as conn:
        stored = records.get(cell, conn, fra, saved)
    assert stored is not None and stored.entity["properties"]["alias"] == ["Omar al-Haddad", "Omer Hadad"]
    assert page.locator("tr[data-record]").evaluate_all("rows => rows.map(r => r.dataset.record)") == ["TUR-t1"]
    page.click("[data-link='TUR-t1']")
    page.wait_for_url(f"**/fighters/persons/{saved}")
    assert browser.violations == [] and browser.dialogs == []
