"""Requests for information: a member asks a labelled question of members or communities.

Who an RFI exists for (DESIGN.md section 2 applied to RFIs): a viewer sees an RFI when they may
read its label with the asking member as originator, AND their member asked it or is among its
addressees (communities expanded through the registry when read, so registry edits apply). An
answer exists for a viewer who sees its RFI and may read the answer's label with the answering
member as originator; the objects it cites are listed only as far as the viewer may read them.

Both rules run in SQL, so lists, status filters and lookups by id never touch what a caller may
not see. The status a caller is shown is theirs too: "answered" only when they see an answer,
so an answer above them changes nothing they can observe (not even "overdue").
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Exists, and_, false, func, or_, select

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.label import Label, LabelError
from intelcell.domain.policy import NotAssignable, assignable
from intelcell.exchange import reading
from intelcell.exchange.access import access_for
from intelcell.exchange.query import Filters, select_versions
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.schema import rfi_answers, rfis, users
from intelcell.store.users import User

PRIORITIES = ("routine", "priority", "immediate", "flash")
#: Status filters: the three stored states as the caller sees them, and the derived "overdue".
STATUSES = ("open", "answered", "closed", "overdue")
MAX_TEXT = 4000
MAX_ADDRESSEES = 100
MAX_CITED = 100


class RfiError(ValueError):
    """A refused RFI request: ``kind`` names the refusal, the message is the reason for the caller.

    Kinds: ``invalid_request``, ``invalid_label``, ``label_not_permitted``, ``not_found``,
    ``forbidden``, ``conflict``.
    """

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


@dataclass(frozen=True)
class Answer:
    """An answer as one viewer sees it: cited object ids they may not read are left out."""

    id: str
    member: str
    user: str
    text: str
    label: str
    object_ids: tuple[str, ...]
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The answer as the API shows it."""
        return {
            "id": self.id,
            "member": self.member,
            "user": self.user,
            "text": self.text,
            "label": self.label,
            "object_ids": list(self.object_ids),
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True)
class Rfi:
    """An RFI as one viewer sees it (status and answers are theirs)."""

    id: str
    member: str
    user: str
    question: str
    label: str
    addressees: tuple[str, ...]
    deadline: datetime
    priority: str
    status: str
    overdue: bool
    created_at: datetime
    closed_at: datetime | None
    answers: tuple[Answer, ...] = ()
    via_hit: str | None = None

    def to_json(self, with_answers: bool = False) -> dict[str, Any]:
        """The RFI as the API shows it, with the visible answers when ``with_answers``."""
        out: dict[str, Any] = {
            "id": self.id,
            "member": self.member,
            "user": self.user,
            "question": self.question,
            "label": self.label,
            "addressees": list(self.addressees),
            "deadline": iso(self.deadline),
            "priority": self.priority,
            "status": self.status,
            "overdue": self.overdue,
            "created_at": iso(self.created_at),
            "closed_at": iso(self.closed_at) if self.closed_at else None,
            "via_hit": self.via_hit,
        }
        if with_answers:
            out["answers"] = [a.to_json() for a in self.answers]
        return out


def not_found(rfi_id: str) -> RfiError:
    """The one refusal for an RFI that is missing or hidden from the caller."""
    return RfiError("not_found", f"no RFI '{rfi_id}'")


