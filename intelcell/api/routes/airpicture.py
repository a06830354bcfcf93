"""The air picture over HTTP: ingest, sensors and areas, snapshot, live feed, exports, identity.

Every read is filtered for the caller (intelcell.airpicture.picture): a track it may not read
does not exist for it, in the snapshot, the feed, the exports and the identity endpoint alike.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as FastApiPath
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from intelcell.airpicture import asterix, basemap, cot, inbox, modes, picture, sensors
from intelcell.airpicture.feed import FeedHub, events
from intelcell.airpicture.plotcsv import TRACK_COLUMNS, FormatError, read_plots_csv, read_plots_json, track_row
from intelcell.api.auditing import record_read
from intelcell.api.auth import authenticate, cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.domain.airpicture.model import Identity
from intelcell.store import audit, tokens
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import air_tracks
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/airpicture", tags=["air picture"])
Authenticated = Annotated[User, Depends(current_user)]
MAX_PLOTS = 50_000
MAX_STREAM_SECONDS = 86_400


class PlotsRequest(BaseModel):
    """Plots in the JSON form of DESIGN.md section 4's CSV columns."""

    model_config = ConfigDict(extra="forbid")
    plots: list[Any] = Field(min_length=1, max_length=MAX_PLOTS)


def _report(request: Request, user: User, parsed: Any) -> dict[str, Any]:
    """Queue parsed plots of the caller's member's sensors; the ingest report."""
    try:
        report = inbox.accept(
            cell_of(request), user.member, parsed.plots, errors=parsed.errors, received_at=time.time()
        )
    except inbox.InboxFull as exc:
        raise ApiError(503, "busy", str(exc)) from None
    engine = getattr(request.app.state, "airpicture_engine", None)
    if engine is not None and report.stored:
        engine.wake.set()  # this process tracks: no need to wait for the engine's next poll
    return report.to_json()


