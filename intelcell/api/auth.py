"""Authentication: every API path but ``/healthz`` needs a valid token or a registered client certificate.

Authentication runs as ASGI middleware, before the body is read or a route is matched, so an
unauthenticated caller always gets 401, whatever it sends and wherever it sends it. A machine
client over mutual TLS (``intelcell serve`` with INTELCELL_TLS_CLIENT_CA) may present a
certificate registered with `intelcell cert add` instead of a token; a token, when sent, wins.
"""

from __future__ import annotations

from fastapi import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from intelcell.api.limits import reject
from intelcell.api.ratelimit import RequestRate
from intelcell.api.throttle import FailureThrottle, client_address
from intelcell.cell import Cell
from intelcell.store import certificates, tokens
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
    "/labels/",
    "/reports",
    "/inbox",
    "/subscriptions",
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


def client_certificate(scope: Scope) -> str | None:
    """The TLS-verified client certificate (PEM) the server put in the scope (intelcell.api.protocol)."""
    chain = ((scope.get("extensions") or {}).get("tls") or {}).get("client_cert_chain") or []
    return str(chain[0]) if chain else None


def authenticate_certificate(cell: Cell, pem: str) -> User:
    """The user a client certificate is registered for; raise AuthError otherwise."""
    with cell.db.read() as conn:
        return certificates.authenticate(conn, pem)


class BearerAuth:
    """ASGI middleware: 401 for any non-public path without a valid token or certificate; else the user in state.

    A client address whose tokens failed too often is refused with 429 for a while, whatever it
    sends (``throttle``; intelcell.api.throttle), and so is a user past its request rate
    (``rate``; intelcell.api.ratelimit).
    """

    def __init__(self, app: ASGIApp, cell: Cell, throttle: FailureThrottle, rate: RequestRate | None = None) -> None:
        self.app, self.cell, self.throttle = app, cell, throttle
        self.rate = rate or RequestRate(0, 0)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        header = dict(scope.get("headers") or []).get(b"authorization")
        certificate = None if header else client_certificate(scope)
        address = client_address(scope)
        if (header or certificate) and (wait := self.throttle.retry_after(address)):
            reason = f"too many failed authentications from this address: try again in {wait} s"
            await reject(scope, send, 429, "too_many_failures", reason, [(b"retry-after", str(wait).encode())])
            return
        try:
            if certificate:
                user = authenticate_certificate(self.cell, certificate)
            else:
                user = authenticate(self.cell, header.decode("latin-1") if header else None)
        except tokens.AuthError as exc:
            if header or certificate:  # a credential was tried; a request without one is not a guess
                self.throttle.failed(address)
            await reject(scope, send, 401, "unauthorized", str(exc), _CHALLENGE)
            return
        if wait := self.rate.retry_after(user.id):
            reason = f"more than {self.rate.rate:g} requests a second from this user: try again in {wait} s"
            await reject(scope, send, 429, "too_many_requests", reason, [(b"retry-after", str(wait).encode())])
            return
        scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, send)


def current_user(request: Request) -> User:
    """The authenticated caller (set by BearerAuth)."""
    return request.state.user  # type: ignore[no-any-return]
