"""A CSV file held between its upload and its column mapping, for the user who sent it only.

Mapping columns takes a page of its own, and the store is the one place every server process
behind the load balancer shares (process memory is not), so the file waits in
``staged_uploads`` under a random id. Nothing is stored as person records until the mapping is
submitted; the file is removed once its upload has started, and any staged file older than
``KEPT`` is removed when the next one is staged. The file has no label yet, so nobody but its
sender may see it: to anyone else (their own member's colleagues included) its id is unknown.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, delete, select

from intelcell.cell import Cell
from intelcell.store.schema import staged_uploads
from intelcell.store.users import User

KEPT = timedelta(hours=6)


@dataclass(frozen=True)
class Staged:
    """A staged file and the choices made on the upload form."""

    id: str
    file_name: str
    data: bytes
    options: dict[str, Any]
    created_at: datetime


def stage(cell: Cell, user: User, file_name: str, data: bytes, options: dict[str, Any]) -> str:
    """Hold a file for ``user`` until its mapping is submitted; its id."""
    staged_id = secrets.token_hex(16)
    now = cell.clock()
    with cell.db.write() as conn:
        conn.execute(delete(staged_uploads).where(staged_uploads.c.created_at < now - KEPT))
        conn.execute(
            staged_uploads.insert().values(
                id=staged_id,
                user_id=user.id,
                file_name=file_name[:200],
                data=data,
                options=orjson.dumps(options).decode(),
                created_at=now,
            )
        )
    return staged_id


def get(conn: Connection, user: User, staged_id: str, now: datetime) -> Staged | None:
    """The user's staged file ``staged_id``; None alike when unknown, expired or someone else's."""
    row = conn.execute(
        select(staged_uploads).where(
            staged_uploads.c.id == staged_id[:64],
            staged_uploads.c.user_id == user.id,
            staged_uploads.c.created_at >= now - KEPT,
        )
    ).first()
    if row is None:
        return None
    return Staged(row.id, row.file_name, bytes(row.data), orjson.loads(row.options), row.created_at)


def discard(cell: Cell, user: User, staged_id: str) -> None:
    """Remove a staged file (its upload has started)."""
    with cell.db.write() as conn:
        conn.execute(
            delete(staged_uploads).where(staged_uploads.c.id == staged_id, staged_uploads.c.user_id == user.id)
        )
