"""The contributions ledger: figures members report by hand, per member, kind and period, with provenance.

Who may enter: a member's own analysts for that member, the coordinator and administrators for any
member; everyone else is refused (403). An entry exists for a viewer who may read its label with
the entering member as originator. A duplicate (same member, kind, period and source) is refused,
but only against entries the submitter may read: a hidden entry must not be revealed by a refusal,
so it never blocks one (the store's unique key includes the label for the same reason).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.oversight import period as periods
from intelcell.domain.oversight.contribution import ContributionError, manual_value
from intelcell.domain.oversight.period import Period, PeriodError
from intelcell.oversight.refusal import Refused, assignable_label, known_member, may_oversee
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import oversight_contributions, users
from intelcell.store.users import User

MAX_SOURCE = 200


@dataclass(frozen=True)
class Entry:
    """A manual contribution: whose, what, when, how much, from which source, entered by whom, under which label."""

    id: str
    member: str
    kind: str
    period: str
    value: float
    source: str
    label: str
    originator: str
    entered_by: str
    entered_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The entry as the API shows it."""
        return {
            "id": self.id,
            "member": self.member,
            "kind": self.kind,
            "period": self.period,
            "value": self.value,
            "source": self.source,
            "label": self.label,
            "provenance": {"member": self.originator, "user": self.entered_by, "at": iso(self.entered_at)},
        }


def parse_period(text: str) -> Period:
    """A period from its text; raise Refused("invalid_request") with the reason."""
    try:
        return periods.parse(text)
    except PeriodError as exc:
        raise Refused("invalid_request", str(exc)) from None


def enter(
    cell: Cell, user: User, *, member: str, kind: str, period: str, value: float, source: str, label: str, path: str
) -> Entry:
    """Store a manual figure with its provenance and audit entry; raise Refused, storing nothing."""
    known_member(cell, member)
    if user.member != member and not may_oversee(user):
        raise Refused("forbidden", "analysts enter their own member's contributions only")
    span = parse_period(period)
    try:
        amount = manual_value(kind, value)
    except ContributionError as exc:
        raise Refused("invalid_request", str(exc)) from None
    source = source.strip()
    if not source or len(source) > MAX_SOURCE:
        raise Refused("invalid_request", f"source (where the figure comes from) must be 1 to {MAX_SOURCE} characters")
    bound = assignable_label(cell, user, label)
    label_id = cell.labels.ensure(cell.db, [bound])[bound]
    now, entry_id = cell.clock(), str(uuid.uuid4())
    c = oversight_contributions.c
    with cell.db.write() as conn:
        readable = cell.labels.readable(conn, user.viewer, cell.registry)
        same = select(c.id).where(
            c.member == member,
            c.kind == kind,
            c.period == span.text(),
            c.source == source,
            readable.clause(c.label_id, c.originator, user.member),
        )
        if conn.execute(same).first():
            raise Refused(
                "duplicate",
                f"{member} already has a {kind} entry for {span.text()} from source {source!r}; "
                "correct that entry instead",
            )
        try:
            conn.execute(
                oversight_contributions.insert().values(
                    id=entry_id,
                    member=member,
                    kind=kind,
                    period=span.text(),
                    period_start=span.start,
                    period_end=span.end,
                    value=amount,
                    source=source,
                    label_id=label_id,
                    originator=user.member,
                    entered_by=user.id,
                    entered_at=now,
                )
            )
        except IntegrityError:
            # A concurrent writer stored the same entry under the same label between check and insert.
            raise Refused(
                "duplicate", f"{member} already has a {kind} entry for {span.text()} from source {source!r}"
            ) from None
        detail = {"member": member, "kind": kind, "period": span.text(), "value": amount, "source": source}
        event = AuditEvent(
            "write", "contribution.create", path, user.member, user.name, [entry_id], [bound.text()], detail
        )
        audit.append(conn, event, now)
    return Entry(entry_id, member, kind, span.text(), amount, source, bound.text(), user.member, user.name, now)


def withdraw(cell: Cell, user: User, entry_id: str, path: str) -> None:
    """Delete an entry the caller sees, if they may enter it; the audit trail keeps what it was."""
    c = oversight_contributions.c
    now = cell.clock()
    with cell.db.write() as conn:
        readable = cell.labels.readable(conn, user.viewer, cell.registry)
        row = conn.execute(
            select(oversight_contributions).where(
                c.id == entry_id, readable.clause(c.label_id, c.originator, user.member)
            )
        ).first()
        if row is None:
            raise Refused("not_found", f"no contribution entry '{entry_id}'")
        if row.member != user.member and not may_oversee(user):
            raise Refused("forbidden", "analysts withdraw their own member's contributions only")
        conn.execute(oversight_contributions.delete().where(c.id == entry_id))
        label = cell.labels.label(conn, row.label_id)
        detail = {
            "member": row.member,
            "kind": row.kind,
            "period": row.period,
            "value": row.value,
            "source": row.source,
        }
        labels = [label.text()] if label else []
        event = AuditEvent("write", "contribution.delete", path, user.member, user.name, [entry_id], labels, detail)
        audit.append(conn, event, now)


def entries(cell: Cell, conn: Connection, user: User, within: Period, member: str | None = None) -> list[Entry]:
    """The entries the caller may read whose period lies within ``within``, by member, kind and period."""
    c = oversight_contributions.c
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    query = (
        select(oversight_contributions, users.c.name.label("user_name"))
        .join(users, users.c.id == c.entered_by)
        .where(
            readable.clause(c.label_id, c.originator, user.member),
            c.period_start >= within.start,
            c.period_end <= within.end,
        )
        .order_by(c.member, c.kind, c.period_start, c.pk)
    )
    if member is not None:
        query = query.where(c.member == member)
    out = []
    for r in conn.execute(query):
        label = cell.labels.label(conn, r.label_id)
        out.append(
            Entry(
                r.id,
                r.member,
                r.kind,
                r.period,
                r.value,
                r.source,
                label.text() if label else "",
                r.originator,
                r.user_name,
                r.entered_at,
            )
        )
    return out
