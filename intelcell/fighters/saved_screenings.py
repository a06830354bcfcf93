"""Screenings a member kept, to run again later against the records as they are then.

Keeping is opt-in, per screening ("keep this screening"): a query says whom a member looks for,
so only the ones its analyst chose to keep are stored, and they are the member's own, like its
watchlist: listed to its users only, and a kept screening of another member answers exactly as one
that does not exist. The audit trail names a kept screening by id, never its query.

A re-run is a new screening by the user who asks for it (`screening.screen`), with the same
hit/no-hit rules and hits recorded for their holders as the first run. What is new since the last
run is said of readable results only: each run adds the record ids it showed to the kept
screening's ``seen`` set. Hits are never marked new or old, since that would tie a hit's random
reference to an earlier one, which screening's fresh references exist to prevent.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, func, select

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.matching import ftf_v2
from intelcell.fighters import screening
from intelcell.fighters.screening import QueryError, Screening
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import saved_screenings, users
from intelcell.store.users import User

MAX_KEPT = 200  # per member
MAX_SEEN = 2_000  # record ids remembered per kept screening (newest runs' first)


@dataclass(frozen=True)
class Saved:
    """A kept screening as its member's users see it."""

    id: str
    caption: str
    properties: dict[str, Any]
    threshold: float
    by: str
    created_at: datetime
    last_run_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The kept screening as the API lists it."""
        return {
            "id": self.id,
            "caption": self.caption,
            "properties": self.properties,
            "threshold": self.threshold,
            "kept_by": self.by,
            "created_at": iso(self.created_at),
            "last_run_at": iso(self.last_run_at),
        }


@dataclass(frozen=True)
class Run:
    """One run of a kept screening for one user, and which of its readable results are new."""

    saved: Saved
    found: Screening
    new: frozenset[str]


def _saved(row: Any) -> Saved:
    return Saved(
        row.id, row.caption, orjson.loads(row.properties), row.threshold, row.by, row.created_at, row.last_run_at
    )


def _query(member: str) -> Any:
    return (
        select(saved_screenings, users.c.name.label("by"))
        .join(users, users.c.id == saved_screenings.c.user_id)
        .where(saved_screenings.c.member == member)
    )


def listed(conn: Connection, user: User) -> list[Saved]:
    """The caller's member's kept screenings, most recently run first."""
    query = _query(user.member).order_by(saved_screenings.c.last_run_at.desc(), saved_screenings.c.id)
    return [_saved(row) for row in conn.execute(query)]


def get(conn: Connection, user: User, screening_id: str) -> Saved | None:
    """A kept screening of the caller's member; None alike when missing or another member's."""
    row = conn.execute(_query(user.member).where(saved_screenings.c.id == screening_id)).first()
    return _saved(row) if row is not None else None


def _audit(conn: Connection, user: User, operation: str, screening_id: str, now: datetime) -> None:
    event = AuditEvent("write", operation, "screening", user.member, user.name, (), (), {"screening": screening_id})
    audit.append(conn, event, now)


def _check_room(conn: Connection, user: User) -> None:
    count = conn.execute(
        select(func.count()).select_from(saved_screenings).where(saved_screenings.c.member == user.member)
    ).scalar_one()
    if count >= MAX_KEPT:
        raise QueryError(f"a member keeps at most {MAX_KEPT} screenings: delete some first")


def screen_and_keep(
    cell: Cell,
    user: User,
    properties: Mapping[str, Any],
    *,
    limit: int = 5,
    threshold: float = ftf_v2.THRESHOLD,
) -> Run:
    """Screen ``properties`` for ``user`` and keep the screening; QueryError (nothing kept) if it cannot be run."""
    profile = screening.query_profile(properties)
    listed_props = {k: [v] if isinstance(v, str) else list(v) for k, v in properties.items()}
    with cell.db.read() as conn:  # refused before screening, so a refusal records no hit either
        _check_room(conn, user)
    found = screening.screen(cell, user, {"q": profile}, limit=limit, threshold=threshold)["q"]
    shown = [r.record_id for r in found.results]
    now = cell.clock()
    screening_id = secrets.token_hex(16)
    with cell.db.write() as conn:
        _check_room(conn, user)
        conn.execute(
            saved_screenings.insert().values(
                id=screening_id,
                member=user.member,
                user_id=user.id,
                caption=profile.names[0].text,
                properties=orjson.dumps(listed_props).decode(),
                threshold=threshold,
                seen=orjson.dumps(shown).decode(),
                created_at=now,
                last_run_at=now,
            )
        )
        _audit(conn, user, "screening.keep", screening_id, now)
    saved = Saved(screening_id, profile.names[0].text, listed_props, threshold, user.name, now, now)
    return Run(saved, found, frozenset(shown))


def rerun(cell: Cell, user: User, screening_id: str, *, limit: int = 5) -> Run | None:
    """Run a kept screening of the caller's member again for the caller; None alike when missing or another's."""
    with cell.db.read() as conn:
        saved = get(conn, user, screening_id)
    if saved is None:
        return None
    profile = screening.query_profile(saved.properties)
    found = screening.screen(cell, user, {"q": profile}, limit=limit, threshold=saved.threshold)["q"]
    shown = [r.record_id for r in found.results]
    now = cell.clock()
    with cell.db.write() as conn:
        # Read again inside the write: two runs at once both add what they showed.
        row = conn.execute(
            select(saved_screenings.c.seen).where(
                saved_screenings.c.id == screening_id, saved_screenings.c.member == user.member
            )
        ).first()
        if row is None:  # deleted meanwhile
            return None
        seen = orjson.loads(row.seen)
        new = frozenset(shown) - set(seen)
        kept = (shown + [s for s in seen if s not in set(shown)])[:MAX_SEEN]
        conn.execute(
            saved_screenings.update()
            .where(saved_screenings.c.id == screening_id)
            .values(seen=orjson.dumps(kept).decode(), last_run_at=now)
        )
    ran = Saved(saved.id, saved.caption, saved.properties, saved.threshold, saved.by, saved.created_at, now)
    return Run(ran, found, new)


def remove(cell: Cell, user: User, screening_id: str) -> bool:
    """Delete a kept screening of the caller's member; False alike when missing or another member's."""
    now = cell.clock()
    with cell.db.write() as conn:
        done = conn.execute(
            saved_screenings.delete().where(
                saved_screenings.c.id == screening_id, saved_screenings.c.member == user.member
            )
        )
        if done.rowcount != 1:
            return False
        _audit(conn, user, "screening.forget", screening_id, now)
    return True
