"""In a real browser: FRA asks TUR a question through the composer, TUR answers it in a second
browser, FRA closes it; IRQ sees neither; every page works under the strict policy."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.test_pages import ARABIC, HOSTILE, Browser, browser, recording
from tests.web.test_pages import MakeUser

__all__ = ["browser"]
SHARED = "NATO SECRET // REL TO FRA, TUR"


@pytest.fixture
def second(chromium: Any, live_server: str) -> Iterator[Browser]:
    """Another browser context (another person's browser), recording CSP reports and dialogs."""
    context = chromium.new_context()
    yield recording(Browser(context.new_page(), live_server))
    context.close()


def test_one_member_asks_another_answers_and_a_third_sees_nothing(
    browser: Browser, second: Browser, make_user: MakeUser
) -> None:
    _fra, fra_token = make_user("FRA", name="fra.asker")
    _tur, tur_token = make_user("TUR", name=ARABIC)
    _irq, irq_token = make_user("IRQ", "NATO COSMIC TOP SECRET", name="irq.analyst")

    browser.sign_in(fra_token)
    browser.goto("/rfis")
    page = browser.page
    assert "No RFIs addressed to FRA that you may read." in page.text_content("main")
    page.click("text=Ask a new question")
    page.select_option("#addressee", "TUR")
    page.fill("#subject", f"{HOSTILE} crossing")
    page.fill("#question", f"Who is {ARABIC}?")
    page.fill("#label", "NOT A LABEL")
    page.click("button:has-text('Send the RFI')")
    assert page.locator("#label-error").is_visible()  # refused beside the field, what was typed kept
    assert page.input_value("#subject") == f"{HOSTILE} crossing"
    page.fill("#label", SHARED)
    page.click("button:has-text('Send the RFI')")
    page.wait_for_url("**/rfis/*-*")
    rfi_url = page.url
    assert page.text_content("h1.subject") == f"{HOSTILE} crossing"
    assert page.get_attribute("h1.subject", "dir") == "auto"
    assert page.text_content("[data-banner]") == SHARED

    second.sign_in(tur_token)
    second.goto("/rfis")
    second.page.click("a.subject:has-text('crossing')")
    second.page.fill("#text", f"{ARABIC} was seen at the crossing.")
    second.page.fill("#answer-label", SHARED)
    second.page.click("button:has-text('Send the answer')")
    second.page.wait_for_selector("[data-answer]")
    assert "answered" in (second.page.text_content("[data-status]") or "")

    page.goto(rfi_url)
    assert ARABIC in (page.text_content("[data-answer-text]") or "")
    assert page.get_attribute("[data-answer-text]", "dir") == "auto"
    page.click("button:has-text('Close this RFI')")
    page.wait_for_selector("text=This RFI is closed.")
    assert page.text_content("[data-status]") == "closed"

    third = second  # IRQ signs in where TUR was, after TUR signs out
    third.page.click("button:has-text('Sign out')")
    third.sign_in(irq_token)
    response = third.goto(rfi_url.removeprefix(third.base_url))
    assert response.status == 404 and "RFI not found" in third.page.text_content("main")
    third.goto("/rfis")
    assert third.page.locator("[data-rfi]").count() == 0

    for opened in (browser, second):
        assert opened.violations == [] and opened.dialogs == []


def test_the_label_picker_says_who_will_read_as_the_label_is_typed(browser: Browser, make_user: MakeUser) -> None:
    _fra, token = make_user("FRA", "NATO SECRET", name="fra.picker")
    browser.sign_in(token)
    browser.goto("/rfis/new")
    page = browser.page
    line = page.locator("#label-readers")
    assert line.text_content() == "Type or choose a label to see who will be able to read it."
    page.fill("#label", SHARED)
    page.wait_for_selector("#label-readers:has-text('Readable by users of FRA')")  # no eval under the CSP
    assert (
        line.text_content()
        == "Readable by users of FRA, NATO (the organisation) and TUR, cleared NATO SECRET or higher."
    )
    assert "refused" not in (line.get_attribute("class") or "")
    page.fill("#label", "NATO SECRET // REL TO COALITION // SIGINT")  # a caveat this user does not hold
    page.wait_for_selector("#label-readers.refused")
    assert "You may not use this label" in (line.text_content() or "")
    page.fill("#label", "NATO SEKRET")
    page.wait_for_selector("#label-readers.refused:not(:has-text('You may not'))")
    assert "classification" in (line.text_content() or "")  # the parser's reason
