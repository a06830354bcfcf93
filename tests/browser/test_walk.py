"""The demo, opened in a real browser as each kind of demo user would: every page of the menu, then the
first detail page each list links to.

On every page: it answers 200, shows the classification banner at the top and the bottom, runs
without a single Content-Security-Policy report or dialog, and the server took under 300 ms
(issue 7 item 5, read from the ``Server-Timing`` header, which the test store's settings turn on). Users of
two members are walked, so the pages are checked for both; what each may see is tested page by
page in tests/web.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from intelcell.cell import Cell
from intelcell.demo import scenario
from intelcell.settings import Settings
from intelcell.web.render import NAV
from tests.browser.test_pages import Browser, recording

BUDGET_MS = 300.0
#: Detail pages reached from the lists: the first link of each kind on any page walked.
DETAIL = re.compile(r"^/(objects/[^/?#]+|fighters/persons/[^/?#]+|rfis/[^/?#]+)$")
WALKED = ("tur.analyst", "irq.liaison", "nato.coordinator", "nato.admin")


@dataclass
class Visit:
    """What one page did in the browser."""

    path: str
    status: int
    server_ms: float
    banners: list[str]


def _server_ms(response: Any) -> float:
    """The server time a UI response reports (``Server-Timing: app;dur=...``), in ms."""
    found = re.search(r"dur=([0-9.]+)", response.headers.get("server-timing", ""))
    return float(found.group(1)) if found else float("nan")


class Walker(Browser):
    """A browser context signed in as one demo user, recording CSP reports and dialogs."""

    def open(self, path: str) -> Visit:
        """Open ``path`` and report what the page did.

        The server runs in a thread of the test process, beside Playwright and the collector: a
        page over the budget is opened once more, and the faster of the two counts (a page slow
        every time still fails).
        """
        response = self.page.goto(f"{self.base_url}{path}")
        server_ms = _server_ms(response)
        if server_ms >= BUDGET_MS:
            response = self.page.goto(f"{self.base_url}{path}")
            server_ms = min(server_ms, _server_ms(response))
        banners = self.page.locator("[data-banner]").all_text_contents()
        return Visit(path, response.status, server_ms, banners)

    def links(self) -> list[str]:
        """Same-site paths the current page links to."""
        hrefs = self.page.eval_on_selector_all("main a[href]", "links => links.map(a => a.getAttribute('href'))")
        return [h for h in hrefs if h.startswith("/") and not h.startswith("//")]


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The test store's settings, with the pages' Server-Timing header on (it is off in service)."""
    return Settings.from_env(environ={}, database_url=database_url, server_timing=True)


@pytest.fixture
def demo(cell: Cell) -> dict[str, str]:
    """The demo scenario loaded into the test store: each demo user's name and fresh token."""
    return {issued.user.name: issued.token for issued in scenario.load(cell, persons_count=400)}


@pytest.fixture
def walker(chromium: Any, live_server: str) -> Iterator[Any]:
    """A factory of signed-in walkers, one fresh browser context each."""
    contexts = []

    def sign_in(token: str) -> Walker:
        context = chromium.new_context()
        contexts.append(context)
        walking = recording(Walker(context.new_page(), live_server))
        walking.sign_in(token)
        walking.page.wait_for_url(f"{live_server}/")
        return walking

    yield sign_in
    for context in contexts:
        context.close()


@pytest.mark.parametrize("name", WALKED)
def test_every_page_of_the_demo_opens_under_its_banners_within_the_budget(
    demo: dict[str, str], walker: Any, name: str
) -> None:
    walking = walker(demo[name])
    menu = walking.page.locator("nav.menu a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    role = next(user.role for user in scenario.USERS if user.name == name)
    expected = [path for path, _title, roles in NAV if not roles or role in roles]
    assert menu == expected
    visits, details = [], {}
    for path in menu:
        visits.append(walking.open(path))
        for link in walking.links():
            kind = DETAIL.match(link)
            if kind and kind.group(1).split("/")[0] not in details:
                details[kind.group(1).split("/")[0]] = link
    visits.extend(walking.open(link) for link in details.values())
    assert "objects" in details  # every walked user may read some of the demo's intelligence
    for visit in visits:
        assert visit.status == 200, visit
        assert len(visit.banners) == 2 and visit.banners[0] == visit.banners[1] and visit.banners[0], visit
        assert visit.server_ms < BUDGET_MS, visit
    assert walking.violations == []
    assert walking.dialogs == []
