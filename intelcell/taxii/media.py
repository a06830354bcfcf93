"""TAXII media types, content negotiation, error messages and response helpers (TAXII 2.1 section 1.6, 3.6)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

TAXII_MEDIA_TYPE = "application/taxii+json;version=2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"


class TaxiiError(Exception):
    """An error answered with a TAXII error message resource."""

    def __init__(self, status: int, title: str, description: str) -> None:
        super().__init__(description)
        self.status, self.title, self.description = status, title, description


def _media_types(header: str) -> list[tuple[str, dict[str, str]]]:
    found = []
    for part in header.split(","):
        kind, *params = [p.strip() for p in part.split(";")]
        values = dict(p.split("=", 1) for p in params if "=" in p)
        found.append((kind.lower(), {k.strip().lower(): v.strip().strip('"') for k, v in values.items()}))
    return found


def _is_taxii_21(kind: str, params: dict[str, str]) -> bool:
    return kind == "application/taxii+json" and params.get("version", "2.1") == "2.1"


def check_accept(request: Request) -> None:
    """406 unless the client accepts TAXII 2.1 JSON (a missing Accept or */* is taken as yes)."""
    header = request.headers.get("accept")
    if not header:
        return
    for kind, params in _media_types(header):
        if kind in ("*/*", "application/*") or _is_taxii_21(kind, params):
            return
    raise TaxiiError(406, "Not Acceptable", f"this server answers with {TAXII_MEDIA_TYPE}; Accept was '{header}'")


def check_content_type(request: Request) -> None:
    """415 unless the request body is TAXII 2.1 JSON."""
    header = request.headers.get("content-type", "")
    kinds = _media_types(header) if header else []
    if len(kinds) != 1 or not _is_taxii_21(*kinds[0]):
        raise TaxiiError(415, "Unsupported Media Type", f"send {TAXII_MEDIA_TYPE}; Content-Type was '{header}'")


def taxii_response(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A TAXII JSON response."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload, separators=(",", ":")).encode()
    return Response(body, status_code=status, media_type=TAXII_MEDIA_TYPE, headers=headers)


def error_body(status: int, title: str, description: str) -> dict[str, str]:
    """The TAXII 2.1 error message resource (section 3.6.1)."""
    return {"title": title, "description": description, "http_status": str(status)}


def install(app: FastAPI) -> None:
    """Answer TaxiiError, and any HTTP error under /taxii2/, with a TAXII error message."""

    @app.exception_handler(TaxiiError)
    async def _taxii_error(_request: Request, exc: TaxiiError) -> Response:
        return taxii_response(error_body(exc.status, exc.title, exc.description), exc.status)

    previous = app.exception_handlers.get(StarletteHTTPException)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/taxii2") or previous is None:
            title = {404: "Not Found", 405: "Method Not Allowed"}.get(exc.status_code, "Error")
            return taxii_response(error_body(exc.status_code, title, str(exc.detail)), exc.status_code)
        return await previous(request, exc)  # type: ignore[no-any-return,misc]
