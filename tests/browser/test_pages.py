"""In a real browser: sign in and out, each member's home page, the strict policy, hostile and Arabic names.

Each page is opened in a fresh browser context that records every console message naming the
Content-Security-Policy: Chromium reports each blocked inline style, script or foreign request
there, so an empty record means the page worked under the strict policy (issue 7 item 6).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

import pytest

from tests.airpicture.conftest import flown, scene
from tests.taxii.conftest import Taxii, sdo, taxii
from tests.web.test_pages import MakeUser

__all__ = ["flown", "scene", "taxii"]

SHARED = {
    "coalition brief": "NATO RESTRICTED // REL TO COALITION",
    "allied assessment": "NATO SECRET",
    "french national": "FRA CONFIDENTIAL // REL TO BEL, DEU",
}
HOSTILE = '<script>alert("x")</script>'
ARABIC = "أبو محمد العراقي"


@dataclass
class Browser:
    """A page in a fresh browser context, with the CSP violations and dialogs it reported."""

    page: Any
    base_url: str
    violations: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def goto(self, path: str) -> Any:
        """Open ``path`` and return the navigation's response."""
        return self.page.goto(f"{self.base_url}{path}")

    def sign_in(self, token: str) -> None:
        """Sign in through the login form."""
        self.goto("/login")
        self.page.fill("#token", token)
        self.page.click("button[type=submit]")

    def session_cookie(self) -> dict[str, Any]:
        """The session cookie the browser holds."""
        (cookie,) = [c for c in self.page.context.cookies() if c["name"] == "intelcell_session"]
        return cookie  # type: ignore[no-any-return]


B = TypeVar("B", bound=Browser)


def recording(opened: B) -> B:
    """``opened``, recording every CSP report of its page and refusing (and recording) any dialog."""

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            opened.violations.append(message.text)

    def on_dialog(dialog: Any) -> None:
        opened.dialogs.append(dialog.message)  # an alert would mean injected script ran
        dialog.dismiss()

    opened.page.on("console", on_console)
    opened.page.on("dialog", on_dialog)
    return opened


@pytest.fixture
def browser(chromium: Any, live_server: str) -> Iterator[Browser]:
    """A fresh context on the live server, recording CSP reports and refusing any dialog."""
    context = chromium.new_context()
    yield recording(Browser(context.new_page(), live_server))
    context.close()


def listed(page: Any) -> dict[str, str]:
    """The home page's objects: name to the label shown in its row."""
    return {
        row.locator("td.name").text_content(): row.locator("td.label").text_content()
        for row in page.locator("tbody tr").all()
    }


def banners(page: Any) -> list[str]:
    """The texts of the page's classification banners, top to bottom."""
    return page.locator("[data-banner]").all_text_contents()  # type: ignore[no-any-return]


# -- (a) signing in and out -------------------------------------------------------------------


@pytest.mark.slow
def test_sign_in_and_out_with_a_token_ends_the_session_for_good(browser: Browser, make_user: MakeUser) -> None:
    _user, token = make_user("IRQ", name="irq.browser")
    browser.sign_in(token)
    browser.page.wait_for_url(f"{browser.base_url}/")
    assert browser.page.locator(".user-name").text_content() == "irq.browser"
    cookie = browser.session_cookie()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    browser.page.click("text=Sign out")
    browser.page.wait_for_url(f"{browser.base_url}/login")
    assert not [c for c in browser.page.context.cookies() if c["name"] == "intelcell_session"]
    browser.goto("/")
    assert browser.page.url == f"{browser.base_url}/login"

    browser.page.context.add_cookies([cookie])  # the old cookie, replayed: ended on the server too
    browser.goto("/")
    assert browser.page.url == f"{browser.base_url}/login"
    assert browser.page.locator("h1").text_content() == "Sign in"


@pytest.mark.slow
def test_a_wrong_token_shows_a_clear_error_and_no_session(browser: Browser, make_user: MakeUser) -> None:
    _user, token = make_user("IRQ", name="irq.browser")
    browser.sign_in(token + "x")
    alert = browser.page.get_by_role("alert")
    assert alert.text_content() == "Sign-in failed: invalid token."
    assert browser.page.url == f"{browser.base_url}/login"
    assert not [c for c in browser.page.context.cookies() if c["name"] == "intelcell_session"]
    assert browser.violations == []


