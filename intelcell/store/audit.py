"""The audit trail: an append-only, hash-chained log of every write and every released read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from intelcell.clock import iso
from intelcell.domain import audit_chain
from intelcell.store.database import Database
from intelcell.store.schema import audit_head, audit_log, audit_objects

ACTIONS = ("write", "read")


@dataclass(frozen=True)
class AuditEvent:
    """What happened: who (user and member), what (operation, objects, labels) and how (path)."""

    action: str
    operation: str
    path: str
    member: str | None
    user: str | None
    object_ids: Sequence[str] = ()
    labels: Sequence[str] = ()
    detail: dict[str, Any] = field(default_factory=dict)

    def fields(self, at: str) -> dict[str, Any]:
        """The hashed fields of this event recorded at ``at``."""
        if self.action not in ACTIONS:
            raise ValueError(f"audit action must be one of {ACTIONS}")
        return {
            "at": at,
            "action": self.action,
            "operation": self.operation,
            "path": self.path,
            "member": self.member,
            "user": self.user,
            "object_ids": list(self.object_ids),
            "labels": list(self.labels),
            "detail": self.detail,
        }


@dataclass(frozen=True)
class AuditEntry:
    """A stored audit entry."""

    seq: int
    fields: dict[str, Any]


def append(conn: Connection, event: AuditEvent, now: datetime) -> int:
    """Append an event inside the caller's transaction; return its sequence number.

    The head row is locked first (FOR UPDATE on PostgreSQL; SQLite's single writer already
    serialises), so concurrent writers extend the chain one at a time.
    """
    head = conn.execute(
        select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1).with_for_update()
    ).first()
    seq, prev = (head.seq + 1, head.hash) if head else (1, audit_chain.GENESIS)
    fields = event.fields(iso(now))
    digest = audit_chain.digest(prev, fields)
    conn.execute(audit_log.insert().values(seq=seq, fields=audit_chain.canonical(fields), prev_hash=prev, hash=digest))
    if event.object_ids:
        conn.execute(
            audit_objects.insert(),
            [{"seq": seq, "object_id": oid} for oid in dict.fromkeys(event.object_ids)],
        )
    if head:
        conn.execute(audit_head.update().where(audit_head.c.id == 1).values(seq=seq, hash=digest))
    else:
        conn.execute(audit_head.insert().values(id=1, seq=seq, hash=digest))
    return seq


def _chain_entry(row: Any) -> audit_chain.ChainEntry:
    try:
        fields = json.loads(row.fields)
    except ValueError:
        fields = {"unreadable": row.fields}  # hashes differently, so verify reports it as edited
    return audit_chain.ChainEntry(row.seq, fields, row.prev_hash, row.hash)


def verify(conn: Connection) -> audit_chain.Break | None:
    """The first break in the stored chain, or None when it is intact (streams the log)."""
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).first()
    query = select(audit_log).order_by(audit_log.c.seq).execution_options(yield_per=1000)
    with conn.execute(query) as rows:
        return audit_chain.verify(map(_chain_entry, rows), (head.seq, head.hash) if head else None)


def entries_for_object(conn: Connection, object_id: str) -> list[AuditEntry]:
    """Entries that name ``object_id``, oldest first."""
    query = (
        select(audit_log.c.seq, audit_log.c.fields)
        .join(audit_objects, audit_objects.c.seq == audit_log.c.seq)
        .where(audit_objects.c.object_id == object_id)
        .order_by(audit_log.c.seq)
    )
    return [AuditEntry(row.seq, json.loads(row.fields)) for row in conn.execute(query)]


def entries_for_objects(conn: Connection, object_ids: Sequence[str]) -> dict[str, list[AuditEntry]]:
    """Entries that name each of ``object_ids``, oldest first; each entry is decoded once, however many it names."""
    found: dict[str, list[AuditEntry]] = {object_id: [] for object_id in object_ids}
    decoded: dict[int, AuditEntry] = {}
    wanted = sorted(set(object_ids))
    for start in range(0, len(wanted), 500):
        query = (
            select(audit_objects.c.object_id, audit_log.c.seq, audit_log.c.fields)
            .join(audit_objects, audit_objects.c.seq == audit_log.c.seq)
            .where(audit_objects.c.object_id.in_(wanted[start : start + 500]))
            .order_by(audit_log.c.seq)
        )
        for row in conn.execute(query):
            entry = decoded.get(row.seq) or decoded.setdefault(row.seq, AuditEntry(row.seq, json.loads(row.fields)))
            found[row.object_id].append(entry)
    return found


def count(conn: Connection) -> int:
    """How many entries the chain holds (its head's sequence number)."""
    head = conn.execute(select(audit_head.c.seq)).first()
    return head.seq if head else 0


def record(db: Database, event: AuditEvent, now: datetime) -> int:
    """Append an event in its own write transaction (for reads, which write nothing else)."""
    with db.write() as conn:
        return append(conn, event, now)
