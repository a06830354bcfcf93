"""Sign-in, sign-out and the home page."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.api.routes.objects import record_release
from intelcell.api.throttle import client_address
from intelcell.cell import Cell
from intelcell.exchange import reading, rfis
from intelcell.fighters import hits, review
from intelcell.store import audit, tokens, web_sessions
from intelcell.store.audit import AuditEvent
from intelcell.store.users import User
from intelcell.web import csp
from intelcell.web.render import error_page, render, session_of
from intelcell.web.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    csrf_matches,
    current_session,
    set_cookie,
)

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)


def local_target(target: str | None) -> str:
    """``target`` when it is a path of this site, else ``/``: a sign-in never redirects elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 0x20 for c in target):
        return "/"
    return target


def _login_page(request: Request, next_path: str, error: str | None = None, status: int = 200) -> Response:
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    # The sign-in page displays nothing labelled: its banner is the lowest marking.
    response = render(request, "login.html", user=None, csrf=csrf, status=status, error=error, next=next_path)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, csrf, 3600)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The sign-in form (sign in with an API token issued by the administrator)."""
    if current_session(request):
        return RedirectResponse(local_target(next), status_code=303)
    return _login_page(request, local_target(next))


@router.post("/login")
def login(
    request: Request,
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the CSRF token and the API token, then start a session and go where the user was going."""
    target = local_target(next)
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        return _login_page(request, target, "The form expired. Please try again.", 403)
    cell = cell_of(request)
    throttle, address = request.app.state.auth_throttle, client_address(request.scope)
    if wait := throttle.retry_after(address):
        message = f"Too many failed sign-ins from your address. Try again in {wait} seconds."
        return _login_page(request, target, message, 429)
    now = cell.clock()
    with cell.db.write() as conn:
        try:
            user = tokens.authenticate(conn, token.strip(), now)
        except tokens.AuthError as exc:
            throttle.failed(address)
            return _login_page(request, target, f"Sign-in failed: {exc}.", 401)
        session_id, _csrf = web_sessions.create(conn, user, now, cell.settings.session_minutes)
        audit.append(conn, AuditEvent("write", "session.create", "POST /login", user.member, user.name), now)
    response = RedirectResponse(target, status_code=303)
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
        return error_page(request, 403, "Sign-out refused", message, "/", "Back to the home page")
    cell = cell_of(request)
    with cell.db.write() as conn:
        web_sessions.delete(conn, request.cookies[SESSION_COOKIE])
        audit.append(conn, AuditEvent("write", "session.end", "POST /logout", user.member, user.name), cell.clock())
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


#: Objects listed on the home page (the search page goes further).
HOME_OBJECTS = 50
#: Items of each "waiting for you" list on the home page.
HOME_ITEMS = 5


def _waiting_rfis(cell: Cell, conn: Connection, user: User) -> list[rfis.Rfi]:
    """Open RFIs addressed to the user's member or a community of it (not asked by it), newest first."""
    found = rfis.listing(cell, conn, user, status="open", limit=1000)
    return [r for r in found if rfis.addressed_to(cell, r, user.member)]


@router.get("/")
def home(request: Request) -> Response:
    """What is new for the user: what waits for their member, and the newest intelligence they may read."""
    user, csrf = session_of(request)
    cell = cell_of(request)
    with cell.db.read() as conn:
        shown = reading.newest_first(cell, conn, user, HOME_OBJECTS, reading.DOMAIN_TYPES)
        waiting = _waiting_rfis(cell, conn, user)
        held = hits.hits_on_records(cell, conn, user, HOME_ITEMS)
        held_labels = hits.record_labels(cell, conn, user, held)
        to_review = review.queue(cell, conn, user, limit=1).total
    record_release(request, user, shown, "object.list")
    listed = waiting[:HOME_ITEMS]
    record_read(request, user, "rfi.list", [r.id for r in listed], [r.label for r in listed])
    rows = [
        {
            "id": s.version.stix_id,
            "type": s.version.type,
            "name": s.body.get("name", ""),
            "label": s.label,
            "originator": s.version.originator,
            "added": s.version.date_added[:16].replace("T", " "),
        }
        for s in shown
    ]
    labels = [s.label for s in shown] + [r.label for r in listed] + list(held_labels.values())
    return render(
        request,
        "home.html",
        user=user,
        csrf=csrf,
        labels=labels,
        rows=rows,
        rfis=listed,
        rfis_total=len(waiting),
        hits=held,
        to_review=to_review,
    )