@router.post("/plots", status_code=202)
def post_plots(body: PlotsRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Queue plots (JSON) from the caller's member's sensors; refusals are listed with reasons."""
    return _report(request, user, read_plots_json(body.plots))


@router.post("/plots.csv", status_code=202)
async def post_plots_csv(request: Request, user: Authenticated) -> dict[str, Any]:
    """Queue plots in the CSV of DESIGN.md section 4 (``text/csv`` body)."""
    body = await request.body()
    try:
        parsed = read_plots_csv(body.decode("utf-8").splitlines())
    except UnicodeDecodeError:
        raise ApiError(422, "invalid_csv", "the plot CSV must be UTF-8 text") from None
    except FormatError as exc:
        raise ApiError(422, "invalid_csv", str(exc)) from None
    return await run_in_threadpool(_report, request, user, parsed)


@router.post("/asterix", status_code=202)
async def post_asterix(request: Request, user: Authenticated) -> dict[str, Any]:
    """Queue ASTERIX CAT021/048/062 datablocks (binary body) from the caller's member's sensors."""
    body = await request.body()
    cell = cell_of(request)
    with cell.db.read() as conn:
        known = [r.sensor for r in sensors.all_sensors(conn).values() if r.sensor.member == user.member]
    now = time.time()
    decoded = asterix.decode(body, known, day_start=now - now % 86_400)
    return await run_in_threadpool(_report, request, user, decoded)


@router.post("/modes/{sensor_id}", status_code=202)
async def post_modes(sensor_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """Queue raw Mode S / ADS-B messages (``TIMESTAMP,HEX`` lines) received by one of the caller's receivers."""
    body = await request.body()
    cell = cell_of(request)
    with cell.db.read() as conn:
        record = sensors.all_sensors(conn).get(sensor_id)
    if record is None or record.sensor.member != user.member:
        raise ApiError(404, "not_found", f"no sensor '{sensor_id}' of yours")
    try:
        lines = body.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise ApiError(422, "invalid_modes", "Mode S input must be ASCII lines 'TIMESTAMP,HEX'") from None
    return await run_in_threadpool(_report, request, user, modes.decode_lines(lines, record.sensor))


# -- sensors and areas -----------------------------------------------------------------------


class SensorRequest(BaseModel):
    """A sensor definition with the label of its data and, optionally, of its provenance."""

    model_config = ConfigDict(extra="forbid")
    sensor: dict[str, Any]
    label: str = Field(min_length=1, max_length=1000)
    provenance_label: str | None = Field(None, max_length=1000)


@router.post("/sensors", status_code=201)
def post_sensor(body: SensorRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Register or redefine a sensor of the caller's member (administrators: any member's)."""
    cell = cell_of(request)
    try:
        sensor = sensors.sensor_from_json(body.sensor)
        record = sensors.register_sensor(
            cell, user, sensor, body.label, body.provenance_label, path=f"POST {request.url.path}"
        )
    except sensors.RegistryError as exc:
        raise ApiError(422, "invalid_sensor", str(exc)) from None
    return {"id": record.sensor.id}


@router.get("/sensors")
def get_sensors(request: Request, user: Authenticated) -> dict[str, Any]:
    """The sensors the caller may know of (its member's, and those whose provenance it may read)."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        reader = picture.reader_for(cell, conn, user)
        visible = sensors.visible_sensors(conn, reader.readable, user.member)
        texts = {}
        for record in visible:
            for label_id in (record.label_id, record.provenance_label_id):
                label = cell.labels.label(conn, label_id)
                texts[label_id] = label.text() if label else ""
    return {"sensors": [record.to_json(texts) for record in sorted(visible, key=lambda r: r.sensor.id)]}


class AreaRequest(BaseModel):
    """A withholding area: polygon of [lat, lon] vertices and the label tracks inside it carry."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    polygon: list[list[float]] = Field(min_length=3, max_length=1000)
    label: str = Field(min_length=1, max_length=1000)


@router.post("/areas", status_code=201)
def post_area(body: AreaRequest, request: Request, user: Authenticated) -> dict[str, Any]:
    """Define or redefine a withholding area (administrators)."""
    if user.role != "admin":
        raise ApiError(403, "forbidden", "only administrators define areas")
    try:
        sensors.register_area(
            cell_of(request), user, body.id, body.polygon, body.label, path=f"POST {request.url.path}"
        )
    except sensors.RegistryError as exc:
        raise ApiError(422, "invalid_area", str(exc)) from None
    return {"id": body.id}


# -- the picture ----------------------------------------------------------------------------


def _snapshot(request: Request, user: User) -> list[dict[str, Any]]:
    """The caller's snapshot, audited as a read when it releases anything."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        reader = picture.reader_for(cell, conn, user)
        tracks, _ = picture.snapshot(conn, reader)
    if tracks:
        ids = [f"track-{t['track_number']}" for t in tracks]
        record_read(request, user, "airpicture.snapshot", ids[:1000], picture.labels_of(tracks))
    return tracks


@router.get("/tracks")
def get_tracks(request: Request, user: Authenticated, format: Literal["json", "csv"] = "json") -> Any:
    """The live tracks the caller may read (JSON, or the track CSV of DESIGN.md section 4)."""
    tracks = _snapshot(request, user)
    if format == "csv":
        lines = [",".join(TRACK_COLUMNS)] + [",".join(track_row(picture.state_from_json(t))) for t in tracks]
        return Response("\n".join(lines) + "\n", media_type="text/csv")
    return {"tracks": tracks}


@router.get("/tracks.asterix")
def get_tracks_asterix(request: Request, user: Authenticated) -> Response:
    """The caller's picture as ASTERIX CAT062 system tracks (SAC/SIC 0/1: this cell)."""
    tracks = [picture.state_from_json(t) for t in _snapshot(request, user)]
    now = time.time()
    data = asterix.encode_cat062(tracks, sac=0, sic=1, day_start=now - now % 86_400)
    return Response(data, media_type="application/octet-stream")


@router.get("/tracks.cot")
def get_tracks_cot(request: Request, user: Authenticated) -> Response:
    """The caller's picture as Cursor-on-Target XML events."""
    tracks = [picture.state_from_json(t) for t in _snapshot(request, user)]
    return Response(cot.events_xml(tracks, now=time.time()), media_type="application/xml")


@router.get("/basemap")
def get_basemap(user: Authenticated) -> Response:
    """The offline vector basemap of the map page: Natural Earth 1:110m countries (GeoJSON)."""
    return Response(basemap.load(), media_type=basemap.MEDIA_TYPE, headers={"Cache-Control": "private, max-age=86400"})


def hub_of(request: Request) -> FeedHub:
    """The app's feed hub (one poller per process)."""
    return request.app.state.airpicture_hub  # type: ignore[no-any-return]


@router.get("/stream")
async def stream(
    request: Request,
    user: Authenticated,
    seconds: Annotated[int | None, Query(ge=1, le=MAX_STREAM_SECONDS)] = None,
) -> StreamingResponse:
    """Server-Sent Events: a ``snapshot``, then ``track`` and ``drop`` events as far as the caller may read.

    ``seconds`` ends the stream after that long (bounded clients; tests); without it, it runs
    until the client leaves or its token is revoked or expires.
    """
    cell = cell_of(request)
    header = request.headers.get("authorization")

    def refresh() -> picture.Reader | None:
        """The caller as it is now: None once its token is revoked or expired."""
        try:
            fresh_user = authenticate(cell, header)
        except tokens.AuthError:
            return None
        with cell.db.read() as conn:
            return picture.reader_for(cell, conn, fresh_user)

    return await open_stream(request, user, refresh, seconds)


async def open_stream(
    request: Request, user: User, refresh: Callable[[], picture.Reader | None], seconds: int | None
) -> StreamingResponse:
    """The live stream of ``user`` (API and browser alike): subscribe, snapshot, audit, then events.

    ``refresh`` says who the caller is now (None: its token or session ended).
    """
    cell = cell_of(request)
    hub = hub_of(request)
    queue = await hub.subscribe()  # before the snapshot, so no change falls between the two

    def read_snapshot() -> tuple[picture.Reader, list[dict[str, Any]], int]:
        with cell.db.read() as conn:
            reader = picture.reader_for(cell, conn, user)
            tracks, position = picture.snapshot(conn, reader)
        return reader, tracks, position

    try:
        reader, tracks, position = await run_in_threadpool(read_snapshot)
        if tracks:
            ids = [f"track-{t['track_number']}" for t in tracks]
            record_read(request, user, "airpicture.stream", ids[:1000], picture.labels_of(tracks))
    except BaseException:
        hub.unsubscribe(queue)
        raise
    deadline = None if seconds is None else asyncio.get_running_loop().time() + seconds
    body = events(hub, queue, reader, tracks, position, refresh=refresh, deadline=deadline)
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Accel-Buffering": "no"}
    return StreamingResponse(body, media_type="text/event-stream", headers=headers)


class IdentityRequest(BaseModel):
    """An analyst's identity for a track; null hands it back to the rules."""

    model_config = ConfigDict(extra="forbid")
    identity: Identity | None


@router.post("/tracks/{track_number}/identity", status_code=202)
def post_identity(
    track_number: Annotated[int, FastApiPath(ge=1, le=65535)],
    body: IdentityRequest,
    request: Request,
    user: Authenticated,
) -> dict[str, Any]:
    """Set a track's identity (analysts); 404 alike for a track that is gone or that the caller may not read."""
    cell = cell_of(request)
    if user.role not in ("analyst", "admin"):
        raise ApiError(403, "forbidden", "only analysts and administrators set identities")
    with cell.db.write() as conn:
        reader = picture.reader_for(cell, conn, user)
        row = conn.execute(select(air_tracks).where(air_tracks.c.track_number == track_number)).first()
        if row is None or row.deleted or not reader.may_read(row.label_id):
            raise ApiError(404, "not_found", f"no track {track_number}")
        inbox.assign_identity(conn, track_number, body.identity, received_at=time.time())
        label = reader.labels.get(row.label_id, "")
        event = AuditEvent(
            "write",
            "airpicture.identity",
            f"POST {request.url.path}",
            user.member,
            user.name,
            (f"track-{track_number}",),
            (label,),
            {"identity": None if body.identity is None else body.identity.value},
        )
        audit.append(conn, event, cell.clock())
    return {"track_number": track_number, "identity": None if body.identity is None else body.identity.value}
