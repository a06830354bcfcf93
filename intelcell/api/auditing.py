"""Auditing reads that released data, the same way on every HTTP path (REST, TAXII, UI)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request

from intelcell.api.auth import cell_of
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.users import User


def record_read(request: Request, user: User, operation: str, ids: Sequence[str], labels: Sequence[str]) -> None:
    """Audit a read that released ``ids`` under ``labels``; nothing is recorded when nothing was released."""
    if not ids:
        return
    cell = cell_of(request)
    event = AuditEvent(
        "read", operation, f"{request.method} {request.url.path}", user.member, user.name, list(ids), list(labels)
    )
    audit.record(cell.db, event, cell.clock())
