"""The air-picture map page and the session endpoints its script reads (issue 5 item 6, issue 7).

The page and its data live behind the browser session, not a Bearer token: ``tracks.json``,
``stream`` and ``basemap.json`` answer 401 without a live session and otherwise serve exactly
what the API serves the same user (``intelcell.airpicture.picture`` filters, the app's FeedHub
fans out). The page's banners carry the dominant label of the tracks shown when it rendered; the
script asks ``tracks.json`` for a new banner when the labels on the map change.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from intelcell.airpicture import basemap, picture
from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of
from intelcell.api.errors import ApiError
from intelcell.api.routes.airpicture import MAX_STREAM_SECONDS, open_stream
from intelcell.store import web_sessions
from intelcell.store.users import User
from intelcell.web import assets, csp
from intelcell.web.banner import banner_for
from intelcell.web.render import DATA_HEADERS, render, session_of
from intelcell.web.session import SESSION_COOKIE, current_session

router = APIRouter(include_in_schema=False, route_class=csp.ProtectedRoute)


def _session_user(request: Request) -> User:
    """The signed-in user; 401 without a live session (these endpoints are read by the page's script)."""
    session = current_session(request)
    if session is None:
        raise ApiError(401, "unauthorized", "no browser session: sign in at /login")
    return session[0]


def _tracks(request: Request, user: User) -> list[dict[str, Any]]:
    """The tracks ``user`` may read now, by track number."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        reader = picture.reader_for(cell, conn, user)
        tracks, _ = picture.snapshot(conn, reader)
    return tracks


def _audit(request: Request, user: User, operation: str, tracks: list[dict[str, Any]]) -> None:
    """Audit a release of tracks as the API does (nothing when nothing was released)."""
    ids = [f"track-{t['track_number']}" for t in tracks]
    record_read(request, user, operation, ids[:1000], picture.labels_of(tracks))


@router.get("/airpicture")
def map_page(request: Request) -> Response:
    """The live air-picture map, under banners of the dominant label of the tracks shown."""
    user, csrf = session_of(request)
    labels = picture.labels_of(_tracks(request, user))
    return render(
        request,
        "airpicture.html",
        user=user,
        csrf=csrf,
        labels=labels,
        banner_labels=labels,
        script_url=assets.url("airpicture.js"),
        style_url=assets.url("airpicture.css"),
    )


@router.get("/airpicture/tracks.json")
def tracks_json(request: Request) -> JSONResponse:
    """The session user's tracks, the labels they carry and the banner they make."""
    user = _session_user(request)
    tracks = _tracks(request, user)
    _audit(request, user, "airpicture.snapshot", tracks)
    labels = picture.labels_of(tracks)
    body = {"tracks": tracks, "labels": labels, "banner": banner_for(cell_of(request), labels).to_json()}
    return JSONResponse(body, headers=DATA_HEADERS)


@router.get("/airpicture/basemap.json")
def basemap_json(request: Request) -> Response:
    """The offline vector basemap (Natural Earth countries, GeoJSON) for the map page."""
    _session_user(request)
    headers = {"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"}
    return Response(basemap.load(), media_type=basemap.MEDIA_TYPE, headers=headers)


@router.get("/airpicture/stream")
async def stream(
    request: Request, seconds: Annotated[int | None, Query(ge=1, le=MAX_STREAM_SECONDS)] = None
) -> StreamingResponse:
    """Server-Sent Events for the session user: ``snapshot``, then ``track`` and ``drop`` (as the API's stream).

    The session is looked up again at every re-check of the feed, so signing out or the session
    expiring ends the stream; ``seconds`` bounds it (tests).
    """
    user = await run_in_threadpool(_session_user, request)
    cell = cell_of(request)
    session_id = request.cookies.get(SESSION_COOKIE, "")

    def refresh() -> picture.Reader | None:
        """The session's user as it is now: None once the session ended or expired."""
        with cell.db.read() as conn:
            session = web_sessions.lookup(conn, session_id, cell.clock())
            return None if session is None else picture.reader_for(cell, conn, session[0])

    return await open_stream(request, user, refresh, seconds)
