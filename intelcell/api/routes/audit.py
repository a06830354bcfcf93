"""Who accessed an object: for its originator and for administrators who may read it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from intelcell.api.auditing import record_read
from intelcell.api.auth import cell_of, current_user
from intelcell.exchange import reading
from intelcell.store import audit
from intelcell.store.audit import AuditEntry
from intelcell.store.users import User

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


def _label_for(entry: AuditEntry, object_id: str) -> str | None:
    """The label the entry recorded for ``object_id`` (labels are kept in the order of the ids)."""
    ids, labels = entry.fields.get("object_ids", []), entry.fields.get("labels", [])
    return labels[ids.index(object_id)] if len(ids) == len(labels) and object_id in ids else None


def _entry_json(entry: AuditEntry, object_id: str) -> dict[str, Any]:
    fields = entry.fields
    label = _label_for(entry, object_id)
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
    the caller may read a version of it; everyone else gets the same empty answer as for an
    object that does not exist.
    """
    cell = cell_of(request)
    with cell.db.read() as conn:
        versions = reading.readable_versions(cell, conn, user, object_id)
        originated = any(v.originator == user.member for v in versions)
        allowed = bool(versions) and (originated or user.role == "admin")
        entries = audit.entries_for_object(conn, object_id) if allowed else []
        readable_labels = {lab.text() for v in versions if (lab := cell.labels.label(conn, v.label_id))}
    # Only entries about versions the caller may read: an entry about a hidden version of the same
    # id (another member's newer version, say) would reveal its member, user and label.
    entries = [e for e in entries if _label_for(e, object_id) in readable_labels]
    if entries:
        record_read(request, user, "audit.query", [object_id], [_label_for(entries[-1], object_id) or ""])
    return {"object_id": object_id, "entries": [_entry_json(e, object_id) for e in entries]}
