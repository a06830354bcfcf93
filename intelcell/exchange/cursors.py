"""TAXII ``next`` cursors: random tokens held server-side, bound to the user and the query.

A token reveals no position, id or count. Replayed by another user, or with other filters, it
is simply unknown, exactly like a token that never existed.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from intelcell.store.schema import taxii_cursors

LIFETIME = timedelta(hours=1)


def issue(conn: Connection, user_id: int, scope: str, after_pk: int, now: datetime) -> str:
    """A new cursor continuing ``scope`` after ``after_pk``."""
    conn.execute(taxii_cursors.delete().where(taxii_cursors.c.expires_at < now))
    token = secrets.token_urlsafe(24)
    conn.execute(
        taxii_cursors.insert().values(
            token=token, user_id=user_id, scope=_digest(scope), after_pk=after_pk, expires_at=now + LIFETIME
        )
    )
    return token


def resolve(conn: Connection, token: str, user_id: int, scope: str, now: datetime) -> int | None:
    """Where a cursor continues from, or None if it is unknown, expired, or not this user's query."""
    row = conn.execute(select(taxii_cursors).where(taxii_cursors.c.token == token)).first()
    if row is None or row.user_id != user_id or row.scope != _digest(scope):
        return None
    return row.after_pk if row.expires_at > now else None


def _digest(scope: str) -> str:
    return hashlib.sha256(scope.encode("utf-8")).hexdigest()