# -- (b) each member its own objects ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("member", "shown", "banner"),
    [
        ("TUR", {"coalition brief", "allied assessment"}, "NATO SECRET"),
        ("EGY", {"coalition brief"}, "NATO RESTRICTED // REL TO COALITION"),
    ],
)
def test_each_member_sees_on_its_home_page_exactly_its_objects_under_their_labels(
    taxii: Taxii, browser: Browser, make_user: MakeUser, member: str, shown: set[str], banner: str
) -> None:
    taxii.add([taxii.labelled(sdo(name=name), label) for name, label in SHARED.items()], define=True)
    _user, token = make_user(member, "NATO SECRET", name=f"{member.lower()}.browser")
    browser.sign_in(token)
    browser.page.wait_for_url(f"{browser.base_url}/")
    assert listed(browser.page) == {name: SHARED[name] for name in shown}
    assert banners(browser.page) == [banner, banner]
    text = browser.page.locator("main").text_content() or ""  # the header shows the user's clearance
    for name in SHARED.keys() - shown:
        assert name not in text and SHARED[name] not in text
    assert browser.violations == []


# -- (c) the strict policy, honoured ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.usefixtures("flown")  # tracks on the map, so its script draws them under the policy too
def test_login_home_and_map_send_the_policy_and_break_none_of_it(browser: Browser, make_user: MakeUser) -> None:
    _user, token = make_user("TUR", "NATO SECRET", name="tur.csp")
    responses = {"/login": browser.goto("/login")}
    browser.sign_in(token)
    browser.page.wait_for_url(f"{browser.base_url}/")
    responses["/"] = browser.goto("/")
    header_colour = browser.page.eval_on_selector("header", "e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(11, 37, 69)"  # base.css applied: the style sheet came through the policy
    responses["/airpicture"] = browser.goto("/airpicture")
    browser.page.wait_for_selector("#status.live", timeout=15_000)  # the snapshot drawn
    for path, response in responses.items():
        policy = response.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "unsafe" not in policy, path
        assert response.headers["x-frame-options"] == "DENY", path
    assert browser.violations == []


@pytest.mark.slow
def test_the_violation_record_catches_an_inline_style(browser: Browser) -> None:
    browser.goto("/login")
    browser.page.evaluate("document.head.insertAdjacentHTML('beforeend', '<style>body{color:red}</style>')")
    browser.page.wait_for_timeout(200)
    assert browser.violations, "an inline style should be refused and reported"


# -- (d) hostile strings and Arabic names ---------------------------------------------------------


@pytest.mark.slow
def test_hostile_and_arabic_names_render_as_text_and_arabic_right_to_left(
    taxii: Taxii, browser: Browser, make_user: MakeUser
) -> None:
    label = "NATO RESTRICTED // REL TO COALITION"
    taxii.add([taxii.labelled(sdo(name=n), label) for n in (HOSTILE, ARABIC)], define=True)
    _user, token = make_user("TUR", "NATO SECRET", name=HOSTILE)
    browser.sign_in(token)
    browser.page.wait_for_url(f"{browser.base_url}/")
    assert browser.page.locator(".user-name").text_content() == HOSTILE
    assert listed(browser.page) == {HOSTILE: label, ARABIC: label}
    # The home page runs only intelcell's own base.js: nothing injected.
    sources = browser.page.locator("script").evaluate_all("scripts => scripts.map(s => s.getAttribute('src'))")
    assert [s.split("?")[0] for s in sources] == ["/static/base.js"]
    assert browser.dialogs == [] and browser.violations == []
    arabic = browser.page.locator("td.name", has_text=ARABIC)
    assert arabic.evaluate("e => e.matches(':dir(rtl)')")
    hostile = browser.page.locator("td.name", has_text="alert")
    assert hostile.evaluate("e => e.matches(':dir(ltr)')")
