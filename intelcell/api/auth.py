"""Bearer-token authentication: every API path but ``/healthz`` needs a valid token.

Authentication runs as ASGI middleware, before the body is read or a route is matched, so an
unauthenticated caller always gets 401, whatever it sends and wherever it sends it.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from intelcell.api.limits import reject
from intelcell.api.throttle import FailureThrottle, client_address
from intelcell.cell import Cell
from intelcell.store import tokens
from intelcell.store.users import User

#: Paths answered without a token: health, sign-in and sign-out, and the browser UI, whose pages
#: and page data live under ``UI_PREFIXES``. The UI has its own sessions: each of its handlers
#: starts with ``web.render.session_of`` (a redirect to /login or a 401 without a live session;
#: tests/web/test_ui_routes.py checks every UI route). The static files hold code, no data.
PUBLIC_PATHS = frozenset({"/healthz", "/", "/login", "/logout"})
UI_PREFIXES = (
    "/static/",
    "/airpicture",
    "/search",
    "/objects/",
    "/graph",
    "/fighters/",
    "/rfis",
    "/audit",
    "/oversight",
    "/admin",
)


def is_public(path: str) -> bool:
    """True for the paths BearerAuth lets through without a token (the UI checks its own sessions)."""
    return path in PUBLIC_PATHS or path.startswith(UI_PREFIXES)


_CHALLENGE = [(b"www-authenticate", b'Bearer realm="intelcell"')]


def cell_of(request: Request) -> Cell:
    """The cell this app was built with."""
    return request.app.state.cell  # type: ignore[no-any-return]


def authenticate(cell: Cell, header: str | None) -> User:
    """The user an ``Authorization`` header names; raise AuthError with the reason otherwise."""
    if not header:
        raise tokens.AuthError("missing Authorization: Bearer token")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise tokens.AuthError("Authorization header must be 'Bearer TOKEN'")
    with cell.db.read() as conn:
        return tokens.authenticate(conn, token.strip(), cell.clock())


class BearerAuth:
    """ASGI middleware: 401 for any non-public path without a valid token; else the user in state.

    A client address whose tokens failed too often is refused with 429 for a while, whatever it
    sends (``throttle``; intelcell.api.throttle).
    """

    def __init__(self, app: ASGIApp, cell: Cell, throttle: FailureThrottle) -> None:
        self.app, self.cell, self.throttle = app, cell, throttle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"authorization")
        address = client_address(scope)
        if header and (wait := self.throttle.retry_after(address)):
            reason = f"too many failed authentications from this address: try again in {wait} s"
            await reject(scope, send, 429, "too_many_failures", reason, [(b"retry-after", str(wait).encode())])
            return
        try:
            user = authenticate(self.cell, header.decode("latin-1") if header else None)
        except tokens.AuthError as exc:
            if header:  # a token was tried; a request without one is not a guess
                self.throttle.failed(address)
            await reject(scope, send, 401, "unauthorized", str(exc), _CHALLENGE)
            return
        scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, send)


def current_user(request: Request) -> User:
    """The authenticated caller (set by BearerAuth)."""
    return request.state.user  # type: ignore[no-any-return]
