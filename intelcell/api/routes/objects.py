"""Labelled STIX objects, as far as the caller may read them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.exchange import objects
from intelcell.exchange.visibility import readable, visible
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/objects", tags=["objects"])
Authenticated = Annotated[User, Depends(current_user)]


def _released(request: Request, user: User, released: list[tuple[str, str]], op: str) -> None:
    if not released:
        return
    cell = cell_of(request)
    event = AuditEvent(
        action="read",
        operation=op,
        path=f"{request.method} {request.url.path}",
        member=user.member,
        user=user.name,
        object_ids=[oid for oid, _ in released],
        labels=[label for _, label in released],
    )
    audit.record(cell.db, event, cell.clock())


@router.get("")
def list_objects(
    request: Request, user: Authenticated, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    """The newest version of each object the caller may read, by id (at most ``limit``)."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        stored = objects.all_latest(conn, cell.vocabulary)
    shown: list[dict[str, Any]] = []
    released: list[tuple[str, str]] = []
    for obj, body in readable(stored, user.viewer, cell.registry):
        shown.append(body)
        released.append((obj.stix_id, obj.label.text()))
        if len(shown) == limit:
            break
    _released(request, user, released, "object.list")
    return {"objects": shown}


@router.get("/{stix_id}")
def get_object(stix_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """The newest version of one object; 404 alike when it is missing or not readable."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        obj = objects.latest(conn, stix_id, cell.vocabulary)
    body = visible(obj, user.viewer, cell.registry) if obj else None
    if obj is None or body is None:
        raise ApiError(404, "not_found", f"no object '{stix_id}'")
    _released(request, user, [(obj.stix_id, obj.label.text())], "object.read")
    return body
