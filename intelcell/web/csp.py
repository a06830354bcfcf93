"""Security headers of browser pages: a strict Content-Security-Policy with a per-response nonce.

Scripts and style sheets come from intelcell itself (``'self'``); the one inline ``<style>`` of
``base.html`` carries the response's nonce. Nothing else inline runs: no inline scripts, no
``style`` attributes, no ``eval``. The page talks only to its own origin (``connect-src``).
"""

from __future__ import annotations

import secrets

from fastapi.responses import Response


def new_nonce() -> str:
    """A fresh, unguessable nonce for one response."""
    return secrets.token_urlsafe(18)


def policy(nonce: str) -> str:
    """The Content-Security-Policy of a page whose inline style carries ``nonce``."""
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            "img-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def protect(response: Response, nonce: str) -> Response:
    """Add the CSP and the other hardening headers to a page response."""
    response.headers["Content-Security-Policy"] = policy(nonce)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
