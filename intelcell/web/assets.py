"""Static files of the browser UI (scripts, style sheets), served by intelcell itself: no CDN.

Only the style sheets and scripts in ``static/`` (``ASSETS``) are served, each with its content type and a year-long
immutable cache header; pages link them as ``url(name)``, whose ``?v=`` digest changes with the
file's content, so a new release is fetched at once. The paths are public in
``intelcell.api.auth.UI_PREFIXES``: the files hold code, never data.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from intelcell.api.errors import ApiError

STATIC = Path(__file__).resolve().parent / "static"
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
#: Every style sheet and script shipped in ``static/``, by file name; nothing else is served.
ASSETS = {path.name: TYPES[path.suffix] for path in sorted(STATIC.iterdir()) if path.suffix in TYPES}
CACHE = "public, max-age=31536000, immutable"

router = APIRouter(include_in_schema=False)


@functools.cache
def _content(name: str) -> bytes:
    """A listed file's bytes, read from the package once."""
    return (STATIC / name).read_bytes()


def url(name: str) -> str:
    """The versioned URL of a static file for a page to link."""
    return f"/static/{name}?v={hashlib.sha256(_content(name)).hexdigest()[:16]}"


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """A static file of the UI with its content type and a long cache lifetime."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise ApiError(404, "not_found", "no such static file")
    return Response(
        _content(name), media_type=media_type, headers={"Cache-Control": CACHE, "X-Content-Type-Options": "nosniff"}
    )
