"""When a user last marked the "what is new for me" inbox seen: one row per user, their own."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from intelcell.store.schema import inbox_marks
from intelcell.store.users import User

MAX_REFS = 1_000  # alert references kept for the watermark's day


@dataclass(frozen=True)
class Mark:
    """The inbox watermark: everything through ``seen_through``, and these alerts of its day."""

    seen_through: datetime
    seen_refs: frozenset[str]


def mark_of(conn: Connection, user: User) -> Mark | None:
    """The user's inbox watermark, or None before they first marked it seen."""
    row = conn.execute(select(inbox_marks).where(inbox_marks.c.user_id == user.id)).first()
    return Mark(row.seen_through, frozenset(json.loads(row.seen_refs))) if row else None


def set_mark(conn: Connection, user: User, through: datetime, refs: Iterable[str]) -> None:
    """Store the user's inbox watermark inside the caller's transaction; refs of the same day accumulate."""
    before = mark_of(conn, user)
    kept = set(refs)
    if before is not None and before.seen_through > through:
        through = before.seen_through  # a stale page marks nothing newer unseen again
    if before is not None and before.seen_through.date() == through.date():
        kept |= before.seen_refs  # a second visit the same day must not make the first one's alerts new
    rows = sorted(kept)[:MAX_REFS]
    conn.execute(inbox_marks.delete().where(inbox_marks.c.user_id == user.id))
    conn.execute(inbox_marks.insert().values(user_id=user.id, seen_through=through, seen_refs=json.dumps(rows)))
