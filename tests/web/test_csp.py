"""Every response of the browser UI carries the strict policy and the hardening headers (issue 7 item 6)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from intelcell.web import csp
from tests.web.test_pages import MakeUser, hidden_csrf, sign_in

HARDENING = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def assert_protected(response) -> None:  # type: ignore[no-untyped-def]
    """The response has the strict policy and every hardening header."""
    policy = dict(part.strip().split(" ", 1) for part in response.headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["content-security-policy"]
    assert {name: response.headers.get(name) for name in HARDENING} == HARDENING


def assert_nothing_inline(html: str) -> None:
    """No inline style or script, style attribute or event handler: the policy would block them."""
    assert "<style" not in html
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)
    assert not re.search(r"<[^>]+\son\w+=", html)


@pytest.fixture
def signed_in(client: TestClient, make_user: MakeUser) -> TestClient:
    _user, token = make_user("IRQ", name="analyst.csp")
    assert sign_in(client, token).status_code == 303
    return client


def test_the_policy_allows_nothing_inline() -> None:
    assert "'unsafe-inline'" not in csp.POLICY and "nonce" not in csp.POLICY


@pytest.mark.parametrize("path", ["/", "/airpicture"])
def test_each_signed_in_page_is_protected_and_has_nothing_inline(signed_in: TestClient, path: str) -> None:
    response = signed_in.get(path, follow_redirects=False)
    assert response.status_code == 200
    assert_protected(response)
    assert_nothing_inline(response.text)
    assert response.headers["cache-control"] == "no-store"


def test_the_login_page_is_protected_and_has_nothing_inline(client: TestClient) -> None:
    response = client.get("/login")
    assert_protected(response)
    assert_nothing_inline(response.text)


def test_a_failed_sign_in_page_is_protected(client: TestClient) -> None:
    response = sign_in(client, "not-a-token")
    assert response.status_code == 401
    assert "Sign-in failed" in response.text
    assert_protected(response)


def test_a_refused_sign_out_is_protected(signed_in: TestClient) -> None:
    response = signed_in.post("/logout", data={"csrf": "wrong"}, follow_redirects=False)
    assert response.status_code == 403
    assert "The sign-out form expired" in response.text
    assert_protected(response)
    assert_nothing_inline(response.text)


def test_redirects_of_the_ui_are_protected(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert_protected(response)


def assert_links_base_css(client: TestClient, html: str) -> None:
    """The page links base.css by its content digest, and the link serves the style sheet."""
    (link,) = re.findall(r'<link rel="stylesheet" href="(/static/base\.css\?v=[0-9a-f]+)">', html)
    response = client.get(link)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert ".banner.level-4" in response.text


def test_the_login_page_links_the_base_style_sheet(client: TestClient) -> None:
    assert_links_base_css(client, client.get("/login").text)


def test_the_home_page_links_the_base_style_sheet(signed_in: TestClient) -> None:
    assert_links_base_css(signed_in, signed_in.get("/").text)


def test_the_sign_out_form_carries_the_sessions_csrf(signed_in: TestClient) -> None:
    html = signed_in.get("/").text
    assert hidden_csrf(html)
    assert '<form method="post" action="/logout" class="inline">' in html
