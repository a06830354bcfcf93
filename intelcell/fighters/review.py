"""The review queue: analysts confirm or reject the links resolution suggests.

A suggestion is a machine record (``suggested``/``auto`` in ``person_links``); a decision is a
human one (``confirmed``/``rejected``, with who and when), a separate verb that no later run
overwrites (HOUSE-STYLE). Both sides of a link must be readable by the caller for it to exist for
them: a link between a record they read and one they do not appears nowhere, not even in a
count, and deciding on it answers exactly like deciding on an unknown record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, Select, and_, func, select
from sqlalchemy.sql.util import ClauseAdapter

from intelcell.cell import Cell
from intelcell.clock import iso
from intelcell.domain.matching import ftf_v2
from intelcell.fighters import records, resolution
from intelcell.fighters.resolution import features_json, features_of
from intelcell.store import audit
from intelcell.store.audit import AuditEvent
from intelcell.store.labels import Readable
from intelcell.store.schema import person_links, persons, users
from intelcell.store.users import User

DECISIONS = {"confirm": "confirmed", "reject": "rejected"}
DECIDERS = ("analyst", "admin")
MAX_LIMIT = 200


class ReviewError(ValueError):
    """A refused decision: ``kind`` is ``invalid_request``, ``forbidden`` or ``not_found``."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


def not_found(record_id: str) -> ReviewError:
    """The one refusal for a record that is missing or that the caller may not read."""
    return ReviewError("not_found", f"no person '{record_id}'")


def visible_in(table: Any, readable: Readable, member: str) -> ColumnElement[bool]:
    """`records.visible` (the access rule on ``persons``) applied to an alias of ``persons``."""
    return ClauseAdapter(table).traverse(records.visible(readable, member))


def readable_pair(readable: Readable, member: str) -> tuple[Select[Any], Any, Any]:
    """Links joined to the current versions of both records, both readable: (query, alias a, alias b)."""
    pa, pb = persons.alias("pa"), persons.alias("pb")
    query = (
        select(
            person_links,
            pa.c.member.label("a_member"),
            pa.c.label_id.label("a_label_id"),
            pa.c.version.label("a_version"),
            pa.c.entity.label("a_entity"),
            pb.c.member.label("b_member"),
            pb.c.label_id.label("b_label_id"),
            pb.c.version.label("b_version"),
            pb.c.entity.label("b_entity"),
        )
        .join(pa, and_(pa.c.id == person_links.c.a_id, pa.c.is_current))
        .join(pb, and_(pb.c.id == person_links.c.b_id, pb.c.is_current))
        .where(visible_in(pa, readable, member), visible_in(pb, readable, member))
    )
    return query, pa, pb


def _side(cell: Cell, conn: Connection, row: Any, side: str) -> dict[str, Any]:
    entity = orjson.loads(getattr(row, f"{side}_entity"))
    label = cell.labels.label(conn, getattr(row, f"{side}_label_id"))
    props = entity.get("properties", {})
    return {
        "id": getattr(row, f"{side}_id"),
        "member": getattr(row, f"{side}_member"),
        "label": label.text() if label else "",
        "version": getattr(row, f"{side}_version"),
        "caption": (props.get("name") or props.get("alias") or [entity.get("id")])[0],
        "properties": props,
    }


@dataclass(frozen=True)
class Page:
    """One page of the review queue and how many suggestions the caller may review in all."""

    items: list[dict[str, Any]]
    total: int


def queue(cell: Cell, conn: Connection, user: User, limit: int = 50, offset: int = 0) -> Page:
    """Suggested links whose two records the caller may read, strongest first."""
    limit = max(1, min(limit, MAX_LIMIT))
    readable = cell.labels.readable(conn, user.viewer, cell.registry)
    query, _pa, _pb = readable_pair(readable, user.member)
    query = query.where(person_links.c.state == "suggested")
    total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = query.order_by(person_links.c.score.desc(), person_links.c.a_id, person_links.c.b_id)
    items = [
        {
            "a": _side(cell, conn, row, "a"),
            "b": _side(cell, conn, row, "b"),
            "score": row.score,
            "algorithm": row.algorithm,
            "state": row.state,
            "features": features_of(row.features),
            "created": iso(row.created_at),
        }
        for row in conn.execute(page.limit(limit).offset(max(offset, 0)))
    ]
    return Page(items, total)


def decided_by(conn: Connection, user_ids: set[int]) -> dict[int, dict[str, str]]:
    """Member and name of the users who made decisions."""
    if not user_ids:
        return {}
    query = select(users.c.id, users.c.member, users.c.name).where(users.c.id.in_(sorted(user_ids)))
    return {r.id: {"member": r.member, "user": r.name} for r in conn.execute(query)}


def link_json(row: Any, deciders: dict[int, dict[str, str]]) -> dict[str, Any]:
    """A stored link as the API shows it."""
    decided = None
    if row.decided_by is not None:
        decided = {**deciders.get(row.decided_by, {}), "at": iso(row.decided_at) if row.decided_at else None}
    return {
        "a": row.a_id,
        "b": row.b_id,
        "score": row.score,
        "algorithm": row.algorithm,
        "state": row.state,
        "features": features_of(row.features),
        "decided": decided,
    }


def decide(cell: Cell, user: User, a_id: str, b_id: str, decision: str, *, path: str) -> dict[str, Any]:
    """Record an analyst's decision on a pair of records both readable by them; clusters follow.

    Refusals (nothing stored): ``invalid_request`` for an unknown decision or a record paired
    with itself, ``forbidden`` for a role other than analyst or admin (checked before the
    records, so it reveals nothing about them), ``not_found`` alike for a missing or unreadable
    record. A pair the machine never suggested may be decided too (the analyst knows better):
    it is scored now so the decision keeps its evidence.
    """
    if decision not in DECISIONS:
        raise ReviewError("invalid_request", f"decision must be one of {', '.join(DECISIONS)}")
    if a_id == b_id:
        raise ReviewError("invalid_request", "a record cannot be linked to itself")
    if user.role not in DECIDERS:
        raise ReviewError("forbidden", "only analysts and administrators decide on links")
    state = DECISIONS[decision]
    now = cell.clock()
    with cell.db.write() as conn:
        resolution.serialise_links(conn)
        found = {}
        for rid in (a_id, b_id):
            record = records.get(cell, conn, user, rid)
            if record is None:
                raise not_found(rid)
            found[rid] = record
        a, b = sorted((a_id, b_id))
        where = and_(person_links.c.a_id == a, person_links.c.b_id == b)
        existing = conn.execute(select(person_links).where(where)).first()
        previous = existing.state if existing is not None else None
        if existing is not None:
            conn.execute(person_links.update().where(where).values(state=state, decided_by=user.id, decided_at=now))
            score = existing.score
        else:
            comparison = ftf_v2.compare(found[a].profile, found[b].profile)
            score = comparison.score
            conn.execute(
                person_links.insert().values(
                    a_id=a,
                    b_id=b,
                    score=score,
                    algorithm=ftf_v2.NAME,
                    features=features_json(comparison),
                    state=state,
                    decided_by=user.id,
                    decided_at=now,
                    created_at=now,
                )
            )
        detail = {"decision": decision, "previous": previous, "score": score}
        event = AuditEvent(
            "write", f"person.link.{decision}", path, user.member, user.name, [a, b], [found[a].label, found[b].label],
            detail,
        )  # fmt: skip
        audit.append(conn, event, now)
        resolution.recluster(conn, {a, b})
        row = conn.execute(select(person_links).where(where)).one()
        return link_json(row, decided_by(conn, {user.id}))