def parse_deadline(text: str, now: datetime) -> datetime:
    """An ISO 8601 timestamp with a time zone, in UTC, later than ``now``; raise RfiError."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise RfiError("invalid_request", f"deadline '{text}' is not an ISO 8601 timestamp") from None
    if moment.tzinfo is None:
        raise RfiError("invalid_request", "deadline must name its time zone (for UTC end it with Z)")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        raise RfiError("invalid_request", f"deadline '{text}' is out of range") from None
    if moment <= now:
        raise RfiError("invalid_request", "deadline must be in the future")
    return moment


def _text(value: str, what: str) -> str:
    if not value.strip():
        raise RfiError("invalid_request", f"{what} is empty")
    if len(value) > MAX_TEXT:
        raise RfiError("invalid_request", f"{what} is longer than {MAX_TEXT} characters")
    return value


def _label(cell: Cell, user: User, text: str) -> Label:
    """The label ``text`` names, if ``user`` may assign it (they must be able to read it themselves)."""
    try:
        return assignable(text, cell.vocabulary, user.viewer, cell.registry)
    except LabelError as exc:
        raise RfiError("invalid_label", str(exc)) from None
    except NotAssignable as exc:
        raise RfiError("label_not_permitted", str(exc)) from None


def _addressees(cell: Cell, user: User, codes: Sequence[str]) -> list[str]:
    out = list(dict.fromkeys(c.strip().upper() for c in codes))
    registry = cell.registry
    unknown = [c for c in out if c not in registry.members and c not in registry.communities]
    if unknown:
        raise RfiError("invalid_request", f"unknown member or community in addressees: {', '.join(unknown)}")
    if len(out) > MAX_ADDRESSEES:
        raise RfiError("invalid_request", f"at most {MAX_ADDRESSEES} addressees")
    if not registry.expand(out) - {user.member}:
        raise RfiError("invalid_request", "addressees must include a member other than the asking member")
    return out


def _addressed(cell: Cell, member: str) -> ColumnElement[bool]:
    """SQL: ``member`` is within the RFI's expanded addressees.

    A code names a community when it is one (as in REL TO), else the member itself; so ``member``
    is addressed by its own code (unless that is a community's) or by a community holding it.
    """
    registry = cell.registry
    codes = set(registry.communities_of(member))
    if member not in registry.communities:
        codes.add(member)
    # Stored as a JSON list of registry codes, so '"CODE"' matches exactly one whole code.
    return or_(false(), *[rfis.c.addressees.contains(json.dumps(c), autoescape=True) for c in sorted(codes)])


class _View:
    """The SQL conditions of what one caller sees, computed once per transaction."""

    def __init__(self, cell: Cell, conn: Connection, user: User) -> None:
        readable = cell.labels.readable(conn, user.viewer, cell.registry)
        self.rfi = and_(
            readable.clause(rfis.c.label_id, rfis.c.member, user.member),
            or_(rfis.c.member == user.member, _addressed(cell, user.member)),
        )
        self.answer = readable.clause(rfi_answers.c.label_id, rfi_answers.c.member, user.member)

    def answered(self) -> Exists:
        """SQL: the RFI has an answer this caller sees."""
        return select(rfi_answers.c.pk).where(rfi_answers.c.rfi_id == rfis.c.id, self.answer).exists()


def _query(view: _View) -> Any:
    return (
        select(rfis, users.c.name.label("user_name"), view.answered().label("answered"))
        .join(users, users.c.id == rfis.c.asked_by)
        .where(view.rfi)
    )


def _shown_addressees(cell: Cell, row: Any, viewer_member: str) -> tuple[str, ...]:
    """The addressees as ``viewer_member`` may see them: a hit's holder stays unnamed to the asker."""
    if row.via_hit and viewer_member == row.member:
        return (f"holder of hit {row.via_hit}",)
    return tuple(json.loads(row.addressees))


def _rfi(
    cell: Cell, conn: Connection, row: Any, now: datetime, viewer_member: str, answers: tuple[Answer, ...] = ()
) -> Rfi:
    label = cell.labels.label(conn, row.label_id)
    deadline = row.deadline
    status = "closed" if row.status == "closed" else ("answered" if row.answered else "open")
    return Rfi(
        id=row.id,
        member=row.member,
        user=row.user_name,
        question=row.question,
        label=label.text() if label else "",
        addressees=_shown_addressees(cell, row, viewer_member),
        deadline=deadline,
        priority=row.priority,
        status=status,
        overdue=status == "open" and now > deadline,
        created_at=row.created_at,
        closed_at=row.closed_at if row.closed_at else None,
        answers=answers,
        via_hit=row.via_hit,
    )


def listing(
    cell: Cell, conn: Connection, user: User, *, status: str | None = None, mine: bool = False, limit: int = 100
) -> list[Rfi]:
    """The RFIs the caller sees, newest first: optionally only one status (as they see it) or their member's."""
    if status is not None and status not in STATUSES:
        raise RfiError("invalid_request", f"status must be one of {', '.join(STATUSES)}")
    now = cell.clock()
    view = _View(cell, conn, user)
    query = _query(view)
    not_closed, answered = rfis.c.status != "closed", view.answered()
    if status == "closed":
        query = query.where(rfis.c.status == "closed")
    elif status == "answered":
        query = query.where(not_closed, answered)
    elif status == "open":
        query = query.where(not_closed, ~answered)
    elif status == "overdue":
        query = query.where(not_closed, ~answered, rfis.c.deadline < now)
    if mine:
        query = query.where(rfis.c.member == user.member)
    rows = conn.execute(query.order_by(rfis.c.pk.desc()).limit(limit)).all()
    return [_rfi(cell, conn, row, now, user.member) for row in rows]


def addressed_to(cell: Cell, rfi: Rfi, member: str) -> bool:
    """Whether ``member`` is asked by ``rfi``: named, or in a community it names (never the asking member)."""
    if member == rfi.member:
        return False
    named = [c for c in rfi.addressees if c in cell.registry.members or c in cell.registry.communities]
    return member in cell.registry.expand(named)


def last_answers(cell: Cell, conn: Connection, user: User, rfi_ids: Sequence[str]) -> dict[str, datetime]:
    """When each of ``rfi_ids`` last got an answer the caller sees (RFIs without one are absent)."""
    if not rfi_ids:
        return {}
    view = _View(cell, conn, user)
    query = (
        select(rfi_answers.c.rfi_id, func.max(rfi_answers.c.created_at))
        .where(rfi_answers.c.rfi_id.in_(sorted(set(rfi_ids))), view.answer)
        .group_by(rfi_answers.c.rfi_id)
    )
    return {rfi_id: at for rfi_id, at in conn.execute(query)}


def get(cell: Cell, conn: Connection, user: User, rfi_id: str) -> Rfi | None:
    """One RFI with the answers the caller sees, oldest first; None when it does not exist for them."""
    view = _View(cell, conn, user)
    row = conn.execute(_query(view).where(rfis.c.id == rfi_id)).first()
    if row is None:
        return None
    answer_rows = conn.execute(
        select(rfi_answers, users.c.name.label("user_name"))
        .join(users, users.c.id == rfi_answers.c.answered_by)
        .where(rfi_answers.c.rfi_id == rfi_id, view.answer)
        .order_by(rfi_answers.c.pk)
    ).all()
    cited = {oid for r in answer_rows for oid in json.loads(r.object_ids)}
    readable: set[str] = set()
    if cited:
        versions, _ = select_versions(conn, access_for(cell, conn, user), Filters(ids=tuple(sorted(cited))))
        readable = {v.stix_id for v in versions}
    answers = []
    for r in answer_rows:
        label = cell.labels.label(conn, r.label_id)
        answers.append(
            Answer(
                id=r.id,
                member=r.member,
                user=r.user_name,
                text=r.text,
                label=label.text() if label else "",
                object_ids=tuple(oid for oid in json.loads(r.object_ids) if oid in readable),
                created_at=r.created_at,
            )
        )
    return _rfi(cell, conn, row, cell.clock(), user.member, tuple(answers))


def _visible_for_update(cell: Cell, conn: Connection, user: User, rfi_id: str) -> Any:
    """The RFI row the caller sees, locked against a concurrent answer or close (PostgreSQL)."""
    view = _View(cell, conn, user)
    query = select(rfis).where(rfis.c.id == rfi_id, view.rfi).with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise not_found(rfi_id)
    return row


def ask(
    cell: Cell,
    user: User,
    *,
    question: str,
    label: str,
    addressees: Sequence[str],
    deadline: str,
    priority: str,
    path: str,
    via_hit: str | None = None,
) -> Rfi:
    """Store an RFI asked by ``user`` with its audit entry; raise RfiError, storing nothing, when refused.

    ``via_hit`` is the reference of a screening hit whose holder is the one addressee: the asking
    member is then shown the reference, never the holder, here and in the audit trail.
    """
    now = cell.clock()
    question = _text(question, "question")
    bound = _label(cell, user, label)
    codes = list(addressees) if via_hit else _addressees(cell, user, addressees)
    due = parse_deadline(deadline, now)
    if priority not in PRIORITIES:
        raise RfiError("invalid_request", f"priority must be one of {', '.join(PRIORITIES)}")
    label_id = cell.labels.ensure(cell.db, [bound])[bound]
    rfi_id = str(uuid.uuid4())
    with cell.db.write() as conn:
        conn.execute(
            rfis.insert().values(
                id=rfi_id,
                member=user.member,
                asked_by=user.id,
                question=question,
                label_id=label_id,
                addressees=json.dumps(codes),
                deadline=due,
                priority=priority,
                status="open",
                created_at=now,
                via_hit=via_hit,
            )
        )
        to: dict[str, Any] = {"via_hit": via_hit} if via_hit else {"addressees": codes}
        detail = {**to, "priority": priority, "deadline": iso(due)}
        event = AuditEvent("write", "rfi.create", path, user.member, user.name, [rfi_id], [bound.text()], detail)
        audit.append(conn, event, now)
    shown = (f"holder of hit {via_hit}",) if via_hit else tuple(codes)
    return Rfi(
        rfi_id,
        user.member,
        user.name,
        question,
        bound.text(),
        shown,
        due,
        priority,
        "open",
        False,
        now,
        None,
        via_hit=via_hit,
    )


def answer(
    cell: Cell, user: User, rfi_id: str, *, text: str, label: str, object_ids: Sequence[str], path: str
) -> Answer:
    """Store ``user``'s answer to an RFI addressed to their member, with its audit entry; raise RfiError.

    Every cited object must be one the answerer may read; a missing and an unreadable object are
    refused alike.
    """
    now = cell.clock()
    text = _text(text, "text")
    bound = _label(cell, user, label)
    cited = list(dict.fromkeys(object_ids))
    if len(cited) > MAX_CITED:
        raise RfiError("invalid_request", f"at most {MAX_CITED} object ids")
    label_id = cell.labels.ensure(cell.db, [bound])[bound]
    answer_id = str(uuid.uuid4())
    with cell.db.write() as conn:
        row = _visible_for_update(cell, conn, user, rfi_id)
        addressed = cell.registry.expand(json.loads(row.addressees))
        if user.member == row.member or user.member not in addressed:
            raise RfiError("forbidden", "only addressees answer an RFI")
        if row.status == "closed":
            raise RfiError("conflict", f"RFI '{rfi_id}' is closed")
        shown = []
        for oid in cited:
            found = reading.latest(cell, conn, user, oid)
            if found is None:
                raise RfiError("invalid_request", f"unknown object '{oid}'")
            shown.append(found)
        conn.execute(
            rfi_answers.insert().values(
                id=answer_id,
                rfi_id=rfi_id,
                member=user.member,
                answered_by=user.id,
                text=text,
                object_ids=json.dumps(cited),
                label_id=label_id,
                created_at=now,
            )
        )
        if row.status == "open":
            conn.execute(rfis.update().where(rfis.c.id == rfi_id).values(status="answered"))
        rfi_label = cell.labels.label(conn, row.label_id)
        event = AuditEvent(
            "write",
            "rfi.answer",
            path,
            user.member,
            user.name,
            [rfi_id, answer_id, *cited],
            [rfi_label.text() if rfi_label else "", bound.text(), *(s.label for s in shown)],
        )
        audit.append(conn, event, now)
    return Answer(answer_id, user.member, user.name, text, bound.text(), tuple(cited), now)


def close(cell: Cell, user: User, rfi_id: str, path: str) -> Rfi:
    """Close an RFI for the asking member or an administrator who sees it, with its audit entry; raise RfiError."""
    now = cell.clock()
    with cell.db.write() as conn:
        row = _visible_for_update(cell, conn, user, rfi_id)
        if user.member != row.member and user.role != "admin":
            raise RfiError("forbidden", "only the asking member or an administrator closes an RFI")
        if row.status == "closed":
            raise RfiError("conflict", f"RFI '{rfi_id}' is already closed")
        conn.execute(rfis.update().where(rfis.c.id == rfi_id).values(status="closed", closed_at=now))
        label = cell.labels.label(conn, row.label_id)
        event = AuditEvent(
            "write", "rfi.close", path, user.member, user.name, [rfi_id], [label.text() if label else ""]
        )
        audit.append(conn, event, now)
        closed = conn.execute(_query(_View(cell, conn, user)).where(rfis.c.id == rfi_id)).one()
        return _rfi(cell, conn, closed, now, user.member)
