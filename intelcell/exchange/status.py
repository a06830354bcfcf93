"""TAXII status resources: what happened to each object of an envelope, kept for a retention period."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Connection, select

from intelcell.clock import iso
from intelcell.domain.stix_time import shown
from intelcell.store.schema import taxii_status
from intelcell.store.users import User


class _Outcome(Protocol):
    id: str
    version: str | None
    message: str | None


def _item(outcome: _Outcome) -> dict[str, Any]:
    # version is required in a status-details item; an object too malformed to have one gets "".
    item: dict[str, Any] = {"id": outcome.id, "version": ""}
    if outcome.version:
        try:
            item["version"] = shown(outcome.version)
        except ValueError:
            item["version"] = str(outcome.version)
    if outcome.message:
        item["message"] = outcome.message
    return item


def new_status(
    conn: Connection, user: User, now: datetime, successes: Sequence[_Outcome], failures: Sequence[_Outcome]
) -> dict[str, Any]:
    """Store and return a completed status resource (TAXII 2.1 section 4.3.1)."""
    resource: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "status": "complete",
        "request_timestamp": iso(now),
        "total_count": len(successes) + len(failures),
        "success_count": len(successes),
        "failure_count": len(failures),
        "pending_count": 0,
    }
    # Empty lists are prohibited (TAXII 2.1 section 2): omit them.
    if successes:
        resource["successes"] = [_item(o) for o in successes]
    if failures:
        resource["failures"] = [_item(o) for o in failures]
    conn.execute(
        taxii_status.insert().values(id=resource["id"], user_id=user.id, created_at=now, body=json.dumps(resource))
    )
    return resource


def get_status(
    conn: Connection, status_id: str, user: User, now: datetime, retention_hours: int
) -> dict[str, Any] | None:
    """A status resource for the user that submitted it, within retention; else None.

    Only that user: a status lists the ids of every object of the envelope, and a colleague of
    the same member may lack the clearance or caveats to read some of them (the leak hunt found
    this when statuses were shown member-wide).
    """
    row = conn.execute(
        select(taxii_status.c.body, taxii_status.c.created_at).where(
            taxii_status.c.id == status_id, taxii_status.c.user_id == user.id
        )
    ).first()
    if row is None:
        return None
    if row.created_at < now - timedelta(hours=retention_hours):
        return None
    return json.loads(row.body)  # type: ignore[no-any-return]


def purge(conn: Connection, now: datetime, retention_hours: int) -> None:
    """Drop status resources past retention."""
    conn.execute(taxii_status.delete().where(taxii_status.c.created_at < now - timedelta(hours=retention_hours)))
