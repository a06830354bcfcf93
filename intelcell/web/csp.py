"""Security headers of browser pages: a strict Content-Security-Policy on every response of the UI.

Scripts and style sheets come from intelcell itself (``'self'``, served by ``assets``); nothing
inline runs: no inline ``<style>`` or ``<script>``, no ``style`` attributes, no event handler
attributes, no ``eval``. The page talks only to its own origin (``connect-src``) and no other
site may frame it. Issue 7 item 6: a strict policy on every page, so one without it cannot be
the way in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.requests import Request

POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def protect(response: Response) -> Response:
    """Add the CSP and the other hardening headers to a response of the UI."""
    response.headers.update(HEADERS)
    return response


class ProtectedRoute(APIRoute):
    """A route of the web UI whose every response, error pages and redirects included, is protected.

    With the ``server_timing`` setting (tests and measurements, never in service: a page's time
    can depend on rows the viewer may not read), each response also says how long the server
    took (``Server-Timing: app;dur=<ms>``): issue 7 asks for under 300 ms per page, and the
    browser walk of the demo reads it from every page it opens.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, adding the security headers and the server time to what it returns."""
        handler = super().get_route_handler()

        async def protected(request: Request) -> Response:
            started = time.perf_counter()
            response = protect(await handler(request))
            if request.app.state.cell.settings.server_timing:
                response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
            return response

        return protected
