"""Who accessed an object, as far as one caller may know: for its originator and for administrators.

The audit trail records every read and write with the ids and labels it released. An object's
accesses are shown to its originating member and to administrators, in both cases only if the
caller may read a version of it, and only the entries about versions the caller may read: an
entry about a hidden version of the same id (another member's newer version, say) would reveal
its member, user and label. Everyone else gets the same empty answer as for an object that does
not exist. The API (``GET /api/v1/audit``) and the audit page both answer through `visible`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection

from intelcell.cell import Cell
from intelcell.exchange.query import Version
from intelcell.store import audit
from intelcell.store.audit import AuditEntry
from intelcell.store.users import User


def label_for(entry: AuditEntry, object_id: str) -> str | None:
    """The label the entry recorded for ``object_id`` (labels are kept in the order of the ids)."""
    ids, labels = entry.fields.get("object_ids", []), entry.fields.get("labels", [])
    return labels[ids.index(object_id)] if len(ids) == len(labels) and object_id in ids else None


def entry_json(entry: AuditEntry, object_id: str) -> dict[str, Any]:
    """This object's part of an audit entry (other objects named in it are not released here)."""
    fields = entry.fields
    return {
        "seq": entry.seq,
        "at": fields.get("at"),
        "action": fields.get("action"),
        "operation": fields.get("operation"),
        "path": fields.get("path"),
        "member": fields.get("member"),
        "user": fields.get("user"),
        "label": label_for(entry, object_id),
    }


def visible(
    cell: Cell,
    conn: Connection,
    user: User,
    object_id: str,
    versions: Sequence[Version],
    entries: Sequence[AuditEntry] | None = None,
) -> list[AuditEntry]:
    """The audit entries about ``object_id`` that ``user`` may see, given the versions it may read (oldest first).

    ``entries``: every entry naming the object, when the caller fetched them already
    (`audit.entries_for_objects` for many objects at once).
    """
    originated = any(v.originator == user.member for v in versions)
    if not versions or not (originated or user.role == "admin"):
        return []
    readable_labels = {lab.text() for v in versions if (lab := cell.labels.label(conn, v.label_id))}
    named = audit.entries_for_object(conn, object_id) if entries is None else entries
    return [e for e in named if label_for(e, object_id) in readable_labels]
