"""Sign-in, sign-out and the home page."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from intelcell.api.auth import cell_of
from intelcell.api.routes.objects import record_release
from intelcell.exchange import reading
from intelcell.store import audit, tokens, web_sessions
from intelcell.store.audit import AuditEvent
from intelcell.web import assets, csp
from intelcell.web.banner import banner_for
from intelcell.web.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    csrf_matches,
    current_session,
    set_cookie,
)

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["asset_url"] = assets.url  # every page links base.css by its content digest


def _login_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    # The sign-in page displays nothing labelled: its banner is the lowest marking.
    context = {"csrf": csrf, "error": error, "banner": banner_for(cell_of(request), ())}
    response = templates.TemplateResponse(request, "login.html", context, status_code=status)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, csrf, 3600)
    return response


def _error_page(request: Request, status: int, title: str, message: str, back: str, back_text: str) -> Response:
    """A page explaining a refusal (it displays nothing labelled: the lowest banner)."""
    banner = banner_for(cell_of(request), ())
    context = {"title": title, "message": message, "back": back, "back_text": back_text, "banner": banner}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers={"Cache-Control": "no-store"}
    )


@router.get("/login")
def login_form(request: Request) -> Response:
    """The sign-in form (sign in with an API token issued by the administrator)."""
    if current_session(request):
        return RedirectResponse("/", status_code=303)
    return _login_page(request)


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Check the CSRF token and the API token, then start a session."""
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        return _login_page(request, "The form expired. Please try again.", 403)
    cell = cell_of(request)
    now = cell.clock()
    with cell.db.write() as conn:
        try:
            user = tokens.authenticate(conn, token.strip(), now)
        except tokens.AuthError as exc:
            return _login_page(request, f"Sign-in failed: {exc}.", 401)
        session_id, _csrf = web_sessions.create(conn, user, now, cell.settings.session_minutes)
        audit.append(conn, AuditEvent("write", "session.create", "POST /login", user.member, user.name), now)
    response = RedirectResponse("/", status_code=303)
    set_cookie(request, response, SESSION_COOKIE, session_id, cell.settings.session_minutes * 60)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=200)] = "") -> Response:
    """End the session (the form carries the session's CSRF token)."""
    session = current_session(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    user, expected = session
    if not csrf_matches(expected, csrf):
        message = "The sign-out form expired, so you are still signed in. Go back home and sign out again."
        return _error_page(request, 403, "Sign-out refused", message, "/", "Back to the home page")
    cell = cell_of(request)
    with cell.db.write() as conn:
        web_sessions.delete(conn, request.cookies[SESSION_COOKIE])
        audit.append(conn, AuditEvent("write", "session.end", "POST /logout", user.member, user.name), cell.clock())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(request: Request) -> Response:
    """Who is signed in and the intelligence they may read."""
    session = current_session(request)
    if session is None:
        return RedirectResponse("/login", status_code=303)
    user, csrf = session
    cell = cell_of(request)
    with cell.db.read() as conn:
        shown = reading.newest_first(cell, conn, user, 200)
    record_release(request, user, shown, "object.list")
    rows = [
        {
            "id": s.version.stix_id,
            "type": s.version.type,
            "name": s.body.get("name", ""),
            "label": s.label,
            "originator": s.version.originator,
        }
        for s in shown
    ]
    context = {"user": user, "csrf": csrf, "rows": rows, "banner": banner_for(cell, (s.label for s in shown))}
    return templates.TemplateResponse(request, "home.html", context, headers={"Cache-Control": "no-store"})
