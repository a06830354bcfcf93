"""Labelled STIX objects outside TAXII, as far as the caller may read them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.api.errors import ApiError
from intelcell.exchange import reading
from intelcell.exchange.reading import Shown
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/objects", tags=["objects"])
Authenticated = Annotated[User, Depends(current_user)]


def record_release(request: Request, user: User, shown: list[Shown], operation: str) -> None:
    """Audit a read that released objects (nothing is recorded when nothing was released)."""
    record_read(request, user, operation, [s.version.stix_id for s in shown], [s.label for s in shown])


@router.get("")
def list_objects(
    request: Request, user: Authenticated, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> dict[str, Any]:
    """The newest readable version of each object, most recently added first (at most ``limit``)."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        shown = reading.newest_first(cell, conn, user, limit)
    record_release(request, user, shown, "object.list")
    return {"objects": [s.body for s in shown]}


@router.get("/{stix_id}")
def get_object(stix_id: str, request: Request, user: Authenticated) -> dict[str, Any]:
    """The newest readable version of one object; 404 alike when it is missing or not readable."""
    cell = cell_of(request)
    with cell.db.read() as conn:
        shown = reading.latest(cell, conn, user, stix_id)
    if shown is None:
        raise ApiError(404, "not_found", f"no object '{stix_id}'")
    record_release(request, user, [shown], "object.read")
    return shown.body
