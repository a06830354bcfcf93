"""Who accessed an object: for its originator and for administrators who may read it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from intelcell.api.auth import cell_of, current_user
from intelcell.domain.policy import can_read
from intelcell.exchange import objects
from intelcell.store import audit
from intelcell.store.audit import AuditEntry, AuditEvent
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


def _entry_json(entry: AuditEntry, object_id: str) -> dict[str, Any]:
    fields = entry.fields
    ids, labels = fields.get("object_ids", []), fields.get("labels", [])
    label = labels[ids.index(object_id)] if len(ids) == len(labels) else None
    # Only this object's part of the entry: other objects named in it are not released here.
    return {
        "seq": entry.seq,
        "at": fields.get("at"),
        "action": fields.get("action"),
        "operation": fields.get("operation"),
        "path": fields.get("path"),
        "member": fields.get("member"),
        "user": fields.get("user"),
        "label": label,
    }


@router.get("")
def accesses(
    request: Request,
    user: Annotated[User, Depends(current_user)],
    object_id: Annotated[str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    """Every audited write and read of ``object_id``.

    Answered for the object's originating member and for administrators, in both cases only if
    the caller may read the object; everyone else gets the same empty answer as for an object
    that does not exist.
    """
    cell = cell_of(request)
    with cell.db.read() as conn:
        obj = objects.latest(conn, object_id, cell.vocabulary)
        allowed = (
            obj is not None
            and (user.member == obj.originator or user.role == "admin")
            and can_read(user.viewer, obj.label, obj.originator, cell.registry)
        )
        entries = audit.entries_for_object(conn, object_id) if allowed else []
    if entries:
        event = AuditEvent(
            action="read",
            operation="audit.query",
            path=f"GET {request.url.path}",
            member=user.member,
            user=user.name,
            object_ids=[object_id],
            labels=[obj.label.text()] if obj else [],
        )
        audit.record(cell.db, event, cell.clock())
    return {"object_id": object_id, "entries": [_entry_json(e, object_id) for e in entries]}
