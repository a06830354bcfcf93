"""Auditing reads that released data, the same way on every HTTP path (REST, TAXII, UI)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request

from intelcell.api.auth import cell_of
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.users import User


def route_of(request: Request) -> str:
    """The request's method and route template (``GET /objects/{stix_id}``), never the concrete path.

    An audit entry is shown to the originators of every object it names; a concrete path could
    carry the id of another object that some of them may not read.
    """
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', None) or request.url.path}"


def record_read(request: Request, user: User, operation: str, ids: Sequence[str], labels: Sequence[str]) -> None:
    """Audit a read that released ``ids`` under ``labels``; nothing is recorded when nothing was released."""
    if not ids:
        return
    cell = cell_of(request)
    event = AuditEvent("read", operation, route_of(request), user.member, user.name, list(ids), list(labels))
    audit.record(cell.db, event, cell.clock())
