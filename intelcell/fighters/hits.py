"""What follows a screening hit: the holder sees it, and the querier may ask the holder, unnamed.

A hit (``fighters/screening.py``) gives the querier only an opaque reference. With it the querier
may open an RFI addressed to the hit's holder: the RFI is stored like any other, but the asking
member is shown "holder of hit REF" where other RFIs show their addressees, and the audit entry
names the reference, not the holder. The holder's users see the RFI in their RFI list, and see
the hits on the records they may read with ``hits_on_records``. By answering, the holder names
itself to the asker; it may choose not to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.exchange import rfis
from intelcell.exchange.rfis import Rfi, RfiError
from intelcell.fighters import watchlists
from intelcell.store.schema import person_encodings, person_hits, persons
from intelcell.store.users import User

MAX_LIMIT = 500


@dataclass(frozen=True)
class HeldHit:
    """A query that hit one of the caller's member's records, as the holder sees it."""

    ref: str
    record_id: str
    querying_member: str
    score: float
    algorithm: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The hit as the API shows it to the holder."""
        return {
            "ref": self.ref,
            "record_id": self.record_id,
            "querying_member": self.querying_member,
            "score": self.score,
            "algorithm": self.algorithm,
            "created_at": iso(self.created_at),
        }


def hits_on_records(cell: Cell, conn: Connection, user: User, limit: int = 100) -> list[HeldHit]:
    """Hits on the caller's member's records and encodings that the caller may read, newest first."""
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    on_record = select(persons.c.pk).where(
        persons.c.id == person_hits.c.person_id,
        persons.c.is_current,
        readable.clause(persons.c.label_id, persons.c.member, user.member),
    )
    on_encoding = select(person_encodings.c.pk).where(
        person_encodings.c.id == person_hits.c.person_id,
        readable.clause(person_encodings.c.label_id, person_encodings.c.member, user.member),
    )
    query = (
        select(person_hits)
        .where(person_hits.c.holder == user.member, or_(on_record.exists(), on_encoding.exists()))
        .order_by(person_hits.c.pk.desc())
        .limit(max(1, min(limit, MAX_LIMIT)))
    )
    return [
        HeldHit(r.ref, r.person_id, r.querying_member, r.score, r.algorithm, r.created_at) for r in conn.execute(query)
    ]


def record_labels(cell: Cell, conn: Connection, user: User, hits: Iterable[HeldHit]) -> dict[str, str]:
    """The label of each hit's record that the caller may read (hits on encodings have no record), by record id."""
    ids = sorted({hit.record_id for hit in hits})
    if not ids:
        return {}
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    query = select(persons.c.id, persons.c.label_id).where(
        persons.c.id.in_(ids),
        persons.c.is_current,
        readable.clause(persons.c.label_id, persons.c.member, user.member),
    )
    found = {}
    for row in conn.execute(query):
        label = cell.labels.label(conn, row.label_id)
        found[row.id] = label.text() if label else ""
    return found


def ask_holder(
    cell: Cell, user: User, ref: str, *, question: str, label: str, deadline: str, priority: str, path: str
) -> Rfi:
    """Open an RFI to the unnamed holder of hit ``ref``, which only the querying member may use."""
    with cell.db.read() as conn:
        hit = conn.execute(
            select(person_hits.c.holder).where(
                and_(person_hits.c.ref == ref, person_hits.c.querying_member == user.member)
            )
        ).first()
        # A watchlist alert's hit reaches its holder only now, when the watcher asks (watchlists.py).
        watched = None if hit is not None else watchlists.claimable_hit(conn, user, ref)
    holder = hit.holder if hit is not None else watched.holder if watched is not None else None
    if holder is None:
        raise RfiError("not_found", f"no hit '{ref[:64]}'")
    asked = rfis.ask(
        cell,
        user,
        question=question,
        label=label,
        addressees=[holder],
        deadline=deadline,
        priority=priority,
        path=path,
        via_hit=ref,
    )
    if watched is not None:
        with cell.db.write() as conn:
            watchlists.record_asked_hit(conn, user, ref, watched, cell.clock())
    return asked
