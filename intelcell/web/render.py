"""What every page of the browser UI does: require a session, check form tokens, render under a banner.

A page handler starts with ``user, csrf = session_of(request)``: without a live session it raises
`SignInRequired`, which the app turns into a redirect to ``/login`` (the page's address is kept
so that signing in returns there). A form handler checks its hidden token with
``require_csrf(expected, submitted)``. ``render`` returns the template under the banner of the
labels the page displays, never cached by the browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from intelcell.api import errors
from intelcell.api.auth import UI_PREFIXES, cell_of
from intelcell.store.users import User
from intelcell.web import assets, csp
from intelcell.web.banner import banner_for
from intelcell.web.session import csrf_matches, current_session

NO_STORE = {"Cache-Control": "no-store"}
#: Headers of the JSON a page's script reads (map tracks, graph data): never cached, never sniffed.
DATA_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

#: The menu: (path, title, roles that see it; empty for every role).
NAV: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("/", "Home", ()),
    ("/inbox", "What is new", ()),
    ("/search", "Search", ()),
    ("/graph", "Graph", ()),
    ("/reports/new", "Write a report", ()),
    ("/fighters/screen", "Screening", ()),
    ("/fighters/persons", "Persons", ()),
    ("/fighters/review", "Review queue", ()),
    ("/fighters/watchlist", "Watchlist", ()),
    ("/fighters/upload", "Upload", ()),
    ("/rfis", "RFIs", ()),
    ("/airpicture", "Air picture", ()),
    ("/oversight", "Oversight", ()),
    ("/audit", "Audit", ()),
    ("/admin", "Admin", ("admin",)),
)


def nav_pages(user: User) -> list[tuple[str, str]]:
    """The menu entries ``user``'s role sees, as (path, title)."""
    return [(path, title) for path, title, roles in NAV if not roles or user.role in roles]


templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["asset_url"] = assets.url  # every page links its files by their content digest
templates.env.globals["nav_pages"] = nav_pages


class SignInRequired(Exception):
    """The page needs a browser session and the request has none (or it expired)."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class FormExpired(Exception):
    """A form's CSRF token is missing or does not match the session's."""

    def __init__(self, back: str) -> None:
        super().__init__(back)
        self.back = back


class Refused(Exception):
    """A page request that cannot be served; ``message`` is shown to the user as it is."""

    def __init__(self, status: int, title: str, message: str, back: str = "/", back_text: str = "Back home") -> None:
        super().__init__(message)
        self.status, self.title, self.message, self.back, self.back_text = status, title, message, back, back_text


def session_of(request: Request) -> tuple[User, str]:
    """The signed-in user and the session's CSRF token; `SignInRequired` without a live session."""
    session = current_session(request)
    if session is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(path)
    return session


def require_role(user: User, *roles: str) -> None:
    """Refuse the page (403) unless the user has one of ``roles``."""
    if user.role not in roles:
        wanted = " or ".join(roles)
        raise Refused(
            403, "Not for your role", f"This page is for the {wanted} role; you are signed in as {user.role}."
        )


def require_csrf(expected: str, submitted: str | None, back: str) -> None:
    """Refuse a form whose hidden token does not match the session's (`FormExpired`)."""
    if not csrf_matches(expected, submitted):
        raise FormExpired(back)


def render(
    request: Request,
    template: str,
    *,
    user: User | None,
    csrf: str = "",
    labels: Iterable[str] = (),
    status: int = 200,
    **context: Any,
) -> Response:
    """``template`` for ``user`` under the banner of ``labels`` (what the page displays), not cached."""
    banner = banner_for(cell_of(request), labels)
    full = {"user": user, "csrf": csrf, "banner": banner, "path": request.url.path, **context}
    if user is None:
        del full["user"]
    return templates.TemplateResponse(request, template, full, status_code=status, headers=NO_STORE)


def error_page(request: Request, status: int, title: str, message: str, back: str, back_text: str) -> Response:
    """A page explaining a refusal; it displays nothing labelled, so its banner is the lowest marking."""
    session = current_session(request)
    user, csrf = session if session else (None, "")
    context = {"title": title, "message": message, "back": back, "back_text": back_text}
    return render(request, "error.html", user=user, csrf=csrf, status=status, **context)


#: UI paths that answer JSON or an event stream to a page's script, not a page.
_DATA_SUFFIXES = (".json", "/stream")
_TITLES = {404: "Not found", 405: "Not allowed", 422: "Not understood"}


def _is_ui(path: str) -> bool:
    return path in ("/", "/login", "/logout") or path.startswith(UI_PREFIXES)


async def _ui_error(request: Request, exc: Exception) -> Response:
    """An error on a UI path as a page (JSON for a page's script), with the UI's headers; API errors unchanged."""
    response = errors.response_for(exc)
    if not _is_ui(request.url.path):
        return response
    if request.url.path.endswith(_DATA_SUFFIXES) or request.url.path.startswith("/static/"):
        return csp.protect(response)
    status = response.status_code
    body = json.loads(bytes(response.body))
    title = _TITLES.get(status, "Refused")
    message = (
        "There is nothing at this address." if status == 404 else f"The request was not understood: {body['reason']}."
    )
    page = await run_in_threadpool(error_page, request, status, title, message, "/", "Back home")
    return csp.protect(page)


def install(app: FastAPI) -> None:
    """Turn the page exceptions into a sign-in redirect or an explained error page, with the UI's headers."""
    for kind in errors.HANDLED:  # replaces the API's handlers, which _ui_error keeps for API paths
        app.add_exception_handler(kind, _ui_error)

    @app.exception_handler(SignInRequired)
    async def _sign_in(_request: Request, exc: SignInRequired) -> Response:
        target = "/login" if exc.path in ("/", "") else f"/login?next={quote(exc.path, safe='')}"
        return csp.protect(RedirectResponse(target, status_code=303))

    @app.exception_handler(FormExpired)
    async def _expired(request: Request, exc: FormExpired) -> Response:
        message = "The form expired or did not come from this page, so nothing was changed. Please try again."
        page = await run_in_threadpool(error_page, request, 403, "Form expired", message, exc.back, "Back to the form")
        return csp.protect(page)

    @app.exception_handler(Refused)
    async def _refused(request: Request, exc: Refused) -> Response:
        page = await run_in_threadpool(error_page, request, exc.status, exc.title, exc.message, exc.back, exc.back_text)
        return csp.protect(page)
