"""Browser sessions: sign in with an API token through a CSRF-protected form, a hardened session
cookie, the home page behind it, and sign-out that ends the session on the server."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from intelcell.cell import Cell
from intelcell.store import tokens
from intelcell.store.schema import web_sessions
from intelcell.store.users import User
from tests.conftest import FakeClock

MakeUser = Callable[..., tuple[User, str]]
SESSION, LOGIN_CSRF = "intelcell_session", "intelcell_login_csrf"


def hidden_csrf(html: str) -> str:
    found = re.search(r'<input type="hidden" name="csrf" value="([^"]+)">', html)
    assert found, "no hidden csrf field"
    return found.group(1)


def signed_in_as(html: str) -> str:
    """The text of the page's "signed in" block, tags removed (the user's name sits in its own <bdi>)."""
    found = re.search(r'<div class="who"[^>]*>(.*?)<form', html, re.S)
    assert found, "no signed-in block"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def set_cookie_header(response: Any, name: str) -> str:
    (header,) = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    return header


def session_count(cell: Cell) -> int:
    with cell.db.read() as conn:
        return conn.execute(select(func.count()).select_from(web_sessions)).scalar_one()


def sign_in(client: TestClient, token: str) -> Any:
    csrf = hidden_csrf(client.get("/login").text)
    return client.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False)


def assert_signed_out(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")


@pytest.fixture
def signed_in(client: TestClient, make_user: MakeUser) -> TestClient:
    _user, token = make_user("IRQ", name="analyst.baghdad")
    assert sign_in(client, token).status_code == 303
    return client


def test_the_login_form_sets_a_csrf_cookie_and_renders_it_in_a_hidden_field(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    header = set_cookie_header(response, LOGIN_CSRF)
    assert {"httponly", "secure", "samesite=strict"} <= {p.strip().lower() for p in header.split(";")}
    assert hidden_csrf(response.text) == client.cookies[LOGIN_CSRF]
    assert 'name="token"' in response.text


@pytest.mark.parametrize(
    "form",
    [
        {"csrf": "not-the-cookie"},
        pytest.param({}, id="no csrf field"),
        pytest.param({"csrf": ""}, id="empty csrf field"),
    ],
)
def test_a_sign_in_without_the_forms_csrf_is_403_and_starts_no_session(
    client: TestClient, cell: Cell, make_user: MakeUser, form: dict[str, str]
) -> None:
    _user, token = make_user("FRA")
    client.get("/login")
    response = client.post("/login", data={"token": token, **form}, follow_redirects=False)
    assert response.status_code == 403
    assert SESSION not in response.headers.get("set-cookie", "")
    assert session_count(cell) == 0
    assert_signed_out(client)


def test_a_sign_in_without_the_csrf_cookie_is_403_and_starts_no_session(
    client: TestClient, cell: Cell, make_user: MakeUser
) -> None:
    _user, token = make_user("FRA")
    csrf = hidden_csrf(client.get("/login").text)
    client.cookies.clear()
    response = client.post("/login", data={"token": token, "csrf": csrf}, follow_redirects=False)
    assert response.status_code == 403
    assert session_count(cell) == 0
    assert_signed_out(client)


def unknown(_cell: Cell, _clock: FakeClock, token: str) -> str:
    return token + "x"


def expired(_cell: Cell, clock: FakeClock, token: str) -> str:
    clock.advance(days=31)
    return token


def revoked(cell: Cell, _clock: FakeClock, token: str) -> str:
    with cell.db.write() as conn:
        (info,) = tokens.list_tokens(conn)
        assert tokens.revoke(conn, info.id, cell.clock())
    return token


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [(unknown, "invalid token"), (expired, "token expired"), (revoked, "token revoked")],
    ids=["unknown", "expired", "revoked"],
)
def test_a_sign_in_with_a_bad_api_token_is_401_and_starts_no_session(
    client: TestClient, cell: Cell, clock: FakeClock, make_user: MakeUser, spoil: Callable, reason: str
) -> None:
    _user, token = make_user("FRA")
    response = sign_in(client, spoil(cell, clock, token))
    assert response.status_code == 401
    assert f"Sign-in failed: {reason}." in response.text
    assert SESSION not in response.headers.get("set-cookie", "")
    assert session_count(cell) == 0
    assert_signed_out(client)


def test_a_good_sign_in_redirects_home_with_a_hardened_session_cookie(
    client: TestClient, cell: Cell, make_user: MakeUser
) -> None:
    _user, token = make_user("FRA")
    response = sign_in(client, token)
    assert (response.status_code, response.headers["location"]) == (303, "/")
    attributes = {p.strip().lower() for p in set_cookie_header(response, SESSION).split(";")}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= attributes
    assert f"max-age={cell.settings.session_minutes * 60}" in attributes
    assert set_cookie_header(response, LOGIN_CSRF).startswith(f'{LOGIN_CSRF}=""')  # the form's token is spent
    assert session_count(cell) == 1


def test_home_without_a_session_redirects_to_login(client: TestClient) -> None:
    assert_signed_out(client)
    client.cookies.set(SESSION, "forged-session-id")
    assert_signed_out(client)


def test_home_with_a_session_shows_who_is_signed_in(signed_in: TestClient) -> None:
    response = signed_in.get("/", follow_redirects=False)
    assert response.status_code == 200
    assert '<bdi dir="auto" class="user-name">analyst.baghdad</bdi>' in response.text
    assert signed_in_as(response.text).startswith("analyst.baghdad · IRQ · NATO SECRET · analyst")


def test_the_login_form_sends_a_signed_in_user_home(signed_in: TestClient) -> None:
    response = signed_in.get("/login", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/")


@pytest.mark.parametrize(
    "form",
    [
        {"csrf": "not-the-sessions-token"},
        pytest.param({}, id="no csrf field"),
        pytest.param({"csrf": ""}, id="empty csrf field"),
    ],
)
def test_sign_out_without_the_sessions_csrf_is_403_and_keeps_the_session(
    signed_in: TestClient, cell: Cell, form: dict[str, str]
) -> None:
    response = signed_in.post("/logout", data=form, follow_redirects=False)
    assert response.status_code == 403
    assert session_count(cell) == 1
    assert "analyst.baghdad" in signed_in.get("/", follow_redirects=False).text


def test_the_login_forms_csrf_does_not_sign_out_a_session(signed_in: TestClient, cell: Cell) -> None:
    signed_in.cookies.set(LOGIN_CSRF, "login-form-token")
    response = signed_in.post("/logout", data={"csrf": "login-form-token"}, follow_redirects=False)
    assert response.status_code == 403
    assert session_count(cell) == 1


def test_sign_out_with_the_sessions_csrf_ends_the_session(signed_in: TestClient, cell: Cell) -> None:
    session_id = signed_in.cookies[SESSION]
    signed_in.cookies.clear()
    signed_in.cookies.set(SESSION, session_id)
    csrf = hidden_csrf(signed_in.get("/").text)  # the cookie alone carries the session
    response = signed_in.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert set_cookie_header(response, SESSION).startswith(f'{SESSION}=""')
    assert session_count(cell) == 0
    assert_signed_out(signed_in)
    signed_in.cookies.set(SESSION, session_id)  # replaying the old cookie: ended on the server too
    assert_signed_out(signed_in)
