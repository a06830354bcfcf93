"""In a real browser: screen a name, open the person view, decide on a link; all under the strict policy.

Two members: FRA (which also holds a record under a French-only label) and IRQ, which must see
that record only as a hit. Names are Arabic and hostile, so right-to-left rendering and escaping
are checked where the user sees them.
"""

from __future__ import annotations

import pytest

from intelcell.cell import Cell
from intelcell.fighters import records, resolution
from tests.browser.test_pages import Browser, banners, browser
from tests.fighters.builders import SECRET, person
from tests.fighters.test_resolution import B1, B2, B3
from tests.fighters.test_review import M1, M2, M3
from tests.web.test_pages import MakeUser

__all__ = ["browser"]

HOSTILE = "<script>alert(1)</script>"
ARABIC = "أبو بكر البغدادي"


@pytest.fixture
def stored(cell: Cell, make_user: MakeUser) -> dict[str, str]:
    """FRA: b1 (FRA SECRET), m1, m3 (FRA SECRET) and a hostile name; IRQ: b2 (Arabic), b3, m2. Tokens by member."""
    fra, fra_token = make_user("FRA", name="claire")
    irq, irq_token = make_user("IRQ", name="karim")
    records.submit(cell, fra, [B1, M3], "FRA SECRET", path="test", link=False)
    records.submit(cell, fra, [M1, person("h1", HOSTILE + " Hassan", birth_date="1980")], SECRET, path="test")
    records.submit(cell, irq, [B2, B3, M2], SECRET, path="test", link=False)
    resolution.resolve(cell)
    return {"FRA": fra_token, "IRQ": irq_token}


def signed_in(browser: Browser, token: str) -> None:
    browser.sign_in(token)
    browser.page.wait_for_url(f"{browser.base_url}/")


def screen(browser: Browser, name: str, birth_date: str = "") -> None:
    """Fill and send the screening form with the keyboard, as a user without a mouse would."""
    browser.goto("/fighters/screen")
    page = browser.page
    page.fill("#f-name", name)
    page.fill("#f-birth_date", birth_date)
    page.press("#f-birth_date", "Enter")
    page.wait_for_selector("#results-h")


@pytest.mark.slow
def test_screening_then_the_person_view_under_the_policy(browser: Browser, stored: dict[str, str]) -> None:
    signed_in(browser, stored["IRQ"])
    screen(browser, "Abou Bakr al-Baghdadi", "1971")
    page = browser.page
    rows = page.locator("tr[data-record]")
    assert {rows.nth(n).get_attribute("data-record") for n in range(rows.count())} == {"IRQ-b2", "IRQ-b3"}
    assert page.locator("[data-hit]").count() == 1
    assert "FRA" not in (page.locator("main").text_content() or "")
    arabic = page.locator("bdi.ftf-name", has_text=ARABIC).first
    assert arabic.evaluate("e => e.matches(':dir(rtl)')")
    page.locator("tr[data-record='IRQ-b2'] summary").click()  # the explanation opens
    assert page.locator("tr[data-record='IRQ-b2'] [data-feature='name_similar']").is_visible()

    page.locator("tr[data-record='IRQ-b2'] a", has_text="Person view").click()
    page.wait_for_url(f"{browser.base_url}/fighters/persons/IRQ-b2")
    cards = page.locator("article.ftf-card")
    assert [cards.nth(n).get_attribute("data-record") for n in range(cards.count())] == ["IRQ-b2"]
    assert "FRA" not in (page.locator("main").text_content() or "")  # b1 links b2 to b3, but IRQ may not read it
    assert banners(page) == [SECRET, SECRET]
    assert page.locator("script:not([src])").count() == 0
    assert browser.violations == [] and browser.dialogs == []

    hidden = browser.goto("/fighters/persons/person-FRA-b1")
    assert hidden is not None and hidden.status == 404
    assert browser.violations == []


@pytest.mark.slow
def test_the_holder_sees_everything_and_decides_on_a_link(browser: Browser, stored: dict[str, str]) -> None:
    signed_in(browser, stored["FRA"])
    page = browser.page
    browser.goto("/fighters/persons/person-FRA-b1")
    assert page.locator("article.ftf-card").count() == 3
    assert banners(page) == ["FRA SECRET", "FRA SECRET"]

    screen(browser, HOSTILE + " Hassan", "1980")
    hostile = page.locator("bdi.ftf-name", has_text="alert(1)").first
    assert hostile.text_content() == HOSTILE + " Hassan"
    assert hostile.evaluate("e => e.matches(':dir(ltr)')")

    browser.goto("/fighters/review")
    pair = page.locator("article.ftf-pair[data-pair='FRA-m1 FRA-m3']")
    pair.get_by_role("button", name="Confirm: same person").click()
    page.wait_for_url(f"{browser.base_url}/fighters/review?decided=confirm")
    assert page.get_by_role("status").text_content() == "Link confirmed: the two records now form one person."
    assert page.locator("article.ftf-pair[data-pair='FRA-m1 FRA-m3']").count() == 0
    assert browser.violations == [] and browser.dialogs == []
