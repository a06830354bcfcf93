"""Issue 9's acceptance flow, in real browsers, with its timings printed (run with ``-s``).

1. A USA analyst writes a report in the composer: Markdown, an object linked through the finder,
   a coalition label and a stricter portion label on the body; previews it as France would see
   it; publishes it. The same analyst enters two person records in the record form, one for the
   coalition and one for GBR and USA only.
2. A French analyst, in a browser of their own, sees exactly what the labels allow: the report
   without its body, the coalition record, and the other record's address answering "not found".
3. A Turkish analyst watches for a person; an Iraqi analyst (a third member) enters a matching
   record in the form; the Turkish watchlist shows the alert.
4. A French analyst uploads 10,000 FollowTheMoney records (1,000 on PostgreSQL, see
   ``tests/browser/uploading.py``) and watches the progress bar until they are all stored.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from intelcell.cell import Cell
from tests.browser.test_pages import Browser, browser
from tests.browser.test_rfi_browser import second
from tests.browser.uploading import upload_and_watch
from tests.taxii.conftest import Taxii, sdo, taxii
from tests.web.test_pages import MakeUser

__all__ = ["browser", "second", "taxii"]

COALITION = "NATO SECRET // REL TO COALITION"
NARROW = "NATO SECRET // REL TO GBR, USA"


def _switch(browser: Browser, token: str) -> None:
    """Sign the browser in as another user (a fresh session: the old cookie is dropped first)."""
    browser.page.context.clear_cookies()
    browser.sign_in(token)
    browser.page.wait_for_url(f"{browser.base_url}/")


def _enter_record(browser: Browser, latin: str, arabic: str, birth: str, label: str) -> str:
    """Fill the record form and save; the new record's id."""
    page = browser.page
    browser.goto("/fighters/records/new")
    page.fill("#f-name_latin-0", latin)
    page.fill("#f-name_arabic-0", arabic)
    page.fill("#f-birth_date-0", birth)
    page.fill("#f-label", label)
    page.click("button[value=save]")
    page.wait_for_selector("[data-saved]")
    return page.get_attribute("[data-saved]", "data-saved") or ""


def test_analysts_of_three_members_publish_read_watch_and_upload(
    browser: Browser, second: Browser, cell: Cell, taxii: Taxii, make_user: MakeUser, tmp_path: Path
) -> None:
    actor = taxii.labelled(sdo(name="Katibat al-Muhajirin"), "NATO RESTRICTED // REL TO COALITION")
    taxii.add([actor], define=True)
    _usa, usa_token = make_user("USA", "NATO SECRET", name="usa.analyst")
    _fra, fra_token = make_user("FRA", "NATO SECRET", name="fra.analyst")
    _tur, tur_token = make_user("TUR", "NATO SECRET", name="tur.analyst")
    _irq, irq_token = make_user("IRQ", "NATO SECRET", name="irq.analyst")
    timings: dict[str, float] = {}

    # 1. USA writes, links, labels, previews and publishes a report, then enters two records.
    start = time.perf_counter()
    browser.sign_in(usa_token)
    browser.goto("/reports/new")
    page = browser.page
    page.fill("#title", "Katibat al-Muhajirin moved to Hajin")
    page.fill("#body", "## Assessment\n\nThe group **moved** south in October.\n\n<img src=x onerror=alert(1)>")
    page.fill("#link-query", "Muhajirin")
    page.click(f"[data-link-id='{actor['id']}']")
    page.fill("#label", COALITION)
    page.fill("#portion_description", NARROW)
    page.select_option("#preview_member", "FRA")
    page.click("button[value=preview]")
    page.wait_for_selector("[data-preview], [data-form-error]")
    assert page.locator("[data-preview-sees='yes']").count() == 1, page.locator("main").inner_text()
    assert page.locator("[data-preview-hidden='description']").count() == 1  # France would not see the body
    page.click("button[value=publish]")
    page.wait_for_url(re.compile(r"/objects/report--[0-9a-f-]{36}$"))
    report_path = page.url.split("127.0.0.1", 1)[1].split("/", 1)[1]
    assert page.locator(".markdown h2").text_content() == "Assessment"
    timings["publish a report (compose, link, preview, publish)"] = time.perf_counter() - start

    start = time.perf_counter()
    shared = _enter_record(browser, "Abu Hamza al-Faransi", "أبو حمزة الفرنسي", "1990-03", COALITION)
    narrow = _enter_record(browser, "Yusuf al-Britani", "يوسف البريطاني", "1988", NARROW)
    timings["enter two records in the form"] = time.perf_counter() - start

    # 2. France sees exactly what the labels allow.
    start = time.perf_counter()
    second.sign_in(fra_token)
    second.goto(f"/{report_path}")
    fra_page = second.page
    assert fra_page.locator("h1.object-name").text_content() == "Katibat al-Muhajirin moved to Hajin"
    assert fra_page.locator("[data-prop='description']").count() == 0
    assert "moved** south" not in fra_page.content() and "moved</strong> south" not in fra_page.content()
    second.goto(f"/fighters/persons/{shared}")
    assert "Abu Hamza al-Faransi" in fra_page.content()
    second.goto(f"/fighters/persons/{narrow}")
    assert "Yusuf al-Britani" not in fra_page.content() and "يوسف" not in fra_page.content()
    assert fra_page.locator("h1").text_content() == "No such person"  # as for an id that never existed
    timings["the other member reads what the labels allow"] = time.perf_counter() - start

    # 3. Turkey watches; a record from Iraq, a third member, raises the alert.
    start = time.perf_counter()
    _switch(second, tur_token)
    second.goto("/fighters/watchlist")
    tur_page = second.page
    tur_page.fill("#w-name", "Omar Haddad")
    tur_page.fill("#w-name-arabic", "عمر حداد")
    tur_page.fill("#w-birth", "1987")
    tur_page.click("button:has-text('Add to the watchlist')")
    tur_page.wait_for_url("**/fighters/watchlist?added=1")
    assert tur_page.locator("[data-alert]").count() == 0
    _switch(browser, irq_token)
    irq_record = _enter_record(browser, "Omer Hadad", "عمر حداد", "1987-04", "NATO SECRET // REL TO IRQ, TUR")
    second.goto("/fighters/watchlist")
    alert = tur_page.locator("[data-alert]")
    assert alert.count() == 1 and alert.get_attribute("data-kind") == "record"
    assert irq_record in (alert.text_content() or "")
    timings["watchlist alert from a third member's record"] = time.perf_counter() - start

    # 4. A bulk upload with its progress bar.
    _switch(browser, fra_token)
    upload = upload_and_watch(browser, cell, "FRA", tmp_path)
    timings[f"upload {upload.records:,} records: check"] = upload.checked
    timings[f"upload {upload.records:,} records: store"] = upload.stored

    assert browser.violations == [] and browser.dialogs == [] and second.violations == []
    print(f"\nissue 9 flow on {cell.db.engine.dialect.name}:")
    for step, seconds in timings.items():
        print(f"  {step}: {seconds:.1f} s")
    print(f"  progress seen at {upload.seen}")
