"""Security headers on every response, the API's and TAXII's included, set once at the edge.

The browser UI sets its own stricter set (``web/csp.py``); here every response gets what an API
answer carrying labelled data needs, unless the handler set the header itself:
``Cache-Control: no-store`` (no proxy or browser cache keeps a copy of a labelled answer; the
static files keep their own long cache), ``X-Content-Type-Options: nosniff``, ``Referrer-Policy:
no-referrer``, and a Content-Security-Policy that lets nothing load or frame a JSON answer.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULTS: tuple[tuple[bytes, bytes], ...] = (
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
)


class SecurityHeaders:
    """ASGI middleware adding ``DEFAULTS`` to every HTTP response that does not set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _value in headers}
                headers.extend((name, value) for name, value in DEFAULTS if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
