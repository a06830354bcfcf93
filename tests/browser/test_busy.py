"""Long operations show progress: a form marked ``data-busy`` says it is working and cannot be sent twice."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import Browser, browser

__all__ = ["browser"]

# Registered after base.js's listener, so it sees what base.js decided; it counts the submissions
# base.js lets through and keeps the page from leaving, so the test can look at the busy form.
COUNT_SUBMISSIONS = """
window.sent = 0;
document.addEventListener("submit", (event) => {
  if (!event.defaultPrevented) { window.sent += 1; }
  event.preventDefault();
});
"""


@pytest.mark.slow
def test_a_busy_form_shows_progress_and_is_sent_once(browser: Browser) -> None:
    browser.goto("/login")
    browser.page.wait_for_load_state("load")  # base.js (deferred) has registered its listener
    browser.page.evaluate(COUNT_SUBMISSIONS)
    browser.page.fill("#token", "ic_not_a_real_token")
    button = browser.page.locator("main button[type=submit]")
    assert button.text_content() == "Sign in"
    button.click()
    form = browser.page.locator("main form")
    assert form.get_attribute("aria-busy") == "true"
    assert button.text_content() == "Signing in…"
    assert button.get_attribute("aria-disabled") == "true"
    button.click(force=True)  # a second click while the server works (it is aria-disabled)
    assert browser.page.evaluate("window.sent") == 1
    assert browser.violations == []
