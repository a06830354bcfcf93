"""Who accessed an object: for its originator and for administrators who may read it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.exchange import accesses, reading
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


@router.get("")
def object_accesses(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    object_id: Annotated[str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    """Every audited write and read of ``object_id``.

    Answered for the object's originating member and for administrators, in both cases only if
    the caller may read a version of it; everyone else gets the same empty answer as for an
    object that does not exist.
    """
    cell = cell_of(request)
    with cell.db.read() as conn:
        entries = accesses.visible(cell, conn, user, object_id, reading.readable_versions(cell, conn, user, object_id))
    if entries:
        record_read(request, user, "audit.query", [object_id], [accesses.label_for(entries[-1], object_id) or ""])
    return {"object_id": object_id, "entries": [accesses.entry_json(e, object_id) for e in entries]}
