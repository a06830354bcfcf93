"""In a real browser, two partners open the live map and each sees exactly its own picture.

The scene (tests/airpicture/conftest.py): aircraft A seen by the coalition AWACS, B also by the
Turkish radar (NATO SECRET, releasable to NATO), C inside an area releasable to the Levant
partners. Türkiye sees A, B and C; Egypt (Coalition, neither NATO nor Levant) sees only A.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.airpicture.conftest import Scene, flown, scene

__all__ = ["flown", "scene"]


def open_map(chromium: Any, base_url: str, token: str) -> Any:
    """A fresh browser context signed in with ``token``, on the air-picture page."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/login")
    page.fill("#token", token)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    page.goto(f"{base_url}/airpicture")
    return page


def listed_tracks(page: Any) -> list[str]:
    """The names shown in the page's track list once the live snapshot has arrived."""
    # The status goes live on the feed's first event, the snapshot; the count alone may show "(0)"
    # from a render (the basemap arriving) before it.
    page.wait_for_selector("#status.live", timeout=15_000)
    return page.locator("#track-list .track-item .name").all_text_contents()


@pytest.mark.slow
@pytest.mark.parametrize(("member", "clearance", "count"), [("TUR", "NATO SECRET", 3), ("EGY", "NATO SECRET", 1)])
def test_a_partner_sees_on_the_map_exactly_the_tracks_it_may_read(
    flown: Scene, make_user, live_server: str, chromium: Any, member: str, clearance: str, count: int
):
    _, token = make_user(member, clearance, name=f"{member.lower()}.browser")
    page = open_map(chromium, live_server, token)
    try:
        names = listed_tracks(page)
        assert len(names) == count, names
        assert page.locator("#track-count").text_content() == f"({count})"
        banner = page.locator("[data-banner]").first.text_content()
        assert banner and banner.startswith("NATO ")
        html = page.content()
        assert "tur-radar-1" not in html or member == "TUR"
        # Keyboard: the list takes focus and the arrow key selects the first track's details.
        page.focus("#track-list")
        page.keyboard.press("ArrowDown")
        page.wait_for_selector("#details:not([hidden])", timeout=5_000)
        details = page.locator("#details").text_content() or ""
        assert "Identity" in details
        if member == "EGY":
            assert "tur-radar-1" not in details
    finally:
        page.context.close()
