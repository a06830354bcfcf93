"""In a real browser: search, an object and the graph work under the strict policy and draw only what may be read."""

from __future__ import annotations

import pytest

from tests.browser.test_pages import ARABIC, HOSTILE, Browser, browser
from tests.taxii.conftest import Taxii, sdo, taxii
from tests.web.test_exchange_pages import _relationship
from tests.web.test_pages import MakeUser

__all__ = ["browser", "taxii"]

OPEN = "NATO RESTRICTED // REL TO COALITION"
SIGINT = "NATO SECRET // SIGINT"


@pytest.mark.slow
def test_search_object_and_graph_pages_draw_only_readable_objects_without_breaking_the_policy(
    taxii: Taxii, browser: Browser, make_user: MakeUser
) -> None:
    actor = taxii.labelled(sdo(name=ARABIC), OPEN)
    hostile = taxii.labelled(sdo(name=HOSTILE), OPEN)
    place = taxii.labelled(sdo("location", name="Mosul district", country="IQ"), OPEN)
    hidden = taxii.labelled(sdo(name="sigint only actor"), SIGINT)
    rels = [
        taxii.labelled(_relationship("located-at", actor["id"], place["id"]), OPEN),
        taxii.labelled(_relationship("located-at", hostile["id"], place["id"]), OPEN),
        taxii.labelled(_relationship("related-to", actor["id"], hidden["id"]), OPEN),
    ]
    taxii.add([actor, hostile, place, hidden, *rels], define=True)
    _user, token = make_user("TUR", "NATO SECRET", name="tur.graph")
    browser.sign_in(token)
    browser.page.wait_for_url(f"{browser.base_url}/")

    browser.goto("/search?q=Mosul")
    rows = browser.page.locator("table.results tbody tr")
    assert rows.count() == 1 and rows.locator("td.name").text_content() == "Mosul district"
    browser.goto("/search")
    assert browser.page.locator("td.name", has_text="alert").text_content() == HOSTILE
    arabic = browser.page.locator("td.name", has_text=ARABIC)
    assert arabic.evaluate("e => e.matches(':dir(rtl)')")
    arabic.locator("a").focus()
    browser.page.keyboard.press("Enter")  # keyboard: a real link opens the object
    browser.page.wait_for_url(f"{browser.base_url}/objects/{actor['id']}")
    assert browser.page.locator("h1").text_content() == ARABIC
    assert browser.page.locator(f'tr[data-link="{place["id"]}"]').count() == 1
    assert "sigint only actor" not in (browser.page.content())

    browser.page.click("text=Show in graph")
    browser.page.wait_for_selector("#graph.drawn", timeout=15_000)
    drawn = browser.page.locator("#graph a[data-node]")
    ids = set(drawn.evaluate_all("els => els.map(e => e.dataset.node)"))
    assert ids == {actor["id"], place["id"], hostile["id"]}  # two hops from the actor; the SIGINT actor never
    assert browser.page.locator("#graph circle").count() == 3
    assert browser.page.locator("#graph line").count() == 2
    assert browser.page.locator("#graph-status").text_content() == "3 objects drawn."

    # Keyboard: Tab reaches the nodes, Enter opens the focused one.
    first = drawn.first
    first.focus()
    target = first.get_attribute("data-node")
    browser.page.keyboard.press("Enter")
    browser.page.wait_for_url(f"{browser.base_url}/objects/{target}")

    browser.goto("/graph")
    browser.page.wait_for_selector("#graph.drawn", timeout=15_000)
    assert browser.page.locator("#graph circle").count() == 3
    assert browser.dialogs == [] and browser.violations == []
