"""Cookies and CSRF checks for browser sessions."""

from __future__ import annotations

import secrets

from fastapi import Request
from fastapi.responses import Response

from intelcell.api.auth import cell_of
from intelcell.store import web_sessions
from intelcell.store.users import User

SESSION_COOKIE = "intelcell_session"
LOGIN_CSRF_COOKIE = "intelcell_login_csrf"


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """Set an HttpOnly, SameSite=Strict cookie, Secure unless the settings say otherwise."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        path="/",
        secure=cell_of(request).settings.cookie_secure,
    )


def current_session(request: Request) -> tuple[User, str] | None:
    """The signed-in user and their session's CSRF token, or None."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    cell = cell_of(request)
    with cell.db.read() as conn:
        return web_sessions.lookup(conn, session_id, cell.clock())


def csrf_matches(expected: str | None, submitted: str | None) -> bool:
    """Constant-time comparison of a submitted CSRF token with the expected one."""
    if not expected or not submitted:
        return False
    return secrets.compare_digest(expected.encode(), submitted.encode())
